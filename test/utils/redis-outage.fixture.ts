import request from 'supertest';
import { createTestProject, TestProject } from '../factories/project.factory';
import { createIsolatedDatabase, IsolatedDatabase, isolatedEnv } from './isolated-database';
import { TestRedisServer } from './redis-server';
import { createTestApp, TestApp } from './test-app';
import { WebhookReceiver } from './webhook-receiver';

/**
 * An app on its own database and its own redis-server (which the test can pause), with one
 * project whose webhook endpoint, subscribed to `events`, points at a loopback receiver.
 */
export interface RedisOutageFixture {
  db: IsolatedDatabase;
  redis: TestRedisServer;
  receiver: WebhookReceiver;
  t: TestApp;
  p: TestProject;
  /** The webhook endpoint's signing secret. */
  secret: string;
  close: () => Promise<void>;
}

export async function startRedisOutageFixture(events: string[]): Promise<RedisOutageFixture> {
  const db = await createIsolatedDatabase();
  const redis = await new TestRedisServer().start();
  const receiver = await new WebhookReceiver().start();
  const t = await createTestApp({
    env: {
      ...isolatedEnv(db),
      REDIS_URL: redis.url,
      QUEUE_ENQUEUE_TIMEOUT_MS: '300',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_SCHEDULE_MS: '200,400,800,1000,1000,1000',
    },
  });
  const p = await createTestProject(t.app);
  const hook = await request(t.app.getHttpServer())
    .post('/v1/webhooks')
    .set(p.headers)
    .send({ target_url: receiver.url, events })
    .expect(200);
  return {
    db,
    redis,
    receiver,
    t,
    p,
    secret: hook.body.secret as string,
    close: async () => {
      redis.resume();
      await t.close();
      await receiver.stop();
      await redis.kill();
      await db.drop();
    },
  };
}
