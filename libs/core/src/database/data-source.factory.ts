import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { AppConfig } from '../config/app-config';

export interface SchemaDefinition {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/** One place that turns config into TypeORM options: app, worker, CLI, tests and migration scripts. */
export function dataSourceOptions(
  config: AppConfig,
  url: string,
  schema: SchemaDefinition,
  embedded: boolean,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    applicationName: `voucher-platform:${config.env.ROLE}`,
    extra: {
      // PGlite runs one statement at a time; a few connections only avoid pool waits.
      max: embedded ? 4 : config.env.DB_POOL_MAX,
      connectionTimeoutMillis: config.env.DB_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      statement_timeout: embedded ? undefined : config.env.DB_STATEMENT_TIMEOUT_MS,
      // statement_timeout is enforced by the server; a hung or partitioned server would never
      // send it, so the client gives up a little later on its own.
      query_timeout: embedded ? undefined : config.env.DB_STATEMENT_TIMEOUT_MS + 2_000,
      // Dead peers (a server that vanished without a FIN) are noticed by TCP keepalive.
      keepAlive: true,
    },
  };
}

export function createDataSource(
  config: AppConfig,
  url: string,
  schema: SchemaDefinition,
  embedded: boolean,
): DataSource {
  return new DataSource(dataSourceOptions(config, url, schema, embedded));
}
