import { ensureBuilt, get, spawnApp, SpawnedApp, waitFor } from '../utils/spawn-app';

jest.setTimeout(30_000);

/**
 * Overload goes to readiness, never to liveness: a real process whose event loop is held
 * reports not-ready (naming the delay) at the next sample, keeps answering /health/live,
 * and returns to ready by itself after a few calm samples.
 */
describe('readiness under event-loop pressure (real process)', () => {
  let app: SpawnedApp;

  beforeAll(async () => {
    ensureBuilt();
    app = await spawnApp('testServer', { READY_MAX_EVENT_LOOP_DELAY_MS: '200' });
    await waitFor('ready', async () => (await get(`${app.url}/health/ready`)).status === 200);
  }, 120_000);
  afterAll(() => app?.stop());

  it('drops readiness while the loop is held and restores it afterwards; liveness stays 200', async () => {
    expect((await get(`${app.url}/v1/probe/block?ms=700`)).status).toBe(200);
    let reason = '';
    await waitFor(
      'not ready under pressure',
      async () => {
        const res = await get(`${app.url}/health/ready`);
        reason = String((res.body.checks as Record<string, string> | undefined)?.pressure ?? '');
        return res.status === 503;
      },
      3_000,
    );
    expect(reason).toMatch(/event loop delay p99 \d+ ms > 200 ms/);
    expect((await get(`${app.url}/health/live`)).status).toBe(200);

    await waitFor(
      'ready again after calm samples',
      async () => (await get(`${app.url}/health/ready`)).status === 200,
      8_000,
    );
    expect(app.exitCode()).toBeNull();
  });
});

/**
 * Prometheus keeps its samples while the process sheds: a real process whose event loop is
 * held sheds reads, yet `/metrics` (a read) answers 200 with the shedding level, and it is
 * still limited per IP.
 */
describe('/metrics while shedding (real process)', () => {
  let app: SpawnedApp;
  let ips = 0;
  // Every caller its own address (the tests trust X-Forwarded-For), so only the per-IP check
  // below spends a budget.
  const fresh = () => ({ 'x-forwarded-for': `198.51.100.${++ips}` });

  beforeAll(async () => {
    ensureBuilt();
    app = await spawnApp('testServer', {
      SHED_SAMPLE_MS: '50',
      SHED_UP_SAMPLES: '1',
      SHED_DELAY_HIGH_MS: '100',
      SHED_DELAY_LOW_MS: '50',
      // Stays shedding for the rest of the test once raised.
      SHED_DOWN_SAMPLES: '400',
      RATE_LIMIT_IP_PER_MINUTE: '6',
    });
    await waitFor(
      'ready',
      async () => (await get(`${app.url}/health/ready`, fresh())).status === 200,
    );
  }, 120_000);
  afterAll(() => app?.stop());

  it('answers /metrics while reads are shed, and still limits it per IP', async () => {
    // Each held loop is one bad sample, one level up: hold it until reads are shed (level 2).
    let read = await get(`${app.url}/v1/probe/slow?ms=0`, fresh());
    for (let i = 0; i < 10 && read.body.limit !== 'overload'; i++) {
      await get(`${app.url}/v1/probe/block?ms=300`, fresh());
      await new Promise((resolve) => setTimeout(resolve, 120));
      read = await get(`${app.url}/v1/probe/slow?ms=0`, fresh());
    }
    expect(read.status).toBe(503);
    expect(read.body).toMatchObject({ key: 'service_unavailable', limit: 'overload' });

    const scrape = await fetch(`${app.url}/metrics`, { headers: fresh() });
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    expect(Number(/^load_shed_level (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^rate_limit_decisions_total\{class="read",outcome="shed"\} [1-9]/m);

    const ip = fresh();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await get(`${app.url}/metrics`, ip)).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 503)).toEqual([]);
  });
});
