export * from './audit-context';
export * from './audit-diff';
export * from './audit-ledger.entity';
export * from './audit-log.entity';
export * from './audit-registry';
export * from './audit.module';
export * from './audit.repository';
export * from './audit.service';
export { columnValues as auditColumns } from './audit.subscriber';
