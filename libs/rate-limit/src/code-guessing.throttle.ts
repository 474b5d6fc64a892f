import { Injectable } from '@nestjs/common';
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
 *   await this.codeGuessing.check(auth.projectId, request.ip);
 *   const voucher = await this.repository.findByCode(projectId, code);
 *   if (!voucher) { await this.codeGuessing.recordMiss(auth.projectId, request.ip); throw ... }
 */
@Injectable()
export class CodeGuessingThrottle {
  private readonly perMinute: number;

  constructor(
    config: AppConfig,
    private readonly limiter: RateLimiter,
    private readonly metrics: RateLimitMetrics,
  ) {
    this.perMinute = config.env.RATE_LIMIT_CODE_MISSES_PER_MINUTE;
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
    const decision = await this.limiter.consume([this.spec(projectId, ip)], { dryRun: true });
    if (decision.allowed) return;
    this.metrics.decision('code_guessing', 'limited');
    throw tooManyRequests(
      'code_guessing',
      retryAfterSeconds(decision.retryAfterMs),
      limitHeaders(decision),
    );
  }

  /** Records one lookup of an unknown code. */
  async recordMiss(projectId: string, ip: string): Promise<void> {
    await this.limiter.consume([this.spec(projectId, ip)]);
  }
}
