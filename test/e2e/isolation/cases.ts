import { AsyncActionsService } from '@app/async-actions';
import { CustomersService } from '@app/customers';
import { OrdersService } from '@app/orders';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';

/**
 * One entry per tenant-scoped route: how to create project A's resource, and the request
 * that tries to reach it. The isolation test sends it with project B's key and expects B to
 * see nothing of A (404, or an empty list), then with A's key to prove the request is valid.
 * Every module adds its routes here; the coverage test fails for a route that is missing.
 */
export interface IsolationCase {
  /** Route template exactly as registered, e.g. `GET /v1/vouchers/:code`. */
  route: string;
  /** Creates A's data and returns the concrete request. */
  arrange: (t: TestApp, a: TestProject) => Promise<{ path: string; body?: unknown }>;
  /** What B must get: `404` (not found) or `empty-list` (200 with no items). */
  expectForOther: 404 | 'empty-list';
  /** Status A gets for the same request (default 200). */
  expectForOwner?: number;
  /** For `empty-list`: the envelope's data_ref. */
  dataRef?: string;
}

export const ISOLATION_CASES: IsolationCase[] = [
  {
    route: 'GET /v1/async-actions/:id',
    arrange: async (t, a) => {
      const action = await t.app
        .get(AsyncActionsService)
        .create(a.projectId, 'VOUCHERS.IMPORT', null);
      return { path: `/v1/async-actions/${action.id}` };
    },
    expectForOther: 404,
  },
  {
    route: 'GET /v1/async-actions',
    arrange: async (t, a) => {
      await t.app.get(AsyncActionsService).create(a.projectId, 'VOUCHERS.IMPORT', null);
      return { path: '/v1/async-actions' };
    },
    expectForOther: 'empty-list',
    dataRef: 'async_actions',
  },
];

const customerOf = (t: TestApp, a: TestProject) =>
  t.app.get(CustomersService).create(a.projectId, { source_id: `iso-${Math.random()}` });
const orderOf = (t: TestApp, a: TestProject) =>
  t.app.get(OrdersService).create(a.projectId, { source_id: `iso-${Math.random()}`, amount: 100 });

ISOLATION_CASES.push(
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
);

/** Routes that are not tenant data: public, operator-only, or answered without project data. */
export const NOT_TENANT_SCOPED: Record<string, string> = {
  'GET /health/live': 'public liveness probe',
  'GET /health/ready': 'public readiness probe',
  'POST /v1/orders/import':
    "always answers 200 {async_action_id} in the caller's own project; the queued job carries that project id, and a row naming another project's order fails with not_found (test/e2e/orders/orders-http.e2e-spec.ts)",
};

export const isDocsRoute = (url: string) =>
  url === '/docs' ||
  url.startsWith('/docs/') ||
  url.startsWith('/docs-json') ||
  url.startsWith('/docs-yaml');
