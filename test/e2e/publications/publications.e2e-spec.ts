import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';
import { call, codeOf, createCampaign, expectOk } from './helpers';

type Body = Record<string, unknown>;

/** Publications over real HTTP against real Postgres, concurrency included. */
describe('publications (e2e)', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let a: TestProject;

  beforeAll(async () => {
    // Hundreds of requests in flight: a wider pool and a patient pool wait for the burst.
    t = await createTestApp({
      listen: true,
      env: { DB_POOL_MAX: '20', DB_CONNECT_TIMEOUT_MS: '60000' },
    });
    a = await createTestProject(t.app);
  });
  afterAll(() => t.close());

  const publish = (body: unknown, query = '') =>
    call(t, a, 'POST', `/v1/publications${query}`, body);

  describe('concurrency', () => {
    it('300 parallel publications from a STATIC campaign of 100 codes: exactly 100 distinct codes', async () => {
      await createCampaign(t, a, 'Static100', 'STATIC', 100);
      const replies = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          publish({
            campaign: { name: 'Static100', count: 1 },
            customer: { source_id: `s100-${i}` },
          }),
        ),
      );
      const ok = replies.filter((r) => r.status === 200);
      const failed = replies.filter((r) => r.status !== 200);
      expect(ok).toHaveLength(100);
      expect(new Set(ok.map((r) => codeOf(r.body))).size).toBe(100);
      expect(new Set(ok.map((r) => r.body.customer_id)).size).toBe(100);
      expect(failed).toHaveLength(200);
      for (const r of failed) {
        expect(r.status).toBe(400);
        expect(r.body.key).toBe('no_voucher_suitable_for_publication');
      }
      // Every code has exactly one holder, published once, and it is the customer it went to.
      const holderByCode = new Map(ok.map((r) => [codeOf(r.body), r.body.customer_id]));
      for (const page of [1, 2]) {
        const list = await expectOk(
          call(t, a, 'GET', `/v1/vouchers?campaign=Static100&limit=50&page=${page}`),
        );
        for (const v of list.vouchers as Body[]) {
          expect(v.holder_id).toBe(holderByCode.get(v.code as string));
          expect((v.publish as Body).count).toBe(1);
        }
      }
      const failures = await expectOk(
        call(t, a, 'GET', '/v1/publications?campaign=Static100&result=FAILURE&limit=1'),
      );
      expect(failures.total).toBe(200);
      expect((failures.publications as Body[])[0]).toMatchObject({
        result: 'FAILURE',
        failure_code: 'no_voucher_suitable_for_publication',
        failure_message: expect.stringContaining('Static100'),
      });
      const successes = await expectOk(
        call(t, a, 'GET', '/v1/publications?campaign=Static100&result=SUCCESS&limit=1'),
      );
      expect(successes.total).toBe(100);
    });

    it('the same customer 20 times in parallel with join_once gets one code', async () => {
      await createCampaign(t, a, 'JoinOnce', 'AUTO_UPDATE', 5);
      const replies = await Promise.all(
        Array.from({ length: 20 }, () =>
          publish({ campaign: 'JoinOnce', customer: { source_id: 'jo-1' }, join_once: true }),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(new Set(replies.map((r) => codeOf(r.body))).size).toBe(1);
      expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
      const list = await expectOk(
        call(t, a, 'GET', '/v1/publications?campaign=JoinOnce&customer=jo-1'),
      );
      expect(list.total).toBe(1);
    });

    it('join_once in the query string, and a campaign created with join_once:true, enforce it too', async () => {
      await createCampaign(t, a, 'JoinQuery', 'AUTO_UPDATE', 0);
      const q1 = await expectOk(
        publish({ campaign: 'JoinQuery', customer: { source_id: 'jq' } }, '?join_once=true'),
      );
      const q2 = await expectOk(
        publish({ campaign: 'JoinQuery', customer: { source_id: 'jq' } }, '?join_once=true'),
      );
      expect(codeOf(q2)).toBe(codeOf(q1));
      // Without the flag the customer may get another code of this campaign.
      const q3 = await expectOk(publish({ campaign: 'JoinQuery', customer: { source_id: 'jq' } }));
      expect(codeOf(q3)).not.toBe(codeOf(q1));

      await createCampaign(t, a, 'JoinCampaign', 'AUTO_UPDATE', 0, { join_once: true });
      const replies = await Promise.all(
        Array.from({ length: 10 }, () =>
          publish({ campaign: 'JoinCampaign', customer: { source_id: 'jc' } }),
        ),
      );
      expect(new Set(replies.map((r) => codeOf(r.body))).size).toBe(1);
    });

    it('the same source_id 20 times in parallel makes one publication', async () => {
      await createCampaign(t, a, 'SourceId', 'STATIC', 30);
      const replies = await Promise.all(
        Array.from({ length: 20 }, () =>
          publish({
            campaign: 'SourceId',
            customer: { source_id: 'src-c' },
            source_id: 'pub-src-1',
          }),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
      expect(new Set(replies.map((r) => codeOf(r.body))).size).toBe(1);
      expect(replies[0].body.source_id).toBe('pub-src-1');
      const list = await expectOk(call(t, a, 'GET', '/v1/publications?source_id=pub-src-1'));
      expect(list.total).toBe(1);
      const vouchers = await expectOk(call(t, a, 'GET', '/v1/vouchers?campaign=SourceId&limit=50'));
      expect((vouchers.vouchers as Body[]).filter((v) => v.holder_id !== null)).toHaveLength(1);

      // The same source_id for another customer is a duplicate, not a second code.
      const other = await publish({
        campaign: 'SourceId',
        customer: { source_id: 'someone-else' },
        source_id: 'pub-src-1',
      });
      expect(other.status).toBe(400);
      expect(other.body.key).toBe('duplicate_source_id');
    });

    it('AUTO_UPDATE with no free code generates a new code each time, also in parallel', async () => {
      const before = await createCampaign(t, a, 'AutoGrow', 'AUTO_UPDATE', 0);
      expect(before.vouchers_count).toBe(0);
      const sequential: string[] = [];
      for (let i = 0; i < 3; i++)
        sequential.push(
          codeOf(
            await expectOk(publish({ campaign: 'AutoGrow', customer: { source_id: `ag-${i}` } })),
          ),
        );
      const parallel = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          expectOk(publish({ campaign: 'AutoGrow', customer: { source_id: `agp-${i}` } })),
        ),
      );
      const codes = [...sequential, ...parallel.map(codeOf)];
      expect(new Set(codes).size).toBe(13);
      for (const code of codes) expect(code).toMatch(/^AUTO-[A-Z0-9]{10}$/);
      const v = parallel[0].voucher as Body;
      expect(v).toMatchObject({
        campaign: 'AutoGrow',
        holder_id: parallel[0].customer_id,
        publish: { count: 1 },
      });
      const after = await expectOk(call(t, a, 'GET', '/v1/campaigns/AutoGrow'));
      expect(after.vouchers_count).toBe(13);
    });
  });

  describe('requests', () => {
    it('answers the publication object with the embedded voucher and customer', async () => {
      await createCampaign(t, a, 'Shape', 'STATIC', 5);
      const p = await expectOk(
        publish({
          campaign: { name: 'Shape', count: 1 },
          customer: { source_id: 'shape-c', name: 'Ann', email: 'ann@example.com' },
          metadata: { year: 2022 },
          channel: 'crm',
        }),
      );
      expect(p).toMatchObject({
        object: 'publication',
        tracking_id: 'shape-c',
        metadata: { year: 2022 },
        channel: 'crm',
        source_id: null,
        result: 'SUCCESS',
        customer: {
          source_id: 'shape-c',
          name: 'Ann',
          email: 'ann@example.com',
          metadata: {},
          object: 'customer',
        },
        voucher: { object: 'voucher', campaign: 'Shape', publish: { count: 1 } },
      });
      expect(p.id).toMatch(/^pub_/);
      expect(p.customer_id).toMatch(/^cust_/);
      expect((p.voucher as Body).holder_id).toBe(p.customer_id);
      expect(p.vouchers_id).toEqual([(p.voucher as Body).id]);
      expect(new Date(p.created_at as string).toISOString()).toBe(p.created_at);
      const def = await expectOk(
        publish({ campaign: 'Shape', customer: { source_id: 'shape-d' } }),
      );
      expect(def.channel).toBe('API');
      // The customer was upserted: it exists with the fields sent.
      const customer = await expectOk(call(t, a, 'GET', '/v1/customers/shape-c'));
      expect(customer).toMatchObject({ id: p.customer_id, name: 'Ann' });
    });

    it('count > 1 answers `vouchers: [codes]`', async () => {
      await createCampaign(t, a, 'Multi', 'STATIC', 5);
      const p = await expectOk(
        publish({ campaign: { name: 'Multi', count: 3 }, customer: { source_id: 'multi' } }),
      );
      expect(p.vouchers).toHaveLength(3);
      expect(p.vouchers_id).toHaveLength(3);
      expect(p.voucher).toBeUndefined();
      const again = await publish({
        campaign: { name: 'Multi', count: 3 },
        customer: { source_id: 'multi2' },
      });
      expect(again.status).toBe(400);
      expect(again.body.key).toBe('no_voucher_suitable_for_publication');
      // All-or-nothing: the two codes left are still free.
      const rest = await expectOk(
        publish({ campaign: { name: 'Multi', count: 2 }, customer: { source_id: 'multi3' } }),
      );
      expect(rest.vouchers).toHaveLength(2);
    });

    it('publishes a specific code once; a second time is voucher_already_published, recorded', async () => {
      await expectOk(
        call(t, a, 'POST', '/v1/vouchers/SPEC-1', {
          type: 'DISCOUNT_VOUCHER',
          discount: { type: 'PERCENT', percent_off: 5 },
        }),
      );
      const p = await expectOk(publish({ voucher: 'SPEC-1', customer: { source_id: 'spec-a' } }));
      expect(p.voucher).toMatchObject({ code: 'SPEC-1', holder_id: p.customer_id, campaign: null });
      const second = await publish({ voucher: 'SPEC-1', customer: { source_id: 'spec-b' } });
      expect(second.status).toBe(400);
      expect(second.body).toMatchObject({
        code: 400,
        key: 'voucher_already_published',
        resource_type: 'voucher',
      });
      const failures = await expectOk(
        call(t, a, 'GET', '/v1/publications?voucher=SPEC-1&result=FAILURE'),
      );
      expect(failures.total).toBe(1);
      expect((failures.publications as Body[])[0]).toMatchObject({
        result: 'FAILURE',
        failure_code: 'voucher_already_published',
        tracking_id: 'spec-b',
      });
      const missing = await publish({ voucher: 'NOPE-404', customer: { source_id: 'spec-b' } });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ key: 'not_found', resource_type: 'voucher' });
    });

    it('rejects bad input: missing_vouchers, invalid_payload, unknown campaign', async () => {
      const none = await publish({ customer: { source_id: 'x' } });
      expect(none.status).toBe(400);
      expect(none.body).toMatchObject({
        key: 'missing_vouchers',
        message: 'Either Campaign or Voucher is required',
      });
      const noCustomer = await publish({ campaign: 'Shape' });
      expect(noCustomer.status).toBe(400);
      expect(noCustomer.body.key).toBe('invalid_payload');
      for (const campaign of [
        42,
        ['Shape'],
        { count: 1 },
        { name: 'Shape', count: 0 },
        { name: 'Shape', count: 51 },
      ]) {
        const r = await publish({ campaign, customer: { source_id: 'x' } });
        expect(r.status).toBe(400);
        expect(r.body.key).toBe('invalid_payload');
      }
      const badEmail = await publish({ campaign: 'Shape', customer: { email: 'not-an-email' } });
      expect(badEmail.body.key).toBe('invalid_payload');
      const unknown = await publish({ campaign: 'NoSuchCampaign', customer: { source_id: 'x' } });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ key: 'not_found', resource_type: 'campaign' });
    });

    it('a disabled campaign has nothing suitable to publish', async () => {
      await createCampaign(t, a, 'Disabled', 'STATIC', 2);
      await expectOk(call(t, a, 'POST', '/v1/campaigns/Disabled/disable', {}));
      const r = await publish({ campaign: 'Disabled', customer: { source_id: 'dis' } });
      expect(r.status).toBe(400);
      expect(r.body.key).toBe('no_voucher_suitable_for_publication');
    });

    it('GET /v1/publications/create takes deepObject query parameters and publishes one code', async () => {
      await createCampaign(t, a, 'ViaGet', 'STATIC', 3);
      const p = await expectOk(
        call(
          t,
          a,
          'GET',
          '/v1/publications/create?campaign[name]=ViaGet&customer[source_id]=get-c&metadata[k]=v&source_id=get-src',
        ),
      );
      expect(p).toMatchObject({
        result: 'SUCCESS',
        tracking_id: 'get-c',
        metadata: { k: 'v' },
        source_id: 'get-src',
        voucher: { campaign: 'ViaGet' },
      });
      const plain = await expectOk(
        call(
          t,
          a,
          'GET',
          '/v1/publications/create?campaign=ViaGet&customer[source_id]=get-d&join_once=true',
        ),
      );
      expect(codeOf(plain)).not.toBe(codeOf(p));
      const repeat = await expectOk(
        call(
          t,
          a,
          'GET',
          '/v1/publications/create?campaign=ViaGet&customer[source_id]=get-d&join_once=true',
        ),
      );
      expect(codeOf(repeat)).toBe(codeOf(plain));
      const tooMany = await call(
        t,
        a,
        'GET',
        '/v1/publications/create?campaign[name]=ViaGet&campaign[count]=2&customer[source_id]=get-e',
      );
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.key).toBe('too_many_vouchers_requested');
      const noCampaign = await call(
        t,
        a,
        'GET',
        '/v1/publications/create?customer[source_id]=get-e',
      );
      expect(noCampaign.body.key).toBe('missing_vouchers');
    });

    it('lists with the filters of section 9.1', async () => {
      await createCampaign(t, a, 'Listed', 'STATIC', 3);
      const p1 = await expectOk(
        publish({ campaign: 'Listed', customer: { source_id: 'list-1' }, channel: 'web' }),
      );
      const p2 = await expectOk(publish({ campaign: 'Listed', customer: { source_id: 'list-2' } }));
      const base = '/v1/publications?campaign=Listed';
      const get = async (q: string) => expectOk(call(t, a, 'GET', `${base}${q}`));
      expect((await get('')).total).toBe(2);
      expect(await get('')).toMatchObject({ object: 'list', data_ref: 'publications' });
      expect(((await get('&customer=list-1')).publications as Body[]).map((p) => p.id)).toEqual([
        p1.id,
      ]);
      expect(
        ((await get(`&customer=${String(p2.customer_id)}`)).publications as Body[]).map(
          (p) => p.id,
        ),
      ).toEqual([p2.id]);
      expect(
        ((await get(`&voucher=${codeOf(p2)}`)).publications as Body[]).map((p) => p.id),
      ).toEqual([p2.id]);
      expect((await get('&voucher_type=discount')).total).toBe(2);
      expect((await get('&voucher_type=gift')).total).toBe(0);
      expect((await get('&is_referral_code=false')).total).toBe(2);
      expect((await get('&result=FAILURE')).total).toBe(0);
      expect(
        ((await get('&filters[channel][conditions][$is]=web')).publications as Body[]).map(
          (p) => p.id,
        ),
      ).toEqual([p1.id]);
      expect(
        (
          await get(
            '&filters[customer_id][conditions][$in][0]=x&filters[customer_id][conditions][$in][1]=' +
              String(p2.customer_id),
          )
        ).total,
      ).toBe(1);
      expect((await get(`&filters[voucher_code][conditions][$is]=${codeOf(p1)}`)).total).toBe(1);
      const byCode = (await get('&order=voucher_code')).publications as Body[];
      expect(byCode.map(codeOf)).toEqual([codeOf(p1), codeOf(p2)].sort());
      const newest = (await get('&limit=1')).publications as Body[];
      expect(newest.map((p) => p.id)).toEqual([p2.id]);
      const bad = await call(t, a, 'GET', `${base}&filters[nope][conditions][$is]=1`);
      expect(bad.status).toBe(400);
      expect(bad.body.key).toBe('invalid_query_params');
      const badOrder = await call(t, a, 'GET', `${base}&order=amount`);
      expect(badOrder.body.key).toBe('invalid_payload');
    });
  });
});
