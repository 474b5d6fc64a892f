import { Global, Module } from '@nestjs/common';
import { ApiKeyCache } from './api-key.cache';
import { AuthGuard } from './auth.guard';
import { ManagementKeysService } from './management-keys.service';
import { TenancyRepository } from './tenancy.repository';
import { TenancyService } from './tenancy.service';

/** Projects and API keys. The AuthGuard is registered as APP_GUARD by the API module (first guard). */
@Global()
@Module({
  providers: [TenancyRepository, TenancyService, ManagementKeysService, ApiKeyCache, AuthGuard],
  exports: [TenancyService, ManagementKeysService, ApiKeyCache, AuthGuard, TenancyRepository],
})
export class TenancyModule {}
