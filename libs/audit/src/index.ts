export * from './audit-ledger.entity';
export * from './audit-log.entity';
