import { canonicalJson, compactDiff, GENESIS_HASH, ledgerHash, REDACTED } from './audit-diff';

describe('compactDiff', () => {
  it('records the non-null columns of an insert and redacts secrets', () => {
    const when = new Date('2026-01-02T03:04:05.000Z');
    expect(
      compactDiff(
        'create',
        { id: 'key_1', secret_hash: 'abc', name: null, created_at: when },
        undefined,
        ['secret_hash'],
      ),
    ).toEqual({ id: 'key_1', secret_hash: REDACTED, created_at: '2026-01-02T03:04:05.000Z' });
  });

  it('records only the changed columns of an update, with before and after', () => {
    expect(
      compactDiff(
        'update',
        { id: 'c_1', name: 'New', email: 'a@x', metadata: { a: 1 }, updated_at: new Date() },
        { id: 'c_1', name: 'Old', email: 'a@x', metadata: { a: 1 } },
      ),
    ).toEqual({ name: ['Old', 'New'] });
  });

  it('records the values set when the row before is unknown (query-builder update)', () => {
    expect(
      compactDiff('update', { name: 'N', secret_hash: 'x' }, undefined, ['secret_hash']),
    ).toEqual({
      name: 'N',
      secret_hash: REDACTED,
    });
  });

  it('cuts long values and records nothing for a delete', () => {
    const diff = compactDiff(
      'create',
      { items: Array.from({ length: 1000 }, (_, i) => i) },
      undefined,
    );
    expect(diff.items).toMatch(/^\[\d+ characters\]$/);
    expect(compactDiff('delete', { id: 'x' }, { id: 'x' })).toEqual({});
  });
});

describe('canonicalJson and ledgerHash', () => {
  it('is independent of key order at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(ledgerHash(GENESIS_HASH, { a: 1, b: 2 })).toBe(ledgerHash(GENESIS_HASH, { b: 2, a: 1 }));
  });

  it('chains: a different previous hash or entry gives a different hash', () => {
    const entry = {
      type: 'redemption',
      redemption_id: 'r_1',
      voucher_id: 'v_1',
      quantity_delta: 1,
      amount_delta: 500,
    };
    const first = ledgerHash(GENESIS_HASH, entry);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(ledgerHash(first, entry)).not.toBe(first);
    expect(ledgerHash(GENESIS_HASH, { ...entry, amount_delta: 501 })).not.toBe(first);
  });

  it('refuses non-finite numbers', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
  });
});
