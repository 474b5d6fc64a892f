jest.setTimeout(90_000);

import request from 'supertest';
import type { RedemptionEventData, RedemptionRollbackEventData } from '@app/queue';
import { EventsService } from '@app/queue';
import {
  CustomerActivitySubscriber,
  CustomerRedemptionsSummarySubscriber,
  OrderRedemptionsSubscriber,
} from '@app/side-effects';
import { createTestProject, TestProject } from '../../factories/project.factory';
import {
  createIsolatedDatabase,
  IsolatedDatabase,
  isolatedEnv,
} from '../../utils/isolated-database';
import { recordEvent, waitProcessed } from '../../utils/side-effects.helpers';
import { createTestApp, TestApp } from '../../utils/test-app';

/**
 * The redemption engine is built elsewhere: these tests record its events exactly as
 * docs/side-effects.md specifies and check what the processors make of them.
 */
describe('redemption side-effect processors (e2e, events recorded directly)', () => {
  let db: IsolatedDatabase;
  let t: TestApp;
  let p: TestProject;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    t = await createTestApp({ env: { ...isolatedEnv(db), QUEUE_EVENTS_CONCURRENCY: '16' } });
    p = await createTestProject(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const customer = async (sourceId: string) =>
    (await http().post('/v1/customers').set(p.headers).send({ source_id: sourceId }).expect(200))
      .body.id as string;
  const order = async (sourceId: string, customerSourceId: string) =>
    (
      await http()
        .post('/v1/orders')
        .set(p.headers)
        .send({ source_id: sourceId, amount: 5000, customer: { source_id: customerSourceId } })
        .expect(200)
    ).body.id as string;
  const get = async (path: string) => {
    await waitProcessed(t.app, p.projectId);
    return (await http().get(path).set(p.headers).expect(200)).body;
  };

  let seq = 0;
  const redemption = (
    customerId: string,
    orderId: string | null,
    over: Partial<RedemptionEventData['redemption']> = {},
  ): RedemptionEventData => {
    seq++;
    return {
      redemption: {
        id: `r_test${seq}`,
        customer_id: customerId,
        order_id: orderId,
        voucher: { id: `v_test${seq}`, code: `GIFT-${seq}`, campaign_id: 'camp_gift' },
        related_object_type: 'voucher',
        related_object_id: `v_test${seq}`,
        related_object_parent_id: 'camp_gift',
        amount: 100,
        date: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
        ...over,
      },
    };
  };
  const rollbackOf = (
    r: RedemptionEventData,
    over: Partial<RedemptionRollbackEventData['redemption_rollback']> = {},
  ): RedemptionRollbackEventData => ({
    ...r,
    redemption_rollback: {
      id: `rr_${r.redemption.id.slice(2)}`,
      redemption_id: r.redemption.id,
      customer_id: r.redemption.customer_id,
      order_id: r.redemption.order_id,
      amount: r.redemption.amount,
      date: '2026-02-01T00:00:00.000Z',
      ...over,
    },
  });

  it('maintains summary.redemptions, the order map and the activity', async () => {
    const c = await customer('red-1');
    const o = await order('red-o1', 'red-1');
    await recordEvent(t.app, p.projectId, 'publication.succeeded', {
      publication: {
        id: 'pub_1',
        customer_id: c,
        voucher: { id: 'v_g', code: 'G', campaign_id: null, gift: { balance: 10_000 } },
      },
    });
    const r1 = redemption(c, o, { amount: 700 });
    const r2 = redemption(c, o, { amount: 300 });
    await recordEvent(t.app, p.projectId, 'redemption.succeeded', r1, r1.redemption.id);
    await recordEvent(t.app, p.projectId, 'redemption.succeeded', r2, r2.redemption.id);
    await recordEvent(
      t.app,
      p.projectId,
      'redemption.failed',
      redemption(c, o, { id: 'rf_1', amount: 0 }),
    );
    await recordEvent(t.app, p.projectId, 'redemption.rollback.succeeded', rollbackOf(r1));
    await recordEvent(
      t.app,
      p.projectId,
      'redemption.rollback.failed',
      rollbackOf(r2, { id: 'rrf_1' }),
    );

    const body = await get(`/v1/customers/${c}`);
    expect(body.summary.redemptions).toEqual({
      total_redeemed: 3,
      total_failed: 1,
      total_succeeded: 2,
      total_rolled_back: 2,
      total_rollback_failed: 1,
      total_rollback_succeeded: 1,
      gift: { redeemed_amount: 300, amount_to_go: 9_700 },
      loyalty_card: { redeemed_points: 0, points_to_go: 0 },
    });
    const orderBody = await get(`/v1/orders/${o}`);
    expect(orderBody.redemptions).toEqual({
      [r1.redemption.id]: {
        date: r1.redemption.date,
        related_object_type: 'voucher',
        related_object_id: r1.redemption.related_object_id,
        related_object_parent_id: 'camp_gift',
        rollback_id: rollbackOf(r1).redemption_rollback.id,
        rollback_date: '2026-02-01T00:00:00.000Z',
      },
      [r2.redemption.id]: {
        date: r2.redemption.date,
        related_object_type: 'voucher',
        related_object_id: r2.redemption.related_object_id,
        related_object_parent_id: 'camp_gift',
      },
    });
    const activity = await get(`/v1/customers/${c}/activity?limit=100`);
    expect(activity.data.map((a: { type: string }) => a.type)).toEqual([
      'customer.redemption.rollback.failed',
      'customer.redemption.rollback.succeeded',
      'customer.redemption.failed',
      'customer.redemption.succeeded',
      'customer.redemption.succeeded',
      'customer.publication.succeeded',
      'customer.order.created',
      'customer.created',
    ]);
  });

  it('keys a stacked redemption by its parent and counts its redeemables once', async () => {
    const c = await customer('stack-1');
    const o = await order('stack-o1', 'stack-1');
    const parentId = 'r_stackparent';
    const children = [1, 2, 3].map(() => redemption(c, o, { parent_id: parentId, amount: 50 }));
    const parent = redemption(c, o, {
      id: parentId,
      voucher: null,
      related_object_type: 'redemption',
      related_object_id: parentId,
      related_object_parent_id: null,
      amount: 150,
      stacked: children.map((r) => r.redemption.id),
    });
    for (const r of [...children, parent])
      await recordEvent(t.app, p.projectId, 'redemption.succeeded', r, r.redemption.id);
    await recordEvent(
      t.app,
      p.projectId,
      'redemption.rollback.succeeded',
      rollbackOf(parent, { id: 'rr_stackparent' }),
    );
    for (const r of children)
      await recordEvent(
        t.app,
        p.projectId,
        'redemption.rollback.succeeded',
        rollbackOf(r, { parent_id: 'rr_stackparent' }),
      );

    const body = await get(`/v1/customers/${c}`);
    expect(body.summary.redemptions).toMatchObject({
      total_redeemed: 3,
      total_succeeded: 3,
      total_rolled_back: 3,
      total_rollback_succeeded: 3,
      gift: { redeemed_amount: 0, amount_to_go: 0 },
    });
    expect((await get(`/v1/orders/${o}`)).redemptions).toEqual({
      [parentId]: {
        date: parent.redemption.date,
        related_object_type: 'redemption',
        related_object_id: parentId,
        related_object_parent_id: null,
        stacked: children.map((r) => r.redemption.id),
        rollback_id: 'rr_stackparent',
        rollback_date: '2026-02-01T00:00:00.000Z',
      },
    });
  });

  it('stays exact with 100 concurrent events, each also delivered again concurrently', async () => {
    const c = await customer('many-1');
    const o = await order('many-o1', 'many-1');
    const succeeded = Array.from({ length: 60 }, () => redemption(c, o, { amount: 25 }));
    const failed = Array.from({ length: 20 }, (_, i) =>
      redemption(c, o, { id: `rf_many${i}`, amount: 0 }),
    );
    const rolledBack = succeeded.slice(0, 20).map((r) => rollbackOf(r));
    const ids = await Promise.all([
      ...succeeded.map((r) => recordEvent(t.app, p.projectId, 'redemption.succeeded', r)),
      ...failed.map((r) => recordEvent(t.app, p.projectId, 'redemption.failed', r)),
      ...rolledBack.map((r) => recordEvent(t.app, p.projectId, 'redemption.rollback.succeeded', r)),
    ]);
    expect(ids).toHaveLength(100);
    await waitProcessed(t.app, p.projectId);

    // Redelivery: every subscriber runs every event again, all at once.
    const events = t.app.get(EventsService);
    const subscribers = [
      t.app.get(CustomerRedemptionsSummarySubscriber),
      t.app.get(OrderRedemptionsSubscriber),
      t.app.get(CustomerActivitySubscriber),
    ];
    const stored = await Promise.all(ids.map(async (id) => (await events.find(p.projectId, id))!));
    await Promise.all(stored.flatMap((e) => subscribers.map((s) => s.handle(e))));

    const body = await get(`/v1/customers/${c}`);
    expect(body.summary.redemptions).toMatchObject({
      total_redeemed: 80,
      total_succeeded: 60,
      total_failed: 20,
      total_rolled_back: 20,
      total_rollback_succeeded: 20,
      total_rollback_failed: 0,
      gift: { redeemed_amount: 40 * 25, amount_to_go: -40 * 25 },
    });
    const map = (await get(`/v1/orders/${o}`)).redemptions as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.keys(map).sort()).toEqual(succeeded.map((r) => r.redemption.id).sort());
    expect(Object.values(map).filter((e) => e.rollback_id)).toHaveLength(20);
    for (const r of rolledBack)
      expect(map[r.redemption.id]).toMatchObject({
        date: r.redemption.date,
        related_object_id: r.redemption.related_object_id,
        rollback_id: r.redemption_rollback.id,
      });
    const activity = await get(`/v1/customers/${c}/activity?limit=100`);
    expect(activity.data).toHaveLength(100);
    expect(activity.has_more).toBe(true); // + order.created and customer.created
  });
});
