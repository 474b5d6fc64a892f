import fc from 'fast-check';
import { calculateOrder, DiscountDefinition, percentOf, StackEntry } from './discount-math';
import { OrderInput } from './order-items';

const d = (discount: DiscountDefinition): StackEntry => ({ discount });
const items = () => [
  { product_id: 'prod_a', quantity: 2, price: 1000 }, // 2000
  { product_id: 'prod_b', sku_id: 'sku_b', quantity: 1, price: 3000 }, // 3000
];

describe('percentOf: round half up to the cent', () => {
  it.each([
    [1000, 10, 100],
    [999, 10, 100], // 99.9 → 100
    [995, 10, 100], // 99.5 → 100 (half up)
    [994, 10, 99], // 99.4 → 99
    [4, 12.5, 1], // 0.5 → 1
    [3, 12.5, 0], // 0.375 → 0
    [1, 50, 1], // 0.5 → 1
    [12345, 33.3333, 4115], // 4114.99... → 4115
    [100, 0, 0],
    [0, 50, 0],
    [100, 150, 100], // capped at 100%
  ])('%d × %d%% = %d', (base, pct, expected) => {
    expect(percentOf(base, pct)).toBe(expected);
  });

  it('matches exact rational rounding (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (base, p) => {
          const pct = p / 10_000;
          // exact: base * p / 1e6, half up
          const num = BigInt(base) * BigInt(p);
          const q = num / 1_000_000n;
          const r = num % 1_000_000n;
          const expected = Number(r * 2n >= 1_000_000n ? q + 1n : q);
          expect(percentOf(base, pct)).toBe(expected);
        },
      ),
    );
  });
});

