import request from 'supertest';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';
import { waitForAction } from './helpers';

const amount = (amount_off = 100) => ({
  type: 'DISCOUNT_VOUCHER',
  discount: { type: 'AMOUNT', amount_off },
});

jest.setTimeout(60_000);

describe('vouchers and campaigns over raw HTTP (e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  let b: TestProject;
  const http = () => request(t.app.getHttpServer());
  const post = (path: string, body: unknown, p = a) =>
    http()
      .post(path)
      .set(p.headers)
      .send(body as object);
  const get = (path: string, p = a) => http().get(path).set(p.headers);

  beforeAll(async () => {
    t = await createTestApp();
    [a, b] = await Promise.all([createTestProject(t.app), createTestProject(t.app)]);
  });
  afterAll(() => t.close());

  it('generates codes from code_config on POST /v1/vouchers/ and accepts the v_ id on GET', async () => {
    const res = await post('/v1/vouchers/', {
      type: 'GIFT_VOUCHER',
      gift: { amount: 10000, effect: 'APPLY_TO_ORDER' },
      code_config: { pattern: 'GIFT-####-####', charset: '0123456789ABCDEF' },
    }).expect(200);
    expect(res.body.code).toMatch(/^GIFT-[0-9A-F]{4}-[0-9A-F]{4}$/);
    const byId = await get(`/v1/vouchers/${res.body.id}`).expect(200);
    expect(byId.body.code).toBe(res.body.code);
  });

  it('a code is unique per project only', async () => {
    await post('/v1/vouchers/SHARED', amount()).expect(200);
    await post('/v1/vouchers/SHARED', amount(), b).expect(200);
    const dup = await post('/v1/vouchers/SHARED', amount()).expect(409);
    expect(dup.body).toMatchObject({ key: 'duplicate_found', resource_type: 'voucher' });
  });

  it('decodes %2F and spaces in a code', async () => {
    await post('/v1/vouchers/SUMMER%2010%2Fx', amount()).expect(200);
    expect((await get('/v1/vouchers/SUMMER%2010%2Fx').expect(200)).body.code).toBe('SUMMER 10/x');
  });

  it('soft delete keeps the code taken; a force delete (even from the bin) frees it', async () => {
    await post('/v1/vouchers/BIN1', amount()).expect(200);
    await http().delete('/v1/vouchers/BIN1').set(a.headers).expect(204);
    expect((await get('/v1/vouchers/BIN1').expect(404)).body).toMatchObject({
      key: 'not_found',
      resource_type: 'voucher',
      resource_id: 'BIN1',
    });
    await post('/v1/vouchers/BIN1', amount()).expect(409);
    await http().delete('/v1/vouchers/BIN1?force=true').set(a.headers).expect(204);
    await post('/v1/vouchers/BIN1', amount()).expect(200);
  });

  it('refuses to change the voucher or discount type, and LOYALTY_CARD until it exists', async () => {
    await post('/v1/vouchers/TYPE1', amount()).expect(200);
    const res = await http()
      .put('/v1/vouchers/TYPE1')
      .set(a.headers)
      .send({ discount: { type: 'PERCENT', percent_off: 5 } })
      .expect(400);
    expect(res.body).toMatchObject({
      key: 'invalid_voucher',
      details: 'It is not possible to change Voucher discount type',
    });
    await http()
      .put('/v1/vouchers/TYPE1')
      .set(a.headers)
      .send({ type: 'GIFT_VOUCHER' })
      .expect(400);
    const same = await http()
      .put('/v1/vouchers/TYPE1')
      .set(a.headers)
      .send({ discount: { type: 'AMOUNT', amount_off: 7 }, redemption: { quantity: 3 } })
      .expect(200);
    expect(same.body).toMatchObject({ discount: { amount_off: 7 }, redemption: { quantity: 3 } });
    const loyalty = await post('/v1/vouchers/LOY1', {
      type: 'LOYALTY_CARD',
      loyalty_card: { points: 1 },
    }).expect(400);
    expect(loyalty.body.key).toBe('invalid_voucher');
    expect(loyalty.body.details).toContain('not supported yet');
  });

  it.each([
    [
      { type: 'DISCOUNT_VOUCHER', discount: { type: 'PERCENT', percent_off: 150 } },
      '.discount.percent_off',
    ],
    [
      { type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: -1 } },
      '.discount.amount_off',
    ],
    [
      { type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 1.5 } },
      '.discount.amount_off',
    ],
    [{ ...amount(), start_date: 'tomorrow' }, '.start_date'],
    [{ ...amount(), metadata: [1, 2] }, '.metadata'],
    [{ ...amount(), metadata: { big: 'x'.repeat(20_000) } }, '.metadata'],
    [{ ...amount(), redemption: { quantity: 'lots' } }, '.redemption.quantity'],
    [{ ...amount(), validity_day_of_week: [7] }, '.validity_day_of_week'],
    [{ type: 'GIFT_VOUCHER', gift: { amount: -5 } }, '.gift.amount'],
    [{ type: 'DISCOUNT_VOUCHER' }, '.discount'],
  ])('400 invalid_payload naming the property for %j', async (body, property) => {
    const res = await post('/v1/vouchers/BAD1', body).expect(400);
    expect(res.body.key).toBe('invalid_payload');
    expect(res.body.details).toContain(property);
  });

  it('400 for a code longer than 100 characters or with control characters', async () => {
    expect(
      (await post(`/v1/vouchers/${'A'.repeat(101)}`, amount()).expect(400)).body.details,
    ).toContain('.code');
    await post('/v1/vouchers/A%01B', amount()).expect(400);
  });

  it('404 not_found with resource_type for unknown codes and campaigns', async () => {
    expect((await get('/v1/vouchers/NOPE').expect(404)).body).toMatchObject({
      key: 'not_found',
      resource_type: 'voucher',
    });
    expect((await get('/v1/campaigns/NOPE').expect(404)).body).toMatchObject({
      key: 'not_found',
      resource_type: 'campaign',
    });
    expect(
      (await post('/v1/vouchers/NOPE/balance', { amount: 1 }).expect(404)).body.resource_type,
    ).toBe('voucher');
  });

  it('refuses requests that need too much of the keyspace, with the numbers', async () => {
    const res = await post('/v1/campaigns', {
      name: 'tiny',
      vouchers_count: 101,
      voucher: {
        discount: { type: 'PERCENT', percent_off: 5 },
        code_config: { length: 3, charset: '0123456789' },
      },
    }).expect(400);
    expect(res.body).toMatchObject({
      key: 'invalid_payload',
      keyspace: { keyspace: 1000, requested: 101, max_allowed: 100 },
    });
    expect(res.body.details).toContain('.code_config');
    await post('/v1/vouchers', { ...amount(), code_config: { length: 1, charset: 'AB' } }).expect(
      400,
    );
  });

  describe('list filters', () => {
    beforeAll(async () => {
      for (const [i, extra] of [
        [1, { category: 'cat-a' }],
        [2, { active: false }],
        [3, { expiration_date: '2020-01-01T00:00:00Z', start_date: '2019-01-01T00:00:00Z' }],
      ] as const) {
        await post(`/v1/vouchers/LIST${i}`, {
          ...amount(),
          metadata: { seq_number: i, tag: `t${i}` },
          holder_id: `cust_${i}`,
          ...extra,
        }).expect(200);
      }
    });
    const codes = async (query: string) => {
      const res = await get(`/v1/vouchers?limit=100&${query}`);
      expect(res.status).toBe(200);
      return (res.body.vouchers as { code: string }[])
        .map((v) => v.code)
        .filter((c) => c.startsWith('LIST'))
        .sort();
    };

    it('by metadata, redeemed quantity, active state and a junction', async () => {
      expect(await codes('filters[metadata.seq_number][conditions][$is][0]=1')).toEqual(['LIST1']);
      expect(await codes('filters[metadata.seq_number][conditions][$more_than][0]=1')).toEqual([
        'LIST2',
        'LIST3',
      ]);
      expect(
        await codes(
          'filters[metadata.tag][conditions][$in][0]=t1&filters[metadata.tag][conditions][$in][1]=t3',
        ),
      ).toEqual(['LIST1', 'LIST3']);
      expect(await codes('filters[active][conditions][$is][0]=false')).toEqual(['LIST2']);
      expect(await codes('filters[active][conditions][$expired][0]=true')).toEqual(['LIST3']);
      expect(
        await codes(
          'filters[metadata.seq_number][conditions][$less_than_equal][0]=3&filters[active][conditions][$active][0]=true',
        ),
      ).toEqual(['LIST1']);
      expect(
        await codes(
          'filters[redemption.redeemed_quantity][conditions][$is][0]=0&filters[metadata.seq_number][conditions][$is][0]=2',
        ),
      ).toEqual(['LIST2']);
      expect(
        await codes(
          'filters[junction]=OR&filters[metadata.seq_number][conditions][$is][0]=1&filters[category][conditions][$is][0]=nope',
        ),
      ).toEqual(['LIST1']);
    });

    it('by category, holder, created_at, ids, and ordered by code', async () => {
      expect(await codes('category=cat-a')).toEqual(['LIST1']);
      expect(await codes('customer=cust_2')).toEqual(['LIST2']);
      expect(await codes('created_at[after]=2000-01-01')).toEqual(['LIST1', 'LIST2', 'LIST3']);
      expect(await codes('created_at[before]=2000-01-01')).toEqual([]);
      const one = await get('/v1/vouchers/LIST1');
      expect(await codes(`ids[0]=${one.body.id}`)).toEqual(['LIST1']);
      const ordered = await get('/v1/vouchers?order=code&limit=100');
      const list = (ordered.body.vouchers as { code: string }[]).map((v) => v.code);
      expect(list).toEqual([...list].sort());
    });

    it('400 invalid_query_params for unsupported filters and orders', async () => {
      expect(
        (await get('/v1/vouchers?filters[nope][conditions][$is][0]=1').expect(400)).body.key,
      ).toBe('invalid_query_params');
      expect((await get('/v1/vouchers?order=-nope').expect(400)).body.key).toBe(
        'invalid_query_params',
      );
      expect((await get('/v1/vouchers?limit=101').expect(400)).body.key).toBe('invalid_payload');
      expect((await get('/v1/campaigns?filters[name][conditions][$is][0]=x').expect(400)).body.key).toBe('invalid_query_params');
    });
  });

  it('accepts JSON imports above the default body limit (up to 10 MB)', async () => {
    const rows = Array.from({ length: 4_000 }, (_, i) => ({
      code: `BIG-${i}`,
      ...amount(),
      additional_info: 'x'.repeat(250),
    }));
    expect(Buffer.byteLength(JSON.stringify(rows))).toBeGreaterThan(1_048_576);
    const res = await post('/v1/vouchers/import', rows).expect(202);
    expect((await waitForAction(t, a, res.body.async_action_id)).result).toMatchObject({
      done_count: 4_000,
    });
  });

  it('imports report bad rows by index and duplicates by code, writing nothing for them', async () => {
    await post('/v1/vouchers/import', { not: 'an array' }).expect(400);
    const res = await post('/v1/vouchers/import', [
      { code: 'IMPX1', ...amount() },
      { code: 'IMPX2', type: 'DISCOUNT_VOUCHER', discount: { type: 'PERCENT', percent_off: 200 } },
      { code: 'IMPX1', ...amount() },
      'nonsense',
    ]).expect(202);
    const action = await waitForAction(t, a, res.body.async_action_id);
    expect(action.result).toMatchObject({
      done_count: 1,
      failed_count: 3,
      failed: expect.arrayContaining([
        expect.objectContaining({
          row: 1,
          code: 'IMPX2',
          reason: expect.stringContaining('.discount.percent_off'),
        }),
        expect.objectContaining({
          row: 2,
          code: 'IMPX1',
          reason: expect.stringContaining('Duplicated'),
        }),
        expect.objectContaining({ row: 3 }),
      ]),
    });
    await get('/v1/vouchers/IMPX2').expect(404);
  });

  describe('campaigns', () => {
    it('names are unique per project (409 duplicate_found)', async () => {
      const body = { name: 'Dup', voucher: { discount: { type: 'PERCENT', percent_off: 5 } } };
      await post('/v1/campaigns', body).expect(200);
      expect((await post('/v1/campaigns', body).expect(409)).body).toMatchObject({
        key: 'duplicate_found',
        resource_type: 'campaign',
      });
    });

    it('gift campaigns generate gift cards; settings changes apply to the vouchers', async () => {
      const created = await post('/v1/campaigns', {
        name: 'Gifts',
        campaign_type: 'GIFT_VOUCHERS',
        type: 'STATIC',
        vouchers_count: 20,
        voucher: { gift: { amount: 5000 }, code_config: { prefix: 'G-', length: 10 } },
      }).expect(200);
      expect(created.body).toMatchObject({
        campaign_type: 'GIFT_VOUCHERS',
        vouchers_count: 0,
        vouchers_generation_status: 'IN_PROGRESS',
      });
      const list = await get('/v1/async-actions?limit=1');
      await waitForAction(t, a, list.body.async_actions[0].id);
      expect((await get('/v1/campaigns/Gifts')).body).toMatchObject({
        vouchers_count: 20,
        vouchers_generation_status: 'DONE',
      });
      await http()
        .put('/v1/campaigns/Gifts')
        .set(a.headers)
        .send({ expiration_date: '2030-01-01T00:00:00Z' })
        .expect(200);
      const vouchers = await get('/v1/vouchers?campaign=Gifts&limit=100');
      expect(vouchers.body.total).toBe(20);
      for (const v of vouchers.body.vouchers) {
        expect(v).toMatchObject({
          type: 'GIFT_VOUCHER',
          gift: { amount: 5000, balance: 5000 },
          expiration_date: '2030-01-01T00:00:00.000Z',
        });
        expect(v.code).toMatch(/^G-[A-Z2-9]{10}$/);
      }
    });

    it('STANDALONE campaigns hold one code; adding vouchers is refused', async () => {
      await post('/v1/campaigns', {
        name: 'Solo',
        type: 'STANDALONE',
        voucher: { discount: { type: 'PERCENT', percent_off: 5 } },
      }).expect(200);
      const res = await post('/v1/campaigns/Solo/vouchers?vouchers_count=2', {}).expect(400);
      expect(res.body.key).toBe('invalid_campaign');
    });

    it('CSV import into a campaign applies its template', async () => {
      await post('/v1/campaigns', {
        name: 'CsvCamp',
        voucher: { discount: { type: 'PERCENT', percent_off: 12 } },
      }).expect(200);
      const res = await http()
        .post('/v1/campaigns/CsvCamp/importCSV')
        .set(a.headers)
        .attach('file', Buffer.from('Code,Owner\nCC1,alice\nCC2,bob\n'), 'c.csv')
        .expect(202);
      expect((await waitForAction(t, a, res.body.async_action_id)).result).toMatchObject({
        done_count: 2,
      });
      expect((await get('/v1/vouchers/CC1')).body).toMatchObject({
        campaign: 'CsvCamp',
        discount: { percent_off: 12 },
        metadata: { Owner: 'alice' },
      });
      expect((await post('/v1/vouchers/importCSV', {}).expect(400)).body.details).toContain(
        '.file',
      );
    });

    it('soft delete sends the vouchers to the bin: gone from reads, codes still taken', async () => {
      await post('/v1/campaigns', {
        name: 'Soft',
        voucher: { discount: { type: 'PERCENT', percent_off: 5 } },
      }).expect(200);
      await post('/v1/campaigns/Soft/vouchers/SOFT1', {}).expect(200);
      const res = await http().delete('/v1/campaigns/Soft').set(a.headers).expect(202);
      expect((await waitForAction(t, a, res.body.async_action_id)).result).toMatchObject({
        deleted_count: 1,
        force: false,
      });
      await get('/v1/vouchers/SOFT1').expect(404);
      await post('/v1/vouchers/SOFT1', amount()).expect(409);
      await get('/v1/campaigns/Soft').expect(404);
    });
  });
});
