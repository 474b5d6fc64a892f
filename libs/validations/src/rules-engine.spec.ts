import fc from 'fast-check';
import {
  CompiledRuleSet,
  compileRuleSet,
  evaluateRuleSet,
  evaluateRuleSets,
  RuleContext,
  ruleSetNeedsCounters,
  ruleSetNeedsCustomer,
} from './rules-engine';
import { OrderInput, OrderItemInput } from './order-items';

function compile(rules: unknown, error?: unknown): CompiledRuleSet {
  const result = compileRuleSet(rules, error);
  if (!result.ok) throw new Error(`${result.problem.path}: ${result.problem.message}`);
  return result.ruleSet;
}

function problem(rules: unknown, error?: unknown) {
  const result = compileRuleSet(rules, error);
  if (result.ok) throw new Error('expected a problem');
  return result.problem;
}

const rule = (name: string, conditions: Record<string, unknown[]>, extra: object = {}) => ({
  name,
  conditions,
  rules: {},
  ...extra,
});

const order = (
  amount: number,
  items: OrderItemInput[] = [],
  metadata: Record<string, unknown> = {},
): OrderInput => ({ amount, items, metadata });

describe('rules engine: compile (validation at creation)', () => {
  it('accepts the contract example shape', () => {
    const set = compile({
      '1': rule('order.amount', { $more_than: [10000] }),
      '2': rule(
        'customer.metadata',
        { $is: ['VIP'] },
        { property: 'tier', error: { message: 'VIP only' } },
      ),
      '3': rule('customer.source_id', { $starts_with: ['eu-'] }),
      logic: '1 and (2 or 3)',
    });
    expect(set.rules.size).toBe(3);
  });

  it('accepts an empty rule set (always passes)', () => {
    expect(evaluateRuleSet(compile({}), {})).toEqual({ passed: true });
    expect(evaluateRuleSet(compile(undefined), {})).toEqual({ passed: true });
  });

  it.each([
    [
      { '1': rule('order.nonsense', { $is: [1] }), logic: '1' },
      'rules.1.name',
      'unknown rule name order.nonsense',
    ],
    [
      { '1': rule('order.amount', { $frobnicate: [1] }), logic: '1' },
      'rules.1.conditions.$frobnicate',
      'unknown operator $frobnicate in rule order.amount',
    ],
    [
      { '1': rule('order.amount', { $starts_with: ['1'] }), logic: '1' },
      'rules.1.conditions.$starts_with',
      'not supported by rule order.amount',
    ],
    [
      { '1': rule('order.amount', { $more_than: ['x'] }), logic: '1' },
      'rules.1.conditions.$more_than',
      'needs a number',
    ],
    [
      { '1': rule('order.amount', { $more_than: [1, 2] }), logic: '1' },
      'rules.1.conditions.$more_than',
      'exactly one value',
    ],
    [
      { '1': rule('order.amount', { $is: [] }), logic: '1' },
      'rules.1.conditions.$is',
      'needs a value',
    ],
    [
      { '1': rule('customer.metadata', { $is: ['a'] }), logic: '1' },
      'rules.1.property',
      'needs a property',
    ],
    [
      { '1': rule('order.amount', { $is: [1] }), logic: '1 and 2' },
      'rules.logic',
      'rule 2, which is not defined',
    ],
    [
      {
        '1': rule('order.amount', { $is: [1] }),
        '2': rule('order.amount', { $is: [2] }),
        logic: '1',
      },
      'rules.2',
      'not used by logic',
    ],
    [
      { '1': rule('order.amount', { $is: [1] }), logic: '1 &&' },
      'rules.logic',
      'unexpected character',
    ],
    [{ x: rule('order.amount', { $is: [1] }), logic: '1' }, 'rules.x', 'rule keys are numbers'],
    [{ '1': rule('order.amount', {}), logic: '1' }, 'rules.1.conditions', 'has no conditions'],
    [
      { '1': rule('order.items.quantity', { $is: [1] }), logic: '1' },
      'rules.1.name',
      'only allowed inside',
    ],
    [
      {
        '1': rule(
          'order.items.every',
          { $in: ['prod_1'] },
          { rules: { '1': rule('order.amount', { $is: [1] }), logic: '1' } },
        ),
        logic: '1',
      },
      'rules.1.rules.1.name',
      'cannot be used inside an order.items rule',
    ],
    [
      { '1': rule('order.items.any', { $in: [42] }), logic: '1' },
      'rules.1.conditions.$in[0]',
      'product/SKU ids',
    ],
    [{ '1': 'nope', logic: '1' }, 'rules.1', 'must be an object'],
    [
      { '1': rule('order.amount', { $is: [1] }, { error: { message: 7 } }), logic: '1' },
      'rules.1.error.message',
      'must be a string',
    ],
    [[1, 2], 'rules', 'must be an object'],
  ])('rejects %j at %s', (rules, path, message) => {
    const p = problem(rules);
    expect(p.path).toBe(path);
    expect(p.message).toContain(message);
  });

  it('rejects a bad fallback error', () => {
    expect(problem({}, 'oops').path).toBe('error');
  });

  it('accepts every documented operator alias', () => {
    for (const op of [
      '$more_than_equal',
      '$greater_than_or_equal',
      '$more_than_or_equal',
      '$less_than_equal',
      '$less_than_or_equal',
    ]) {
      expect(compileRuleSet({ '1': rule('order.amount', { [op]: [5] }), logic: '1' }).ok).toBe(
        true,
      );
    }
  });

  it('does not treat Object.prototype names as rules or operators', () => {
    expect(problem({ '1': rule('constructor', { $is: [1] }), logic: '1' }).message).toContain(
      'unknown rule name',
    );
    expect(
      problem({ '1': rule('order.amount', { constructor: [1] }), logic: '1' }).message,
    ).toContain('unknown operator');
  });

  it('accepts a lone numeric logic key', () => {
    const set = compile({ '1': rule('order.amount', { $more_than: [10] }), logic: 1 });
    expect(evaluateRuleSet(set, { order: order(15) }).passed).toBe(true);
    expect(problem({ '1': rule('order.amount', { $is: [1] }), logic: true }).message).toBe(
      'logic must be a string',
    );
  });

  it('defaults missing logic to all rules joined by and', () => {
    const set = compile({
      '1': rule('order.amount', { $more_than: [10] }),
      '2': rule('order.amount', { $less_than: [20] }),
    });
    expect(evaluateRuleSet(set, { order: order(15) }).passed).toBe(true);
    const failed = evaluateRuleSet(set, { order: order(25) });
    expect(!failed.passed && failed.violation.rulePath).toBe('2');
  });

  it('never throws on arbitrary JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (rules, error) => {
        const result = compileRuleSet(rules, error);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('rules engine: evaluation', () => {
  const amountOver = (n: number) => rule('order.amount', { $more_than: [n] });

  it('order.amount and order.initial_amount', () => {
    const set = compile({
      '1': amountOver(1000),
      '2': rule('order.initial_amount', { $less_than_equal: [5000] }),
      logic: '1 and 2',
    });
    expect(evaluateRuleSet(set, { order: order(2000) }).passed).toBe(true);
    expect(evaluateRuleSet(set, { order: order(1000) }).passed).toBe(false);
    expect(evaluateRuleSet(set, { order: { amount: 2000, initial_amount: 6000 } }).passed).toBe(
      false,
    );
  });

  it('order.amount falls back to the sum of item amounts', () => {
    const set = compile({ '1': rule('order.amount', { $is: [2500] }), logic: '1' });
    expect(
      evaluateRuleSet(set, { order: { items: [{ price: 1000, quantity: 2 }, { amount: 500 }] } })
        .passed,
    ).toBe(true);
  });

  it('an absent order fails order rules', () => {
    expect(evaluateRuleSet(compile({ '1': amountOver(0), logic: '1' }), {}).passed).toBe(false);
  });

  it('order.items.count counts line items', () => {
    const set = compile({ '1': rule('order.items.count', { $more_than_equal: [2] }), logic: '1' });
    expect(
      evaluateRuleSet(set, { order: order(1, [{ product_id: 'a' }, { product_id: 'b' }]) }).passed,
    ).toBe(true);
    expect(
      evaluateRuleSet(set, { order: order(1, [{ product_id: 'a', quantity: 5 }]) }).passed,
    ).toBe(false);
  });

  describe('order.items.any / every / none', () => {
    const items = [
      { product_id: 'prod_a', sku_id: 'sku_a1', quantity: 2, price: 500 },
      {
        product_id: 'prod_b',
        source_id: 'ext-b',
        related_object: 'product' as const,
        quantity: 1,
        price: 3000,
      },
    ];
    const ctx: RuleContext = { order: order(4000, items) };
    const check = (name: string, conditions: Record<string, unknown[]>, nested?: object) =>
      evaluateRuleSet(
        compile({ '1': rule(name, conditions, nested ? { rules: nested } : {}), logic: '1' }),
        ctx,
      ).passed;

    it('any', () => {
      expect(check('order.items.any', { $in: ['prod_b'] })).toBe(true);
      expect(check('order.items.any', { $is: ['sku_a1'] })).toBe(true);
      expect(check('order.items.any', { $in: ['ext-b'] })).toBe(true);
      expect(check('order.items.any', { $in: [{ object: 'sku', id: 'prod_b' }] })).toBe(false);
      expect(check('order.items.any', { $in: [{ object: 'product', source_id: 'ext-b' }] })).toBe(
        true,
      );
      expect(check('order.items.any', { $in: ['prod_z'] })).toBe(false);
    });

    it('every', () => {
      expect(check('order.items.every', { $in: ['prod_a', 'prod_b'] })).toBe(true);
      expect(check('order.items.every', { $in: ['prod_a'] })).toBe(false);
      expect(check('order.items.every', { $not_in: ['prod_z'] })).toBe(true);
    });

    it('every is false for an order without items', () => {
      const set = compile({ '1': rule('order.items.every', { $in: ['prod_a'] }), logic: '1' });
      expect(evaluateRuleSet(set, { order: order(1) }).passed).toBe(false);
    });

    it('none', () => {
      expect(check('order.items.none', { $in: ['prod_z'] })).toBe(true);
      expect(check('order.items.none', { $in: ['prod_a'] })).toBe(false);
    });

    it('nested per-item rules with their own logic', () => {
      const nested = {
        '1': rule('order.items.quantity', { $more_than_equal: [2] }),
        '2': rule('order.items.price', { $more_than: [2000] }),
        logic: '1 or 2',
      };
      expect(check('order.items.every', {}, nested)).toBe(true);
      expect(check('order.items.every', { $in: ['prod_a', 'prod_b'] }, nested)).toBe(true);
      expect(
        check(
          'order.items.every',
          {},
          { '1': rule('order.items.quantity', { $more_than_equal: [2] }), logic: '1' },
        ),
      ).toBe(false);
      expect(
        check(
          'order.items.any',
          { $in: ['prod_b'] },
          { '1': rule('order.items.amount', { $is: [3000] }), logic: '1' },
        ),
      ).toBe(true);
    });
  });

  it('order.metadata and customer.metadata by property', () => {
    const set = compile({
      '1': rule('order.metadata', { $is: ['web'] }, { property: 'channel' }),
      '2': rule('customer.metadata', { $more_than: [3] }, { property: 'level' }),
      logic: '1 and 2',
    });
    expect(
      evaluateRuleSet(set, {
        order: order(1, [], { channel: 'web' }),
        customer: { metadata: { level: 4 } },
      }).passed,
    ).toBe(true);
    expect(
      evaluateRuleSet(set, {
        order: order(1, [], { channel: 'web' }),
        customer: { metadata: { level: '5' } },
      }).passed,
    ).toBe(true);
    expect(
      evaluateRuleSet(set, {
        order: order(1, [], { channel: 'pos' }),
        customer: { metadata: { level: 4 } },
      }).passed,
    ).toBe(false);
  });

  it.each([
    ['$is', ['VIP'], 'VIP', true],
    ['$is', ['VIP', 'GOLD'], 'GOLD', true],
    ['$is', [10], '10', true],
    ['$is', [true], 'true', true],
    ['$is_not', ['VIP'], 'GOLD', true],
    ['$is_not', ['VIP'], undefined, true],
    ['$in', ['a', 'b'], 'c', false],
    ['$not_in', ['a', 'b'], 'c', true],
    ['$in', ['b'], ['a', 'b'], true],
    ['$contains', ['ell'], 'hello', true],
    ['$contains', ['x'], ['x', 'y'], true],
    ['$starts_with', ['he'], 'hello', true],
    ['$ends_with', ['lo'], 'hello', true],
    ['$ends_with', ['lo'], 5, false],
    ['$has_value', [], 'x', true],
    ['$has_value', [], '', false],
    ['$has_value', [], undefined, false],
    ['$is_unknown', [], undefined, true],
    ['$is_unknown', [], null, true],
    ['$is_unknown', [], 0, false],
    ['$more_than', [5], 'abc', false],
    ['$more_than', [5], undefined, false],
    ['$less_than', [5], 4, true],
    ['$less_than_equal', [5], 5, true],
    ['$more_than_equal', [5], 5, true],
    ['$more_than', [5], 5, false],
  ])('customer.metadata %s %j against %j → %s', (op, values, actual, expected) => {
    const set = compile({
      '1': rule('customer.metadata', { [op]: values }, { property: 'p' }),
      logic: '1',
    });
    const metadata = actual === undefined ? {} : { p: actual };
    expect(evaluateRuleSet(set, { customer: { metadata } }).passed).toBe(expected);
  });

  it('customer.source_id', () => {
    const set = compile({ '1': rule('customer.source_id', { $in: ['c1', 'c2'] }), logic: '1' });
    expect(evaluateRuleSet(set, { customer: { source_id: 'c2' } }).passed).toBe(true);
    expect(evaluateRuleSet(set, { customer: { source_id: 'c3' } }).passed).toBe(false);
  });

  it('redemption.metadata reads the request metadata', () => {
    const set = compile({
      '1': rule('redemption.metadata', { $is: ['pos'] }, { property: 'channel' }),
      logic: '1',
    });
    expect(evaluateRuleSet(set, { metadata: { channel: 'pos' } }).passed).toBe(true);
    expect(evaluateRuleSet(set, { metadata: { channel: 'web' } })).toMatchObject({
      passed: false,
      violation: { key: 'redemption_rules_violated' },
    });
  });

  it('redemption counters count this redemption too', () => {
    const set = compile({
      '1': rule('redemption.count.per_customer', { $less_than_or_equal: [1] }),
      logic: '1',
    });
    expect(
      evaluateRuleSet(set, { customer: { id: 'c' }, redemptions: { perCustomer: 0 } }).passed,
    ).toBe(true);
    const second = evaluateRuleSet(set, { customer: { id: 'c' }, redemptions: { perCustomer: 1 } });
    expect(second).toMatchObject({
      passed: false,
      violation: {
        key: 'redemption_rules_violated',
        message: 'redemption does not match validation rules',
      },
    });
    const daily = compile({
      '1': rule('redemption.count.per_customer.per_day', { $less_than: [3] }),
      logic: '1',
    });
    expect(
      evaluateRuleSet(daily, { customer: { id: 'c' }, redemptions: { perCustomerToday: 1 } })
        .passed,
    ).toBe(true);
    expect(
      evaluateRuleSet(daily, { customer: { id: 'c' }, redemptions: { perCustomerToday: 2 } })
        .passed,
    ).toBe(false);
    expect(ruleSetNeedsCounters(daily)).toBe(true);
    expect(ruleSetNeedsCustomer(daily)).toBe(true);
  });

  describe('violations', () => {
    const set = compile(
      {
        '1': rule('order.amount', { $more_than: [1000] }, { error: { message: 'Spend more' } }),
        '2': rule('customer.metadata', { $is: ['VIP'] }, { property: 'tier' }),
        '3': rule('customer.source_id', { $starts_with: ['eu-'] }),
        logic: '1 and (2 or 3)',
      },
      { message: 'Not for you' },
    );

    it('names the first violated rule with its category and its own message', () => {
      expect(evaluateRuleSet(set, { order: order(500), customer: { source_id: 'eu-1' } })).toEqual({
        passed: false,
        violation: {
          key: 'order_rules_violated',
          category: 'order',
          message: 'order does not match validation rules',
          errorMessage: 'Spend more',
          rulePath: '1',
          ruleName: 'order.amount',
          missingCustomer: false,
        },
      });
    });

    it('reports the left side of a failed or, with the fallback message', () => {
      const result = evaluateRuleSet(set, {
        order: order(5000),
        customer: { source_id: 'us-1', metadata: {} },
      });
      expect(result).toMatchObject({
        passed: false,
        violation: {
          key: 'customer_rules_violated',
          rulePath: '2',
          errorMessage: 'Not for you',
          missingCustomer: false,
        },
      });
    });

    it('flags a missing customer', () => {
      const result = evaluateRuleSet(set, { order: order(5000) });
      expect(result).toMatchObject({
        passed: false,
        violation: { missingCustomer: true, key: 'customer_rules_violated' },
      });
    });

    it('passes when either side of the or holds', () => {
      expect(
        evaluateRuleSet(set, { order: order(5000), customer: { source_id: 'eu-9' } }).passed,
      ).toBe(true);
      expect(
        evaluateRuleSet(set, { order: order(5000), customer: { metadata: { tier: 'VIP' } } })
          .passed,
      ).toBe(true);
    });

    it('nested rules of a plain rule report the inner rule, inheriting the outer message', () => {
      const nested = compile({
        '1': rule(
          'order.amount',
          { $more_than: [0] },
          {
            error: { message: 'outer' },
            rules: { '1': rule('customer.source_id', { $is: ['x'] }), logic: '1' },
          },
        ),
        logic: '1',
      });
      expect(
        evaluateRuleSet(nested, { order: order(5), customer: { source_id: 'y' } }),
      ).toMatchObject({
        passed: false,
        violation: { rulePath: '1.1', key: 'customer_rules_violated', errorMessage: 'outer' },
      });
    });

    it('evaluateRuleSets returns the first failing set', () => {
      const pass = { id: 'val_a', ruleSet: compile({}) };
      const failing = { id: 'val_b', ruleSet: set };
      const result = evaluateRuleSets([pass, failing], { order: order(1) });
      expect(!result.passed && result.failed.id).toBe('val_b');
      expect(evaluateRuleSets([pass], {}).passed).toBe(true);
    });
  });

  it('evaluation agrees with boolean logic over the rules (property)', () => {
    // Rule n passes iff bit n of the mask is set: `order.amount $is [mask]`-free encoding
    // uses customer.metadata flags, so any and/or tree over 1..4 can be checked directly.
    const keys = ['1', '2', '3', '4'];
    const rules = Object.fromEntries(
      keys.map((k) => [k, rule('customer.metadata', { $is: [true] }, { property: `f${k}` })]),
    );
    const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
      e: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(...keys),
        fc
          .tuple(
            tie('e') as fc.Arbitrary<string>,
            fc.constantFrom('and', 'or'),
            tie('e') as fc.Arbitrary<string>,
          )
          .map(([a, op, b]) => `(${a} ${op} ${b})`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), (logic, flags) => {
        const used = new Set(logic.match(/\d/g));
        const set = compile({
          ...Object.fromEntries(Object.entries(rules).filter(([k]) => used.has(k))),
          logic,
        });
        const metadata = Object.fromEntries(keys.map((k, i) => [`f${k}`, flags[i]]));
        const js = logic
          .replace(/\d/g, (d) => String(flags[Number(d) - 1]))
          .replace(/and/g, '&&')
          .replace(/or/g, '||');
        // The reference is computed by a tiny independent evaluator, not by eval.
        expect(evaluateRuleSet(set, { customer: { metadata } }).passed).toBe(referenceEval(js));
      }),
    );
  });
});

/** Independent reference: reduce innermost parentheses of `true`/`false` with && and ||. */
function referenceEval(expression: string): boolean {
  let text = expression;
  const reduce = (inner: string) =>
    inner.split('||').some((conj) => conj.split('&&').every((atom) => atom.trim() === 'true'));
  while (text.includes('(')) {
    text = text.replace(/\(([^()]*)\)/g, (_, inner: string) => String(reduce(inner)));
  }
  return reduce(text);
}
