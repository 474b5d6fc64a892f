import { LRUCache } from 'lru-cache';
import { gcraDecide } from './gcra';
import type { LimitSpec } from './policy';
import type { Decision } from './decision';

/**
 * In-process GCRA: the primary limiter in the embedded mode (no Redis) and the fallback while
 * Redis is away. Bounded: at most `maxKeys` keys, least recently used evicted first, each entry
 * expiring when its bucket is full again (an expired entry and a missing one mean the same).
 */
export class LocalLimiter {
  private readonly tats: LRUCache<string, number>;

  constructor(readonly maxKeys: number) {
    this.tats = new LRUCache<string, number>({ max: maxKeys, ttlAutopurge: false });
  }

  get size(): number {
    return this.tats.size;
  }

  consume(specs: readonly LimitSpec[], nowUs = nowMicros()): Omit<Decision, 'source'> {
    const { deniedIndex: denied, results } = gcraDecide(
      specs.map((spec) => this.tats.get(spec.key)),
      nowUs,
      specs,
    );
    if (denied < 0) {
      for (let i = 0; i < specs.length; i++) {
        if (specs[i].cost > 0)
          this.tats.set(specs[i].key, results[i].newTat, {
            ttl: Math.max(1, Math.ceil(results[i].resetAfterUs / 1000)),
          });
      }
    }
    return {
      allowed: denied < 0,
      deniedBy: denied < 0 ? null : specs[denied],
      retryAfterMs: denied < 0 ? 0 : Math.ceil(results[denied].retryAfterUs / 1000),
      states: specs.map((spec, i) => ({
        spec,
        remaining: results[i].remaining,
        resetMs: Math.ceil(results[i].resetAfterUs / 1000),
      })),
    };
  }

  clear(): void {
    this.tats.clear();
  }
}

export function nowMicros(): number {
  return Math.floor(performance.timeOrigin * 1000 + performance.now() * 1000);
}
