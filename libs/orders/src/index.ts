export * from './order.entity';
export * from './order.mapping';
export * from './order-items';
export * from './orders.dto';
export * from './orders.errors';
export * from './orders-import.service';
export * from './orders.module';
export * from './orders.service';
