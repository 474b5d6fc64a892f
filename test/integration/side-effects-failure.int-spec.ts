import 'reflect-metadata';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { AppConfig, configureLogger } from '@app/core';
import { BullMqJobQueue, EventsService, JobQueue } from '@app/queue';
import { signatureMatches } from '@app/webhooks';
import { WorkerModule } from '../../apps/api/src/worker.module';
import { createTestProject, TestProject } from '../factories/project.factory';
import { createIsolatedDatabase, IsolatedDatabase, isolatedEnv } from '../utils/isolated-database';
import { TestRedisServer } from '../utils/redis-server';
import { createSideEffectTable, SideEffectModule } from '../utils/side-effect.subscriber';
import { markersByHandler, waitProcessed } from '../utils/side-effects.helpers';
import { startRedisOutageFixture, RedisOutageFixture } from '../utils/redis-outage.fixture';
import { createTestApp, TestApp } from '../utils/test-app';
import { sleep, waitFor } from '../utils/wait-for';
import { WebhookReceiver } from '../utils/webhook-receiver';

jest.setTimeout(120_000);

const ORDERS = 100;

/** `count` order writes through the API, 10 at a time, PAID, for one customer; all must succeed. */
async function writeOrders(t: TestApp, p: TestProject, tag: string, customer: string) {
  const statuses: number[] = [];
  for (let i = 0; i < ORDERS; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        request(t.app.getHttpServer())
          .post('/v1/orders')
          .set(p.headers)
          .send({
            source_id: `${tag}-${i + j}`,
            status: 'PAID',
            amount: 100 + i + j,
            customer: { source_id: customer },
          }),
      ),
    );
    statuses.push(...batch.map((r) => r.status));
  }
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
}

const expectedTotal = Array.from({ length: ORDERS }, (_, i) => 100 + i).reduce((a, b) => a + b);

async function orderCreatedIds(t: INestApplicationContext, projectId: string): Promise<string[]> {
  const rows: { id: string }[] = await t
    .get(DataSource)
    .query(`SELECT id FROM events WHERE project_id = $1 AND type = 'order.created'`, [projectId]);
  return rows.map((r) => r.id);
}

async function summaryOf(t: TestApp, p: TestProject, customer: string) {
  const res = await request(t.app.getHttpServer())
    .get(`/v1/customers/${customer}`)
    .set(p.headers)
    .expect(200);
  return res.body.summary.orders as { total_count: number; total_amount: number };
}

