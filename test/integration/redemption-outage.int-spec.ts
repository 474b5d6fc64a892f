import 'reflect-metadata';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { EventsService } from '@app/queue';
import { signatureMatches } from '@app/webhooks';
import type { TestProject } from '../factories/project.factory';
import type { TestRedisServer } from '../utils/redis-server';
import { waitProcessed } from '../utils/side-effects.helpers';
import { startRedisOutageFixture, RedisOutageFixture } from '../utils/redis-outage.fixture';
import type { TestApp } from '../utils/test-app';
import { sleep, waitFor } from '../utils/wait-for';
import type { WebhookReceiver } from '../utils/webhook-receiver';

jest.setTimeout(120_000);

const REDEMPTIONS = 100;

/**
 * Issue #5's failure test: Redis paused (SIGSTOP, the TCP connection stays open — the worst
 * case), 100 redemptions through the API all succeed; once Redis returns, each of the 100
 * `redemption.succeeded` webhooks arrives exactly once and the customer summary counts 100.
 */
describe('redemptions while Redis is paused (integration: own redis-server, loopback receiver)', () => {
  let f: RedisOutageFixture;
  let redis: TestRedisServer;
  let receiver: WebhookReceiver;
  let t: TestApp;
  let p: TestProject;
  let secret: string;

  beforeAll(async () => {
    f = await startRedisOutageFixture(['redemption.succeeded']);
    ({ redis, receiver, t, p, secret } = f);
    await request(t.app.getHttpServer())
      .post('/v1/vouchers/OUTAGE-10')
      .set(p.headers)
      .send({ type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 100 } })
      .expect(200);
  });
  afterAll(() => f?.close());

  it('all redemptions succeed; after Redis returns each webhook arrives once and the summary counts 100', async () => {
    redis.pause();
    const statuses: number[] = [];
    for (let i = 0; i < REDEMPTIONS; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          request(t.app.getHttpServer())
            .post('/v1/vouchers/OUTAGE-10/redemption')
            .set(p.headers)
            .send({ customer: { source_id: 'outage-customer' }, order: { amount: 1000 + i + j } }),
        ),
      );
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await sleep(500);
    expect(await t.app.get(EventsService).countUnrelayed()).toBeGreaterThanOrEqual(REDEMPTIONS);
    expect(receiver.received).toHaveLength(0);

    redis.resume();
    const rows: { id: string }[] = await t.app
      .get(DataSource)
      .query(`SELECT id FROM events WHERE project_id = $1 AND type = 'redemption.succeeded'`, [
        p.projectId,
      ]);
    const ids = rows.map((r) => r.id);
    expect(ids).toHaveLength(REDEMPTIONS);
    await waitFor(
      () => ids.every((id) => receiver.byEvent().has(id)),
      `${REDEMPTIONS} webhooks`,
      60_000,
    );
    await waitProcessed(t.app, p.projectId, 60_000);
    await sleep(500); // a duplicate would arrive within this
    const counts = receiver.byEvent();
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect(receiver.received).toHaveLength(REDEMPTIONS);
    for (const got of receiver.received)
      expect(signatureMatches(got.body, secret, got.signature)).toBe(true);

    const customer = await request(t.app.getHttpServer())
      .get('/v1/customers/outage-customer')
      .set(p.headers)
      .expect(200);
    expect(customer.body.summary.redemptions).toMatchObject({
      total_redeemed: REDEMPTIONS,
      total_succeeded: REDEMPTIONS,
      total_failed: 0,
    });
  });
});
