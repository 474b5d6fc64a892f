import request from 'supertest';
import { DataSource } from 'typeorm';
import { newId } from '@app/core';
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

/** A webhook of A's (its target never resolves: .invalid is reserved). */
async function webhookOf(t: TestApp, a: TestProject): Promise<string> {
  const res = await request(t.app.getHttpServer())
    .post('/v1/webhooks')
    .set(a.headers)
    .send({ target_url: 'https://hooks.example.invalid/in', events: ['customer.created'] });
  if (res.status !== 200)
    throw new Error(`could not create a webhook: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A delivery of A's webhook, inserted directly (no event needs to flow for the route). */
async function deliveryOf(t: TestApp, a: TestProject, webhookId: string): Promise<string> {
  const id = newId('webhookDelivery');
  await t.app.get(DataSource).query(
    `INSERT INTO webhook_deliveries (id, project_id, webhook_id, event_id, event_type, status, attempts)
       VALUES ($1, $2, $3, $4, 'customer.created', 'failed', 1)`,
    [id, a.projectId, webhookId, newId('event')],
  );
  return id;
}

export const ISOLATION_CASES: IsolationCase[] = [
  {
    route: 'GET /v1/webhooks',
    arrange: async (t, a) => {
      await webhookOf(t, a);
      return { path: '/v1/webhooks' };
    },
    expectForOther: 'empty-list',
    dataRef: 'webhooks',
  },
  {
    route: 'GET /v1/webhooks/:id',
    arrange: async (t, a) => ({ path: `/v1/webhooks/${await webhookOf(t, a)}` }),
    expectForOther: 404,
  },
  {
    route: 'PUT /v1/webhooks/:id',
    arrange: async (t, a) => ({
      path: `/v1/webhooks/${await webhookOf(t, a)}`,
      body: { events: ['*'] },
    }),
    expectForOther: 404,
  },
  {
    route: 'DELETE /v1/webhooks/:id',
    arrange: async (t, a) => ({ path: `/v1/webhooks/${await webhookOf(t, a)}` }),
    expectForOther: 404,
    expectForOwner: 204,
  },
  {
    route: 'POST /v1/webhooks/:id/rotate-secret',
    arrange: async (t, a) => ({ path: `/v1/webhooks/${await webhookOf(t, a)}/rotate-secret` }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/webhooks/:id/deliveries',
    arrange: async (t, a) => {
      const webhookId = await webhookOf(t, a);
      await deliveryOf(t, a, webhookId);
      return { path: `/v1/webhooks/${webhookId}/deliveries` };
    },
    expectForOther: 404,
  },
  {
    route: 'POST /v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    arrange: async (t, a) => {
      const webhookId = await webhookOf(t, a);
      const deliveryId = await deliveryOf(t, a, webhookId);
      return { path: `/v1/webhooks/${webhookId}/deliveries/${deliveryId}/redeliver` };
    },
    expectForOther: 404,
    expectForOwner: 202,
  },
];

/** Routes that are not tenant data: public, operator-only, or answered without project data. */
export const NOT_TENANT_SCOPED: Record<string, string> = {
  'GET /health/live': 'public liveness probe',
  'GET /health/ready': 'public readiness probe',
  'POST /v1/webhooks': "creates a webhook in the caller's own project; addresses no existing data",
};

export const isDocsRoute = (url: string) =>
  url === '/docs' ||
  url.startsWith('/docs/') ||
  url.startsWith('/docs-json') ||
  url.startsWith('/docs-yaml');

/** The operators' queue dashboard: guarded by OPERATOR_TOKEN, not by project keys. */
export const isOperatorRoute = (url: string) =>
  url === '/admin/queues' || url.startsWith('/admin/queues/');
