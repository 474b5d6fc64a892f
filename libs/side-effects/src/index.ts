export * from './customer-activity.entity';
export * from './customer-activity.service';
export * from './side-effects.logic';
export * from './side-effects.module';
export * from './side-effects.subscribers';
