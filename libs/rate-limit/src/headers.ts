import type { Decision, LimitState } from './decision';
import type { LimitSpec } from './policy';

/**
 * Response headers for a decision: the contract's X-Rate-Limit-* (what the SDK reads) about the
 * binding limit, and the IETF draft's RateLimit-Policy / RateLimit fields about every limit that
 * applied. On a denial, Retry-After (integer seconds, at least 1) and `t` of the denying limit agree.
 */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

function binding(decision: Decision): LimitState {
  if (decision.deniedBy) {
    const denied = decision.states.find((s) => s.spec === decision.deniedBy);
    if (denied) return denied;
  }
  let best = decision.states[0];
  for (const state of decision.states) if (state.remaining < best.remaining) best = state;
  return best;
}

/**
 * `"name";q=limit;w=window` per spec: constant for a spec, and the guard reuses a policy's specs
 * (RateLimitService.specsFor), so an admitted request does not rebuild it. Weak, so unbounded
 * keys (per-IP specs) cost nothing once their request is done.
 */
const policyFragments = new WeakMap<LimitSpec, string>();

function policyFragment(spec: LimitSpec): string {
  let fragment = policyFragments.get(spec);
  if (fragment === undefined) {
    fragment = `"${spec.name}";q=${spec.limit};w=${spec.windowS}`;
    policyFragments.set(spec, fragment);
  }
  return fragment;
}

export function limitHeaders(decision: Decision, nowMs = Date.now()): Record<string, string> {
  if (decision.states.length === 0) return {};
  const bind = binding(decision);
  const retry = decision.allowed ? 0 : retryAfterSeconds(decision.retryAfterMs);
  const nextAllowedMs = decision.allowed
    ? bind.remaining > 0
      ? nowMs
      : nowMs + bind.spec.intervalUs / 1000
    : nowMs + retry * 1000;
  const headers: Record<string, string> = {
    'X-Rate-Limit-Limit': String(bind.spec.limit),
    'X-Rate-Limit-Remaining': String(decision.allowed ? bind.remaining : 0),
    'X-Rate-Limit-Retry': String(Math.ceil(nextAllowedMs / 1000)),
    'RateLimit-Policy': decision.states.map((s) => policyFragment(s.spec)).join(', '),
    RateLimit: decision.states
      .map((s) => {
        const denied = !decision.allowed && s.spec === decision.deniedBy;
        const t = denied ? retry : Math.max(0, Math.ceil(s.resetMs / 1000));
        return `"${s.spec.name}";r=${denied ? 0 : s.remaining};t=${t}`;
      })
      .join(', '),
  };
  if (!decision.allowed) headers['Retry-After'] = String(retry);
  return headers;
}
