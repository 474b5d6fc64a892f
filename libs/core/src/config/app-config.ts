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
/** The contract's schedule: 1, 2, 4, 8, 16, 32 min, 1h04, 2h08, 4h16, 8h32, 17h04, 24 h. */
const WEBHOOK_DEFAULT_SCHEDULE_MS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1440]
  .map((minutes) => minutes * 60_000)
  .join(',');

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the platform reads, validated once at boot.
 * Property names are the variable names so that an error message names the variable.
 */
export class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV: string = 'development';
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '127.0.0.1';
  /**
   * Which proxies may set X-Forwarded-For: `false` (default: the socket address is the client),
   * `true` (any; only behind a proxy that overwrites the header), or a comma-separated
   * list of proxy addresses/CIDRs. Per-IP limits depend on it.
   */
  @Matches(/^(true|false|[0-9a-fA-F.:/,\s]+)$/, {
    message: 'TRUST_PROXY must be true, false or a list of addresses/CIDRs',
  })
  TRUST_PROXY: string = 'false';
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
  /** Once the server stops accepting, idle keep-alive connections stay this long so a request already sent on one is answered, not reset. */
  @Transform(toInt) @IsInt() @Min(0) SHUTDOWN_IDLE_GRACE_MS: number = 1_000;
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

  /** Jobs: attempts and the base of the exponential backoff for jobs that fail on infrastructure. */
  @Transform(toInt) @IsInt() @Min(1) @Max(50) QUEUE_JOB_ATTEMPTS: number = 8;
  @Transform(toInt) @IsInt() @Min(10) QUEUE_BACKOFF_BASE_MS: number = 1_000;
  /** Failed jobs kept in Redis for inspection (per queue); completed jobs kept for dedupe. */
  @Transform(toInt) @IsInt() @Min(1) QUEUE_FAILED_KEEP: number = 5_000;
  @Transform(toInt) @IsInt() @Min(1) QUEUE_COMPLETED_KEEP: number = 10_000;
  /** A worker that dies holding a job loses it to another worker after this long. */
  @Transform(toInt) @IsInt() @Min(500) QUEUE_LOCK_MS: number = 30_000;
  /** How long enqueuing may wait for Redis before the caller treats it as down. */
  @Transform(toInt) @IsInt() @Min(50) QUEUE_ENQUEUE_TIMEOUT_MS: number = 2_000;
  @Transform(toInt) @IsInt() @Min(1) @Max(500) QUEUE_EVENTS_CONCURRENCY: number = 8;
  /** Imports and code generation: few at a time, they are heavy on Postgres. */
  @Transform(toInt) @IsInt() @Min(1) @Max(50) QUEUE_BULK_CONCURRENCY: number = 2;

  /** Outbox relay: rows per batch and the longest idle sleep between polls. */
  @Transform(toInt) @IsInt() @Min(1) @Max(5_000) OUTBOX_BATCH_SIZE: number = 200;
  @Transform(toInt) @IsInt() @Min(10) OUTBOX_POLL_MAX_MS: number = 500;

  /** Ledger sealer (worker role): how often committed ledger entries are chained. */
  @Transform(toInt) @IsInt() @Min(10) LEDGER_SEAL_INTERVAL_MS: number = 500;

  /** Webhooks: receiver timeout, retry delays (ms, comma-separated), failures before disabling. */
  @Transform(toInt) @IsInt() @Min(100) WEBHOOK_TIMEOUT_MS: number = 10_000;
  @Matches(/^\d+(,\d+)*$/, { message: 'WEBHOOK_RETRY_SCHEDULE_MS must be comma-separated ms' })
  WEBHOOK_RETRY_SCHEDULE_MS: string = WEBHOOK_DEFAULT_SCHEDULE_MS;
  @Transform(toInt) @IsInt() @Min(1) WEBHOOK_DISABLE_AFTER_FAILURES: number = 12;
  /** Allows loopback and private-network targets (tests, on-premise receivers); off by default (SSRF). */
  @Transform(toBool) @IsBoolean() WEBHOOK_ALLOW_PRIVATE_TARGETS: boolean = false;
  @Transform(toInt) @IsInt() @Min(1) @Max(500) WEBHOOK_CONCURRENCY: number = 16;
  /** How often the worker re-enqueues deliveries whose job was lost (overdue by one interval). */
  @Transform(toInt) @IsInt() @Min(100) WEBHOOK_SWEEP_INTERVAL_MS: number = 30_000;
  @Transform(toBool) @IsBoolean() DOCS_ENABLED: boolean = true;
  @Transform(toBool) @IsBoolean() DEMO_PROJECT: boolean = true;

  // Rate limiting and overload protection (libs/rate-limit, docs/rate-limiting.md).
  /** Kill switch for the per-project limiter (shedding and per-IP limits stay on). */
  @Transform(toBool) @IsBoolean() RATE_LIMIT_ENABLED: boolean = true;
  /** Requests per minute of the `default` plan (a project without an override). */
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_DEFAULT_PER_MINUTE: number = 2000;
  /** Burst (bucket capacity) of the default plan; 0 = derived (10 s worth, at least 10). */
  @Transform(toInt) @IsInt() @Min(0) RATE_LIMIT_DEFAULT_BURST: number = 0;
  /** API replicas sharing the limit: the local fallback admits limit / replicas while Redis is away. */
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_REPLICAS: number = 1;
  /** Requests per minute per IP without credentials, failing authentication, or to unknown routes. */
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_IP_PER_MINUTE: number = 120;
  /** Client-side (publishable key) requests per IP per window (the contract: 5 per 5 s). */
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_CLIENT_IP_LIMIT: number = 5;
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_CLIENT_IP_WINDOW_S: number = 5;
  /** Failed lookups of unknown codes per project and IP per minute before guessing is throttled. */
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_CODE_MISSES_PER_MINUTE: number = 30;
  /** Requests in flight per project per process; a share is reserved for `critical` routes. */
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_INFLIGHT_PER_PROJECT: number = 64;
  @Transform(toInt) @IsInt() @Min(0) @Max(90) RATE_LIMIT_CRITICAL_RESERVE_PCT: number = 20;
  /**
   * While other projects are being served, a 429 for an already blocked key is held this long
   * before it is sent, so a flooding client's connections cannot crowd them out (0 = never).
   */
  @Transform(toInt) @IsInt() @Min(0) @Max(1_000) RATE_LIMIT_BLOCKED_HOLD_MS: number = 50;
  /** Hard caps of the traffic-keyed in-process structures. */
  @Transform(toInt) @IsInt() @Min(16) RATE_LIMIT_BLOCK_CACHE_MAX: number = 10_000;
  @Transform(toInt) @IsInt() @Min(16) RATE_LIMIT_LOCAL_MAX_KEYS: number = 50_000;
  @Transform(toInt) @IsInt() @Min(16) RATE_LIMIT_INFLIGHT_MAX_PROJECTS: number = 10_000;
  /** How long a project's limit override is cached (changes apply within this time, no restart). */
  @Transform(toInt) @IsInt() @Min(0) RATE_LIMIT_POLICY_CACHE_TTL_MS: number = 5_000;
  /** Redis circuit breaker: consecutive failures to open, and how long it stays open. */
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_BREAKER_FAILURES: number = 3;
  @Transform(toInt) @IsInt() @Min(50) RATE_LIMIT_BREAKER_OPEN_MS: number = 2_000;
  /** Load shedding on event-loop utilisation / delay, sampled every SHED_SAMPLE_MS (0 = off). */
  @Transform(toInt) @IsInt() @Min(0) SHED_SAMPLE_MS: number = 500;
  @Transform(toInt) @IsInt() @Min(1) @Max(100) SHED_ELU_HIGH_PCT: number = 95;
  @Transform(toInt) @IsInt() @Min(0) @Max(100) SHED_ELU_LOW_PCT: number = 80;
  @Transform(toInt) @IsInt() @Min(1) SHED_DELAY_HIGH_MS: number = 200;
  @Transform(toInt) @IsInt() @Min(0) SHED_DELAY_LOW_MS: number = 50;
  /** Consecutive bad samples to shed one more class; good samples to restore one. */
  @Transform(toInt) @IsInt() @Min(1) SHED_UP_SAMPLES: number = 2;
  @Transform(toInt) @IsInt() @Min(1) SHED_DOWN_SAMPLES: number = 6;
  @Transform(toBool) @IsBoolean() METRICS_ENABLED: boolean = true;
  // Validation/redemption: voucher definitions (rules, campaign name) cached briefly; never counters.
  @Transform(toInt) @IsInt() @Min(0) VALIDATION_CACHE_TTL_MS: number = 5000;
  @Transform(toInt) @IsInt() @Min(1) VALIDATION_CACHE_MAX: number = 10_000;
  /** Public base URL of the API (e.g. https://vouchers.example.com) for absolute export download URLs; relative when unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+[^/\s]$/, {
    message: 'PUBLIC_URL must be an http(s) URL without a trailing slash',
  })
  PUBLIC_URL?: string;
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
    for (const key of [...known, 'DATABASE_URL', 'REDIS_URL', 'OPERATOR_TOKEN', 'PUBLIC_URL']) {
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
  /** TRUST_PROXY in the form Fastify takes. */
  get trustProxy(): boolean | string {
    const value = this.env.TRUST_PROXY.trim();
    return value === 'true' || value === 'false' ? value === 'true' : value;
  }

  get runsApi(): boolean {
    return this.env.ROLE === 'all' || this.env.ROLE === 'api';
  }
  get runsWorker(): boolean {
    return this.env.ROLE === 'all' || this.env.ROLE === 'worker';
  }

  /** Delay before each automatic webhook retry; its length is the number of retries. */
  get webhookRetryScheduleMs(): number[] {
    return this.env.WEBHOOK_RETRY_SCHEDULE_MS.split(',').map(Number);
  }

  /** Derive a config with overrides (tests, CLI). */
  with(overrides: Record<string, string | undefined>): AppConfig {
    const base: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(this.env)) if (v !== undefined) base[k] = String(v);
    return new AppConfig({ ...base, ...overrides });
  }
}