describe('calculateOrder', () => {
  it('without discounts: amounts from items, totals equal the amount', () => {
    const { order } = calculateOrder({ items: items() });
    expect(order).toMatchObject({
      amount: 5000,
      initial_amount: 5000,
      discount_amount: 0,
      items_discount_amount: 0,
      total_discount_amount: 0,
      total_amount: 5000,
      applied_discount_amount: 0,
      items_applied_discount_amount: 0,
      total_applied_discount_amount: 0,
    });
    expect(order.items.map((i) => [i.amount, i.subtotal_amount])).toEqual([
      [2000, 2000],
      [3000, 3000],
    ]);
  });

  it('an explicit order amount wins over the item sum', () => {
    expect(calculateOrder({ amount: 7000, items: items() }).order.amount).toBe(7000);
  });

  it('AMOUNT on the order, never below zero', () => {
    expect(
      calculateOrder({ amount: 10000 }, [d({ type: 'AMOUNT', amount_off: 1500 })]).order,
    ).toMatchObject({
      discount_amount: 1500,
      total_amount: 8500,
      applied_discount_amount: 1500,
      total_applied_discount_amount: 1500,
    });
    expect(
      calculateOrder({ amount: 1000 }, [d({ type: 'AMOUNT', amount_off: 1500 })]).order,
    ).toMatchObject({
      discount_amount: 1000,
      total_amount: 0,
    });
  });

  it('PERCENT on the order, capped by amount_limit', () => {
    expect(
      calculateOrder({ amount: 10000 }, [d({ type: 'PERCENT', percent_off: 10 })]).order
        .discount_amount,
    ).toBe(1000);
    expect(
      calculateOrder({ amount: 100000 }, [
        d({ type: 'PERCENT', percent_off: 10, amount_limit: 5000 }),
      ]).order.discount_amount,
    ).toBe(5000);
  });

  it('FIXED on the order sets the price', () => {
    expect(
      calculateOrder({ amount: 10000 }, [d({ type: 'FIXED', fixed_amount: 7000 })]).order,
    ).toMatchObject({
      discount_amount: 3000,
      total_amount: 7000,
    });
    expect(
      calculateOrder({ amount: 5000 }, [d({ type: 'FIXED', fixed_amount: 7000 })]).order
        .discount_amount,
    ).toBe(0);
  });

  it('AMOUNT APPLY_TO_ITEMS: per applicable line', () => {
    const { order, applications } = calculateOrder({ items: items() }, [
      d({
        type: 'AMOUNT',
        amount_off: 500,
        effect: 'APPLY_TO_ITEMS',
        applicable_to: [{ object: 'product', id: 'prod_a' }],
      }),
    ]);
    expect(order.items[0]).toMatchObject({
      discount_amount: 500,
      applied_discount_amount: 500,
      subtotal_amount: 1500,
    });
    expect(order.items[1]).toMatchObject({ discount_amount: 0, subtotal_amount: 3000 });
    expect(order).toMatchObject({
      discount_amount: 0,
      items_discount_amount: 500,
      total_discount_amount: 500,
      total_amount: 4500,
      items_applied_discount_amount: 500,
    });
    expect(applications[0]).toMatchObject({
      items_discount_amount: 500,
      items: [{ index: 0, discount_amount: 500 }],
    });
  });

  it('AMOUNT APPLY_TO_ITEMS_BY_QUANTITY: per unit', () => {
    const { order } = calculateOrder({ items: items() }, [
      d({
        type: 'AMOUNT',
        amount_off: 300,
        effect: 'APPLY_TO_ITEMS_BY_QUANTITY',
        applicable_to: [{ id: 'prod_a' }],
      }),
    ]);
    expect(order.items[0].discount_amount).toBe(600);
  });

  it('AMOUNT APPLY_TO_ITEMS_PROPORTIONALLY: split by line amounts, largest remainder', () => {
    const { order } = calculateOrder({ items: items() }, [
      d({ type: 'AMOUNT', amount_off: 1001, effect: 'APPLY_TO_ITEMS_PROPORTIONALLY' }),
    ]);
    // 1001 × 2000/5000 = 400.4, × 3000/5000 = 600.6 → 400 + 601
    expect(order.items.map((i) => i.discount_amount)).toEqual([400, 601]);
    expect(order.items_discount_amount).toBe(1001);
  });

  it('PERCENT APPLY_TO_ITEMS rounds per line and caps the whole discount', () => {
    const { order } = calculateOrder({ items: items() }, [
      d({ type: 'PERCENT', percent_off: 50, effect: 'APPLY_TO_ITEMS', amount_limit: 1800 }),
    ]);
    expect(order.items.map((i) => i.discount_amount)).toEqual([1000, 800]);
  });

  it('FIXED APPLY_TO_ITEMS sets the unit price', () => {
    const { order } = calculateOrder({ items: items() }, [
      d({
        type: 'FIXED',
        fixed_amount: 600,
        effect: 'APPLY_TO_ITEMS',
        applicable_to: [{ object: 'sku', id: 'sku_b' }],
      }),
    ]);
    expect(order.items[1]).toMatchObject({ discount_amount: 2400, subtotal_amount: 600 });
  });

  describe('UNIT', () => {
    it('ADD_MISSING_ITEMS adds what is missing and makes unit_off units free', () => {
      const { order } = calculateOrder(
        { items: [{ product_id: 'prod_a', quantity: 1, price: 1000 }] },
        [d({ type: 'UNIT', unit_off: 2, unit_type: 'prod_a', effect: 'ADD_MISSING_ITEMS' })],
      );
      expect(order.items[0]).toMatchObject({
        quantity: 2,
        initial_quantity: 1,
        amount: 2000,
        discount_quantity: 2,
        discount_amount: 2000,
        subtotal_amount: 0,
      });
      expect(order).toMatchObject({
        initial_amount: 1000,
        amount: 2000,
        items_discount_amount: 2000,
        total_amount: 0,
      });
    });

    it('ADD_MISSING_ITEMS adds nothing when the units are there', () => {
      const { order } = calculateOrder(
        { items: [{ product_id: 'prod_a', quantity: 3, price: 1000 }] },
        [d({ type: 'UNIT', unit_off: 1, unit_type: 'prod_a' })],
      );
      expect(order.items[0]).toMatchObject({
        quantity: 3,
        discount_amount: 1000,
        subtotal_amount: 2000,
      });
      expect(order.amount).toBe(3000);
    });

    it('ADD_NEW_ITEMS always adds unit_off free units', () => {
      const { order } = calculateOrder(
        { items: [{ product_id: 'prod_a', quantity: 3, price: 1000 }] },
        [d({ type: 'UNIT', unit_off: 1, unit_type: 'prod_a', effect: 'ADD_NEW_ITEMS' })],
      );
      expect(order.items[0]).toMatchObject({
        quantity: 4,
        amount: 4000,
        discount_amount: 1000,
        subtotal_amount: 3000,
      });
      expect(order).toMatchObject({ initial_amount: 3000, amount: 4000, total_amount: 3000 });
    });

    it('adds a new line for a product not in the order, priced from the definition', () => {
      const { order } = calculateOrder({ amount: 5000 }, [
        d({
          type: 'UNIT',
          unit_off: 1,
          unit_type: 'prod_ship',
          product: { id: 'prod_ship', price: 700 },
          effect: 'ADD_MISSING_ITEMS',
        }),
      ]);
      expect(order.items).toHaveLength(1);
      expect(order.items[0]).toMatchObject({
        product_id: 'prod_ship',
        quantity: 1,
        initial_quantity: 0,
        amount: 700,
        discount_amount: 700,
      });
      expect(order).toMatchObject({ initial_amount: 5000, amount: 5700, total_amount: 5000 });
    });

    it('ADD_MANY_ITEMS applies each unit', () => {
      const { order } = calculateOrder(
        {
          items: [
            { product_id: 'p1', price: 100, quantity: 1 },
            { sku_id: 'sku_2', price: 50, quantity: 1 },
          ],
        },
        [
          d({
            type: 'UNIT',
            effect: 'ADD_MANY_ITEMS',
            units: [
              { unit_off: 1, unit_type: 'p1', effect: 'ADD_NEW_ITEMS' },
              { unit_off: 1, unit_type: 'sku_2' },
            ],
          }),
        ],
      );
      expect(order.items.map((i) => [i.quantity, i.discount_amount])).toEqual([
        [2, 100],
        [1, 50],
      ]);
    });
  });

  it('gift credits: min(requested or remaining total, balance)', () => {
    const gift = (balance: number, credits?: number): StackEntry => ({
      gift: { balance, credits },
    });
    expect(calculateOrder({ amount: 5000 }, [gift(10000)]).applications[0].gift_credits).toBe(5000);
    expect(calculateOrder({ amount: 5000 }, [gift(2000)]).applications[0].gift_credits).toBe(2000);
    expect(calculateOrder({ amount: 5000 }, [gift(10000, 1500)]).applications[0].gift_credits).toBe(
      1500,
    );
    expect(calculateOrder({ amount: 5000 }, [gift(1000, 1500)]).applications[0].gift_credits).toBe(
      1000,
    );
    expect(calculateOrder({ amount: 5000 }, [gift(10000, 9000)]).order).toMatchObject({
      discount_amount: 5000,
      total_amount: 0,
    });
  });

  it('stacks in phases: UNIT, items, order, gift; requested order within a phase', () => {
    const stack: StackEntry[] = [
      { gift: { balance: 100000 } },
      d({ type: 'PERCENT', percent_off: 10 }),
      d({
        type: 'AMOUNT',
        amount_off: 1000,
        effect: 'APPLY_TO_ITEMS',
        applicable_to: [{ id: 'prod_b' }],
      }),
      d({ type: 'AMOUNT', amount_off: 500 }),
    ];
    const { order, applications } = calculateOrder({ items: items() }, stack);
    // items: 5000 − 1000 = 4000; 10% of 4000 = 400; −500 → 3100; gift pays 3100.
    expect(applications.map((a) => a.total_discount_amount)).toEqual([3100, 400, 1000, 500]);
    expect(order).toMatchObject({
      items_discount_amount: 1000,
      discount_amount: 4000,
      total_amount: 0,
    });
  });

  it('carries discounts already on the order', () => {
    const input: OrderInput = {
      amount: 10000,
      discount_amount: 1000,
      items: [{ product_id: 'p', price: 10000, quantity: 1, discount_amount: 2000 }],
    };
    const { order } = calculateOrder(input, [d({ type: 'PERCENT', percent_off: 10 })]);
    // remaining 7000 → 10% = 700
    expect(order).toMatchObject({
      discount_amount: 1700,
      applied_discount_amount: 700,
      items_discount_amount: 2000,
      items_applied_discount_amount: 0,
      total_discount_amount: 3700,
      total_applied_discount_amount: 700,
      total_amount: 6300,
    });
  });

  it('sanitises hostile input instead of producing negative money', () => {
    const { order } = calculateOrder(
      {
        amount: -5,
        discount_amount: 99999,
        items: [{ price: -3, quantity: -1 }, { amount: Number.NaN }],
      },
      [d({ type: 'AMOUNT', amount_off: -100 }), d({ type: 'PERCENT', percent_off: -5 })],
    );
    expect(order.amount).toBe(0);
    expect(order.total_amount).toBe(0);
    expect(order.total_discount_amount).toBe(0);
  });
});

