export * from './idempotency-key.entity';
export * from './idempotency.errors';
export * from './idempotency.interceptor';
export * from './idempotency.module';
export * from './idempotency.repository';
export * from './idempotency.service';
export * from './request-hash';
