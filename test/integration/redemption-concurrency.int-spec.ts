import { createTestProject, TestProject } from '../factories/project.factory';
import { createTestApp, TestApp } from '../utils/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Real concurrency on real Postgres: parallel HTTP requests against a listening app.
 * CI runs this file several times in a row (it must hold every time, not usually).
 */
describe('redemption concurrency (integration, parallel HTTP)', () => {
  let t: TestApp;
  let a: TestProject;

  beforeAll(async () => {
    t = await createTestApp({ listen: true, env: { DB_POOL_MAX: '20', LOG_LEVEL: 'error' } });
    a = await createTestProject(t.app);
  });
  afterAll(() => t.close());

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: {
        ...a.headers,
        ...headers,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
  }

  const voucher = async (code: string, extra: Json) => {
    const res = await call('POST', `/v1/vouchers/${code}`, { code, ...extra });
    expect(res.status).toBe(200);
    return res.body;
  };

  const count = (results: { status: number; body: Json }[], status: number, key?: string) =>
    results.filter((r) => r.status === status && (key === undefined || r.body?.key === key)).length;

  it('quantity N: 10×N concurrent redeems → exactly N succeed, the rest quantity_exceeded', async () => {
    const N = 10;
    await voucher('QTY10', {
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      redemption: { quantity: N },
    });
    const results = await Promise.all(
      Array.from({ length: 10 * N }, (_, i) =>
        call('POST', '/v1/vouchers/QTY10/redemption', {
          customer: { source_id: `q-${i}` },
          order: { amount: 1000 },
        }),
      ),
    );
    expect(count(results, 200)).toBe(N);
    expect(count(results, 400, 'quantity_exceeded')).toBe(9 * N);
    const v = await call('GET', '/v1/vouchers/QTY10');
    expect(v.body.redemption.redeemed_quantity).toBe(N);
    const entries = await call('GET', '/v1/redemptions?result=SUCCESS&voucher=QTY10&limit=100');
    expect(entries.body.total).toBe(N);
  });

  it('per-customer limit 1: 50 concurrent redeems by one customer → exactly 1', async () => {
    const v = await voucher('ONEPER', {
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
    });
    const rule = await call('POST', '/v1/validation-rules', {
      name: 'once per customer',
      rules: {
        '1': { name: 'redemption.count.per_customer', conditions: { $less_than_equal: [1] } },
        logic: '1',
      },
    });
    expect(rule.status).toBe(200);
    const assignment = await call('POST', `/v1/validation-rules/${rule.body.id}/assignments`, {
      related_object_type: 'voucher',
      related_object_id: v.id,
    });
    expect(assignment.status).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        call('POST', '/v1/vouchers/ONEPER/redemption', { customer: { source_id: 'same-one' } }),
      ),
    );
    expect(count(results, 200)).toBe(1);
    expect(count(results, 400, 'redemption_rules_violated')).toBe(49);
    // Another customer still can.
    const other = await call('POST', '/v1/vouchers/ONEPER/redemption', {
      customer: { source_id: 'someone-else' },
    });
    expect(other.status).toBe(200);
  });

  it('gift card: 100 concurrent partial redeems → successes never exceed the amount; balance exact', async () => {
    await voucher('GIFTC', { type: 'GIFT_VOUCHER', gift: { amount: 10000 } });
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        call('POST', '/v1/vouchers/GIFTC/redemption', {
          gift: { credits: 300 },
          order: { amount: 1000 },
        }),
      ),
    );
    const successes = count(results, 200);
    expect(successes).toBe(33); // 33 × 3.00 = 99.00 ≤ 100.00 < 34 × 3.00
    expect(count(results, 400, 'gift_amount_exceeded')).toBe(100 - successes);
    const spent = results
      .filter((r) => r.status === 200)
      .reduce((sum, r) => sum + (r.body.amount as number), 0);
    expect(spent).toBe(successes * 300);
    const v = await call('GET', '/v1/vouchers/GIFTC');
    expect(v.body.gift.balance).toBe(10000 - spent);
    expect(v.body.redemption.redeemed_amount).toBe(spent);
  });

  it('20 concurrent rollbacks of one redemption → exactly 1', async () => {
    await voucher('RB1', {
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      redemption: { quantity: 5 },
    });
    const redeemed = await call('POST', '/v1/vouchers/RB1/redemption', {});
    expect(redeemed.status).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call('POST', `/v1/redemptions/${redeemed.body.id}/rollback?reason=dup`),
      ),
    );
    expect(count(results, 200)).toBe(1);
    expect(count(results, 400, 'already_rolled_back')).toBe(19);
    const v = await call('GET', '/v1/vouchers/RB1');
    expect(v.body.redemption.redeemed_quantity).toBe(0);
  });

  it('overlapping stacked redemptions in opposite orders → no deadlock, totals exact', async () => {
    const Q = 15;
    for (const code of ['STK-A', 'STK-B', 'STK-C'])
      await voucher(code, {
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT', amount_off: 100 },
        redemption: { quantity: Q },
      });
    const orders = [
      ['STK-A', 'STK-B', 'STK-C'],
      ['STK-C', 'STK-B', 'STK-A'],
      ['STK-B', 'STK-A', 'STK-C'],
    ];
    const results = await Promise.all(
      Array.from({ length: 3 * Q }, (_, i) =>
        call('POST', '/v1/redemptions', {
          redeemables: orders[i % 3].map((id) => ({ object: 'voucher', id })),
          order: { amount: 10000 },
        }),
      ),
    );
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    expect(count(results, 200)).toBe(Q);
    expect(count(results, 400, 'quantity_exceeded')).toBe(2 * Q);
    for (const code of ['STK-A', 'STK-B', 'STK-C']) {
      const v = await call('GET', `/v1/vouchers/${code}`);
      expect(v.body.redemption.redeemed_quantity).toBe(Q);
    }
    // And rolling them all back concurrently, in any order, gives every use back.
    const parents = results.filter((r) => r.status === 200).map((r) => r.body.parent_redemption.id);
    const rollbacks = await Promise.all(
      parents.map((id) => call('POST', `/v1/redemptions/${id}/rollbacks`, {})),
    );
    expect(count(rollbacks, 200)).toBe(Q);
    for (const code of ['STK-A', 'STK-B', 'STK-C']) {
      const v = await call('GET', `/v1/vouchers/${code}`);
      expect(v.body.redemption.redeemed_quantity).toBe(0);
    }
  });

  it('idempotent replays under concurrency → one redemption, same response to all', async () => {
    await voucher('IDEM', {
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(
          'POST',
          '/v1/vouchers/IDEM/redemption',
          { order: { amount: 1000 } },
          { 'Idempotency-Key': 'concurrent-key-1' },
        ),
      ),
    );
    expect(count(results, 200)).toBe(20);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const v = await call('GET', '/v1/vouchers/IDEM');
    expect(v.body.redemption.redeemed_quantity).toBe(1);
  });

  it('LOCK holds count against the quantity under concurrency', async () => {
    await voucher('HOLD5', {
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      redemption: { quantity: 5 },
    });
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        call('POST', '/v1/vouchers/HOLD5/validate', { session: { type: 'LOCK' } }),
      ),
    );
    const held = results.filter((r) => r.body.valid === true);
    expect(held).toHaveLength(5);
    expect(results.filter((r) => r.body.error?.key === 'quantity_exceeded')).toHaveLength(25);
    // Nobody else can redeem; the holders can, each exactly once.
    const stranger = await call('POST', '/v1/vouchers/HOLD5/redemption', {});
    expect(stranger.body.key).toBe('quantity_exceeded');
    const redeems = await Promise.all(
      held.map((h) =>
        call('POST', '/v1/vouchers/HOLD5/redemption', { session: { key: h.body.session.key } }),
      ),
    );
    expect(count(redeems, 200)).toBe(5);
    const v = await call('GET', '/v1/vouchers/HOLD5');
    expect(v.body.redemption.redeemed_quantity).toBe(5);
  });
});
