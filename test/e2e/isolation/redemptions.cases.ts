import request from 'supertest';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';
import type { IsolationCase } from './cases';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let counter = 0;

/** A fresh voucher of project A (quantity 10), so every case owns its data. */
async function voucherOf(t: TestApp, a: TestProject): Promise<string> {
  const code = `ISO-R-${Date.now().toString(36)}-${counter++}`;
  const res = await request(t.app.getHttpServer())
    .post(`/v1/vouchers/${code}`)
    .set(a.headers)
    .send({
      code,
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      redemption: { quantity: 10 },
    });
  if (res.status !== 200) throw new Error(`voucher create failed: ${res.status}`);
  return code;
}

async function redeemOf(t: TestApp, a: TestProject): Promise<Json> {
  const code = await voucherOf(t, a);
  const res = await request(t.app.getHttpServer())
    .post(`/v1/vouchers/${code}/redemption`)
    .set(a.headers)
    .send({ order: { amount: 1000 } });
  if (res.status !== 200) throw new Error(`redeem failed: ${res.status}`);
  return res.body as Json;
}

async function stackOf(t: TestApp, a: TestProject): Promise<Json> {
  const code = await voucherOf(t, a);
  const res = await request(t.app.getHttpServer())
    .post('/v1/redemptions')
    .set(a.headers)
    .send({ redeemables: [{ object: 'voucher', id: code }], order: { amount: 1000 } });
  if (res.status !== 200) throw new Error(`stacked redeem failed: ${res.status}`);
  return res.body as Json;
}

/** B sees A's code as unknown inside a 200 stackable validation. */
const inapplicableForOther = (status: number, body: Json) => {
  expect(status).toBe(200);
  expect(body.valid).toBe(false);
  expect(body.redeemables[0]).toMatchObject({
    status: 'INAPPLICABLE',
    result: { error: { code: 404, key: 'not_found' } },
  });
};

/** B's stacked redemption of A's code is refused as an unknown voucher. */
const refusedForOther = (status: number, body: Json) => {
  expect(status).toBe(400);
  expect(body.key).toBe('resource_not_found');
};

export const cases: IsolationCase[] = [
  {
    route: 'POST /v1/vouchers/:code/validate',
    arrange: async (t, a) => ({
      path: `/v1/vouchers/${await voucherOf(t, a)}/validate`,
      body: { order: { amount: 1000 } },
    }),
    expectForOther: 404,
  },
  {
    route: 'POST /v1/validations',
    arrange: async (t, a) => ({
      path: '/v1/validations',
      body: { redeemables: [{ object: 'voucher', id: await voucherOf(t, a) }] },
    }),
    expectForOther: 404,
    assertOther: inapplicableForOther,
  },
  {
    route: 'POST /v1/vouchers/:code/redemption',
    arrange: async (t, a) => ({
      path: `/v1/vouchers/${await voucherOf(t, a)}/redemption`,
      body: { order: { amount: 1000 } },
    }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/vouchers/:code/redemption',
    arrange: async (t, a) => ({ path: `/v1/vouchers/${await voucherOf(t, a)}/redemption` }),
    expectForOther: 404,
  },
  {
    route: 'DELETE /v1/vouchers/:code/sessions/:key',
    arrange: async (t, a) => {
      const code = await voucherOf(t, a);
      const res = await request(t.app.getHttpServer())
        .post(`/v1/vouchers/${code}/validate`)
        .set(a.headers)
        .send({ session: { type: 'LOCK', key: 'ssn_isolation' } });
      if (!(res.body as Json).valid) throw new Error('hold failed');
      return { path: `/v1/vouchers/${code}/sessions/ssn_isolation` };
    },
    expectForOther: 404,
    expectForOwner: 204,
  },
  {
    route: 'POST /v1/redemptions',
    arrange: async (t, a) => ({
      path: '/v1/redemptions',
      body: { redeemables: [{ object: 'voucher', id: await voucherOf(t, a) }] },
    }),
    expectForOther: 404,
    assertOther: refusedForOther,
  },
  {
    route: 'GET /v1/redemptions',
    arrange: async (t, a) => {
      await redeemOf(t, a);
      // B's own refused attempts on A's codes (other cases) are B's data: successes only.
      return { path: '/v1/redemptions?result=SUCCESS' };
    },
    expectForOther: 'empty-list',
    dataRef: 'redemptions',
  },
  {
    route: 'GET /v1/redemptions/:id',
    arrange: async (t, a) => ({ path: `/v1/redemptions/${(await redeemOf(t, a)).id}` }),
    expectForOther: 404,
  },
  {
    route: 'POST /v1/redemptions/:id/rollback',
    arrange: async (t, a) => ({
      path: `/v1/redemptions/${(await redeemOf(t, a)).id}/rollback`,
      body: {},
    }),
    expectForOther: 404,
  },
  {
    route: 'POST /v1/redemptions/:id/rollbacks',
    arrange: async (t, a) => ({
      path: `/v1/redemptions/${(await stackOf(t, a)).parent_redemption.id}/rollbacks`,
      body: {},
    }),
    expectForOther: 404,
  },
  {
    route: 'GET /client/v1/validate',
    arrange: async (t, a) => ({
      path: `/client/v1/validate?code=${await voucherOf(t, a)}&amount=1000`,
    }),
    expectForOther: 404,
    clientKeys: true,
  },
  {
    route: 'POST /client/v1/validations',
    arrange: async (t, a) => ({
      path: '/client/v1/validations',
      body: { redeemables: [{ object: 'voucher', id: await voucherOf(t, a) }] },
    }),
    expectForOther: 404,
    assertOther: inapplicableForOther,
    clientKeys: true,
  },
  {
    route: 'POST /client/v1/redeem',
    arrange: async (t, a) => ({
      path: `/client/v1/redeem?code=${await voucherOf(t, a)}`,
      body: { order: { amount: 1000 } },
    }),
    expectForOther: 404,
    clientKeys: true,
  },
  {
    route: 'POST /client/v1/redemptions',
    arrange: async (t, a) => ({
      path: '/client/v1/redemptions',
      body: { redeemables: [{ object: 'voucher', id: await voucherOf(t, a) }] },
    }),
    expectForOther: 404,
    assertOther: refusedForOther,
    clientKeys: true,
  },
];
