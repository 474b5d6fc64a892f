export * from './management.decorators';
export * from './management.dto';
export * from './management.module';
export * from './management.service';
