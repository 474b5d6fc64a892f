/**
 * GCRA (generic cell rate algorithm) as a token bucket: a bucket of `capacity` tokens that
 * refills one token every `intervalUs`. The only state is the theoretical arrival time (TAT).
 * The same arithmetic runs in Redis (gcra.lua.ts) and in the local limiter.
 */
export interface GcraParams {
  /** Microseconds per token (window / limit). */
  intervalUs: number;
  /** Bucket size in tokens (the burst). */
  capacity: number;
  /** Tokens this request takes; 0 only peeks. */
  cost: number;
}

export interface GcraResult {
  allowed: boolean;
  /** The TAT to store when every key of the decision allows. */
  newTat: number;
  /** Tokens left after this request (or now, when denied). */
  remaining: number;
  /** Microseconds until a request of this cost would be allowed (0 when allowed). */
  retryAfterUs: number;
  /** Microseconds until the bucket is full again. */
  resetAfterUs: number;
}

export function gcraStep(tat: number | undefined, nowUs: number, p: GcraParams): GcraResult {
  const base = tat === undefined || tat < nowUs ? nowUs : tat;
  const newTat = base + p.cost * p.intervalUs;
  const allowAt = newTat - p.capacity * p.intervalUs;
  if (nowUs < allowAt) {
    return {
      allowed: false,
      newTat: base,
      remaining: Math.max(
        0,
        Math.floor((p.capacity * p.intervalUs - (base - nowUs)) / p.intervalUs),
      ),
      retryAfterUs: allowAt - nowUs,
      resetAfterUs: base - nowUs,
    };
  }
  return {
    allowed: true,
    newTat,
    remaining: Math.max(0, Math.floor((nowUs - allowAt) / p.intervalUs)),
    retryAfterUs: 0,
    resetAfterUs: newTat - nowUs,
  };
}
