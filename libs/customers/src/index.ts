export * from './customer.entity';
export * from './customer.mapping';
export * from './customers.dto';
export * from './customers.errors';
export * from './customers.module';
export * from './customers.service';
