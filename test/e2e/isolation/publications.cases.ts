import request from 'supertest';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';
import type { IsolationCase } from './cases';

/** A STATIC campaign of A with a few codes, generated synchronously one by one. */
async function campaignOf(t: TestApp, a: TestProject): Promise<string> {
  const server = t.app.getHttpServer();
  const name = `iso-pub-${Math.random().toString(36).slice(2, 10)}`;
  const created = await request(server)
    .post('/v1/campaigns')
    .set(a.headers)
    .send({
      name,
      type: 'STATIC',
      vouchers_count: 0,
      voucher: { type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 100 } },
    });
  if (created.status !== 200) throw new Error(`campaign create failed: ${created.status}`);
  for (let i = 0; i < 2; i++) {
    const added = await request(server)
      .post(`/v1/campaigns/${name}/vouchers`)
      .set(a.headers)
      .send({});
    if (added.status !== 200) throw new Error(`voucher add failed: ${added.status}`);
  }
  return name;
}

export const cases: IsolationCase[] = [
  {
    // B names A's campaign: 404, and A's codes stay free.
    route: 'POST /v1/publications',
    arrange: async (t, a) => ({
      path: '/v1/publications',
      body: {
        campaign: { name: await campaignOf(t, a), count: 1 },
        customer: { source_id: 'iso' },
      },
    }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/publications/create',
    arrange: async (t, a) => ({
      path: `/v1/publications/create?campaign[name]=${await campaignOf(t, a)}&customer[source_id]=iso`,
    }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/publications',
    arrange: async (t, a) => {
      const campaign = await campaignOf(t, a);
      const res = await request(t.app.getHttpServer())
        .post('/v1/publications')
        .set(a.headers)
        .send({ campaign, customer: { source_id: 'iso-list' } });
      if (res.status !== 200) throw new Error(`publication failed: ${res.status}`);
      return { path: '/v1/publications' };
    },
    expectForOther: 'empty-list',
    dataRef: 'publications',
  },
  {
    // B names a code A published: it is not B's voucher, so 404 and no A publication leaks.
    route: 'GET /v1/vouchers/:code/publications',
    arrange: async (t, a) => {
      const campaign = await campaignOf(t, a);
      const res = await request(t.app.getHttpServer())
        .post('/v1/publications')
        .set(a.headers)
        .send({ campaign, customer: { source_id: 'iso-voucher-pubs' } });
      if (res.status !== 200) throw new Error(`publication failed: ${res.status}`);
      const code = (res.body as { voucher: { code: string } }).voucher.code;
      return { path: `/v1/vouchers/${encodeURIComponent(code)}/publications` };
    },
    expectForOther: 404,
  },
  {
    route: 'POST /client/v1/publish',
    arrange: async (t, a) => ({
      path: `/client/v1/publish?campaign=${await campaignOf(t, a)}`,
      body: { customer: { source_id: 'iso-client' }, channel: 'Voucherify.js' },
    }),
    expectForOther: 404,
    clientKeys: true,
  },
];
