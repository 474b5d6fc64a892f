import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import request from 'supertest';
import { RateLimitService } from '@app/rate-limit';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { RateLimitProbeModule } from '../../utils/rate-limit-probe.module';
import { createTestApp, TestApp } from '../../utils/test-app';
import { decisions, freshIp, setLimits, sleep, PRODUCTION_LIMITS } from './helpers';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('several API processes share one Redis: exact limits (e2e)', () => {
  const apps: TestApp[] = [];
  let p: TestProject;

  beforeAll(async () => {
    const env = { ...PRODUCTION_LIMITS, SHED_SAMPLE_MS: '0', REDIS_COMMAND_TIMEOUT_MS: '2000' };
    for (let i = 0; i < 3; i++)
      apps.push(await createTestApp({ imports: [RateLimitProbeModule], env }));
    p = await createTestProject(apps[0].app);
    // 120/min = one token every 500 ms, burst 10.
    await setLimits(apps[0].app, p.projectId, { perMinute: 120, burst: 10 });
  });
  afterAll(() => Promise.all(apps.map((a) => a.close())));

  it('admits at most limit x elapsed x 1.05 + burst across three instances, and rejects at once when spent', async () => {
    const started = Date.now();
    let admitted = 0;
    let limited = 0;
    let firstLimitedAt = 0;
    let exhaustedAt = 0;
    const worker = async (i: number) => {
      while (Date.now() - started < 2_000) {
        const res = await request(apps[i % 3].app.getHttpServer())
          .post('/v1/rl-probe/critical')
          .set(p.headers)
          .set('x-forwarded-for', freshIp());
        if (res.status === 200) {
          admitted++;
          if (admitted === 10) exhaustedAt = Date.now();
        } else {
          expect(res.status).toBe(429);
          limited++;
          if (!firstLimitedAt) firstLimitedAt = Date.now();
        }
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5].map(worker));
    const elapsedS = (Date.now() - started) / 1000;
    const budget = (120 / 60) * elapsedS * 1.05 + 10;
    expect(admitted).toBeGreaterThanOrEqual(10);
    expect(admitted).toBeLessThanOrEqual(Math.floor(budget) + 1);
    expect(limited).toBeGreaterThan(admitted);
    // The first 429 follows the exhaustion of the burst within 100 ms.
    expect(firstLimitedAt - exhaustedAt).toBeLessThan(100);
  });
});

describe('Redis stopped or hung: fallback limiter, then recovery (e2e)', () => {
  let port: number;
  let pid: number;
  let t: TestApp;
  let big: TestProject;
  let small: TestProject;
  const pidFile = () => `/tmp/rl-test-redis-${port}.pid`;

  function startRedis(): void {
    rmSync(pidFile(), { force: true });
    execFileSync('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--pidfile',
      pidFile(),
      '--logfile',
      '/dev/null',
    ]);
  }

  /** The daemon's pid, once its pid file holds one (never 0: kill(0) would signal our own group). */
  async function waitForPid(): Promise<number> {
    for (let i = 0; i < 100; i++) {
      try {
        const value = Number(readFileSync(pidFile(), 'utf8').trim());
        if (Number.isInteger(value) && value > 1 && value !== process.pid) return value;
      } catch {
        // not written yet
      }
      await sleep(20);
    }
    throw new Error('redis-server did not start');
  }

  beforeAll(async () => {
    port = await freePort();
    startRedis();
    pid = await waitForPid();
    t = await createTestApp({
      imports: [RateLimitProbeModule],
      env: {
        ...PRODUCTION_LIMITS,
        REDIS_URL: `redis://127.0.0.1:${port}`,
        REDIS_COMMAND_TIMEOUT_MS: '50',
        RATE_LIMIT_BREAKER_OPEN_MS: '300',
        RATE_LIMIT_REPLICAS: '2',
        SHED_SAMPLE_MS: '0',
      },
    });
    big = await createTestProject(t.app);
    small = await createTestProject(t.app);
    await setLimits(t.app, big.projectId, { perMinute: 600_000, burst: 10_000 });
    // Burst 10 shared; 5 per process (2 replicas) while Redis is away.
    await setLimits(t.app, small.projectId, { perMinute: 6, burst: 10 });
  });

  afterAll(async () => {
    // Resume Redis first: closing clients against a paused server would wait on it.
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
    await t.close();
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });

  const redeem = (project: TestProject) =>
    request(t.app.getHttpServer())
      .post('/v1/rl-probe/critical')
      .set(project.headers)
      .set('x-forwarded-for', freshIp());

  async function outage(): Promise<void> {
    const fallbackBefore = await decisions(t.app, 'critical', 'fallback_allowed');
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      statuses.push(
        ...(await Promise.all(Array.from({ length: 10 }, () => redeem(big).then((r) => r.status)))),
      );
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(99);
    expect(await decisions(t.app, 'critical', 'fallback_allowed')).toBeGreaterThan(fallbackBefore);
    // The small project's limit still holds, at this process's share.
    const small200 = (
      await Promise.all(Array.from({ length: 12 }, () => redeem(small).then((r) => r.status)))
    ).filter((s) => s === 200).length;
    expect(small200).toBeLessThanOrEqual(5);
    const service = t.app.get(RateLimitService);
    expect(service.limiter.local.size).toBeLessThanOrEqual(service.limiter.local.maxKeys);
  }

  async function recoversWithin(ms: number): Promise<number> {
    const started = Date.now();
    const before = await decisions(t.app, 'critical', 'allowed');
    while (Date.now() - started < ms) {
      await redeem(big).expect(200);
      if ((await decisions(t.app, 'critical', 'allowed')) > before) return Date.now() - started;
      await sleep(100);
    }
    throw new Error(`still on the fallback after ${ms} ms`);
  }

  it('uses Redis while it is up', async () => {
    const before = await decisions(t.app, 'critical', 'allowed');
    await redeem(big).expect(200);
    expect(await decisions(t.app, 'critical', 'allowed')).toBe(before + 1);
  });

  it('keeps answering while Redis hangs (SIGSTOP), then returns to Redis', async () => {
    process.kill(pid, 'SIGSTOP');
    try {
      await outage();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(await recoversWithin(5_000)).toBeLessThan(5_000);
  });

  it('keeps answering while Redis refuses connections (killed), then returns to Redis', async () => {
    process.kill(pid, 'SIGKILL');
    await sleep(100);
    await outage();
    startRedis();
    pid = await waitForPid();
    expect(await recoversWithin(8_000)).toBeLessThan(8_000);
  }, 20_000);
});

describe('embedded mode (no REDIS_URL): the in-memory limiter is the primary one (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [RateLimitProbeModule],
      env: { REDIS_URL: '', SHED_SAMPLE_MS: '0' },
    });
  });
  afterAll(() => t.close());

  it('enforces the project limit in memory and blocks early after a denial', async () => {
    const p = await createTestProject(t.app);
    await setLimits(t.app, p.projectId, { perMinute: 60, burst: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await request(t.app.getHttpServer()).post('/v1/rl-probe/critical').set(p.headers)).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(await decisions(t.app, 'critical', 'allowed')).toBe(3);
    expect(await decisions(t.app, 'critical', 'blocked_early')).toBe(1);
    expect(await decisions(t.app, 'critical', 'fallback_allowed')).toBe(0);
  });
});
