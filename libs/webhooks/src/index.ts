export * from './target-url';
export * from './webhook-delivery.entity';
export * from './webhook-endpoint.entity';
export * from './webhook-envelope';
export * from './webhooks.module';
export * from './webhooks.service';
export * from './webhooks.dto';
