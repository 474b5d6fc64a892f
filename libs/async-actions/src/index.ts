export * from './async-action.entity';
export * from './async-actions.module';
export * from './async-actions.service';
