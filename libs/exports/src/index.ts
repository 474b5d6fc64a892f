export * from './export.entity';