// ---------------------------------------------------------------- properties

const money = fc.integer({ min: 0, max: 1_000_000_00 });
const productId = fc.constantFrom('prod_a', 'prod_b', 'prod_c', 'sku_x');
const itemArb = fc.record(
  {
    product_id: productId,
    quantity: fc.integer({ min: 0, max: 20 }),
    price: fc.integer({ min: 0, max: 1_000_00 }),
    discount_amount: fc.integer({ min: 0, max: 50_000 }),
  },
  { requiredKeys: ['product_id', 'quantity', 'price'] },
);
const orderArb: fc.Arbitrary<OrderInput> = fc.record(
  {
    amount: money,
    discount_amount: fc.integer({ min: 0, max: 50_000 }),
    items: fc.array(itemArb, { maxLength: 6 }),
  },
  { requiredKeys: ['items'] },
);
const selectors = fc.option(fc.array(fc.record({ id: productId }), { maxLength: 2 }), {
  nil: undefined,
});
const itemsEffect = fc.constantFrom(
  'APPLY_TO_ITEMS' as const,
  'APPLY_TO_ITEMS_BY_QUANTITY' as const,
  'APPLY_TO_ITEMS_PROPORTIONALLY' as const,
);
const discountArb: fc.Arbitrary<DiscountDefinition> = fc.oneof(
  fc.record({
    type: fc.constant('AMOUNT' as const),
    amount_off: money,
    effect: fc.option(fc.oneof(fc.constant('APPLY_TO_ORDER' as const), itemsEffect), {
      nil: undefined,
    }),
    applicable_to: selectors,
  }),
  fc.record({
    type: fc.constant('PERCENT' as const),
    percent_off: fc.integer({ min: 0, max: 1_000_000 }).map((p) => p / 10_000),
    amount_limit: fc.option(money, { nil: undefined }),
    effect: fc.option(fc.constantFrom('APPLY_TO_ORDER' as const, 'APPLY_TO_ITEMS' as const), {
      nil: undefined,
    }),
    applicable_to: selectors,
  }),
  fc.record({
    type: fc.constant('FIXED' as const),
    fixed_amount: money,
    effect: fc.option(fc.constantFrom('APPLY_TO_ORDER' as const, 'APPLY_TO_ITEMS' as const), {
      nil: undefined,
    }),
    applicable_to: selectors,
  }),
  fc.record({
    type: fc.constant('UNIT' as const),
    unit_off: fc.integer({ min: 0, max: 5 }),
    unit_type: productId,
    effect: fc.constantFrom('ADD_MISSING_ITEMS' as const, 'ADD_NEW_ITEMS' as const),
    product: fc.record({ price: fc.integer({ min: 0, max: 10_000 }) }),
  }),
);
const entryArb: fc.Arbitrary<StackEntry> = fc.oneof(
  { weight: 4, arbitrary: discountArb.map((discount) => ({ discount })) },
  {
    weight: 1,
    arbitrary: fc.record({
      gift: fc.record({ balance: money, credits: fc.option(money, { nil: undefined }) }),
    }),
  },
);
const stackArb = fc.array(entryArb, { maxLength: 6 });

