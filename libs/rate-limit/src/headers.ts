import type { Decision, LimitState } from './decision';

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
    'RateLimit-Policy': decision.states
      .map((s) => `"${s.spec.name}";q=${s.spec.limit};w=${s.spec.windowS}`)
      .join(', '),
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
