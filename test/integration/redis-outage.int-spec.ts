import request from 'supertest';
import { EventsService } from '@app/queue';
import { signatureMatches } from '@app/webhooks';
import { createTestProject, TestProject } from '../factories/project.factory';
import { EventsProbeModule } from '../utils/events-probe.module';
import { createIsolatedDatabase, IsolatedDatabase, isolatedEnv } from '../utils/isolated-database';
import { TestRedisServer } from '../utils/redis-server';
import { createTestApp, TestApp } from '../utils/test-app';
import { sleep, waitFor } from '../utils/wait-for';
import { WebhookReceiver } from '../utils/webhook-receiver';

jest.setTimeout(90_000);

describe('Redis outage: events wait in Postgres, then flow (integration, own redis-server)', () => {
  let db: IsolatedDatabase;
  let redis: TestRedisServer;
  let t: TestApp;
  let receiver: WebhookReceiver;
  let p: TestProject;
  let secret: string;

  const write = () =>
    request(t.app.getHttpServer())
      .post('/v1/probe/events')
      .set(p.headers)
      .send({ type: 'redemption.succeeded' });

  /** `count` writes, 10 at a time, each committing one event; returns their event ids. */
  async function writeMany(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 10) {
      const results = await Promise.all(Array.from({ length: Math.min(10, count - i) }, write));
      for (const res of results) {
        expect(res.status).toBe(200);
        ids.push(...(res.body.event_ids as string[]));
      }
    }
    return ids;
  }

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    redis = await new TestRedisServer().start();
    receiver = await new WebhookReceiver().start();
    t = await createTestApp({
      imports: [EventsProbeModule],
      env: {
        ...isolatedEnv(db),
        REDIS_URL: redis.url,
        QUEUE_ENQUEUE_TIMEOUT_MS: '300',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_RETRY_SCHEDULE_MS: '200,400,800,1000,1000,1000',
      },
    });
    p = await createTestProject(t.app);
    const hook = await request(t.app.getHttpServer())
      .post('/v1/webhooks')
      .set(p.headers)
      .send({ target_url: receiver.url, events: ['redemption.succeeded'] })
      .expect(200);
    secret = hook.body.secret;
    // Warm up: the pipeline works before the outage.
    await writeMany(1);
    await waitFor(() => receiver.received.length === 1, 'the warm-up webhook');
  });

  afterAll(async () => {
    redis?.resume();
    await t?.close();
    await receiver?.stop();
    await redis?.kill();
    await db?.drop();
  });

  const expectEachOnce = (ids: string[]) => {
    const counts = receiver.byEvent();
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
  };

  it('Redis paused (SIGSTOP): 100 writes succeed, events wait, then each is delivered once', async () => {
    redis.pause();
    const started = Date.now();
    const ids = await writeMany(100);
    const writeMs = Date.now() - started;
    await sleep(1_000);
    const events = t.app.get(EventsService);
    expect(await events.countUnrelayed()).toBe(100);
    expect(receiver.received).toHaveLength(1);
    expect(writeMs).toBeLessThan(10_000); // the writes never waited on Redis

    redis.resume();
    await waitFor(() => ids.every((id) => receiver.byEvent().has(id)), 'all 100 webhooks', 60_000);
    await sleep(1_000);
    expectEachOnce(ids);
    expect(await events.countUnrelayed()).toBe(0);
    for (const got of receiver.received)
      expect(signatureMatches(got.body, secret, got.signature)).toBe(true);
  });

  it('Redis killed and restarted: writes made while it was down are delivered once', async () => {
    await redis.kill();
    const ids = await writeMany(30);
    await sleep(500);
    expect(await t.app.get(EventsService).countUnrelayed()).toBe(30);
    await redis.start(); // same port, empty: only what waited in Postgres can flow
    await waitFor(() => ids.every((id) => receiver.byEvent().has(id)), 'all 30 webhooks', 60_000);
    await sleep(500);
    expectEachOnce(ids);
  });
});
