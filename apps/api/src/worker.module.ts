import { DynamicModule, ForwardReference, Module, Type } from '@nestjs/common';
import { AuditCoreModule, LedgerSealerModule } from '@app/audit';
import { AppConfig, CoreModule } from '@app/core';
import { ExportsJobsModule } from '@app/exports';
import { OrdersWorkerModule } from '@app/orders';
import { QueueModule } from '@app/queue';
import { ReportsWorkerModule } from '@app/reports';
import { SideEffectsModule } from '@app/side-effects';
import { TenancyModule } from '@app/tenancy';
import { VouchersJobsModule } from '@app/vouchers';
import { WebhooksModule } from '@app/webhooks';
import { SCHEMA } from './schema';

type Importable = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** Modules that process background jobs. Later modules add their processors here. */
export const WORKER_MODULES: Importable[] = [
  VouchersJobsModule,
  OrdersWorkerModule,
  WebhooksModule,
  SideEffectsModule,
  ExportsJobsModule,
  ReportsWorkerModule,
  LedgerSealerModule,
];

/** The job-processing application context (no HTTP). */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, SCHEMA, { http: false }),
        TenancyModule,
        AuditCoreModule,
        QueueModule,
        ...WORKER_MODULES,
      ],
    };
  }
}
