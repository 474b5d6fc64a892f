import { Global, Module } from '@nestjs/common';
import { ApiKeyCache } from './api-key.cache';
import { AuthGuard } from './auth.guard';
import { TenancyRepository } from './tenancy.repository';
import { TenancyService } from './tenancy.service';

/** Projects and API keys. The AuthGuard is registered as APP_GUARD by the API module (first guard). */
@Global()
@Module({
  providers: [TenancyRepository, TenancyService, ApiKeyCache, AuthGuard],
  exports: [TenancyService, ApiKeyCache, AuthGuard, TenancyRepository],
})
export class TenancyModule {}
