import { DynamicModule, Module } from '@nestjs/common';
import { AuditCoreModule } from '@app/audit';
import { AppConfig, CoreModule } from '@app/core';
import { RateLimitPolicyModule } from '@app/rate-limit';
import { TenancyModule } from '@app/tenancy';
import { SCHEMA } from './schema';

/** What the operator CLI needs: the database and the tenancy services, no HTTP, no jobs. */
@Module({})
export class CliModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        CoreModule.forRoot(config, SCHEMA, { http: false }),
        TenancyModule,
        RateLimitPolicyModule,
        AuditCoreModule,
      ],
    };
  }
}
