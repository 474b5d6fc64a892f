jest.setTimeout(60_000);

import { VoucherifyServerSide } from '@voucherify/sdk';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EventsService } from '@app/queue';
import { CustomerActivitySubscriber, CustomerOrdersSummarySubscriber } from '@app/side-effects';
import { createTestProject, TestProject } from '../../factories/project.factory';
import {
  createIsolatedDatabase,
  IsolatedDatabase,
  isolatedEnv,
} from '../../utils/isolated-database';
import { markersByHandler, waitProcessed } from '../../utils/side-effects.helpers';
import { createTestApp, TestApp } from '../../utils/test-app';

interface Activity {
  id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
  group_id: string | null;
  object: string;
}

describe('customer and order side effects through the API (e2e)', () => {
  let db: IsolatedDatabase;
  let t: TestApp;
  let p: TestProject;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    t = await createTestApp({ env: isolatedEnv(db), listen: true });
    p = await createTestProject(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const putOrder = async (body: Record<string, unknown>) => {
    const res = await http().post('/v1/orders').set(p.headers).send(body);
    expect(res.status).toBe(200);
    return res.body as { id: string; created_at: string };
  };
  const summaryOf = async (customer: string) => {
    await waitProcessed(t.app, p.projectId);
    const res = await http().get(`/v1/customers/${customer}`).set(p.headers).expect(200);
    return res.body.summary.orders as Record<string, unknown>;
  };
  const activityOf = async (customer: string, query = '') => {
    await waitProcessed(t.app, p.projectId);
    const res = await http().get(`/v1/customers/${customer}/activity${query}`).set(p.headers);
    expect(res.status).toBe(200);
    return res.body as {
      data: Activity[];
      has_more: boolean;
      more_starting_after?: string;
      data_ref: string;
    };
  };

  it('records customer and order events with the serialized objects, in the request group', async () => {
    const created = await http()
      .post('/v1/customers')
      .set(p.headers)
      .send({ source_id: 'ev-1', name: 'Eve' })
      .expect(200);
    await http().put('/v1/customers/ev-1').set(p.headers).send({ name: 'Eva' }).expect(200);
    await http().put('/v1/customers/ev-1').set(p.headers).send({}).expect(200); // no change, no event
    await putOrder({ source_id: 'ev-o1', amount: 100, customer: { source_id: 'ev-1' } });
    await putOrder({ source_id: 'ev-o1', status: 'PAID' });
    await http().delete('/v1/customers/ev-1').set(p.headers).expect(204);
    const rows: {
      type: string;
      entity_id: string;
      payload: Record<string, never>;
      group_id: string;
    }[] = await t.app
      .get(DataSource)
      .query(
        `SELECT type, entity_id, payload, group_id FROM events WHERE project_id = $1 ORDER BY seq`,
        [p.projectId],
      );
    expect(rows.map((r) => r.type)).toEqual([
      'customer.created',
      'customer.updated',
      'order.created',
      'order.updated',
      'customer.deleted',
    ]);
    expect(rows[0].payload.customer).toMatchObject({
      id: created.body.id,
      name: 'Eve',
      object: 'customer',
    });
    expect(rows[1].payload.customer).toMatchObject({ name: 'Eva' });
    expect(rows[2].payload).toMatchObject({
      order: { source_id: 'ev-o1', status: 'CREATED', amount: 100, customer_id: created.body.id },
      previous: null,
    });
    expect(rows[3].payload).toMatchObject({
      order: { status: 'PAID', amount: 100 },
      previous: { status: 'CREATED', amount: 100, customer_id: created.body.id },
    });
    for (const row of rows) expect(row.group_id).toMatch(/^v-/);
    await waitProcessed(t.app, p.projectId);
  });

  it('keeps summary.orders exact as orders move in and out of PAID/FULFILLED', async () => {
    const c = 'sum-1';
    await http().post('/v1/customers').set(p.headers).send({ source_id: c }).expect(200);
    const a = await putOrder({
      source_id: 'sum-a',
      amount: 1000,
      status: 'PAID',
      customer: { source_id: c },
    });
    await putOrder({ source_id: 'sum-b', amount: 500, customer: { source_id: c } }); // CREATED
    expect(await summaryOf(c)).toEqual({
      total_amount: 1000,
      total_count: 1,
      average_amount: 1000,
      last_order_amount: 1000,
      last_order_date: a.created_at,
    });
    const b = await putOrder({ source_id: 'sum-b', status: 'FULFILLED' });
    expect(await summaryOf(c)).toMatchObject({
      total_amount: 1500,
      total_count: 2,
      average_amount: 750,
      last_order_amount: 500,
      last_order_date: b.created_at,
    });
    await putOrder({ source_id: 'sum-b', status: 'CANCELED' });
    await putOrder({ source_id: 'sum-a', amount: 1200 }); // still PAID, new amount
    expect(await summaryOf(c)).toEqual({
      total_amount: 1200,
      total_count: 1,
      average_amount: 1200,
      last_order_amount: 1200,
      last_order_date: a.created_at,
    });
    // Moving a paid order to another customer moves its contribution.
    await putOrder({ source_id: 'sum-a', customer: { source_id: 'sum-2' } });
    expect(await summaryOf(c)).toEqual({
      total_amount: 0,
      total_count: 0,
      average_amount: 0,
      last_order_amount: 0,
      last_order_date: null,
    });
    expect(await summaryOf('sum-2')).toMatchObject({ total_amount: 1200, total_count: 1 });
  });

  it('applies nothing twice when an order event is delivered again', async () => {
    const c = 'redeliver-1';
    await putOrder({ source_id: 'rd-a', amount: 300, status: 'PAID', customer: { source_id: c } });
    await putOrder({ source_id: 'rd-a', status: 'CANCELED' });
    await putOrder({ source_id: 'rd-a', status: 'PAID' });
    const before = await summaryOf(c);
    const activities = (await activityOf(c, '?limit=100')).data.length;
    const ids: { id: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT id FROM events WHERE project_id = $1 AND type LIKE 'order.%'`, [p.projectId]);
    const events = t.app.get(EventsService);
    const subscribers = [
      t.app.get(CustomerOrdersSummarySubscriber),
      t.app.get(CustomerActivitySubscriber),
    ];
    await Promise.all(
      ids.flatMap(({ id }) =>
        subscribers.map(async (s) => s.handle((await events.find(p.projectId, id))!)),
      ),
    );
    expect(await summaryOf(c)).toEqual(before);
    expect(before).toMatchObject({ total_amount: 300, total_count: 1 });
    expect((await activityOf(c, '?limit=100')).data).toHaveLength(activities);
  });

  it('lists the activity newest first with a cursor, by id or source_id', async () => {
    const c = 'act-1';
    const customer = await http()
      .post('/v1/customers')
      .set(p.headers)
      .send({ source_id: c })
      .expect(200);
    await putOrder({ source_id: 'act-o', amount: 10, customer: { source_id: c } });
    await putOrder({ source_id: 'act-o', status: 'PAID' });
    await putOrder({ source_id: 'act-o', status: 'FULFILLED' });
    await putOrder({ source_id: 'act-o', metadata: { x: 1 } });
    await http().put(`/v1/customers/${c}`).set(p.headers).send({ name: 'Act' }).expect(200);
    const expected = [
      'customer.updated',
      'customer.order.updated',
      'customer.order.fulfilled',
      'customer.order.paid',
      'customer.order.created',
      'customer.created',
    ];
    const all = await activityOf(customer.body.id, '?limit=100');
    expect(all.data.map((a) => a.type)).toEqual(expected);
    expect(all.has_more).toBe(false);
    expect(all.more_starting_after).toBeUndefined();
    expect(all.data_ref).toBe('data');
    expect(all.data[0]).toMatchObject({
      object: 'customer_activity',
      data: { customer: { name: 'Act' } },
    });
    expect(all.data[0].id).toMatch(/^evcus_/);

    const seen: string[] = [];
    let query = '?limit=4';
    for (;;) {
      const page = await activityOf(c, query);
      seen.push(...page.data.map((a) => a.type));
      if (!page.has_more) break;
      query = `?limit=4&starting_after_id=${page.more_starting_after}`;
    }
    expect(seen).toEqual(expected);
    const oldest = await activityOf(c, '?order=created_at&limit=2&type=customer.order.paid');
    expect(oldest.data.map((a) => a.type)).toEqual(['customer.order.paid']);
  });

  it('serves the SDK: customers.listActivity by source_id, with the cursor', async () => {
    const client = VoucherifyServerSide({
      applicationId: p.appId,
      secretKey: p.appToken,
      apiUrl: t.url,
    });
    await waitProcessed(t.app, p.projectId);
    const first = await client.customers.listActivity('act-1', { limit: 2 });
    expect(first).toMatchObject({ object: 'list', data_ref: 'data', has_more: true });
    expect(first.data.map((a) => a.type)).toEqual(['customer.updated', 'customer.order.updated']);
    const next = await client.customers.listActivity('act-1', {
      limit: 2,
      starting_after_id: first.more_starting_after,
    });
    expect(next.data.map((a) => a.type)).toEqual([
      'customer.order.fulfilled',
      'customer.order.paid',
    ]);
  });

  it('keeps summary.orders exact under concurrent status changes of the same orders', async () => {
    const c = 'race-1';
    const sources = Array.from({ length: 30 }, (_, i) => `race-${i}`);
    await Promise.all(
      sources.map((source, i) =>
        putOrder({
          source_id: source,
          amount: 100 + i,
          status: 'PAID',
          customer: { source_id: c },
        }),
      ),
    );
    // Three conflicting updates per order in flight at once; the row lock orders them.
    const statuses = ['CANCELED', 'FULFILLED', 'CREATED'];
    await Promise.all(
      sources.flatMap((source, i) =>
        statuses.map((status, k) =>
          putOrder({ source_id: source, status, ...(k === 1 ? { amount: 1000 + i } : {}) }),
        ),
      ),
    );
    const [truth]: { total: string; n: number }[] = await t.app.get(DataSource).query(
      `SELECT COALESCE(sum(o.amount), 0) AS total, count(*)::int AS n
         FROM orders o JOIN customers c ON c.id = o.customer_id AND c.project_id = o.project_id
        WHERE o.project_id = $1 AND c.source_id = $2 AND o.status IN ('PAID', 'FULFILLED')`,
      [p.projectId, c],
    );
    const last: { amount: string; created_at: Date }[] = await t.app.get(DataSource).query(
      `SELECT o.amount, o.created_at
         FROM orders o JOIN customers c ON c.id = o.customer_id AND c.project_id = o.project_id
        WHERE o.project_id = $1 AND c.source_id = $2 AND o.status IN ('PAID', 'FULFILLED')
        ORDER BY o.created_at DESC, o.id DESC LIMIT 1`,
      [p.projectId, c],
    );
    const summary = await summaryOf(c);
    expect(summary).toMatchObject({
      total_amount: Number(truth.total),
      total_count: truth.n,
      last_order_amount: last.length ? Number(last[0].amount) : 0,
      last_order_date: last.length ? last[0].created_at.toISOString() : null,
    });
  });

  it('answers 404 for an unknown customer and 400 for a foreign cursor', async () => {
    const res = await http().get('/v1/customers/nobody/activity').set(p.headers);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ key: 'not_found', resource_type: 'customer' });
    await http().post('/v1/customers').set(p.headers).send({ source_id: 'act-2' }).expect(200);
    const bad = await http()
      .get('/v1/customers/act-2/activity?starting_after_id=evcus_doesnotexist')
      .set(p.headers);
    expect(bad.status).toBe(400);
    const limit = await http().get('/v1/customers/act-2/activity?limit=101').set(p.headers);
    expect(limit.status).toBe(400);
  });

  it('marks each side effect once per event', async () => {
    await waitProcessed(t.app, p.projectId);
    const markers = await markersByHandler(t.app, p.projectId);
    const [{ n }]: { n: number }[] = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM events WHERE project_id = $1`, [p.projectId]);
    expect(markers['customers.activity']).toBe(n);
  });
});
