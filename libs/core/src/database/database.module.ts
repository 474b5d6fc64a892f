import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { rootLogger } from '../logging/logger';
import { createDataSource, SchemaDefinition } from './data-source.factory';
import { EmbeddedPostgres } from './embedded-postgres';
import { TransactionRunner } from './transaction-runner';

export const SCHEMA = Symbol('SCHEMA');

/** Owns the embedded database (when used) and the DataSource's lifecycle. */
@Injectable()
export class DatabaseLifecycle implements OnApplicationShutdown {
  embedded?: EmbeddedPostgres;
  dataSource?: DataSource;

  constructor(
    private readonly config: AppConfig,
    @Inject(SCHEMA) private readonly schema: SchemaDefinition,
  ) {}

  async open(): Promise<DataSource> {
    const config = this.config;
    let url = config.env.DATABASE_URL;
    const embedded = config.embeddedDatabase;
    if (embedded) {
      this.embedded = new EmbeddedPostgres(config.env.DATA_DIR);
      const running = this.embedded.runningEndpoint();
      url = running ? running.url : await this.embedded.start();
      if (running) this.embedded = undefined;
    }
    const dataSource = createDataSource(config, url!, this.schema, embedded);
    await dataSource.initialize();
    this.dataSource = dataSource;
    if (embedded || config.env.MIGRATIONS_RUN) {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length)
        rootLogger().info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    }
    return dataSource;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(schema: SchemaDefinition): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: SCHEMA, useValue: schema },
        DatabaseLifecycle,
        {
          provide: DataSource,
          inject: [DatabaseLifecycle],
          useFactory: (lifecycle: DatabaseLifecycle) => lifecycle.open(),
        },
        TransactionRunner,
      ],
      exports: [DataSource, TransactionRunner, DatabaseLifecycle],
    };
  }
}
