import {
  bulkIds,
  checkKeyspace,
  CodeGenerator,
  codeLength,
  DEFAULT_CHARSET,
  keyspace,
  likePattern,
  normalizeCodeConfig,
  RandomIndexSource,
} from './code-generation';

describe('code generation', () => {
  it('defaults to 8 characters from a charset without look-alikes', () => {
    const config = normalizeCodeConfig(undefined);
    expect(config).toEqual({
      length: 8,
      charset: DEFAULT_CHARSET,
      prefix: '',
      postfix: '',
      pattern: null,
    });
    for (const ch of '0O1IL') expect(DEFAULT_CHARSET).not.toContain(ch);
    const code = new CodeGenerator(config).one();
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);
  });

  it('applies prefix, postfix (and the suffix alias) and deduplicates the charset', () => {
    const config = normalizeCodeConfig({ length: 4, charset: 'AAB', prefix: 'P-', suffix: '-S' });
    expect(config.charset).toBe('AB');
    expect(config.postfix).toBe('-S');
    expect(new CodeGenerator(config).one()).toMatch(/^P-[AB]{4}-S$/);
    expect(normalizeCodeConfig({ postfix: 'X', suffix: 'Y' }).postfix).toBe('X');
  });

  it('fills # placeholders of a pattern, which overrides length', () => {
    const config = normalizeCodeConfig({
      pattern: 'GIFT-####-##',
      charset: '0123456789ABCDEF',
      length: 30,
    });
    expect(config.length).toBe(6);
    expect(codeLength(config)).toBe(12);
    expect(new CodeGenerator(config).one()).toMatch(/^GIFT-[0-9A-F]{4}-[0-9A-F]{2}$/);
  });

  it('returns distinct codes in a batch', () => {
    const codes = new CodeGenerator(normalizeCodeConfig({ length: 2, charset: 'ABCD' })).batch(16);
    expect(new Set(codes).size).toBe(16);
  });

  it('returns fewer codes instead of looping when the keyspace is smaller than the batch', () => {
    const codes = new CodeGenerator(normalizeCodeConfig({ length: 2, charset: 'AB' })).batch(10);
    expect(codes.sort()).toEqual(['AA', 'AB', 'BA', 'BB']);
  });

  it('computes the keyspace and refuses requests above the safe fraction, with the numbers', () => {
    const config = normalizeCodeConfig({ length: 3, charset: '0123456789' });
    expect(keyspace(config)).toBe(1000);
    expect(checkKeyspace(config, 100)).toMatchObject({ ok: true, maxAllowed: 100 });
    const refused = checkKeyspace(config, 60, 50);
    expect(refused).toMatchObject({
      ok: false,
      keyspace: 1000,
      requested: 60,
      existing: 50,
      maxAllowed: 100,
    });
    expect(refused.reason).toContain('1000');
    expect(checkKeyspace(normalizeCodeConfig({ length: 99, prefix: 'AB' }), 1).ok).toBe(false);
  });

  it('draws unbiased indexes (every value of a 3-symbol charset appears)', () => {
    const source = new RandomIndexSource(3, 64);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(source.next());
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  it('makes prefixed ids of the newId shape', () => {
    const ids = bulkIds('v_', 5);
    expect(ids).toHaveLength(5);
    for (const id of ids) expect(id).toMatch(/^v_[0-9A-Za-z]{24}$/);
  });

  it('builds a LIKE pattern that matches codes of the same shape only', () => {
    expect(likePattern(normalizeCodeConfig({ pattern: 'A_#', prefix: '%' }))).toBe('\\%A\\__');
    expect(likePattern(normalizeCodeConfig({ length: 3 }))).toBe('___');
  });
});
