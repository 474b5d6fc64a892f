import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { RateLimitPolicyService, RateLimitService } from '@app/rate-limit';
import type { PolicyChange } from '@app/rate-limit';

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
