import type { LimitSpec } from './policy';

/** Where a decision was made: Redis (shared, exact), the local primary (embedded mode), or the fallback. */
export type DecisionSource = 'redis' | 'local' | 'fallback';

export interface LimitState {
  spec: LimitSpec;
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

export interface Decision {
  allowed: boolean;
  /** The limit that denied the request (the one with the longest wait). */
  deniedBy: LimitSpec | null;
  retryAfterMs: number;
  states: LimitState[];
  source: DecisionSource;
}
