import { SetMetadata } from '@nestjs/common';
import type { RouteClass } from './policy';

export const RATE_LIMIT_META = 'rate-limit:route';

export interface RouteLimit {
  class: RouteClass;
  /** Tokens the route takes from the project's and the class's budgets (default 1). */
  cost?: number;
}

/**
 * The route's class and cost. Routes without it get `read` (GET) or `write` (other methods), so
 * none escapes the limiter; mark `critical` (validate, redeem, rollback, publish) and `bulk`
 * (imports, exports, code generation, async actions) explicitly.
 */
export const RateLimit = (limit: RouteLimit) => SetMetadata(RATE_LIMIT_META, limit);
