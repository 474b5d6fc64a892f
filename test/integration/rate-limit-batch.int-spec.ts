import { randomBytes } from 'node:crypto';
import { AppConfig, RedisClient } from '@app/core';
import {
  Decision,
  LimitSpec,
  MAX_BATCH_DECISIONS,
  RateLimiter,
  RateLimitMetrics,
  rateSpec,
} from '@app/rate-limit';
import { TestRedisServer } from '../utils/redis-server';
import { waitFor } from '../utils/wait-for';

jest.setTimeout(30_000);

/** A limiter as the app builds it (real ioredis client, real script), on the given Redis. */
function limiterFor(env: Record<string, string> = {}) {
  const config = new AppConfig().with(env);
  const redis = new RedisClient(config);
  const metrics = new RateLimitMetrics();
  const limiter = new RateLimiter(config, redis, metrics);
  return { limiter, redis, metrics };
}

async function histogram(metrics: RateLimitMetrics, name: string) {
  const values = (await metrics.registry.getSingleMetric(name)!.get()).values as {
    metricName?: string;
    labels: Record<string, string | number>;
    value: number;
  }[];
  const pick = (suffix: string, labels: Record<string, string> = {}) =>
    values
      .filter(
        (v) =>
          v.metricName === `${name}_${suffix}` &&
          Object.entries(labels).every(([k, l]) => v.labels[k] === l),
      )
      .reduce((sum, v) => sum + v.value, 0);
  return { count: (labels?: Record<string, string>) => pick('count', labels), sum: pick('sum') };
}

/** A fresh key per scenario: the run's Redis is shared with the other suites. */
const fresh = (name: string) => `batch-test:${randomBytes(6).toString('hex')}:${name}`;
/** `capacity` tokens, refilling one per hour, so nothing refills during a test. */
const bucket = (name: string, capacity: number, cost = 1): LimitSpec =>
  rateSpec(name, fresh(name), 1, 3600, capacity, cost);
const allowedCount = (decisions: Decision[]) => decisions.filter((d) => d.allowed).length;

describe('rate limiter: decisions coalesced into batches, exact (integration, real Redis)', () => {
  const instances: ReturnType<typeof limiterFor>[] = [];
  const limiter = () => instances[0].limiter;

  beforeAll(async () => {
    instances.push(limiterFor({ REDIS_COMMAND_TIMEOUT_MS: '5000' }));
    instances.push(limiterFor({ REDIS_COMMAND_TIMEOUT_MS: '5000' }));
    await Promise.all(
      instances.map(({ redis }) =>
        waitFor(() => redis.ready, 'the limiter Redis client', 10_000, 20),
      ),
    );
  });
  afterAll(() => Promise.all(instances.map(({ redis }) => redis.onApplicationShutdown())));

  it('200 concurrent decisions on a key of capacity 50 admit exactly 50, in a few Redis calls', async () => {
    const { metrics } = instances[0];
    const before = await histogram(metrics, 'rate_limit_redis_batch_decisions');
    const spec = bucket('project', 50);
    const decisions = await Promise.all(
      Array.from({ length: 200 }, () => limiter().consume([spec])),
    );
    expect(decisions.every((d) => d.source === 'redis')).toBe(true);
    expect(allowedCount(decisions)).toBe(50);
    // In order: the first 50 were admitted, with the remaining tokens counting down.
    expect(decisions.slice(0, 50).map((d) => d.states[0].remaining)).toEqual(
      Array.from({ length: 50 }, (_, i) => 49 - i),
    );
    const denied = decisions[50];
    expect(denied.deniedBy).toBe(spec);
    expect(denied.retryAfterMs).toBeGreaterThan(3_500_000 - 10_000);
    const after = await histogram(metrics, 'rate_limit_redis_batch_decisions');
    expect(after.sum - before.sum).toBe(200);
    // Coalesced: one call per full batch (plus the remainder), not one per decision.
    expect(after.count() - before.count()).toBe(Math.ceil(200 / MAX_BATCH_DECISIONS));
  });

  it('two replicas deciding concurrently on one key still admit exactly the budget', async () => {
    const spec = bucket('project', 50);
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => instances[i % 2].limiter.consume([spec])),
    );
    expect(allowedCount(decisions)).toBe(50);
  });

  it('decisions for different keys in one batch are independent', async () => {
    const a = bucket('a', 3);
    const b = bucket('b', 5);
    const c = bucket('c', 1, 2);
    const pending: Promise<Decision>[] = [];
    for (let i = 0; i < 10; i++)
      pending.push(limiter().consume([a]), limiter().consume([b]), limiter().consume([c]));
    const decisions = await Promise.all(pending);
    expect(allowedCount(decisions.filter((_, i) => i % 3 === 0))).toBe(3);
    expect(allowedCount(decisions.filter((_, i) => i % 3 === 1))).toBe(5);
    // Cost 2 never fits a bucket of 1, whatever else the batch did.
    expect(allowedCount(decisions.filter((_, i) => i % 3 === 2))).toBe(0);
  });

  it('keeps each decision all-or-nothing over its own keys within a batch', async () => {
    const total = bucket('project', 10);
    const cls = bucket('write', 2);
    const withClass = Array.from({ length: 5 }, () => limiter().consume([total, cls]));
    const totalOnly = Array.from({ length: 10 }, () => limiter().consume([total]));
    const first = await Promise.all(withClass);
    const second = await Promise.all(totalOnly);
    expect(first.map((d) => d.allowed)).toEqual([true, true, false, false, false]);
    expect(first[2].deniedBy).toBe(cls);
    // The three denied decisions took nothing from the total: 8 of its 10 tokens were left.
    expect(allowedCount(second)).toBe(8);
    expect(second[7].states[0].remaining).toBe(0);
    expect(second[8].deniedBy).toBe(total);
  });

  it('dry runs in a batch take nothing', async () => {
    const spec = bucket('code_guessing', 1);
    const pending = [
      ...Array.from({ length: 5 }, () => limiter().consume([spec], { dryRun: true })),
      limiter().consume([spec]),
      limiter().consume([spec], { dryRun: true }),
    ];
    const decisions = await Promise.all(pending);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, true, false]);
  });

  it('a batch of one stores the TAT with an expiry, as before batching', async () => {
    const spec = bucket('ip', 5);
    const decision = await limiter().consume([spec]);
    expect(decision).toMatchObject({ allowed: true, deniedBy: null, retryAfterMs: 0 });
    expect(decision.states[0].remaining).toBe(4);
    expect(decision.states[0].resetMs).toBeGreaterThan(3_590_000);
    const client = instances[0].redis.client!;
    const key = instances[0].redis.key('rl', spec.key);
    expect(await client.pttl(key)).toBeGreaterThan(3_590_000);
    const [seconds, micros] = await client.time();
    const nowUs = Number(seconds) * 1_000_000 + Number(micros);
    const tat = Number(await client.get(key));
    expect(tat - nowUs).toBeGreaterThan(3_590_000_000);
    expect(tat - nowUs).toBeLessThanOrEqual(3_600_000_000);
  });
});

