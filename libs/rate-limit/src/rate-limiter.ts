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

/**
 * Most decisions one Redis call carries. Bounds the pending queue (reaching it flushes at once),
 * the script's run time in Redis (which blocks every other client meanwhile) and the reply size.
 */
export const MAX_BATCH_DECISIONS = 64;

export interface ConsumeOptions {
  /** Decide without taking tokens (e.g. "is this IP still allowed to guess codes?"). */
  dryRun?: boolean;
}

interface PendingDecision {
  specs: readonly LimitSpec[];
  dryRun: boolean;
  resolve: (decision: Decision) => void;
  reject: (error: unknown) => void;
}

/**
 * Makes every limiter decision. With Redis: the decisions of one event-loop turn are coalesced
 * into one EVALSHA of the batch script (gcra.lua.ts), which evaluates them in order, each
 * all-or-nothing over its own keys, so they stay exact across replicas while an admitted request
 * no longer pays a Redis round trip of its own. Without Redis (embedded mode): the local limiter
 * is the primary one. When Redis fails or hangs: a circuit breaker skips it and a bounded local
 * fallback admits each limit divided by RATE_LIMIT_REPLICAS, so an outage neither stops traffic
 * nor lifts the limits; a failed batch sends all of its decisions to the fallback.
 */
@Injectable()
export class RateLimiter {
  readonly local: LocalLimiter;
  readonly breaker: CircuitBreaker;
  private readonly replicas: number;
  private readonly keyPrefix: string;
  private lastFailureLog = 0;
  private pending: PendingDecision[] = [];
  private flushScheduled = false;
  private readonly flushPending = () => {
    this.flushScheduled = false;
    this.flush();
  };
  private readonly latencyOk;
  private readonly latencyError;

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
    this.keyPrefix = redis.key('rl', '');
    this.latencyOk = metrics.redisLatency.labels({ result: 'ok' });
    this.latencyError = metrics.redisLatency.labels({ result: 'error' });
  }

  get sharedStore(): boolean {
    return this.redis.client !== null;
  }

  consume(specs: readonly LimitSpec[], options: ConsumeOptions = {}): Promise<Decision> {
    const client = this.redis.client;
    if (!client) return Promise.resolve({ ...this.localConsume(specs, options), source: 'local' });
    // Known to fail or to be skipped: no reason to wait for the batch.
    if (client.status !== 'ready' || this.breaker.current === 'open')
      return Promise.resolve(this.fallbackConsume(specs, options.dryRun === true));
    return new Promise<Decision>((resolve, reject) => {
      this.pending.push({ specs, dryRun: options.dryRun === true, resolve, reject });
      if (this.pending.length >= MAX_BATCH_DECISIONS) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        // After the I/O callbacks of this turn: every request read in it has queued its decision.
        setImmediate(this.flushPending);
      }
    });
  }

  /** Sends the pending decisions as one batch (none pending: nothing to do). */
  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const client = this.redis.client!;
    if (client.status !== 'ready' || !this.breaker.allowRequest()) {
      this.fallbackAll(batch);
      return;
    }
    void this.send(batch).catch((error: unknown) => {
      for (const p of batch) p.reject(error);
    });
  }

  private async send(batch: PendingDecision[]): Promise<void> {
    const args = this.batchArgs(batch);
    const started = performance.now();
    let reply: number[];
    try {
      reply = (await this.redis.client!.evalsha(GCRA_SHA, args.keys, ...args.values)) as number[];
    } catch (error) {
      if (!(error as Error).message?.startsWith('NOSCRIPT')) {
        this.recordFailure(error, started);
        this.fallbackAll(batch);
        return;
      }
      try {
        reply = (await this.redis.client!.eval(GCRA_LUA, args.keys, ...args.values)) as number[];
      } catch (evalError) {
        this.recordFailure(evalError, started);
        this.fallbackAll(batch);
        return;
      }
    }
    this.latencyOk.observe((performance.now() - started) / 1000);
    this.metrics.redisBatchSize.observe(batch.length);
    this.breaker.success();
    this.metrics.breakerOpen.set(0);
    let offset = 0;
    for (const p of batch) {
      p.resolve(parseReply(reply, offset, p.specs));
      offset += 3 + 2 * p.specs.length;
    }
  }

  /** KEYS then ARGV of the batch script: `keys` is the KEYS count, `values` KEYS + ARGV. */
  private batchArgs(batch: PendingDecision[]): { keys: number; values: (string | number)[] } {
    const keys: (string | number)[] = [];
    const argv: (string | number)[] = [batch.length];
    for (const { specs, dryRun } of batch) {
      argv.push(specs.length);
      for (const s of specs) {
        keys.push(this.keyPrefix + s.key);
        // A dry run asks "would a request of this cost fit?" without storing anything: with
        // cost 0, GCRA denies exactly when the bucket holds fewer than `cost` tokens if the
        // capacity is lowered by the cost.
        if (dryRun) argv.push(s.intervalUs, s.capacity - s.cost, 0);
        else argv.push(s.intervalUs, s.capacity, s.cost);
      }
    }
    const count = keys.length;
    for (const v of argv) keys.push(v);
    return { keys: count, values: keys };
  }

  private fallbackAll(batch: PendingDecision[]): void {
    for (const p of batch) {
      try {
        p.resolve(this.fallbackConsume(p.specs, p.dryRun));
      } catch (error) {
        p.reject(error);
      }
    }
  }

  private fallbackConsume(specs: readonly LimitSpec[], dryRun: boolean): Decision {
    const replicas = this.replicas;
    const scaled = specs.map((s) => fallbackSpec(s, replicas));
    return { ...this.localConsume(scaled, { dryRun }), source: 'fallback' };
  }

  /** One failed Redis call (a whole batch) is one failure for the breaker. */
  private recordFailure(error: unknown, started: number): void {
    this.latencyError.observe((performance.now() - started) / 1000);
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

  private localConsume(
    specs: readonly LimitSpec[],
    options: ConsumeOptions,
  ): Omit<Decision, 'source'> {
    if (!options.dryRun) return this.local.consume(specs);
    // Same dry-run arithmetic as in batchArgs.
    return this.local.consume(specs.map((s) => ({ ...s, cost: 0, capacity: s.capacity - s.cost })));
  }
}

/** One decision's slice of the flattened batch reply, from `offset`. */
function parseReply(reply: number[], offset: number, specs: readonly LimitSpec[]): Decision {
  const allowed = Number(reply[offset]) === 1;
  const deniedIndex = Number(reply[offset + 1]);
  return {
    allowed,
    deniedBy: allowed ? null : specs[deniedIndex - 1],
    retryAfterMs: Number(reply[offset + 2]),
    source: 'redis',
    states: specs.map((spec, i) => ({
      spec,
      remaining: Number(reply[offset + 3 + i * 2]),
      resetMs: Number(reply[offset + 4 + i * 2]),
    })),
  };
}
