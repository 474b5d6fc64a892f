import 'reflect-metadata';
import { ConsoleLogger, INestApplicationContext, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { AppConfig, configureLogger, CoreModule, newId, TransactionRunner } from '@app/core';
import {
  BullMqJobQueue,
  EventsService,
  InProcessJobQueue,
  JobQueue,
  QueueModule,
} from '@app/queue';
import { SCHEMA } from '../../apps/api/src/schema';
import { WorkerModule } from '../../apps/api/src/worker.module';
import { createTestProject } from '../factories/project.factory';
import { createIsolatedDatabase, IsolatedDatabase, isolatedEnv } from '../utils/isolated-database';
import {
  createSideEffectTable,
  sideEffectCalls,
  sideEffectCounts,
  SideEffectModule,
} from '../utils/side-effect.subscriber';
import { createTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait-for';
import { WebhookReceiver } from '../utils/webhook-receiver';

jest.setTimeout(60_000);

async function recordEvents(app: INestApplicationContext, projectId: string, count: number) {
  const events = app.get(EventsService);
  return app.get(TransactionRunner).run(async (em) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++)
      ids.push(
        await events.record(em, {
          projectId,
          type: 'customer.updated',
          entityId: `cust_${i}`,
          data: { i },
          source: { channel: 'INTERNAL' },
        }),
      );
    return ids;
  });
}

async function startWorker(env: Record<string, string>): Promise<INestApplicationContext> {
  const config = new AppConfig().with({ ...env, ROLE: 'worker', DEMO_PROJECT: 'false' });
  configureLogger(config.env.LOG_LEVEL);
  @Module({ imports: [WorkerModule.register(config), SideEffectModule] })
  class TestWorkerModule {}
  const app = await NestFactory.createApplicationContext(TestWorkerModule, { logger: false });
  await app.init();
  return app;
}