describe('rate limiter: a failed batch fails over all its decisions (integration, own redis-server)', () => {
  let server: TestRedisServer;
  let instance: ReturnType<typeof limiterFor>;

  beforeAll(async () => {
    server = await new TestRedisServer().start();
    instance = limiterFor({
      REDIS_URL: server.url,
      REDIS_COMMAND_TIMEOUT_MS: '100',
      RATE_LIMIT_BREAKER_FAILURES: '2',
      RATE_LIMIT_BREAKER_OPEN_MS: '300',
      RATE_LIMIT_REPLICAS: '2',
    });
    await waitFor(() => instance.redis.ready, 'the limiter Redis client', 10_000, 20);
  });
  afterAll(async () => {
    server?.resume();
    await instance?.redis.onApplicationShutdown();
    await server?.kill();
  });

  it('a hung Redis: the batch times out once, every decision goes to the fallback, counted once', async () => {
    const { limiter, metrics } = instance;
    const spec = bucket('project', 10);
    expect((await limiter.consume([spec])).source).toBe('redis');
    server.pause();
    try {
      const errorsBefore = (await histogram(metrics, 'rate_limit_redis_duration_seconds')).count({
        result: 'error',
      });
      const decisions = await Promise.all(
        Array.from({ length: 20 }, () => limiter.consume([spec])),
      );
      expect(decisions.every((d) => d.source === 'fallback')).toBe(true);
      // The fallback's share: 10 / 2 replicas.
      expect(allowedCount(decisions)).toBe(5);
      const errors = (await histogram(metrics, 'rate_limit_redis_duration_seconds')).count({
        result: 'error',
      });
      expect(errors - errorsBefore).toBe(1);
      // One failed call, one failure: the breaker (threshold 2) is still closed.
      expect(limiter.breaker.current).toBe('closed');
      await limiter.consume([spec]);
      expect(limiter.breaker.current).toBe('open');
      // While open, decisions skip Redis without waiting for a timeout.
      const started = Date.now();
      expect((await limiter.consume([spec])).source).toBe('fallback');
      expect(Date.now() - started).toBeLessThan(50);
    } finally {
      server.resume();
    }
    await waitFor(
      async () => (await limiter.consume([bucket('probe', 5)])).source === 'redis',
      'back on Redis',
      5_000,
      50,
    );
  });
});
