import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { rootLogger } from '../logging/logger';

/** Capped exponential backoff with full jitter, shared by every reconnecting client. */
export function backoffWithJitter(attempt: number, baseMs = 100, capMs = 5_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.floor(Math.random() * ceiling) + 50;
}

/**
 * Options for request-path Redis clients: no offline queue (a Redis outage must not turn into
 * unbounded memory), a short command timeout, one retry, reconnect forever with backoff.
 */
export function requestPathRedisOptions(config: AppConfig): RedisOptions {
  return {
    enableOfflineQueue: false,
    commandTimeout: config.env.REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (attempt) => backoffWithJitter(attempt),
  };
}

/**
 * The shared request-path Redis client, or null in the embedded mode (no REDIS_URL).
 * Consumers must treat Redis as optional and degrade, never crash, when it is away.
 */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly client: Redis | null;
  readonly prefix: string;

  constructor(config: AppConfig) {
    this.prefix = config.env.REDIS_PREFIX;
    if (config.embeddedRedis) {
      this.client = null;
      return;
    }
    this.client = new Redis(config.env.REDIS_URL!, requestPathRedisOptions(config));
    let lastLogged = 0;
    this.client.on('error', (err: Error) => {
      if (Date.now() - lastLogged > 10_000) {
        lastLogged = Date.now();
        rootLogger().warn({ err: err.message }, 'redis unavailable');
      }
    });
  }

  get ready(): boolean {
    return this.client?.status === 'ready';
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client && this.client.status !== 'end') this.client.disconnect();
  }
}

@Global()
@Module({ providers: [RedisClient], exports: [RedisClient] })
export class RedisModule {}
