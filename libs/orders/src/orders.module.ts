import { Module } from '@nestjs/common';
import { AsyncActionsModule } from '@app/async-actions';
import { CustomersModule } from '@app/customers';
import { OrdersImportProcessor } from './orders-import.processor';
import { OrdersImportService } from './orders-import.service';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@Module({
  imports: [CustomersModule, AsyncActionsModule],
  controllers: [OrdersController],
  providers: [OrdersRepository, OrdersService, OrdersImportService],
  exports: [OrdersService, OrdersImportService],
})
export class OrdersModule {}

/** The import job's processor, for every process that runs the worker role. */
@Module({
  imports: [OrdersModule],
  providers: [OrdersImportProcessor],
})
export class OrdersWorkerModule {}
