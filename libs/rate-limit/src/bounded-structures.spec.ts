import { BlockCache } from './block-cache';
import { LocalLimiter } from './local-limiter';
import { rateSpec } from './policy';

describe('traffic-keyed structures stay within their caps', () => {
  it('BlockCache evicts beyond its cap and expires at the reset time', () => {
    const cache = new BlockCache(16);
    const now = 1_000;
    for (let i = 0; i < 1000; i++)
      cache.block(
        `key-${i}`,
        { until: now + 500, scope: 'project', limitName: 'project', limit: 1, windowS: 60 },
        now,
      );
    expect(cache.size).toBe(16);
    expect(cache.find('key-999', 'read', now)).toBeDefined();
    expect(cache.find('key-999', 'read', now + 500)).toBeUndefined();
  });

  it('BlockCache matches a class block only for that class', () => {
    const cache = new BlockCache(16);
    cache.block('k', { until: 2_000, scope: 'bulk', limitName: 'bulk', limit: 1, windowS: 60 }, 0);
    expect(cache.find('k', 'bulk', 0)).toBeDefined();
    expect(cache.find('k', 'read', 0)).toBeUndefined();
    expect(cache.find('k', null, 0)).toBeUndefined();
  });

  it('LocalLimiter keeps at most maxKeys buckets', () => {
    const limiter = new LocalLimiter(32);
    for (let i = 0; i < 10_000; i++) limiter.consume([rateSpec('ip', `ip:${i}`, 10, 60, 5, 1)], 0);
    expect(limiter.size).toBe(32);
  });

  it('LocalLimiter is all-or-nothing across the keys of one decision', () => {
    const limiter = new LocalLimiter(32);
    const total = rateSpec('project', 'p', 100, 60, 10, 1);
    const cls = rateSpec('bulk', 'p:bulk', 10, 60, 1, 1);
    expect(limiter.consume([total, cls], 0).allowed).toBe(true);
    const denied = limiter.consume([total, cls], 0);
    expect(denied.allowed).toBe(false);
    expect(denied.deniedBy?.name).toBe('bulk');
    // The denied request took nothing from the project total: 9 of 10 remain.
    expect(limiter.consume([{ ...total, cost: 0 }], 0).states[0].remaining).toBe(9);
  });
});
