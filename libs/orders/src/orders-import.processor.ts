import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobPayloads } from '@app/queue';
import { OrdersImportService } from './orders-import.service';

@Injectable()
@HandlesJob('orders.import')
export class OrdersImportProcessor implements JobHandler<'orders.import'> {
  constructor(private readonly imports: OrdersImportService) {}

  handle(payload: JobPayloads['orders.import']): Promise<void> {
    return this.imports.run(payload);
  }
}
