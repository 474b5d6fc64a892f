import request from 'supertest';
import { DataSource } from 'typeorm';
import { newId } from '@app/core';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';
import type { IsolationCase } from './cases';

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

export const cases: IsolationCase[] = [
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

export const notTenantScoped: Record<string, string> = {
  'POST /v1/webhooks': "creates a webhook in the caller's own project; addresses no existing data",
};
