export * from './csv';
export * from './export-query';
export * from './export-registry';
export * from './export.entity';
export * from './exports.module';
export * from './exports.service';
