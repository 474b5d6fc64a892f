import { DynamicModule, ForwardReference, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AsyncActionsModule } from '@app/async-actions';
import { AuditModule } from '@app/audit';
import { AppConfig, CoreModule } from '@app/core';
import { CustomersModule } from '@app/customers';
import { IdempotencyModule } from '@app/idempotency';
import { ExportsModule } from '@app/exports';
import { ManagementModule } from '@app/management';
import { OrdersModule } from '@app/orders';
import { PublicationsModule } from '@app/publications';
import { ReportsModule } from '@app/reports';
import { QueueModule } from '@app/queue';
import { RateLimitGuard, RateLimitModule } from '@app/rate-limit';
import { CustomerActivityModule } from '@app/side-effects';
import { AuthGuard, TenancyModule } from '@app/tenancy';
import { VoucherRelatedObjectsModule } from '@app/vouchers';
import { WebhooksModule } from '@app/webhooks';
import { SCHEMA } from './schema';
import { RedemptionsHttpModule } from './redemptions/redemptions-http.module';
import { ValidationRulesApiModule } from './validation-rules/validation-rules-api.module';
import { VouchersHttpModule } from './vouchers/vouchers-http.module';
import { WORKER_MODULES } from './worker.module';

type Importable = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** The domain modules served over HTTP. Later modules add themselves here. */
export const DOMAIN_MODULES: Importable[] = [
  AsyncActionsModule,
  ValidationRulesApiModule,
  VouchersHttpModule,
  // Lets validation-rule assignments name a voucher by code or a campaign by name.
  VoucherRelatedObjectsModule,
  CustomersModule,
  OrdersModule,
  CustomerActivityModule,
  WebhooksModule,
  PublicationsModule,
  IdempotencyModule,
  RedemptionsHttpModule,
  ManagementModule,
  AuditModule,
  ExportsModule,
  ReportsModule,
];

/**
 * The HTTP application. Guards run in registration order: authentication first, then the
 * rate limiter (which needs the project), so no route can skip either.
 */
@Module({})
export class ApiModule {
  static register(config: AppConfig, extra: Importable[] = []): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config, SCHEMA),
        TenancyModule,
        RateLimitModule,
        QueueModule,
        ...DOMAIN_MODULES,
        // ROLE=all (the embedded default) runs the job processors in the API process.
        ...(config.runsWorker ? WORKER_MODULES : []),
        ...extra,
      ],
      providers: [
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_GUARD, useExisting: RateLimitGuard },
      ],
    };
  }
}