describe('side effects under failures (integration: own redis-server, loopback receivers)', () => {
  describe('Redis stopped during 100 order writes', () => {
    let f: RedisOutageFixture;
    let redis: TestRedisServer;
    let receiver: WebhookReceiver;
    let t: TestApp;
    let p: TestProject;
    let secret: string;

    beforeAll(async () => {
      f = await startRedisOutageFixture(['order.created']);
      ({ redis, receiver, t, p, secret } = f);
    });
    afterAll(() => f?.close());

    it('all writes succeed; after Redis returns each webhook arrives once and the summary counts 100', async () => {
      redis.pause();
      await writeOrders(t, p, 'outage', 'outage-customer');
      await sleep(500);
      // Nothing could be relayed: 100 order.created and one customer.created wait in Postgres.
      expect(await t.app.get(EventsService).countUnrelayed()).toBe(ORDERS + 1);
      expect(receiver.received).toHaveLength(0);

      redis.resume();
      const ids = await orderCreatedIds(t.app, p.projectId);
      expect(ids).toHaveLength(ORDERS);
      await waitFor(
        () => ids.every((id) => receiver.byEvent().has(id)),
        `${ORDERS} webhooks`,
        60_000,
      );
      await waitProcessed(t.app, p.projectId, 60_000);
      await sleep(500); // a duplicate would arrive within this
      const counts = receiver.byEvent();
      expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
      expect(receiver.received).toHaveLength(ORDERS);
      for (const got of receiver.received)
        expect(signatureMatches(got.body, secret, got.signature)).toBe(true);
      expect(await summaryOf(t, p, 'outage-customer')).toMatchObject({
        total_count: ORDERS,
        total_amount: expectedTotal,
      });
    });
  });

  describe('a worker killed mid-batch, then a new one', () => {
    let db: IsolatedDatabase;
    let redis: TestRedisServer;
    let receiver: WebhookReceiver;
    let api: TestApp;
    let env: Record<string, string>;
    const workers: INestApplicationContext[] = [];

    async function startWorker(): Promise<INestApplicationContext> {
      const config = new AppConfig().with({ ...env, ROLE: 'worker', DEMO_PROJECT: 'false' });
      configureLogger(config.env.LOG_LEVEL);
      // The test's slow subscriber (15 ms per event) keeps the batch in flight at the crash.
      @Module({ imports: [WorkerModule.register(config), SideEffectModule] })
      class TestWorkerModule {}
      const app = await NestFactory.createApplicationContext(TestWorkerModule, { logger: false });
      await app.init();
      workers.push(app);
      return app;
    }

    beforeAll(async () => {
      db = await createIsolatedDatabase();
      redis = await new TestRedisServer().start();
      receiver = await new WebhookReceiver().start();
      env = {
        ...isolatedEnv(db),
        REDIS_URL: redis.url,
        QUEUE_LOCK_MS: '1000',
        QUEUE_EVENTS_CONCURRENCY: '2',
        OUTBOX_BATCH_SIZE: '25',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_RETRY_SCHEDULE_MS: '200,400,800,1000,1000,1000',
      };
      api = await createTestApp({ env: { ...env, ROLE: 'api' } });
      await createSideEffectTable(api.app.get(DataSource));
    });
    afterAll(async () => {
      for (const w of workers) await w.close().catch(() => undefined);
      await api?.close();
      await receiver?.stop();
      await redis?.kill();
      await db?.drop();
    });

    it('delivers every event at least once and applies every side effect exactly once', async () => {
      const p = await createTestProject(api.app);
      await request(api.app.getHttpServer())
        .post('/v1/webhooks')
        .set(p.headers)
        .send({ target_url: receiver.url, events: ['order.created'] })
        .expect(200);
      // The API role relays nothing: the events wait in Postgres for a worker.
      await writeOrders(api, p, 'crash', 'crash-customer');
      const ids = await orderCreatedIds(api.app, p.projectId);
      expect(ids).toHaveLength(ORDERS);

      const first = await startWorker();
      await waitFor(
        async () =>
          ((await markersByHandler(api.app, p.projectId))['customers.activity'] ?? 0) >= 15,
        '15 events processed',
      );
      const queue = first.get(JobQueue);
      expect(queue).toBeInstanceOf(BullMqJobQueue);
      await (queue as BullMqJobQueue).closeWorkers(true); // a crash: active jobs are abandoned
      await first.close();
      const atCrash = (await markersByHandler(api.app, p.projectId))['customers.activity'];
      expect(atCrash).toBeLessThan(ORDERS + 1);

      await startWorker();
      await waitProcessed(api.app, p.projectId, 60_000);
      await waitFor(
        () => ids.every((id) => receiver.byEvent().has(id)),
        `${ORDERS} webhooks`,
        60_000,
      );

      expect(await summaryOf(api, p, 'crash-customer')).toMatchObject({
        total_count: ORDERS,
        total_amount: expectedTotal,
      });
      const markers = await markersByHandler(api.app, p.projectId);
      expect(markers).toMatchObject({
        'customers.summary.orders': ORDERS,
        'customers.activity': ORDERS + 1,
      });
      const [activities]: { n: number; events: number }[] = await api.app.get(DataSource).query(
        `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS events
             FROM customer_activities WHERE project_id = $1`,
        [p.projectId],
      );
      expect(activities).toEqual({ n: ORDERS + 1, events: ORDERS + 1 });
    });
  });
});
