import fc from 'fast-check';
import {
  formatLogic,
  LogicNode,
  LogicSyntaxError,
  logicKeys,
  MAX_LOGIC_DEPTH,
  parseLogic,
} from './rules-logic';

const ref = (key: string): LogicNode => ({ kind: 'ref', key });

describe('logic parser', () => {
  it('parses a single key', () => {
    expect(parseLogic('1')).toEqual(ref('1'));
  });

  it('gives and precedence over or', () => {
    expect(parseLogic('1 or 2 and 3')).toEqual({
      kind: 'or',
      left: ref('1'),
      right: { kind: 'and', left: ref('2'), right: ref('3') },
    });
  });

  it('honours parentheses and is case-insensitive', () => {
    expect(parseLogic('(1 OR 2) And 3')).toEqual({
      kind: 'and',
      left: { kind: 'or', left: ref('1'), right: ref('2') },
      right: ref('3'),
    });
  });

  it('is left-associative', () => {
    expect(parseLogic('1 and 2 and 3')).toEqual({
      kind: 'and',
      left: { kind: 'and', left: ref('1'), right: ref('2') },
      right: ref('3'),
    });
  });

  it('tolerates odd spacing', () => {
    expect(parseLogic('  (1)and(2)  ')).toEqual({ kind: 'and', left: ref('1'), right: ref('2') });
  });

  it.each([
    ['', 'expected a rule key'],
    ['1 and', 'end of logic'],
    ['1 2', 'after a complete expression'],
    ['(1 or 2', 'expected ")"'],
    ['1 or 2)', 'after a complete expression'],
    ['1 xor 2', 'unexpected word "xor"'],
    ['1 && 2', 'unexpected character "&"'],
    ['01', 'invalid rule key'],
    ['and 1', 'expected a rule key'],
    ['process.exit()', 'unexpected word'],
  ])('rejects %j with a precise message', (source, message) => {
    expect(() => parseLogic(source)).toThrow(LogicSyntaxError);
    expect(() => parseLogic(source)).toThrow(message);
  });

  it('rejects nesting deeper than the bound instead of overflowing the stack', () => {
    const deep = '('.repeat(MAX_LOGIC_DEPTH + 1) + '1' + ')'.repeat(MAX_LOGIC_DEPTH + 1);
    expect(() => parseLogic(deep)).toThrow('nested deeper');
    const ok = '('.repeat(MAX_LOGIC_DEPTH) + '1' + ')'.repeat(MAX_LOGIC_DEPTH);
    expect(parseLogic(ok)).toEqual(ref('1'));
  });

  it('lists the keys a tree uses', () => {
    expect([...logicKeys(parseLogic('1 and (2 or 3) and 1'))].sort()).toEqual(['1', '2', '3']);
  });

  const tree: fc.Arbitrary<LogicNode> = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer({ min: 1, max: 20 }).map((n) => ref(String(n))),
      fc.record({
        kind: fc.constantFrom<'and' | 'or'>('and', 'or'),
        left: tie('node') as fc.Arbitrary<LogicNode>,
        right: tie('node') as fc.Arbitrary<LogicNode>,
      }),
    ),
  })).node;

  it('round-trips: parse(format(tree)) is the same tree (property)', () => {
    fc.assert(
      fc.property(tree, (t) => {
        expect(parseLogic(formatLogic(t))).toEqual(t);
      }),
    );
  });

  it('round-trips text: format(parse(format(tree))) is stable (property)', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const text = formatLogic(t);
        expect(formatLogic(parseLogic(text))).toBe(text);
      }),
    );
  });

  it('never throws anything but LogicSyntaxError on garbage (property)', () => {
    const alphabet = fc.constantFrom(
      '1',
      '2',
      '0',
      ' ',
      '(',
      ')',
      'and',
      'or',
      'x',
      '$',
      '9',
      'AND',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(alphabet).map((a) => a.join('')),
        ),
        (source) => {
          try {
            const t = parseLogic(source);
            expect(logicKeys(t).size).toBeGreaterThan(0);
          } catch (error) {
            expect(error).toBeInstanceOf(LogicSyntaxError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
