import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource, TypeORMError } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AppError, Errors } from '../errors/app-error';
import { rootLogger } from '../logging/logger';
import { backoffWithJitter } from '../redis/redis.module';
import { isDatabaseUnavailableError } from './database-errors';
import { createDataSource, SchemaDefinition } from './data-source.factory';
import { EmbeddedPostgres } from './embedded-postgres';
import { TransactionRunner } from './transaction-runner';

export const SCHEMA = Symbol('SCHEMA');

export type DatabaseState = 'connecting' | 'migrating' | 'ready' | 'closed';

/** Reconnect attempts back off from 200 ms up to this cap (with full jitter). */
const RECONNECT_CAP_MS = 5_000;
const LOG_EVERY_MS = 10_000;
const FIRST_ATTEMPT_WAIT_MS = 1_500;

/**
 * Owns the embedded database (when used) and the DataSource's lifecycle.
 *
 * With a real Postgres the DataSource is handed out before it is connected and connects in
 * the background, retrying with capped exponential backoff and jitter for as long as the
 * process lives: a process whose database is down at boot starts, answers liveness, reports
 * not-ready naming postgres, and becomes ready on its own. Once connected, pg's pool replaces
 * lost connections by itself. The embedded database is local and started synchronously.
 */
@Injectable()
export class DatabaseLifecycle implements OnApplicationShutdown {
  embedded?: EmbeddedPostgres;
  dataSource?: DataSource;
  private currentState: DatabaseState = 'connecting';
  private attempts = 0;
  private lastError?: string;
  private lastLoggedAt = 0;
  private retryTimer?: NodeJS.Timeout;
  private wakeRetry?: () => void;
  private connecting?: Promise<void>;
  private readonly readyWaiters: Array<() => void> = [];

  constructor(
    private readonly config: AppConfig,
    @Inject(SCHEMA) private readonly schema: SchemaDefinition,
  ) {}

  get state(): DatabaseState {
    return this.currentState;
  }

  async open(): Promise<DataSource> {
    const config = this.config;
    if (config.embeddedDatabase) {
      // Local and required: a failure here is a real start-up failure, not an outage to ride out.
      this.embedded = new EmbeddedPostgres(config.env.DATA_DIR);
      const running = this.embedded.runningEndpoint();
      const url = running ? running.url : await this.embedded.start();
      if (running) this.embedded = undefined;
      this.dataSource = createDataSource(config, url, this.schema, true);
      await this.dataSource.initialize();
      await this.migrate(this.dataSource, true);
      this.markReady();
      return this.dataSource;
    }
    this.dataSource = createDataSource(config, config.env.DATABASE_URL!, this.schema, false);
    let firstAttemptDone!: () => void;
    const firstAttempt = new Promise<void>((resolve) => (firstAttemptDone = resolve));
    this.connecting = this.connectLoop(this.dataSource, firstAttemptDone);
    // The usual case (Postgres up) connects before the app is built, so start-up code and
    // tests see a connected DataSource; a down or hung Postgres holds start-up back at most
    // FIRST_ATTEMPT_WAIT_MS, then the process starts anyway and keeps retrying.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      firstAttempt,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_ATTEMPT_WAIT_MS))),
    ]);
    clearTimeout(timer);
    return this.dataSource;
  }

  /**
   * Resolves once the database is connected (and migrated where this process migrates).
   * For start-up code (demo project, CLI); request paths rely on the 503 mapping instead.
   */
  whenReady(): Promise<void> {
    if (this.currentState === 'ready') return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Null when the database answers; otherwise why not (shown by /health/ready). */
  async readinessProblem(): Promise<string | null> {
    if (this.currentState === 'connecting')
      return this.lastError
        ? `not ready (attempt ${this.attempts}: ${this.lastError})`
        : 'connecting';
    if (this.currentState !== 'ready') return this.currentState;
    await this.dataSource!.query('SELECT 1');
    return null;
  }

  /**
   * The 503 for errors that mean the database is away (or not connected yet), so callers get
   * the contract body with Retry-After instead of a 500 or a hang. Undefined for anything else.
   */
  unavailableError(error: unknown): AppError | undefined {
    if (error instanceof AppError) return undefined;
    const notConnected = this.currentState !== 'ready' && error instanceof TypeORMError;
    if (!notConnected && !isDatabaseUnavailableError(error)) return undefined;
    this.logThrottled('database unavailable: answering 503', error);
    return Errors.serviceUnavailable('The database is unavailable; retry later', 2);
  }

  private async connectLoop(dataSource: DataSource, firstAttemptDone: () => void): Promise<void> {
    try {
      await this.connectUntilReady(dataSource, firstAttemptDone);
    } finally {
      firstAttemptDone();
    }
  }

  private async connectUntilReady(
    dataSource: DataSource,
    firstAttemptDone: () => void,
  ): Promise<void> {
    while (!this.closed()) {
      try {
        await dataSource.initialize();
        if (this.closed()) return;
        if (this.config.env.MIGRATIONS_RUN) {
          this.currentState = 'migrating';
          await this.migrate(dataSource, false);
        }
        if (this.attempts > 0) rootLogger().info({ attempts: this.attempts }, 'database connected');
        this.markReady();
        return;
      } catch (error) {
        if (this.closed()) return;
        this.attempts++;
        const message = (error as Error).message || String(error);
        this.lastError =
          this.currentState === 'migrating' ? `migration failed: ${message}` : message;
        this.logThrottled('database unreachable; retrying with backoff', error);
        await this.discard(dataSource);
        firstAttemptDone();
        this.currentState = 'connecting';
        await this.sleep(backoffWithJitter(this.attempts, 200, RECONNECT_CAP_MS));
      }
    }
  }

  private async migrate(dataSource: DataSource, embedded: boolean): Promise<void> {
    if (!embedded && !this.config.env.MIGRATIONS_RUN) return;
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length)
      rootLogger().info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  }

  /** A failed initialize() can leave a pool behind (connected, then failed later): end it. */
  private async discard(dataSource: DataSource): Promise<void> {
    try {
      if (dataSource.isInitialized) await dataSource.destroy();
      const driver = dataSource.driver as unknown as { master?: { end(): Promise<void> } };
      if (driver.master) {
        const pool = driver.master;
        driver.master = undefined;
        await pool.end();
      }
    } catch (error) {
      rootLogger().debug({ err: (error as Error).message }, 'discarding a failed pool');
    }
  }

  private closed(): boolean {
    return this.currentState === 'closed';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeRetry = resolve;
      this.retryTimer = setTimeout(resolve, ms);
    });
  }

  private markReady(): void {
    this.currentState = 'ready';
    this.lastError = undefined;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  private logThrottled(message: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastLoggedAt < LOG_EVERY_MS) return;
    this.lastLoggedAt = now;
    rootLogger().warn(
      { err: (error as Error)?.message ?? String(error), attempts: this.attempts },
      message,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.currentState = 'closed';
    clearTimeout(this.retryTimer);
    this.wakeRetry?.();
    await this.connecting;
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
