import request from 'supertest';
import { randomBase62 } from '@app/core';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';
import type { IsolationCase } from './cases';

/** A campaign of A, referenced by id: B must get 404 (never A's numbers, never an empty report). */
async function campaignOfA(t: TestApp, a: TestProject): Promise<string> {
  const res = await request(t.app.getHttpServer())
    .post('/v1/campaigns')
    .set(a.headers)
    .send({
      name: `iso-rep-${randomBase62(8)}`,
      campaign_type: 'DISCOUNT_COUPONS',
      voucher: { discount: { type: 'PERCENT', percent_off: 5 } },
    });
  if (res.status !== 200)
    throw new Error(`arrange failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export const cases: IsolationCase[] = [
  {
    route: 'GET /v1/campaigns/:id/summary',
    arrange: async (t, a) => ({ path: `/v1/campaigns/${await campaignOfA(t, a)}/summary` }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/reports/redemptions',
    arrange: async (t, a) => ({ path: `/v1/reports/redemptions?campaign=${await campaignOfA(t, a)}` }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/reports/top-vouchers',
    arrange: async (t, a) => ({ path: `/v1/reports/top-vouchers?campaign=${await campaignOfA(t, a)}` }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/reports/top-customers',
    arrange: async (t, a) => ({
      path: `/v1/reports/top-customers?campaign=${await campaignOfA(t, a)}`,
    }),
    expectForOther: 404,
  },
];

const reason =
  'management API (operators): authenticated by management keys only, tested in test/e2e/reports/rate-limit-admin.e2e-spec.ts (project keys are refused)';

export const notTenantScoped: Record<string, string> = {
  'GET /management/v1/rate-limits/status': reason,
  'GET /management/v1/projects/:id/rate-limits': reason,
  'PUT /management/v1/projects/:id/rate-limits': reason,
};
