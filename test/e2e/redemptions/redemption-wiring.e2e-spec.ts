jest.setTimeout(90_000);

import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditService } from '@app/audit';
import { createTestProject, TestProject } from '../../factories/project.factory';
import {
  createIsolatedDatabase,
  IsolatedDatabase,
  isolatedEnv,
} from '../../utils/isolated-database';
import { waitProcessed } from '../../utils/side-effects.helpers';
import { createTestApp, TestApp } from '../../utils/test-app';
import { sleep, waitFor } from '../../utils/wait-for';
import { WebhookReceiver } from '../../utils/webhook-receiver';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Redemptions wired to the outbox (webhooks, summaries, the order's map) and to the audit
 * ledger, through the real API.
 */
describe('redemptions → outbox events, side effects and the audit ledger (e2e)', () => {
  let db: IsolatedDatabase;
  let t: TestApp;
  let receiver: WebhookReceiver;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    t = await createTestApp({
      env: { ...isolatedEnv(db), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    });
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await t?.close();
    await db?.drop();
  });

  const voucher = (p: TestProject, body: Json) =>
    http()
      .post(`/v1/vouchers/${encodeURIComponent(body.code as string)}`)
      .set(p.headers)
      .send(body)
      .expect(200);
  const discount = (p: TestProject, code: string, quantity?: number) =>
    voucher(p, {
      code,
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      ...(quantity ? { redemption: { quantity } } : {}),
    });

  it('emits each redemption event once, and the summary and order map become exact', async () => {
    const p = await createTestProject(t.app);
    await http()
      .post('/v1/webhooks')
      .set(p.headers)
      .send({
        target_url: receiver.url,
        events: [
          'redemption.succeeded',
          'redemption.failed',
          'redemption.rollback.succeeded',
          'redemption.rollback.failed',
        ],
      })
      .expect(200);
    await discount(p, 'D1');
    await discount(p, 'ONCE', 1);
    await discount(p, 'S1');
    await discount(p, 'S2');
    await voucher(p, { code: 'G1', type: 'GIFT_VOUCHER', gift: { amount: 10_000 } });
    const customer = { source_id: 'wired-1' };

    const d1 = await http()
      .post('/v1/vouchers/D1/redemption')
      .set(p.headers)
      .send({ customer, order: { source_id: 'o1', amount: 10_000 } })
      .expect(200);
    await http()
      .post('/v1/vouchers/G1/redemption')
      .set(p.headers)
      .send({ customer, order: { source_id: 'o2', amount: 3_000 }, gift: { credits: 2_000 } })
      .expect(200);
    const stack = await http()
      .post('/v1/redemptions')
      .set(p.headers)
      .send({
        customer,
        order: { source_id: 'o3', amount: 5_000 },
        redeemables: [
          { object: 'voucher', id: 'S1' },
          { object: 'voucher', id: 'S2' },
        ],
      })
      .expect(200);
    await http().post('/v1/vouchers/ONCE/redemption').set(p.headers).send({ customer }).expect(200);
    const failed = await http()
      .post('/v1/vouchers/ONCE/redemption')
      .set(p.headers)
      .send({ customer });
    expect(failed.status).toBe(400);
    const rb = await http()
      .post(`/v1/redemptions/${d1.body.id}/rollback`)
      .set(p.headers)
      .send({})
      .expect(200);
    const parentId = stack.body.parent_redemption.id as string;
    const stackRb = await http()
      .post(`/v1/redemptions/${parentId}/rollbacks`)
      .set(p.headers)
      .send({})
      .expect(200);
    const again = await http()
      .post(`/v1/redemptions/${d1.body.id}/rollback`)
      .set(p.headers)
      .send({});
    expect(again.status).toBe(400);

    // 5 redeemables + 1 stack parent; 1 failure; 1 + (2 + 1) rollbacks; 1 refused rollback.
    const expected = {
      'redemption.succeeded': 6,
      'redemption.failed': 1,
      'redemption.rollback.succeeded': 4,
      'redemption.rollback.failed': 1,
    };
    await waitFor(() => receiver.received.length >= 12, '12 webhook deliveries', 30_000);
    await sleep(300);
    const counts: Record<string, number> = {};
    for (const r of receiver.received) counts[r.json.type] = (counts[r.json.type] ?? 0) + 1;
    expect(counts).toEqual(expected);
    expect([...receiver.byEvent().values()].every((n) => n === 1)).toBe(true);
    const eventIds = receiver.received.map((r) => r.json.event.id);
    expect(new Set(eventIds).size).toBe(eventIds.length);

    const byType = (type: string) =>
      receiver.received.filter((r) => r.json.type === type).map((r) => r.json.data as Json);
    const single = byType('redemption.succeeded').find((d) => d.redemption.id === d1.body.id);
    expect(single).toMatchObject({
      redemption: {
        id: d1.body.id,
        voucher: { code: 'D1', campaign_id: null },
        related_object_type: 'voucher',
        amount: 0,
        order_id: expect.stringMatching(/^ord_/),
        customer_id: expect.any(String),
      },
      voucher: { code: 'D1' },
      customer: { source_id: 'wired-1' },
      order: { source_id: 'o1' },
    });
    const parentEvent = byType('redemption.succeeded').find((d) => d.redemption.id === parentId);
    expect(parentEvent?.redemption).toMatchObject({
      related_object_type: 'redemption',
      related_object_id: parentId,
      voucher: null,
      stacked: (stack.body.redemptions as Json[]).map((r) => r.id),
    });
    const gift = byType('redemption.succeeded').find((d) => d.redemption.voucher?.code === 'G1');
    expect(gift?.redemption.amount).toBe(2_000);
    expect(byType('redemption.failed')[0].redemption).toMatchObject({
      id: failed.body.resource_id ?? expect.stringMatching(/^rf_/),
      failure_code: 'quantity_exceeded',
      related_object_type: 'voucher',
    });
    const rollbackEvent = byType('redemption.rollback.succeeded').find(
      (d) => d.redemption_rollback.id === rb.body.id,
    );
    expect(rollbackEvent).toMatchObject({
      redemption: { id: d1.body.id },
      redemption_rollback: { redemption_id: d1.body.id, amount: 0, parent_id: null },
    });
    expect(byType('redemption.rollback.failed')[0]).toMatchObject({
      redemption: { id: d1.body.id },
      redemption_rollback: { id: expect.stringMatching(/^rrf_/), redemption_id: d1.body.id },
    });

    await waitProcessed(t.app, p.projectId);
    const c = await http().get('/v1/customers/wired-1').set(p.headers).expect(200);
    expect(c.body.summary.redemptions).toMatchObject({
      total_redeemed: 6,
      total_failed: 1,
      total_succeeded: 5,
      total_rolled_back: 4,
      total_rollback_failed: 1,
      total_rollback_succeeded: 3,
      gift: { redeemed_amount: 2_000, amount_to_go: -2_000 },
    });
    const o1 = await http().get('/v1/orders/o1').set(p.headers).expect(200);
    expect(o1.body.redemptions).toEqual({
      [d1.body.id]: {
        date: d1.body.date,
        related_object_type: 'voucher',
        related_object_id: d1.body.voucher.id,
        related_object_parent_id: null,
        rollback_id: rb.body.id,
        rollback_date: rb.body.date,
      },
    });
    const o3 = await http().get('/v1/orders/o3').set(p.headers).expect(200);
    expect(o3.body.redemptions).toEqual({
      [parentId]: {
        date: stack.body.parent_redemption.date,
        related_object_type: 'redemption',
        related_object_id: parentId,
        related_object_parent_id: null,
        stacked: (stack.body.redemptions as Json[]).map((r) => r.id),
        rollback_id: stackRb.body.parent_rollback.id,
        rollback_date: stackRb.body.parent_rollback.date,
      },
    });
  });

  it('appends every redemption and rollback to the ledger; verify passes, then catches a tamper', async () => {
    const p = await createTestProject(t.app);
    await discount(p, 'HOT', 5);
    await voucher(p, { code: 'GIFT', type: 'GIFT_VOUCHER', gift: { amount: 10_000 } });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        http()
          .post(`/v1/vouchers/${i % 3 === 0 ? 'GIFT' : 'HOT'}/redemption`)
          .set(p.headers)
          .send(i % 3 === 0 ? { gift: { credits: 500 }, order: { amount: 1_000 } } : {}),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(results.filter((r) => r.status !== 200).map((r) => r.body.key)).toEqual(
      Array(3).fill('quantity_exceeded'),
    );
    const hot = ok.filter((r) => r.body.voucher.code === 'HOT');
    expect(hot).toHaveLength(5);
    expect(ok).toHaveLength(9);
    const rolledBack = await Promise.all(
      [hot[0], ok.find((r) => r.body.voucher.code === 'GIFT') as request.Response].map((r) =>
        http().post(`/v1/redemptions/${r.body.id}/rollback`).set(p.headers).send({}).expect(200),
      ),
    );

    const audit = t.app.get(AuditService);
    const report = await audit.verify(p.projectId);
    expect(report).toMatchObject({
      ok: true,
      chain_ok: true,
      entries: 9 + 2,
      counters_checked: true,
      counter_mismatches: [],
    });
    const ds = t.app.get(DataSource);
    const entries: { type: string; entry: Json }[] = await ds.query(
      `SELECT type, entry FROM audit_ledger WHERE project_id = $1 ORDER BY seq`,
      [p.projectId],
    );
    const giftRollback = entries.find(
      (e) => e.type === 'rollback' && e.entry.rollback_id === rolledBack[1].body.id,
    );
    expect(giftRollback?.entry).toMatchObject({ quantity_delta: -1, amount_delta: -500 });
    expect(entries.filter((e) => e.type === 'redemption')).toHaveLength(9);

    await ds.query(`ALTER TABLE audit_ledger DISABLE TRIGGER trg_audit_ledger_append_only`);
    try {
      await ds.query(
        `UPDATE audit_ledger SET entry = jsonb_set(entry, '{amount_delta}', '1')
         WHERE project_id = $1 AND seq = 3`,
        [p.projectId],
      );
    } finally {
      await ds.query(`ALTER TABLE audit_ledger ENABLE TRIGGER trg_audit_ledger_append_only`);
    }
    const tampered = await audit.verify(p.projectId);
    expect(tampered.ok).toBe(false);
    expect(tampered.problems).toEqual([
      { seq: '3', problem: 'hash does not match the entry (entry or hash altered)' },
    ]);
  });
});
