import { CustomersService } from '@app/customers';
import { OrdersService } from '@app/orders';
import type { EventOrigin } from '@app/queue';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';
import type { IsolationCase } from './cases';

const origin: EventOrigin = { source: { channel: 'INTERNAL' }, groupId: null };
const customerOf = (t: TestApp, a: TestProject) =>
  t.app.get(CustomersService).create(a.projectId, { source_id: `iso-${Math.random()}` }, origin);
const orderOf = (t: TestApp, a: TestProject) =>
  t.app
    .get(OrdersService)
    .create(a.projectId, { source_id: `iso-${Math.random()}`, amount: 100 }, origin);

export const cases: IsolationCase[] = [
  {
    route: 'POST /v1/customers',
    // An upsert by another project's customer id must not find it.
    arrange: async (t, a) => ({
      path: '/v1/customers',
      body: { id: (await customerOf(t, a)).id, name: 'x' },
    }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/customers',
    arrange: async (t, a) => {
      await customerOf(t, a);
      return { path: '/v1/customers' };
    },
    expectForOther: 'empty-list',
    dataRef: 'customers',
  },
  {
    route: 'GET /v1/customers/:id',
    arrange: async (t, a) => ({ path: `/v1/customers/${(await customerOf(t, a)).id}` }),
    expectForOther: 404,
  },
  {
    route: 'PUT /v1/customers/:id',
    arrange: async (t, a) => ({
      path: `/v1/customers/${(await customerOf(t, a)).source_id}`,
      body: { name: 'changed' },
    }),
    expectForOther: 404,
  },
  {
    route: 'DELETE /v1/customers/:id',
    arrange: async (t, a) => ({ path: `/v1/customers/${(await customerOf(t, a)).id}` }),
    expectForOther: 404,
    expectForOwner: 204,
  },
  {
    route: 'POST /v1/orders',
    arrange: async (t, a) => ({
      path: '/v1/orders',
      body: { id: (await orderOf(t, a)).id, status: 'PAID' },
    }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/orders',
    arrange: async (t, a) => {
      await orderOf(t, a);
      return { path: '/v1/orders' };
    },
    expectForOther: 'empty-list',
    dataRef: 'orders',
  },
  {
    route: 'GET /v1/orders/:id',
    arrange: async (t, a) => ({ path: `/v1/orders/${(await orderOf(t, a)).id}` }),
    expectForOther: 404,
  },
  {
    route: 'PUT /v1/orders/:id',
    arrange: async (t, a) => ({
      path: `/v1/orders/${(await orderOf(t, a)).source_id}`,
      body: { status: 'PAID' },
    }),
    expectForOther: 404,
  },
];

export const notTenantScoped: Record<string, string> = {
  'POST /v1/orders/import':
    "always answers 200 {async_action_id} in the caller's own project; the queued job carries that project id, and a row naming another project's order fails with not_found (test/e2e/orders/orders-http.e2e-spec.ts)",
};
