import 'reflect-metadata';
import { AppConfig } from '../config/app-config';
import { createDataSource } from './data-source.factory';
import { SCHEMA } from '../../../../apps/api/src/schema';

/** Data source for the TypeORM CLI (migration:generate/run/revert) against DATABASE_URL. */
const config = new AppConfig();
if (!config.env.DATABASE_URL) throw new Error('DATABASE_URL must be set for migration commands');
export default createDataSource(config, config.env.DATABASE_URL, SCHEMA, false);