describe('calculateOrder properties', () => {
  it('totals add up and nothing is negative', () => {
    fc.assert(
      fc.property(orderArb, stackArb, (input, stack) => {
        const { order, applications } = calculateOrder(input, stack);
        const nonNegative = [
          order.amount,
          order.initial_amount,
          order.discount_amount,
          order.items_discount_amount,
          order.total_discount_amount,
          order.total_amount,
          order.applied_discount_amount,
          order.items_applied_discount_amount,
          order.total_applied_discount_amount,
          ...order.items.flatMap((i) => [
            i.amount,
            i.discount_amount,
            i.applied_discount_amount,
            i.subtotal_amount,
          ]),
          ...applications.map((a) => a.total_discount_amount),
        ];
        for (const v of nonNegative) {
          expect(Number.isSafeInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
        }
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        expect(order.items_discount_amount).toBe(sum(order.items.map((i) => i.discount_amount)));
        expect(order.items_applied_discount_amount).toBe(
          sum(order.items.map((i) => i.applied_discount_amount)),
        );
        expect(order.total_discount_amount).toBe(
          order.discount_amount + order.items_discount_amount,
        );
        expect(order.total_applied_discount_amount).toBe(
          order.applied_discount_amount + order.items_applied_discount_amount,
        );
        expect(order.total_amount).toBe(order.amount - order.total_discount_amount);
        for (const i of order.items) expect(i.subtotal_amount).toBe(i.amount - i.discount_amount);
        expect(sum(applications.map((a) => a.total_discount_amount))).toBe(
          order.total_applied_discount_amount,
        );
        expect(sum(applications.map((a) => a.order_discount_amount))).toBe(
          order.applied_discount_amount,
        );
        expect(applications).toHaveLength(stack.length);
      }),
      { numRuns: 300 },
    );
  });

  it('caps are respected: amount_off, amount_limit, gift balance and requested credits', () => {
    fc.assert(
      fc.property(orderArb, stackArb, (input, stack) => {
        const { applications } = calculateOrder(input, stack);
        stack.forEach((entry, i) => {
          const applied = applications[i];
          if ('gift' in entry) {
            expect(applied.gift_credits).toBeLessThanOrEqual(entry.gift.balance);
            if (entry.gift.credits !== undefined && entry.gift.credits !== null) {
              expect(applied.gift_credits).toBeLessThanOrEqual(entry.gift.credits);
            }
            return;
          }
          const discount = entry.discount;
          if (
            discount.type === 'PERCENT' &&
            discount.amount_limit !== undefined &&
            discount.amount_limit !== null
          ) {
            expect(applied.total_discount_amount).toBeLessThanOrEqual(discount.amount_limit);
          }
          if (
            discount.type === 'AMOUNT' &&
            discount.effect !== 'APPLY_TO_ITEMS' &&
            discount.effect !== 'APPLY_TO_ITEMS_BY_QUANTITY'
          ) {
            expect(applied.total_discount_amount).toBeLessThanOrEqual(discount.amount_off);
          }
          if (discount.type === 'AMOUNT' && discount.effect === 'APPLY_TO_ITEMS') {
            for (const line of applied.items)
              expect(line.discount_amount).toBeLessThanOrEqual(discount.amount_off);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('stacking order: the result depends only on the order within each phase', () => {
    const phase = (e: StackEntry) =>
      'gift' in e
        ? 3
        : e.discount.type === 'UNIT'
          ? 0
          : e.discount.effect && e.discount.effect !== 'APPLY_TO_ORDER'
            ? 1
            : 2;
    fc.assert(
      fc.property(
        orderArb,
        stackArb,
        fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        (input, stack, keys) => {
          // A random interleaving of the phases that keeps each phase's own order: sort the
          // positions by random keys, read off their phases, then refill each phase in order.
          const phases = stack
            .map((entry, i) => ({ p: phase(entry), k: keys[i] * 10 + i }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.p);
          const queues = [0, 1, 2, 3].map((p) => stack.filter((e) => phase(e) === p));
          const interleaved = phases.map((p) => queues[p].shift()!);
          expect(calculateOrder(input, interleaved).order).toEqual(
            calculateOrder(input, stack).order,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('order-level discounts apply to what earlier ones left: total discount never exceeds the amount', () => {
    fc.assert(
      fc.property(money, fc.array(discountArb, { maxLength: 8 }), (amount, discounts) => {
        const { order } = calculateOrder(
          { amount },
          discounts.map((discount) => ({ discount })),
        );
        expect(order.total_discount_amount).toBeLessThanOrEqual(order.amount);
      }),
    );
  });

  it('a later order-level discount never changes what an earlier one took', () => {
    fc.assert(
      fc.property(
        orderArb,
        fc.array(discountArb, { maxLength: 5 }),
        discountArb,
        (input, discounts, extra) => {
          const orderLevel = (x: DiscountDefinition): DiscountDefinition =>
            x.type === 'UNIT'
              ? { type: 'AMOUNT', amount_off: x.unit_off ?? 0 }
              : ({ ...x, effect: 'APPLY_TO_ORDER' } as DiscountDefinition);
          const base = discounts.map((x) => ({ discount: orderLevel(x) }));
          const before = calculateOrder(input, base).applications;
          const after = calculateOrder(input, [
            ...base,
            { discount: orderLevel(extra) },
          ]).applications;
          expect(after.slice(0, before.length)).toEqual(before);
        },
      ),
    );
  });
});
