import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

export type ProcessRole = 'all' | 'api' | 'worker';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : value === true || value === 'true' || value === '1';
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the platform reads, validated once at boot.
 * Property names are the variable names so that an error message names the variable.
 */
export class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV: string = 'development';
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '127.0.0.1';
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: string = 'info';
  @IsString() DATA_DIR: string = './.data';
  @IsIn(['all', 'api', 'worker']) ROLE: ProcessRole = 'all';

  @Transform(toInt) @IsInt() @Min(1) @Max(200) DB_POOL_MAX: number = 10;
  @Transform(toInt) @IsInt() @Min(100) DB_CONNECT_TIMEOUT_MS: number = 3000;
  @Transform(toInt) @IsInt() @Min(100) DB_STATEMENT_TIMEOUT_MS: number = 15000;
  @Transform(toBool) @IsBoolean() MIGRATIONS_RUN: boolean = false;
  @IsString() REDIS_PREFIX: string = 'vp';
  @Transform(toInt) @IsInt() @Min(5) REDIS_COMMAND_TIMEOUT_MS: number = 100;

  @Transform(toInt) @IsInt() @Min(1024) BODY_LIMIT_BYTES: number = 1_048_576;
  @Transform(toInt) @IsInt() @Min(0) REQUEST_TIMEOUT_MS: number = 30_000;
  @Transform(toInt) @IsInt() @Min(0) SHUTDOWN_TIMEOUT_MS: number = 25_000;
  /** After SIGTERM, readiness answers 503 this long before the server stops accepting (lets load balancers notice). */
  @Transform(toInt) @IsInt() @Min(0) SHUTDOWN_DRAIN_DELAY_MS: number = 0;
  /** Readiness drops when the event loop's p99 delay over the last second exceeds this. */
  @Transform(toInt) @IsInt() @Min(10) READY_MAX_EVENT_LOOP_DELAY_MS: number = 500;
  /** Readiness drops when the used heap exceeds this share of the heap limit (--max-old-space-size). */
  @Transform(toInt) @IsInt() @Min(10) @Max(99) READY_MAX_HEAP_PERCENT: number = 85;
  /**
   * Whether a Redis outage makes the process unready. True by default; false keeps replicas
   * in rotation during a Redis outage (the limiter fails open, jobs wait in the outbox) so a
   * shared-dependency blip cannot take every replica out at once.
   */
  @Transform(toBool) @IsBoolean() READY_REQUIRES_REDIS: boolean = true;

  @Transform(toInt) @IsInt() @Min(0) AUTH_CACHE_TTL_MS: number = 30_000;
  @Transform(toInt) @IsInt() @Min(1) AUTH_CACHE_MAX: number = 10_000;

  @Transform(emptyToUndefined) @IsOptional() @IsString() OPERATOR_TOKEN?: string;
  @Transform(toBool) @IsBoolean() DOCS_ENABLED: boolean = true;
  @Transform(toBool) @IsBoolean() DEMO_PROJECT: boolean = true;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Typed, validated view of the environment. The only place that reads process.env. */
export class AppConfig {
  readonly env: EnvironmentVariables;

  constructor(source: Record<string, string | undefined> = process.env) {
    const known = Object.keys(new EnvironmentVariables());
    const picked: Record<string, unknown> = {};
    for (const key of [...known, 'DATABASE_URL', 'REDIS_URL', 'OPERATOR_TOKEN']) {
      if (source[key] !== undefined) picked[key] = source[key];
    }
    const env = plainToInstance(EnvironmentVariables, picked);
    const errors = validateSync(env, { skipMissingProperties: false });
    if (errors.length > 0) {
      throw new ConfigValidationError(
        errors.map(
          (e) =>
            `${e.property}=${JSON.stringify(picked[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
        ),
      );
    }
    this.env = env;
  }

  get isTest(): boolean {
    return this.env.NODE_ENV === 'test';
  }
  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }
  /** No DATABASE_URL: the embedded PGlite database under DATA_DIR. */
  get embeddedDatabase(): boolean {
    return !this.env.DATABASE_URL;
  }
  /** No REDIS_URL: in-process queue driver and in-memory limiter. */
  get embeddedRedis(): boolean {
    return !this.env.REDIS_URL;
  }
  get runsApi(): boolean {
    return this.env.ROLE === 'all' || this.env.ROLE === 'api';
  }
  get runsWorker(): boolean {
    return this.env.ROLE === 'all' || this.env.ROLE === 'worker';
  }

  /** Derive a config with overrides (tests, CLI). */
  with(overrides: Record<string, string | undefined>): AppConfig {
    const base: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(this.env)) if (v !== undefined) base[k] = String(v);
    return new AppConfig({ ...base, ...overrides });
  }
}
