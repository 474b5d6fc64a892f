import request from 'supertest';
import { randomBase62 } from '@app/core';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';
import { waitForAction } from '../vouchers/helpers';
import type { IsolationCase } from './cases';

const discount = { type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 100 } };

async function voucherOfA(t: TestApp, a: TestProject, body: object = discount): Promise<string> {
  const code = `ISO-${randomBase62(8)}`;
  const res = await request(t.app.getHttpServer())
    .post(`/v1/vouchers/${code}`)
    .set(a.headers)
    .send(body);
  if (res.status !== 200)
    throw new Error(`arrange failed: ${res.status} ${JSON.stringify(res.body)}`);
  return code;
}

async function campaignOfA(t: TestApp, a: TestProject): Promise<{ id: string; name: string }> {
  const name = `iso-${randomBase62(8)}`;
  const res = await request(t.app.getHttpServer())
    .post('/v1/campaigns')
    .set(a.headers)
    .send({
      name,
      campaign_type: 'DISCOUNT_COUPONS',
      voucher: { discount: { type: 'PERCENT', percent_off: 5 } },
    });
  if (res.status !== 200)
    throw new Error(`arrange failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, name };
}

/** B imports a code A holds: in B's project it is new, so nothing is reported as a duplicate. */
const importedIntoOwnProject = {
  status: 202,
  check: async (body: Record<string, unknown>, t: TestApp, b: TestProject) => {
    const action = await waitForAction(t, b, String(body.async_action_id));
    expect(action.result).toMatchObject({ done_count: 1, failed_count: 0 });
  },
};

export const cases: IsolationCase[] = [
  // Lists first: later cases let B create data in its own project.
  {
    route: 'GET /v1/vouchers',
    arrange: async (t, a) => {
      await voucherOfA(t, a);
      return { path: '/v1/vouchers' };
    },
    expectForOther: 'empty-list',
    dataRef: 'vouchers',
  },
  {
    route: 'GET /v1/campaigns',
    arrange: async (t, a) => {
      await campaignOfA(t, a);
      return { path: '/v1/campaigns' };
    },
    expectForOther: 'empty-list',
    dataRef: 'campaigns',
  },
  {
    route: 'POST /v1/vouchers',
    arrange: async (t, a) => {
      const c = await campaignOfA(t, a);
      return { path: '/v1/vouchers', body: { campaign: c.name } };
    },
    expectForOther: 404,
  },
  {
    route: 'POST /v1/vouchers/:code',
    arrange: async (t, a) => ({ path: `/v1/vouchers/${await voucherOfA(t, a)}`, body: discount }),
    // Codes are unique per project only: B may create the code A holds; A gets 409.
    expectForOther: {
      status: 200,
      check: (body) =>
        expect(body).toMatchObject({ object: 'voucher', code: expect.stringMatching(/^ISO-/) }),
    },
    expectForOwner: 409,
  },
  {
    route: 'POST /v1/vouchers/import',
    arrange: async (t, a) => ({
      path: '/v1/vouchers/import',
      body: [{ code: await voucherOfA(t, a), ...discount }],
    }),
    expectForOther: importedIntoOwnProject,
    expectForOwner: 202,
  },
  {
    route: 'POST /v1/vouchers/importCSV',
    arrange: async (t, a) => ({
      path: '/v1/vouchers/importCSV',
      attach: {
        field: 'file',
        content: `Code,Value\n${await voucherOfA(t, a)},100\n`,
        filename: 'v.csv',
      },
    }),
    expectForOther: importedIntoOwnProject,
    expectForOwner: 202,
  },
  {
    route: 'GET /v1/vouchers/:code',
    arrange: async (t, a) => ({ path: `/v1/vouchers/${await voucherOfA(t, a)}` }),
    expectForOther: 404,
  },
  {
    route: 'PUT /v1/vouchers/:code',
    arrange: async (t, a) => ({
      path: `/v1/vouchers/${await voucherOfA(t, a)}`,
      body: { metadata: { x: 1 } },
    }),
    expectForOther: 404,
  },
  {
    route: 'DELETE /v1/vouchers/:code',
    arrange: async (t, a) => ({ path: `/v1/vouchers/${await voucherOfA(t, a)}?force=true` }),
    expectForOther: 404,
    expectForOwner: 204,
  },
  {
    route: 'POST /v1/vouchers/:code/enable',
    arrange: async (t, a) => ({ path: `/v1/vouchers/${await voucherOfA(t, a)}/enable`, body: {} }),
    expectForOther: 404,
  },
  {
    route: 'POST /v1/vouchers/:code/disable',
    arrange: async (t, a) => ({ path: `/v1/vouchers/${await voucherOfA(t, a)}/disable`, body: {} }),
    expectForOther: 404,
  },
  {
    route: 'POST /v1/vouchers/:code/balance',
    arrange: async (t, a) => ({
      path: `/v1/vouchers/${await voucherOfA(t, a, { type: 'GIFT_VOUCHER', gift: { amount: 100 } })}/balance`,
      body: { amount: 100 },
    }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/vouchers/:code/transactions',
    arrange: async (t, a) => ({
      path: `/v1/vouchers/${await voucherOfA(t, a, { type: 'GIFT_VOUCHER', gift: { amount: 100 } })}/transactions`,
    }),
    expectForOther: 404,
  },
  {
    route: 'POST /v1/campaigns',
    arrange: async (t, a) => {
      const c = await campaignOfA(t, a);
      return {
        path: '/v1/campaigns',
        body: {
          name: c.name,
          campaign_type: 'DISCOUNT_COUPONS',
          voucher: { discount: { type: 'PERCENT', percent_off: 5 } },
        },
      };
    },
    // Names are unique per project only: B may use A's name; A gets 409.
    expectForOther: {
      status: 200,
      check: (body) => expect(body).toMatchObject({ object: 'campaign', vouchers_count: 0 }),
    },
    expectForOwner: 409,
  },
  {
    route: 'GET /v1/campaigns/:campaignId',
    arrange: async (t, a) => ({ path: `/v1/campaigns/${(await campaignOfA(t, a)).name}` }),
    expectForOther: 404,
  },
  {
    route: 'PUT /v1/campaigns/:campaignId',
    arrange: async (t, a) => ({
      path: `/v1/campaigns/${(await campaignOfA(t, a)).id}`,
      body: { description: 'x' },
    }),
    expectForOther: 404,
  },
  {
    route: 'DELETE /v1/campaigns/:campaignId',
    arrange: async (t, a) => ({ path: `/v1/campaigns/${(await campaignOfA(t, a)).id}` }),
    expectForOther: 404,
    expectForOwner: 202,
  },
  {
    route: 'POST /v1/campaigns/:campaignId/enable',
    arrange: async (t, a) => ({
      path: `/v1/campaigns/${(await campaignOfA(t, a)).id}/enable`,
      body: {},
    }),
    expectForOther: 404,
  },
  {
    route: 'POST /v1/campaigns/:campaignId/disable',
    arrange: async (t, a) => ({
      path: `/v1/campaigns/${(await campaignOfA(t, a)).id}/disable`,
      body: {},
    }),
    expectForOther: 404,
  },
  {
    route: 'POST /v1/campaigns/:campaignId/vouchers',
    arrange: async (t, a) => ({
      path: `/v1/campaigns/${(await campaignOfA(t, a)).id}/vouchers`,
      body: {},
    }),
    expectForOther: 404,
  },
  {
    route: 'POST /v1/campaigns/:campaignId/vouchers/:code',
    arrange: async (t, a) => ({
      path: `/v1/campaigns/${(await campaignOfA(t, a)).id}/vouchers/ISO-${randomBase62(8)}`,
      body: {},
    }),
    expectForOther: 404,
  },
  {
    route: 'POST /v1/campaigns/:campaignId/import',
    arrange: async (t, a) => ({
      path: `/v1/campaigns/${(await campaignOfA(t, a)).id}/import`,
      body: [{ code: `ISO-${randomBase62(8)}` }],
    }),
    expectForOther: 404,
    expectForOwner: 202,
  },
  {
    route: 'POST /v1/campaigns/:campaignId/importCSV',
    arrange: async (t, a) => ({
      path: `/v1/campaigns/${(await campaignOfA(t, a)).id}/importCSV`,
      attach: { field: 'file', content: `Code\nISO-${randomBase62(8)}\n`, filename: 'c.csv' },
    }),
    expectForOther: 404,
    expectForOwner: 202,
  },
];
