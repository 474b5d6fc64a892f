export * from './reports.logic';
export * from './reports.module';
export * from './reports.repository';
export * from './reports.service';
export * from './reports.subscriber';
export * from './rollup.entity';
