import type { Decision } from './decision';
import { limitHeaders, retryAfterSeconds } from './headers';
import { rateSpec } from './policy';

const total = rateSpec('project', 'p', 2000, 60, 300, 1);
const read = rateSpec('read', 'p:read', 800, 60, 120, 1);

describe('rate-limit headers', () => {
  it('describe the binding limit and every policy on an admitted request', () => {
    const decision: Decision = {
      allowed: true,
      deniedBy: null,
      retryAfterMs: 0,
      source: 'redis',
      states: [
        { spec: total, remaining: 250, resetMs: 1500 },
        { spec: read, remaining: 40, resetMs: 2400 },
      ],
    };
    expect(limitHeaders(decision, 10_000)).toEqual({
      'X-Rate-Limit-Limit': '800',
      'X-Rate-Limit-Remaining': '40',
      'X-Rate-Limit-Retry': '10',
      'RateLimit-Policy': '"project";q=2000;w=60, "read";q=800;w=60',
      RateLimit: '"project";r=250;t=2, "read";r=40;t=3',
    });
  });

  it('give an integer Retry-After >= 1 that matches the denying limit on a 429', () => {
    const decision: Decision = {
      allowed: false,
      deniedBy: total,
      retryAfterMs: 1,
      source: 'redis',
      states: [
        { spec: total, remaining: 0, resetMs: 9000 },
        { spec: read, remaining: 40, resetMs: 2400 },
      ],
    };
    const h = limitHeaders(decision, 10_000);
    expect(h['Retry-After']).toBe('1');
    expect(h['X-Rate-Limit-Limit']).toBe('2000');
    expect(h['X-Rate-Limit-Remaining']).toBe('0');
    expect(h['X-Rate-Limit-Retry']).toBe('11');
    expect(h.RateLimit).toBe('"project";r=0;t=1, "read";r=40;t=3');
  });

  it('rounds Retry-After up to whole seconds', () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
  });
});
