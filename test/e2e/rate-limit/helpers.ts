import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { RateLimitPolicyService, RateLimitService } from '@app/rate-limit';
import type { PolicyChange } from '@app/rate-limit';
import { EnvironmentVariables } from '@app/core';

let ipCounter = 0;
// Test files share the run's Redis (and may share a worker process, whose module state jest
// resets per file): a random IPv6 prefix per file keeps their per-IP budgets apart.
const ipPrefix = `fd00:${[0, 0, 0].map(() => randomBytes(2).toString('hex')).join(':')}`;

/** A fresh client IP per scenario (the app trusts X-Forwarded-For), so per-IP budgets never mix. */
export function freshIp(): string {
  ipCounter++;
  return `${ipPrefix}::${ipCounter.toString(16)}`;
}

export function setLimits(app: INestApplicationContext, projectId: string, change: PolicyChange) {
  return app.get(RateLimitPolicyService).set(projectId, change);
}

export function decisions(
  app: INestApplicationContext,
  cls: string,
  outcome: string,
): Promise<number> {
  return app
    .get(RateLimitService)
    .metrics.decisions.get()
    .then(
      (m) =>
        m.values.find((v) => v.labels.class === cls && v.labels.outcome === outcome)?.value ?? 0,
    );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `npm test` raises every limit and shedding threshold so functional tests never meet them;
 * the limiter's own tests start from the production defaults instead.
 */
export const PRODUCTION_LIMITS: Record<string, string> = Object.fromEntries(
  Object.entries(new EnvironmentVariables())
    .filter(([name]) => /^(RATE_LIMIT_|SHED_)/.test(name))
    .map(([name, value]) => [name, String(value)]),
);
