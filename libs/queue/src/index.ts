export * from './in-process.driver';
export * from './job-handler';
export * from './job-names';
export * from './job-queue';
export * from './queue.module';
