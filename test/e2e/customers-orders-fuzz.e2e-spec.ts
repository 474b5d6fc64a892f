import fc from 'fast-check';
import request from 'supertest';
import { createTestProject, TestProject } from '../factories/project.factory';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * Never a 500 for a bad request: random and half-valid bodies, paths and queries against
 * every customers and orders endpoint must get a 2xx or a 4xx in the contract's error shape.
 */
describe('customers and orders never answer a bad request with a 5xx (property-based, e2e)', () => {
  let t: TestApp;
  let a: TestProject;

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestProject(t.app);
    await request(t.app.getHttpServer())
      .post('/v1/customers')
      .set(a.headers)
      .send({ source_id: 'known' });
    await request(t.app.getHttpServer())
      .post('/v1/orders')
      .set(a.headers)
      .send({ source_id: 'known' });
  });
  afterAll(() => t.close());

  const nasty = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(
      '',
      'a\u0000b',
      '\ud800',
      '2024-02-30',
      '1e400',
      'cust_x',
      'ord_x',
      -1,
      1.5,
      1e300,
      -0,
      null,
      true,
      [],
      {},
    ),
    fc.string(),
    fc.integer(),
    fc.double(),
  );
  const field = (names: string[]) =>
    fc.dictionary(fc.constantFrom(...names), nasty, { maxKeys: 6 });
  const CUSTOMER_FIELDS = [
    'id',
    'source_id',
    'name',
    'email',
    'phone',
    'description',
    'birthdate',
    'address',
    'metadata',
  ];
  const ITEM_FIELDS = [
    'sku_id',
    'product_id',
    'related_object',
    'source_id',
    'quantity',
    'price',
    'amount',
    'discount_amount',
    'product',
    'sku',
    'metadata',
  ];
  const customerBody = fc.oneof(
    field(CUSTOMER_FIELDS),
    fc.record({
      source_id: fc.constant('known'),
      address: field(['city', 'state', 'line_1', 'postal_code']),
    }),
  );
  const orderBody = fc.oneof(
    field([
      'id',
      'source_id',
      'status',
      'amount',
      'initial_amount',
      'discount_amount',
      'items',
      'customer',
      'referrer',
      'metadata',
      'created_at',
    ]),
    fc.record({
      source_id: fc.oneof(fc.constant('known'), fc.string({ maxLength: 5 })),
      items: fc.oneof(fc.array(field(ITEM_FIELDS), { maxLength: 3 }), nasty),
      customer: fc.oneof(customerBody, nasty),
      amount: nasty,
    }),
  );
  const body = (shaped: fc.Arbitrary<unknown>) => fc.oneof(shaped, fc.jsonValue());
  const segment = fc.oneof(
    fc.constantFrom('known', 'cust_x', 'ord_x', '%00', '%E0%A4%A', 'a'.repeat(300)),
    fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent),
  );
  const query = fc
    .dictionary(
      fc.constantFrom(
        'limit',
        'page',
        'order',
        'email',
        'name',
        'city',
        'starting_after',
        'created_at[before]',
        'created_at[after]',
        'updated_at[after]',
        'created_at',
      ),
      fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('0', '101', '1001', '-created_at', 'x', '2024-01-01', '%00'),
      ),
      { maxKeys: 4 },
    )
    .map((q) =>
      Object.entries(q)
        .map(([k, v]) => `${encodeURIComponent(k)}=${v === '%00' ? v : encodeURIComponent(v)}`)
        .join('&'),
    );

  type Req = { method: 'get' | 'post' | 'put' | 'delete'; path: string; body?: unknown };
  const requests: fc.Arbitrary<Req> = fc.oneof(
    body(customerBody).map((b) => ({ method: 'post' as const, path: '/v1/customers', body: b })),
    fc
      .tuple(segment, body(customerBody))
      .map(([s, b]) => ({ method: 'put' as const, path: `/v1/customers/${s}`, body: b })),
    segment.map((s) => ({ method: 'get' as const, path: `/v1/customers/${s}` })),
    segment.map((s) => ({ method: 'delete' as const, path: `/v1/customers/${s}x` })),
    query.map((q) => ({ method: 'get' as const, path: `/v1/customers?${q}` })),
    body(orderBody).map((b) => ({ method: 'post' as const, path: '/v1/orders', body: b })),
    fc
      .tuple(segment, body(orderBody))
      .map(([s, b]) => ({ method: 'put' as const, path: `/v1/orders/${s}`, body: b })),
    segment.map((s) => ({ method: 'get' as const, path: `/v1/orders/${s}` })),
    query.map((q) => ({ method: 'get' as const, path: `/v1/orders?${q}` })),
    fc
      .oneof(fc.array(body(orderBody), { maxLength: 3 }), fc.jsonValue())
      .map((b) => ({ method: 'post' as const, path: '/v1/orders/import', body: b })),
  );

  it('answers 2xx or a contract 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (r) => {
        let req = request(t.app.getHttpServer())[r.method](r.path).set(a.headers);
        if (r.body !== undefined)
          req = req.set('content-type', 'application/json').send(JSON.stringify(r.body));
        const res = await req;
        if (res.status >= 500)
          throw new Error(
            `${r.method} ${r.path} ${JSON.stringify(r.body)} → ${res.status} ${res.text}`,
          );
        if (res.status >= 400) {
          expect(res.body).toMatchObject({
            code: res.status,
            key: expect.any(String),
            message: expect.any(String),
          });
          expect(res.body.request_id).toMatch(/^v-/);
        }
      }),
      { numRuns: 400 },
    );
  }, 120_000);
});
