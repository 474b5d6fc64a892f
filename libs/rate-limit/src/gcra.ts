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

/** One all-or-nothing decision over several keys: what the Lua script does per decision. */
export interface GcraDecision {
  allowed: boolean;
  /** The key that denied (the longest wait; the first of equal waits), -1 when allowed. */
  deniedIndex: number;
  results: GcraResult[];
}

/** `tats[i]` is the stored TAT of key i before the decision (undefined: no bucket yet). */
export function gcraDecide(
  tats: readonly (number | undefined)[],
  nowUs: number,
  params: readonly GcraParams[],
): GcraDecision {
  const results = params.map((p, i) => gcraStep(tats[i], nowUs, p));
  let denied = -1;
  for (let i = 0; i < results.length; i++) {
    if (
      !results[i].allowed &&
      (denied < 0 || results[i].retryAfterUs > results[denied].retryAfterUs)
    )
      denied = i;
  }
  return { allowed: denied < 0, deniedIndex: denied, results };
}

export interface GcraBatchEntry {
  keys: readonly string[];
  params: readonly GcraParams[];
}

/**
 * A batch of decisions evaluated in order at one instant, as the batch script does it: each
 * decision is all-or-nothing over its own keys and sees the TATs stored by the decisions before
 * it, so a batch decides exactly what the same decisions sent one by one at that instant would.
 * `tats` holds the state before the batch (bounded by the batch's keys) and is updated in place.
 */
export function gcraBatch(
  tats: Map<string, number>,
  nowUs: number,
  batch: readonly GcraBatchEntry[],
): GcraDecision[] {
  return batch.map(({ keys, params }) => {
    const decision = gcraDecide(
      keys.map((k) => tats.get(k)),
      nowUs,
      params,
    );
    if (decision.allowed)
      for (let i = 0; i < keys.length; i++)
        if (params[i].cost > 0) tats.set(keys[i], decision.results[i].newTat);
    return decision;
  });
}
