import { isBoundedJsonObject } from './json-object.validator';

describe('isBoundedJsonObject', () => {
  it('accepts plain objects within the bounds', () => {
    expect(isBoundedJsonObject({})).toBe(true);
    expect(isBoundedJsonObject({ a: { b: [1, 2, { c: 'd' }] } })).toBe(true);
  });

  it('rejects non-objects, arrays and null', () => {
    for (const value of [null, undefined, 1, 'x', true, [], [{}]])
      expect(isBoundedJsonObject(value)).toBe(false);
  });

  it('rejects objects over the size or depth bound', () => {
    expect(isBoundedJsonObject({ a: 'x'.repeat(100) }, 50)).toBe(false);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 12; i++) deep = { d: deep };
    expect(isBoundedJsonObject(deep)).toBe(false);
  });

  it('rejects what jsonb cannot store: NUL and unpaired surrogates, in keys or values', () => {
    for (const value of [{ a: 'x\u0000' }, { ['k\u0000']: 1 }, { a: '\ud800' }]) {
      expect(isBoundedJsonObject(value)).toBe(false);
    }
    expect(isBoundedJsonObject({ a: '😀' })).toBe(true);
  });
});
