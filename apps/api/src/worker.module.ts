import { DynamicModule, ForwardReference, Module, Type } from '@nestjs/common';
import { AppConfig, CoreModule } from '@app/core';
import { OrdersWorkerModule } from '@app/orders';
import { QueueModule } from '@app/queue';
import { TenancyModule } from '@app/tenancy';
import { VouchersJobsModule } from '@app/vouchers';
import { SCHEMA } from './schema';

type Importable = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** Modules that process background jobs. Later modules add their processors here. */
export const WORKER_MODULES: Importable[] = [VouchersJobsModule, OrdersWorkerModule];

/** The job-processing application context (no HTTP). */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, SCHEMA, { http: false }),
        TenancyModule,
        QueueModule,
        ...WORKER_MODULES,
      ],
    };
  }
}
