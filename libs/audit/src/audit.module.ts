import { Global, Module, OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuditContextInterceptor } from './audit-context.interceptor';
import { AuditLogController, ManagementAuditLogController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditSubscriber } from './audit.subscriber';

/**
 * The audit log's storage, the ledger and the entity subscriber. Every entry point imports it
 * (API, worker, CLI): AuditService is global for the modules that record or append.
 */
@Global()
@Module({
  providers: [AuditRepository, AuditService],
  exports: [AuditService],
})
export class AuditCoreModule implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AuditRepository,
  ) {}

  onModuleInit(): void {
    // Subscribers are read from the DataSource on every event, so one added after
    // initialisation takes part from now on; the data source factory stays schema-only.
    if (!this.dataSource.subscribers.some((s) => s instanceof AuditSubscriber))
      this.dataSource.subscribers.push(new AuditSubscriber(this.repository));
  }
}

/** HTTP side: the request context for every authenticated route and the audit-log routes. */
@Module({
  imports: [AuditCoreModule],
  controllers: [AuditLogController, ManagementAuditLogController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: AuditContextInterceptor }],
})
export class AuditModule {}
