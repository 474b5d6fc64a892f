import { canonicalJson, isValidIdempotencyKey, requestHash } from './request-hash';

describe('request hash', () => {
  it('ignores object key order at every level but not array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,1]},"b":1}',
    );
    expect(requestHash('POST', '/v1/x', { a: 1, b: { c: 2, d: 3 } })).toBe(
      requestHash('post', '/v1/x', { b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(requestHash('POST', '/v1/x', { a: [1, 2] })).not.toBe(
      requestHash('POST', '/v1/x', { a: [2, 1] }),
    );
  });

  it('differs by method, path, query and body', () => {
    const base = requestHash('POST', '/v1/vouchers/A/redemption', { order: { amount: 1 } });
    expect(requestHash('PUT', '/v1/vouchers/A/redemption', { order: { amount: 1 } })).not.toBe(
      base,
    );
    expect(requestHash('POST', '/v1/vouchers/B/redemption', { order: { amount: 1 } })).not.toBe(
      base,
    );
    expect(requestHash('POST', '/v1/vouchers/A/redemption?x=1', { order: { amount: 1 } })).not.toBe(
      base,
    );
    expect(requestHash('POST', '/v1/vouchers/A/redemption', { order: { amount: 2 } })).not.toBe(
      base,
    );
  });

  it('treats a missing body and an undefined field as absent', () => {
    expect(requestHash('POST', '/p', undefined)).toBe(requestHash('POST', '/p', null));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('accepts printable keys up to 255 characters only', () => {
    expect(isValidIdempotencyKey('order-123_ABC')).toBe(true);
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('has space')).toBe(false);
    expect(isValidIdempotencyKey('x'.repeat(256))).toBe(false);
  });
});