describe('outbox and queue (integration, real Postgres and Redis)', () => {
  describe('start-up', () => {
    const boot = async (role: string) => {
      const config = new AppConfig().with({ ROLE: role, REDIS_URL: '', DEMO_PROJECT: 'false' });
      // The queue without the modules that handle its jobs (webhooks).
      @Module({ imports: [CoreModule.forRoot(config, SCHEMA, { http: false }), QueueModule] })
      class BareModule {}
      // A testing module is created without init, so it can be closed after init fails.
      const app = await Test.createTestingModule({ imports: [BareModule] })
        .setLogger(new ConsoleLogger({ logLevels: [] }))
        .compile();
      try {
        await app.init();
      } finally {
        await app.close();
      }
    };

    it('fails in the worker role when a job has no handler', async () => {
      await expect(boot('worker')).rejects.toThrow(
        /No handler registered for job\(s\) webhook\.deliver/,
      );
    });

    it('starts in the API role, which runs no jobs', async () => {
      await expect(boot('api')).resolves.toBeUndefined();
    });
  });

  describe('in-process driver (no Redis)', () => {
    let db: IsolatedDatabase;
    let t: TestApp;
    let env: Record<string, string>;

    beforeAll(async () => {
      db = await createIsolatedDatabase();
      env = {
        ...isolatedEnv(db),
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_SWEEP_INTERVAL_MS: '200',
      };
      t = await createTestApp({ imports: [SideEffectModule], env: { ...env, REDIS_URL: '' } });
      await createSideEffectTable(t.app.get(DataSource));
    });
    afterAll(async () => {
      await t?.close();
      await db?.drop();
    });

    it('relays committed events and applies each side effect once', async () => {
      expect(t.app.get(JobQueue)).toBeInstanceOf(InProcessJobQueue);
      const p = await createTestProject(t.app);
      await recordEvents(t.app, p.projectId, 40);
      const dataSource = t.app.get(DataSource);
      await waitFor(async () => (await sideEffectCounts(dataSource)).rows >= 40, '40 side effects');
      expect(await sideEffectCounts(dataSource)).toEqual({ rows: 40, distinct: 40 });
      expect(await t.app.get(EventsService).countUnrelayed()).toBe(0);
    });

    it('relays nothing from a transaction that rolled back', async () => {
      const p = await createTestProject(t.app);
      const dataSource = t.app.get(DataSource);
      const before = await sideEffectCounts(dataSource);
      await expect(
        t.app.get(TransactionRunner).run(async (em) => {
          await t.app.get(EventsService).record(em, {
            projectId: p.projectId,
            type: 'customer.created',
            data: {},
            source: { channel: 'INTERNAL' },
          });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await recordEvents(t.app, p.projectId, 1);
      await waitFor(
        async () => (await sideEffectCounts(dataSource)).rows > before.rows,
        'the committed event',
      );
      expect((await sideEffectCounts(dataSource)).rows).toBe(before.rows + 1);
    });

    it('re-enqueues a retry lost with the in-process queue (restart) once it is overdue', async () => {
      const receiver = await new WebhookReceiver().start();
      try {
        const p = await createTestProject(t.app);
        const hook = await request(t.app.getHttpServer())
          .post('/v1/webhooks')
          .set(p.headers)
          .send({ target_url: receiver.url, events: ['voucher.created'] })
          .expect(200);
        // An event the endpoint does not subscribe to, so only the row below delivers it.
        const [eventId] = await recordEvents(t.app, p.projectId, 1);
        const deliveryId = newId('webhookDelivery');
        await t.app.get(DataSource).query(
          `INSERT INTO webhook_deliveries
             (id, project_id, webhook_id, event_id, event_type, status, attempts, next_attempt_at)
           VALUES ($1, $2, $3, $4, 'customer.updated', 'retrying', 1, now() - interval '1 hour')`,
          [deliveryId, p.projectId, hook.body.id, eventId],
        );
        await waitFor(() => receiver.received.length === 1, 'the swept delivery');
        expect(receiver.received[0].json).toMatchObject({ id: deliveryId, event: { id: eventId } });
        const row = await waitFor(async () => {
          const [r] = await t.app
            .get(DataSource)
            .query(`SELECT status, attempts FROM webhook_deliveries WHERE id = $1`, [deliveryId]);
          return r.status === 'succeeded' ? r : null;
        }, 'the delivery recorded');
        expect(row.attempts).toBe(2);
      } finally {
        await receiver.stop();
      }
    });

    it('after a restart, runs the events a previous process relayed but never processed', async () => {
      const p = await createTestProject(t.app);
      const dataSource = t.app.get(DataSource);
      const eventId = newId('event');
      // What a crash leaves behind: relayed into memory, never processed.
      await dataSource.query(
        `INSERT INTO events (id, project_id, type, payload, source, relayed_at)
         VALUES ($1, $2, 'customer.created', '{}', '{"channel":"INTERNAL"}', now())`,
        [eventId, p.projectId],
      );
      const restarted = await createTestApp({
        imports: [SideEffectModule],
        env: { ...env, REDIS_URL: '' },
      });
      try {
        await waitFor(async () => {
          const [row] = await dataSource.query(
            `SELECT count(*)::int AS n FROM test_side_effects WHERE event_id = $1`,
            [eventId],
          );
          return row.n === 1;
        }, 'the recovered event applied');
        await waitFor(async () => {
          const [event] = await dataSource.query(`SELECT processed_at FROM events WHERE id = $1`, [
            eventId,
          ]);
          return event.processed_at !== null;
        }, 'the event marked processed');
      } finally {
        await restarted.close();
      }
    });

    it('shows the in-process queue status', async () => {
      const status = await t.app.get(JobQueue).status();
      expect(status.driver).toBe('in-process');
      expect(status.queues.map((q) => q.queue)).toEqual(['events', 'webhooks', 'bulk']);
    });
  });

  describe('BullMQ driver: a worker killed mid-batch', () => {
    let db: IsolatedDatabase;
    let api: TestApp;
    const workers: INestApplicationContext[] = [];
    let env: Record<string, string>;

    beforeAll(async () => {
      db = await createIsolatedDatabase();
      env = {
        ...isolatedEnv(db),
        QUEUE_LOCK_MS: '1000',
        QUEUE_EVENTS_CONCURRENCY: '4',
        OUTBOX_BATCH_SIZE: '50',
      };
      api = await createTestApp({ env: { ...env, ROLE: 'api' } });
      await createSideEffectTable(api.app.get(DataSource));
    });
    afterAll(async () => {
      for (const w of workers) await w.close().catch(() => undefined);
      await api?.close();
      await db?.drop();
    });

    it('delivers every event at least once and applies each side effect exactly once', async () => {
      const dataSource = api.app.get(DataSource);
      const p = await createTestProject(api.app);
      sideEffectCalls.count = 0;
      // The API role runs no relay and no workers: events wait in Postgres.
      await recordEvents(api.app, p.projectId, 200);
      expect(await api.app.get(EventsService).countUnrelayed()).toBe(200);

      const first = await startWorker(env);
      workers.push(first);
      await waitFor(async () => (await sideEffectCounts(dataSource)).rows >= 30, '30 side effects');
      // A crash as the rest of the system sees it: active jobs are abandoned, their locks expire.
      const queue = first.get(JobQueue);
      expect(queue).toBeInstanceOf(BullMqJobQueue);
      await (queue as BullMqJobQueue).closeWorkers(true);
      await first.close();
      const atCrash = await sideEffectCounts(dataSource);
      expect(atCrash.rows).toBeLessThan(200);

      await recordEvents(api.app, p.projectId, 50); // written while no worker runs
      const second = await startWorker(env);
      workers.push(second);
      await waitFor(
        async () => (await sideEffectCounts(dataSource)).rows >= 250,
        '250 side effects',
        45_000,
      );
      expect(await sideEffectCounts(dataSource)).toEqual({ rows: 250, distinct: 250 });
      expect(sideEffectCalls.count).toBeGreaterThanOrEqual(250);
      expect(await api.app.get(EventsService).countUnrelayed()).toBe(0);
    });
  });
});
