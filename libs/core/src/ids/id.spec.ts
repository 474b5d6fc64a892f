import { hasPrefix, newId, newRequestId, randomBase62 } from './id';

describe('ids', () => {
  it('prefixes ids by kind with base62 randomness', () => {
    expect(newId('voucher')).toMatch(/^v_[0-9A-Za-z]{24}$/);
    expect(newId('customer')).toMatch(/^cust_/);
    expect(newId('redemptionFailure', 18)).toMatch(/^rf_[0-9A-Za-z]{18}$/);
    expect(hasPrefix(newId('campaign'), 'campaign')).toBe(true);
  });

  it('does not repeat across many draws', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => newId('order')));
    expect(ids.size).toBe(20_000);
  });

  it('draws every base62 character with no obvious bias', () => {
    const counts = new Map<string, number>();
    for (const c of randomBase62(62 * 2_000)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(n).toBeGreaterThan(1_500);
  });

  it('makes unique request ids in the contract form', () => {
    const a = newRequestId();
    const b = newRequestId();
    expect(a).toMatch(/^v-[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });
});
