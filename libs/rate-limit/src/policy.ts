/**
 * Plans, route classes and the limits they produce. Pure: no I/O, unit-tested.
 *
 * A project has one budget (requests per minute, plus a burst) that every route draws from,
 * and one sub-budget per route class. The non-critical shares add up to 80 %, so whatever a
 * project does with reads, writes and bulk calls, 20 % of its budget is left for `critical`
 * routes (validate, redeem, rollback, publish).
 */
export const ROUTE_CLASSES = ['critical', 'write', 'read', 'bulk'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

export const CLASS_SHARES: Record<RouteClass, number> = {
  critical: 1,
  write: 0.3,
  read: 0.4,
  bulk: 0.1,
};

/** Shedding order: bulk goes first (level 1), critical last (level 4). */
export const SHED_RANK: Record<RouteClass, number> = { bulk: 1, read: 2, write: 3, critical: 4 };

export const PLANS = {
  /** The configured default (RATE_LIMIT_DEFAULT_PER_MINUTE, 2,000 unless changed). */
  default: null,
  /** The contract's plans. */
  business: 100,
  organization: 2_000,
  enterprise: 10_000,
} as const satisfies Record<string, number | null>;
export type PlanName = keyof typeof PLANS;
export const PLAN_NAMES = Object.keys(PLANS) as PlanName[];

export function isPlanName(value: string): value is PlanName {
  return (PLAN_NAMES as string[]).includes(value);
}

/** A project's stored override: any field left null falls back to the plan. */
export interface PolicyOverride {
  plan: PlanName;
  perMinute: number | null;
  burst: number | null;
  inflightMax: number | null;
}

export interface PolicyDefaults {
  perMinute: number;
  /** 0 = derived from the rate. */
  burst: number;
  inflightMax: number;
}

export interface ProjectPolicy {
  plan: PlanName;
  perMinute: number;
  burst: number;
  inflightMax: number;
  /** Whether a stored override exists (for `limits:show`). */
  overridden: boolean;
}

/** Ten seconds' worth of requests, at least 10: absorbs a client's natural jitter, no more. */
export function defaultBurst(perMinute: number): number {
  return Math.max(10, Math.ceil(perMinute / 6));
}

export function resolvePolicy(
  defaults: PolicyDefaults,
  override: PolicyOverride | null,
): ProjectPolicy {
  const plan = override?.plan ?? 'default';
  const planRate = PLANS[plan] ?? defaults.perMinute;
  const perMinute = override?.perMinute ?? planRate;
  const configuredBurst = plan === 'default' && !override?.perMinute ? defaults.burst : 0;
  const burst = override?.burst ?? (configuredBurst || defaultBurst(perMinute));
  return {
    plan,
    perMinute,
    burst,
    inflightMax: override?.inflightMax ?? defaults.inflightMax,
    overridden: override !== null,
  };
}

/** One key of a limiter decision, with what the response headers say about it. */
export interface LimitSpec {
  /** Policy name in headers and in the 429 body (`project`, `read`, `client_ip`, `ip`, ...). */
  name: string;
  /** Redis / local key (without the configured prefix). */
  key: string;
  /** Requests per window, as advertised. */
  limit: number;
  windowS: number;
  intervalUs: number;
  capacity: number;
  cost: number;
}

export function rateSpec(
  name: string,
  key: string,
  limit: number,
  windowS: number,
  capacity: number,
  cost: number,
): LimitSpec {
  const safeLimit = Math.max(1, limit);
  return {
    name,
    key,
    limit: safeLimit,
    windowS,
    intervalUs: Math.max(1, Math.floor((windowS * 1_000_000) / safeLimit)),
    capacity: Math.max(1, capacity),
    cost,
  };
}

/**
 * The project's total and the route class's share, both charged with the route's cost. The keys
 * carry the policy's rate and burst, so a changed policy starts from a fresh bucket instead of
 * inheriting a theoretical arrival time computed under the old rate.
 */
export function projectSpecs(
  projectId: string,
  policy: ProjectPolicy,
  cls: RouteClass,
  cost: number,
): LimitSpec[] {
  const share = CLASS_SHARES[cls];
  const base = `p:{${projectId}}:${policy.perMinute}.${policy.burst}`;
  return [
    rateSpec('project', base, policy.perMinute, 60, policy.burst, cost),
    rateSpec(
      cls,
      `${base}:${cls}`,
      Math.ceil(policy.perMinute * share),
      60,
      Math.ceil(policy.burst * share),
      cost,
    ),
  ];
}

/** Default class of a route without @RateLimit: reads are reads, everything else is a write. */
export function defaultClassFor(method: string): RouteClass {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write';
}

/** The local fallback's share of a limit while Redis is away: limit / replicas, at least 1. */
export function fallbackSpec(spec: LimitSpec, replicas: number): LimitSpec {
  if (replicas <= 1) return spec;
  return {
    ...spec,
    intervalUs: spec.intervalUs * replicas,
    capacity: Math.max(1, Math.floor(spec.capacity / replicas)),
  };
}
