import request from 'supertest';
import { RedisClient } from '@app/core';
import { OverloadMonitor, RateLimitService } from '@app/rate-limit';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { RateLimitProbeModule } from '../../utils/rate-limit-probe.module';
import { createTestApp, TestApp } from '../../utils/test-app';
import { decisions, freshIp, setLimits, sleep, PRODUCTION_LIMITS } from './helpers';

describe('rate limiting: per-project limits, headers, per-IP limits (e2e)', () => {
  let t: TestApp;
  let service: RateLimitService;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({
      imports: [RateLimitProbeModule],
      env: {
        ...PRODUCTION_LIMITS,
        RATE_LIMIT_IP_PER_MINUTE: '6',
        SHED_SAMPLE_MS: '0',
        RATE_LIMIT_POLICY_CACHE_TTL_MS: '200',
        REDIS_COMMAND_TIMEOUT_MS: '2000',
      },
    });
    service = t.app.get(RateLimitService);
  });
  afterAll(() => t.close());

  async function limitedProject(
    perMinute: number,
    burst: number,
    inflightMax?: number,
  ): Promise<TestProject> {
    const p = await createTestProject(t.app);
    await setLimits(t.app, p.projectId, { perMinute, burst, inflightMax });
    return p;
  }

  it('sends the contract and IETF headers on an admitted request', async () => {
    const p = await limitedProject(600, 50);
    const res = await http()
      .get('/v1/rl-probe/read')
      .set(p.headers)
      .set('x-forwarded-for', freshIp())
      .expect(200);
    expect(res.headers['x-rate-limit-limit']).toBe('240');
    expect(Number(res.headers['x-rate-limit-remaining'])).toBe(19);
    expect(Number(res.headers['x-rate-limit-retry'])).toBeGreaterThanOrEqual(
      Math.floor(Date.now() / 1000),
    );
    expect(res.headers['ratelimit-policy']).toBe('"project";q=600;w=60, "read";q=240;w=60');
    expect(res.headers.ratelimit).toMatch(/^"project";r=49;t=\d+, "read";r=19;t=\d+$/);
  });

  it('answers 429 in the contract shape with Retry-After once the budget is spent, then from the block cache', async () => {
    const p = await limitedProject(60, 3);
    const ip = freshIp();
    const statuses: number[] = [];
    let limited: request.Response | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await http()
        .post('/v1/rl-probe/critical')
        .set(p.headers)
        .set('x-forwarded-for', ip);
      statuses.push(res.status);
      if (res.status === 429 && !limited) limited = res;
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(limited!.body).toMatchObject({
      code: 429,
      key: 'too_many_requests',
      message: 'Too many requests hit the API too quickly.',
      limit: 'project',
    });
    expect(limited!.body.request_id).toMatch(/^v-/);
    const retryAfter = Number(limited!.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    expect(limited!.headers.ratelimit).toContain(`"project";r=0;t=${retryAfter}`);
    expect(limited!.headers['x-rate-limit-remaining']).toBe('0');
    expect(await decisions(t.app, 'critical', 'blocked_early')).toBeGreaterThanOrEqual(1);
  });

  it("holds a blocked key's 429s while another project is served, and only then", async () => {
    const flooding = await limitedProject(2, 1); // blocked for ~30 s after its one request
    const steady = await limitedProject(6000, 100);
    const ip = freshIp();
    const send = (p: TestProject) =>
      http().post('/v1/rl-probe/critical').set(p.headers).set('x-forwarded-for', ip);
    expect((await send(flooding)).status).toBe(200);
    expect((await send(flooding)).status).toBe(429); // the limiter's denial: now in the block cache
    // Nobody else served in the last second: answered at once, nothing held.
    await sleep(1_100);
    const heldBefore = await decisions(t.app, 'critical', 'blocked_held');
    expect((await send(flooding)).status).toBe(429);
    expect(await decisions(t.app, 'critical', 'blocked_held')).toBe(heldBefore);
    // Another project is being served: the blocked key's 429 waits RATE_LIMIT_BLOCKED_HOLD_MS.
    expect((await send(steady)).status).toBe(200);
    const started = Date.now();
    const held = await send(flooding);
    expect(held.status).toBe(429);
    expect(held.body).toMatchObject({ key: 'too_many_requests', limit: 'project' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(
      Number(PRODUCTION_LIMITS.RATE_LIMIT_BLOCKED_HOLD_MS) - 5,
    );
    expect(await decisions(t.app, 'critical', 'blocked_held')).toBe(heldBefore + 1);
    // The steady project itself is never held.
    expect((await send(steady)).status).toBe(200);
  });

  it('limits a route class without blocking the other classes of the project', async () => {
    const p = await limitedProject(600, 10);
    // bulk: 10 % of the budget, burst 1 token, and the route costs 2: the class is exhausted at once.
    const first = await http()
      .post('/v1/rl-probe/bulk')
      .set(p.headers)
      .set('x-forwarded-for', freshIp());
    expect(first.status).toBe(429);
    expect(first.body.limit).toBe('bulk');
    await http().get('/v1/rl-probe/read').set(p.headers).expect(200);
    await http().post('/v1/rl-probe/critical').set(p.headers).expect(200);
  });

  it('applies a changed override without a restart', async () => {
    const p = await limitedProject(60, 1);
    await http().post('/v1/rl-probe/critical').set(p.headers).expect(200);
    await http().post('/v1/rl-probe/critical').set(p.headers).expect(429);
    await setLimits(t.app, p.projectId, { perMinute: 6000, burst: 100 });
    service.blocks.clear();
    await http().post('/v1/rl-probe/critical').set(p.headers).expect(200);
  });

  it('never allocates per-project state for forged or wrong keys', async () => {
    const p = await limitedProject(600, 50);
    const redis = t.app.get(RedisClient);
    const before = (await redis.client!.keys(redis.key('rl', 'p:*'))).length;
    const localBefore = service.limiter.local.size;
    for (let i = 0; i < 60; i++) {
      const res = await http()
        .get('/v1/rl-probe/read')
        .set({ 'x-app-id': `forged-${i}-${Math.random()}`, 'x-app-token': 'nope' })
        .set('x-forwarded-for', freshIp());
      expect(res.status).toBe(401);
    }
    const wrongToken = await http()
      .get('/v1/rl-probe/read')
      .set({ 'x-app-id': p.appId, 'x-app-token': 'wrong' })
      .set('x-forwarded-for', freshIp());
    expect(wrongToken.status).toBe(401);
    // Keys of earlier tests may expire meanwhile; none may appear.
    expect((await redis.client!.keys(redis.key('rl', 'p:*'))).length).toBeLessThanOrEqual(before);
    expect(service.limiter.local.size).toBe(localBefore);
    expect(service.inflight.projects).toBe(0);
  });

  it('limits failed authentication per IP and then blocks the IP early', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await http()
        .get('/v1/rl-probe/read')
        .set({ 'x-app-id': 'forged', 'x-app-token': 'nope' })
        .set('x-forwarded-for', ip);
      statuses.push(res.status);
      // The per-IP budget the failure was charged to is in the headers of the 401 too.
      if (res.status === 401) expect(res.headers['ratelimit-policy']).toBe('"ip";q=6;w=60');
    }
    // 6/min per IP with a burst of 10: ten failures are answered, then the IP is blocked.
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    // Liveness is never limited, even for a blocked IP.
    await http().get('/health/live').set('x-forwarded-for', ip).expect(200);
  });

  it('limits requests without credentials and unknown routes per IP', async () => {
    for (const path of ['/v1/rl-probe/read', '/v1/no-such-route', '/metrics']) {
      const ip = freshIp();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push((await http().get(path).set('x-forwarded-for', ip)).status);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
      expect(statuses.indexOf(429)).toBeLessThanOrEqual(11);
    }
  });

  it('limits client-side keys to 5 requests per 5 s per IP', async () => {
    const p = await limitedProject(6000, 1000);
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (await http().get('/client/v1/rl-probe').set(p.clientHeaders).set('x-forwarded-for', ip))
          .status,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    // Another IP of the same project is not affected.
    await http()
      .get('/client/v1/rl-probe')
      .set(p.clientHeaders)
      .set('x-forwarded-for', freshIp())
      .expect(200);
  });

  it('throttles guessing of unknown codes per project and IP', async () => {
    const p = await limitedProject(6000, 1000);
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await http().get(`/v1/rl-probe/codes/GUESS${i}`).set(p.headers).set('x-forwarded-for', ip))
          .status,
      );
    // 30 misses per minute with a burst of 10.
    expect(statuses.slice(0, 10).every((s) => s === 404)).toBe(true);
    const blocked = await http()
      .get('/v1/rl-probe/codes/KNOWN')
      .set(p.headers)
      .set('x-forwarded-for', ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body.limit).toBe('code_guessing');
    await http()
      .get('/v1/rl-probe/codes/KNOWN')
      .set(p.headers)
      .set('x-forwarded-for', freshIp())
      .expect(200);
  });

  it('caps requests in flight per project and keeps a share for critical routes', async () => {
    const p = await limitedProject(6000, 1000, 5);
    const ip = freshIp();
    // 5 slots, 20 % reserved: reads get 4, critical gets the 5th.
    const slow = Array.from({ length: 5 }, () =>
      http()
        .get('/v1/rl-probe/slow?ms=400')
        .set(p.headers)
        .set('x-forwarded-for', ip)
        .then((r) => r.status),
    );
    await new Promise((r) => setTimeout(r, 150));
    const critical = await http()
      .get('/v1/rl-probe/slow-critical?ms=1')
      .set(p.headers)
      .set('x-forwarded-for', ip);
    const statuses = await Promise.all(slow);
    expect(statuses.filter((s) => s === 200).length).toBe(4);
    expect(statuses.filter((s) => s === 429).length).toBe(1);
    expect(critical.status).toBe(200);
    expect(service.inflight.projects).toBe(0);
  });

  it('sheds bulk, then read, then write, critical last, with 503 + Retry-After; liveness and /metrics never', async () => {
    const p = await limitedProject(60000, 10000);
    const monitor = t.app.get(OverloadMonitor);
    const hot = { elu: 1, delayMs: 1000 };
    const calls = {
      bulk: () => http().post('/v1/rl-probe/bulk').set(p.headers),
      read: () => http().get('/v1/rl-probe/read').set(p.headers),
      write: () => http().post('/v1/rl-probe/write').set(p.headers),
      critical: () => http().post('/v1/rl-probe/critical').set(p.headers),
    };
    const snapshot = async () => {
      const out: Record<string, number> = {};
      for (const [name, call] of Object.entries(calls)) out[name] = (await call()).status;
      out.live = (await http().get('/health/live')).status;
      out.metrics = (await http().get('/metrics').set('x-forwarded-for', freshIp())).status;
      out.ready = (await http().get('/health/ready').set('x-forwarded-for', freshIp())).status;
      return out;
    };
    const seen = [await snapshot()];
    for (let level = 1; level <= 4; level++) {
      for (let i = 0; i < monitor.thresholds.upSamples; i++) monitor.observe(hot);
      expect(monitor.level).toBe(level);
      seen.push(await snapshot());
    }
    expect(seen).toEqual([
      { bulk: 202, read: 200, write: 200, critical: 200, live: 200, metrics: 200, ready: 200 },
      { bulk: 503, read: 200, write: 200, critical: 200, live: 200, metrics: 200, ready: 200 },
      { bulk: 503, read: 503, write: 200, critical: 200, live: 200, metrics: 200, ready: 503 },
      { bulk: 503, read: 503, write: 503, critical: 200, live: 200, metrics: 200, ready: 503 },
      { bulk: 503, read: 503, write: 503, critical: 503, live: 200, metrics: 200, ready: 503 },
    ]);
    const scrape = await http().get('/metrics').set('x-forwarded-for', freshIp()).expect(200);
    expect(scrape.text).toMatch(/^load_shed_level 4$/m);
    const shed = await calls.read();
    expect(shed.body).toMatchObject({ code: 503, key: 'service_unavailable', limit: 'overload' });
    expect(Number(shed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 4 * monitor.thresholds.downSamples; i++)
      monitor.observe({ elu: 0, delayMs: 0 });
    expect(monitor.level).toBe(0);
    await calls.bulk().expect(202);
  });

  it('exposes bounded Prometheus metrics', async () => {
    const res = await http().get('/metrics').set('x-forwarded-for', freshIp()).expect(200);
    expect(res.text).toContain('rate_limit_decisions_total{class="critical",outcome="allowed"}');
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toContain('http_requests_in_flight');
    expect(res.text).toContain('nodejs_eventloop_utilization_ratio');
    expect(res.text).toContain('process_resident_memory_bytes');
    expect(res.text).toContain('rate_limit_redis_duration_seconds');
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/v1\/rl-probe\/read",status="200"\}/,
    );
    // No label carries a project, a key, an IP or a code.
    expect(res.text).not.toMatch(/proj_|fd00:|GUESS/);
  });
});
