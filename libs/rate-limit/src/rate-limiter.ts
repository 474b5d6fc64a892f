import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig, RedisClient, rootLogger } from '@app/core';
import { CircuitBreaker } from './circuit-breaker';
import type { Decision } from './decision';
import { GCRA_LUA } from './gcra.lua';
import { LocalLimiter } from './local-limiter';
import { fallbackSpec, LimitSpec } from './policy';
import { RateLimitMetrics } from './rate-limit.metrics';

const GCRA_SHA = createHash('sha1').update(GCRA_LUA).digest('hex');

export interface ConsumeOptions {
  /** Decide without taking tokens (e.g. "is this IP still allowed to guess codes?"). */
  dryRun?: boolean;
}

/**
 * Makes every limiter decision. With Redis: one EVALSHA over all keys of the decision, exact
 * across replicas. Without Redis (embedded mode): the local limiter is the primary one. When
 * Redis fails or hangs: a circuit breaker skips it and a bounded local fallback admits each
 * limit divided by RATE_LIMIT_REPLICAS, so an outage neither stops traffic nor lifts the limits.
 */
@Injectable()
export class RateLimiter {
  readonly local: LocalLimiter;
  readonly breaker: CircuitBreaker;
  private readonly replicas: number;
  private lastFailureLog = 0;

  constructor(
    config: AppConfig,
    private readonly redis: RedisClient,
    private readonly metrics: RateLimitMetrics,
  ) {
    this.local = new LocalLimiter(config.env.RATE_LIMIT_LOCAL_MAX_KEYS);
    this.breaker = new CircuitBreaker(
      config.env.RATE_LIMIT_BREAKER_FAILURES,
      config.env.RATE_LIMIT_BREAKER_OPEN_MS,
    );
    this.replicas = config.env.RATE_LIMIT_REPLICAS;
  }

  get sharedStore(): boolean {
    return this.redis.client !== null;
  }

  async consume(specs: LimitSpec[], options: ConsumeOptions = {}): Promise<Decision> {
    const client = this.redis.client;
    if (!client) return { ...this.localConsume(specs, options), source: 'local' };
    if (client.status === 'ready' && this.breaker.allowRequest()) {
      const started = performance.now();
      try {
        const reply = (await client.evalsha(
          GCRA_SHA,
          specs.length,
          ...this.redisArgs(specs, options),
        )) as number[];
        this.metrics.redisLatency.observe({ result: 'ok' }, (performance.now() - started) / 1000);
        this.breaker.success();
        this.metrics.breakerOpen.set(0);
        return parseReply(reply, specs);
      } catch (error) {
        if ((error as Error).message?.startsWith('NOSCRIPT')) {
          const reply = await this.evalFallback(specs, options, started);
          if (reply) return reply;
        } else {
          this.recordFailure(error, started);
        }
      }
    }
    const replicas = this.replicas;
    const scaled = specs.map((s) => fallbackSpec(s, replicas));
    const decision = this.localConsume(scaled, options);
    return { ...decision, source: 'fallback' };
  }

  private async evalFallback(
    specs: LimitSpec[],
    options: ConsumeOptions,
    started: number,
  ): Promise<Decision | null> {
    try {
      const reply = (await this.redis.client!.eval(
        GCRA_LUA,
        specs.length,
        ...this.redisArgs(specs, options),
      )) as number[];
      this.breaker.success();
      return parseReply(reply, specs);
    } catch (error) {
      this.recordFailure(error, started);
      return null;
    }
  }

  private recordFailure(error: unknown, started: number): void {
    this.metrics.redisLatency.observe({ result: 'error' }, (performance.now() - started) / 1000);
    this.breaker.failure();
    if (this.breaker.current !== 'closed') this.metrics.breakerOpen.set(1);
    if (Date.now() - this.lastFailureLog > 10_000) {
      this.lastFailureLog = Date.now();
      rootLogger().warn(
        { err: (error as Error).message, breaker: this.breaker.current },
        'rate limiter: Redis failed; using the local fallback limiter',
      );
    }
  }

  private redisArgs(specs: LimitSpec[], options: ConsumeOptions): (string | number)[] {
    const keys = specs.map((s) => this.redis.key('rl', s.key));
    const args: (string | number)[] = [];
    for (const s of specs) args.push(s.intervalUs, s.capacity, options.dryRun ? 0 : s.cost);
    // A dry run asks "would a request of this cost fit?" without storing anything: with cost 0,
    // GCRA denies exactly when the bucket holds fewer than `cost` tokens if the capacity is
    // lowered by the cost.
    if (options.dryRun)
      for (let i = 0; i < specs.length; i++) args[i * 3 + 1] = specs[i].capacity - specs[i].cost;
    return [...keys, ...args];
  }

  private localConsume(specs: LimitSpec[], options: ConsumeOptions): Omit<Decision, 'source'> {
    if (!options.dryRun) return this.local.consume(specs);
    // Same dry-run arithmetic as in redisArgs.
    return this.local.consume(specs.map((s) => ({ ...s, cost: 0, capacity: s.capacity - s.cost })));
  }
}

function parseReply(reply: number[], specs: LimitSpec[]): Decision {
  const allowed = Number(reply[0]) === 1;
  const deniedIndex = Number(reply[1]);
  return {
    allowed,
    deniedBy: allowed ? null : specs[deniedIndex - 1],
    retryAfterMs: Number(reply[2]),
    source: 'redis',
    states: specs.map((spec, i) => ({
      spec,
      remaining: Number(reply[3 + i * 2]),
      resetMs: Number(reply[4 + i * 2]),
    })),
  };
}
