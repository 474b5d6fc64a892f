import fc from 'fast-check';
import { stringify } from 'qs';
import request from 'supertest';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

/**
 * Property: whatever malformed input reaches an endpoint of this module, the answer is never a
 * 5xx, and every error is the contract's body. Bodies are valid ones with one property (at any
 * depth of the known shape) replaced by an arbitrary JSON value, or arbitrary values outright.
 */
jest.setTimeout(60_000);

describe('malformed input never yields a 500 (property-based, e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  const RUNS = 25;

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestProject(t.app);
    const http = request(t.app.getHttpServer());
    await http
      .post('/v1/vouchers/FUZZ-D')
      .set(a.headers)
      .send({ type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 1 } });
    await http
      .post('/v1/vouchers/FUZZ-G')
      .set(a.headers)
      .send({ type: 'GIFT_VOUCHER', gift: { amount: 100 } });
    await http
      .post('/v1/campaigns')
      .set(a.headers)
      .send({ name: 'FuzzCamp', voucher: { discount: { type: 'PERCENT', percent_off: 1 } } });
  });
  afterAll(() => t.close());

  const expectContract = (res: request.Response) => {
    if (res.status >= 500) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    if (res.status >= 400) {
      expect(res.body).toMatchObject({
        code: res.status,
        key: expect.any(String),
        message: expect.any(String),
        details: expect.any(String),
        request_id: expect.any(String),
      });
    }
  };

  /** JSON values without huge campaign sizes (a valid 10M vouchers_count would start real work). */
  const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !(typeof v === 'number' && v > 1000));
  const ANY_BODY = fc.oneof(json, fc.constant(null), fc.array(json, { maxLength: 3 }));

  const voucherBase = {
    type: 'DISCOUNT_VOUCHER',
    discount: { type: 'PERCENT', percent_off: 10, amount_limit: 100, effect: 'APPLY_TO_ORDER' },
    gift: { amount: 1, effect: 'APPLY_TO_ORDER' },
    code_config: { length: 8, charset: 'ABC', prefix: 'P', postfix: 'S', pattern: '##' },
    redemption: { quantity: 1 },
    start_date: '2025-01-01T00:00:00Z',
    expiration_date: '2026-01-01T00:00:00Z',
    validity_timeframe: { interval: 'P1D', duration: 'PT1H' },
    validity_day_of_week: [1, 2],
    validity_hours: {
      daily: [{ start_time: '10:00', expiration_time: '12:00', days_of_week: [1] }],
    },
    metadata: { a: 1 },
    category: 'c',
    additional_info: 'i',
    publish: { count: 0 },
    holder_id: 'cust_1',
    validation_rules: ['val_1'],
    active: true,
    campaign: 'FuzzCamp',
  };
  const campaignBase = {
    name: 'x',
    campaign_type: 'DISCOUNT_COUPONS',
    type: 'AUTO_UPDATE',
    vouchers_count: 0,
    join_once: false,
    start_date: '2025-01-01T00:00:00Z',
    metadata: {},
    voucher: {
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 5 },
      redemption: { quantity: 2 },
      code_config: { length: 8 },
    },
  };

  /** Paths of every property of a body (nested objects included). */
  const pathsOf = (obj: unknown, prefix: string[] = []): string[][] =>
    obj !== null && typeof obj === 'object' && !Array.isArray(obj)
      ? Object.entries(obj).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])])
      : [];
  const mutate = (base: object, path: string[], value: unknown): object => {
    const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[path[path.length - 1]] = value;
    return copy;
  };
  const mutated = (base: object) =>
    fc.oneof(
      fc
        .tuple(fc.constantFrom(...pathsOf(base)), json)
        .map(([path, value]) => mutate(base, path, value)),
      ANY_BODY,
    );

  const code = fc.oneof(
    fc.string({ minLength: 1, maxLength: 120 }),
    fc.constantFrom('FUZZ-D', 'FUZZ-G'),
  );
  const query = fc.dictionary(
    fc.constantFrom(
      'limit',
      'page',
      'order',
      'campaign',
      'category',
      'customer',
      'code',
      'ids',
      'created_at',
      'filters',
      'campaign_type',
      'force',
      'vouchers_count',
      'starting_after_id',
    ),
    fc.oneof(
      json,
      fc.dictionary(
        fc.constantFrom('before', 'after', 'junction', 'metadata.x', 'active', '$is'),
        json,
      ),
    ),
  );

  const send = (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: unknown) => {
    const req = request(t.app.getHttpServer())[method](path).set(a.headers);
    return body === undefined
      ? req
      : req.set('content-type', 'application/json').send(JSON.stringify(body));
  };
  const seg = (s: string) => encodeURIComponent(s);

  const cases: [string, fc.Arbitrary<() => Promise<request.Response>>][] = [
    [
      'POST /v1/vouchers/:code',
      fc.tuple(code, mutated(voucherBase)).map(
        ([c, b]) =>
          () =>
            send('post', `/v1/vouchers/${seg(c)}`, b),
      ),
    ],
    ['POST /v1/vouchers', mutated(voucherBase).map((b) => () => send('post', '/v1/vouchers', b))],
    [
      'PUT /v1/vouchers/:code',
      fc.tuple(code, mutated(voucherBase)).map(
        ([c, b]) =>
          () =>
            send('put', `/v1/vouchers/${seg(c)}`, b),
      ),
    ],
    [
      'POST /v1/vouchers/:code/balance',
      fc.tuple(code, mutated({ amount: 5, reason: 'r', source_id: 's' })).map(
        ([c, b]) =>
          () =>
            send('post', `/v1/vouchers/${seg(c)}/balance`, b),
      ),
    ],
    [
      'POST /v1/vouchers/:code/enable',
      fc.tuple(code, ANY_BODY).map(
        ([c, b]) =>
          () =>
            send('post', `/v1/vouchers/${seg(c)}/enable`, b),
      ),
    ],
    [
      'DELETE /v1/vouchers/:code',
      fc.tuple(code, query).map(
        ([c, q]) =>
          () =>
            send('delete', `/v1/vouchers/${seg(c)}-nope?${stringify(q)}`),
      ),
    ],
    ['GET /v1/vouchers', query.map((q) => () => send('get', `/v1/vouchers?${stringify(q)}`))],
    [
      'GET /v1/vouchers/:code/transactions',
      fc.tuple(code, query).map(
        ([c, q]) =>
          () =>
            send('get', `/v1/vouchers/${seg(c)}/transactions?${stringify(q)}`),
      ),
    ],
    [
      'POST /v1/vouchers/import',
      fc
        .oneof(ANY_BODY, fc.array(mutated({ code: 'IMP', ...voucherBase }), { maxLength: 3 }))
        .map((b) => () => send('post', '/v1/vouchers/import', b)),
    ],
    [
      'POST /v1/campaigns',
      mutated(campaignBase).map((b) => () => send('post', '/v1/campaigns', b)),
    ],
    [
      'PUT /v1/campaigns/:campaignId',
      mutated({
        description: 'd',
        expiration_date: '2030-01-01T00:00:00Z',
        type: 'STATIC',
        metadata: {},
      }).map((b) => () => send('put', '/v1/campaigns/FuzzCamp', b)),
    ],
    ['GET /v1/campaigns', query.map((q) => () => send('get', `/v1/campaigns?${stringify(q)}`))],
    [
      'POST /v1/campaigns/:campaignId/vouchers',
      fc
        .tuple(
          fc.constantFrom('abc', '-1', '0', '1.5', '1000001', '', '1'),
          mutated({ code_config: { length: 12 }, metadata: {}, redemption: { quantity: 1 } }),
        )
        .map(
          ([n, b]) =>
            () =>
              send('post', `/v1/campaigns/FuzzCamp/vouchers?vouchers_count=${n}`, b),
        ),
    ],
    [
      'POST /v1/campaigns/:campaignId/vouchers/:code',
      fc.tuple(code, mutated({ metadata: {}, category: 'c' })).map(
        ([c, b]) =>
          () =>
            send('post', `/v1/campaigns/FuzzCamp/vouchers/${seg(c)}x`, b),
      ),
    ],
    [
      'POST /v1/campaigns/:campaignId/import',
      ANY_BODY.map((b) => () => send('post', '/v1/campaigns/FuzzCamp/import', b)),
    ],
    [
      'POST /v1/campaigns/:campaignId/enable',
      fc.tuple(fc.string({ maxLength: 50 }), ANY_BODY).map(
        ([c, b]) =>
          () =>
            send('post', `/v1/campaigns/${seg(c) || 'x'}/enable`, b),
      ),
    ],
  ];

  for (const [route, arbitrary] of cases) {
    it(`${route}: never 5xx, errors in the contract shape`, async () => {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (call) => expectContract(await call())),
        { numRuns: RUNS },
      );
    });
  }

  it('importCSV with malformed files: never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (content) => {
        const res = await request(t.app.getHttpServer())
          .post('/v1/vouchers/importCSV')
          .set(a.headers)
          .attach('file', Buffer.from(content), 'f.csv');
        expectContract(res);
      }),
      { numRuns: RUNS },
    );
  });
});
