import 'reflect-metadata';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig, configureLogger, TransactionRunner } from '@app/core';
import { BullMqJobQueue, EventsService, InProcessJobQueue, JobQueue } from '@app/queue';
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
  describe('in-process driver (no Redis)', () => {
    let db: IsolatedDatabase;
    let t: TestApp;

    beforeAll(async () => {
      db = await createIsolatedDatabase();
      t = await createTestApp({
        imports: [SideEffectModule],
        env: { ...isolatedEnv(db), REDIS_URL: '' },
      });
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

    it('shows the in-process queue status', async () => {
      const status = await t.app.get(JobQueue).status();
      expect(status.driver).toBe('in-process');
      expect(status.queues.map((q) => q.queue)).toEqual(['events', 'webhooks']);
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
