import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '@app/core';
import { LimitSpec, rateSpec } from './policy';
import { tooManyRequests } from './rate-limit.errors';
import { limitHeaders, retryAfterSeconds } from './headers';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RateLimiter } from './rate-limiter';

/**
 * Throttles code guessing: repeated lookups of codes that do not exist, per project and caller IP.
 * The vouchers / validations engine calls `check()` before looking a code up and `recordMiss()`
 * when the code was unknown; after RATE_LIMIT_CODE_MISSES_PER_MINUTE misses (with a small burst)
 * `check()` throws 429 `too_many_requests` with `limit: "code_guessing"` until the budget refills.
 * Hits cost nothing. State lives in Redis (or the bounded local limiter) and expires by itself.
 *
 * A caller this process has not seen miss within the last window is not checked in Redis at
 * all: honest traffic (valid codes) pays no round trip. The first miss on a process marks the
 * caller, from then on every lookup is checked, and a denial is kept in a local block until
 * the budget refills. Spread over N replicas, a guesser that exhausted its budget elsewhere gets
 * at most one unchecked lookup per replica per window before its next miss brings it under check.
 *
 *   await this.codeGuessing.check(auth.projectId, request.ip);
 *   const voucher = await this.repository.findByCode(projectId, code);
 *   if (!voucher) { await this.codeGuessing.recordMiss(auth.projectId, request.ip); throw ... }
 */
const WINDOW_MS = 60_000;
const callerKey = (projectId: string, ip: string) => `${projectId}\u0000${ip}`;

@Injectable()
export class CodeGuessingThrottle {
  private readonly perMinute: number;
  /** Callers (project and IP) that missed on this process within the window: checked in Redis. */
  private readonly recentMissers: LRUCache<string, true>;
  /** Callers whose budget is used up, until it refills (epoch ms). */
  private readonly blocked: LRUCache<string, number>;

  constructor(
    config: AppConfig,
    private readonly limiter: RateLimiter,
    private readonly metrics: RateLimitMetrics,
  ) {
    this.perMinute = config.env.RATE_LIMIT_CODE_MISSES_PER_MINUTE;
    const max = config.env.RATE_LIMIT_BLOCK_CACHE_MAX;
    this.recentMissers = new LRUCache({ max, ttl: WINDOW_MS, ttlAutopurge: false });
    this.blocked = new LRUCache({ max, ttl: WINDOW_MS, ttlAutopurge: false });
  }

  private spec(projectId: string, ip: string): LimitSpec {
    return rateSpec(
      'code_guessing',
      `p:{${projectId}}:miss:${ip}`,
      this.perMinute,
      60,
      Math.max(5, Math.ceil(this.perMinute / 3)),
      1,
    );
  }

  /** Throws 429 when this IP has used up its budget of misses in this project. */
  async check(projectId: string, ip: string): Promise<void> {
    const key = callerKey(projectId, ip);
    const until = this.blocked.get(key);
    const now = Date.now();
    if (until !== undefined && until > now) {
      this.metrics.decision('code_guessing', 'blocked_early');
      const retry = retryAfterSeconds(until - now);
      throw tooManyRequests('code_guessing', retry, {
        'X-Rate-Limit-Limit': String(this.perMinute),
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Retry': String(Math.ceil(now / 1000) + retry),
        'RateLimit-Policy': `"code_guessing";q=${this.perMinute};w=60`,
        RateLimit: `"code_guessing";r=0;t=${retry}`,
      });
    }
    if (!this.recentMissers.has(key)) return;
    const decision = await this.limiter.consume([this.spec(projectId, ip)], { dryRun: true });
    if (decision.allowed) return;
    this.block(key, decision.retryAfterMs);
    this.metrics.decision('code_guessing', 'limited');
    throw tooManyRequests(
      'code_guessing',
      retryAfterSeconds(decision.retryAfterMs),
      limitHeaders(decision),
    );
  }

  /** Records one lookup of an unknown code. */
  async recordMiss(projectId: string, ip: string): Promise<void> {
    const key = callerKey(projectId, ip);
    this.recentMissers.set(key, true);
    const decision = await this.limiter.consume([this.spec(projectId, ip)]);
    if (!decision.allowed) this.block(key, decision.retryAfterMs);
  }

  private block(key: string, retryAfterMs: number): void {
    const ms = Math.max(1, Math.min(retryAfterMs, WINDOW_MS));
    this.blocked.set(key, Date.now() + ms, { ttl: ms });
  }
}
