import { Client } from 'pg';
import { newId, randomBase62 } from '@app/core';
import { hashSecret } from '@app/tenancy';
import { TcpProxy } from '../utils/tcp-proxy';
import { ensureBuilt, get, spawnApp, SpawnedApp, waitFor } from '../utils/spawn-app';

jest.setTimeout(30_000);

/**
 * Real processes, real services, real connection loss: each case spawns the built app with
 * Postgres or Redis reached through a TCP proxy (test/utils/tcp-proxy.ts) that the test cuts
 * and restores. The shared servers are never stopped (other test runs use them); for the app
 * a closed proxy is indistinguishable from a dead server: connections drop, new ones are refused.
 */
const DATABASE_URL = process.env.DATABASE_URL!;
const REDIS_URL = process.env.REDIS_URL!;

async function createKey(): Promise<Record<string, string>> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const projectId = newId('project');
    const appId = `resilience-${randomBase62(12)}`;
    const token = randomBase62(40);
    await client.query('INSERT INTO projects (id, name) VALUES ($1, $2)', [
      projectId,
      'resilience',
    ]);
    await client.query(
      `INSERT INTO api_keys (id, project_id, kind, app_id, secret_hash, secret_hint, name)
       VALUES ($1, $2, 'server', $3, $4, $5, 'resilience')`,
      [newId('apiKey'), projectId, appId, hashSecret(token), token.slice(-4)],
    );
    return { 'x-app-id': appId, 'x-app-token': token };
  } finally {
    await client.end();
  }
}

const ready = (app: SpawnedApp) => async () =>
  (await get(`${app.url}/health/ready`)).status === 200;
const notReady = (app: SpawnedApp, dependency: string) => async () => {
  const res = await get(`${app.url}/health/ready`);
  const checks = res.body.checks as Record<string, string>;
  return res.status === 503 && checks[dependency] !== 'ok';
};

async function expectLiveButNotReady(app: SpawnedApp, dependency: string): Promise<void> {
  expect((await get(`${app.url}/health/live`)).status).toBe(200);
  const res = await get(`${app.url}/health/ready`);
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('1');
  const checks = res.body.checks as Record<string, string>;
  // Names the dependency and says why: postgres "not ready (attempt n: connect ECONNREFUSED …)"
  // (or "connecting" before the first attempt has failed), redis "not connected (<status>)".
  expect(checks[dependency]).toMatch(
    dependency === 'postgres'
      ? /^(not ready \(attempt \d+: .*ECONNREFUSED|connecting)/
      : /^not connected/,
  );
  expect(app.exitCode()).toBeNull();
}

beforeAll(() => ensureBuilt(), 120_000);

describe('Postgres down at boot, then lost while serving (real process)', () => {
  const proxy = TcpProxy.for(DATABASE_URL, 5432);
  let app: SpawnedApp;
  let headers: Record<string, string>;

  beforeAll(async () => {
    headers = await createKey();
    await proxy.reservePort();
    app = await spawnApp('testServer', {
      DATABASE_URL: proxy.rewrite(DATABASE_URL),
      REDIS_URL,
      AUTH_CACHE_TTL_MS: '0', // every authenticated request reads its key from Postgres
    });
  });
  afterAll(async () => {
    await app?.stop();
    await proxy.down();
  });

  it('starts: live 200, ready 503 naming postgres, a request that needs Postgres gets a fast 503', async () => {
    await expectLiveButNotReady(app, 'postgres');
    const res = await get(`${app.url}/v1/probe/echo/X`, headers);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 503, key: 'service_unavailable' });
    expect(res.body.request_id).toMatch(/^v-/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.ms).toBeLessThan(1_000);
  });

  it('becomes ready on its own when Postgres comes up, and serves requests', async () => {
    await proxy.up();
    await waitFor('ready after Postgres came up', ready(app), 10_000);
    const res = await get(`${app.url}/v1/probe/echo/X`, headers);
    expect(res.status).toBe(200);
    expect(res.body.code).toBe('X');
  });

  it('loses Postgres while serving: ready 503, requests 503 fast, no exit; then recovers', async () => {
    await proxy.down();
    await waitFor('not ready after Postgres was lost', notReady(app, 'postgres'), 5_000);
    expect((await get(`${app.url}/health/live`)).status).toBe(200);
    const during = await Promise.all(
      Array.from({ length: 5 }, () => get(`${app.url}/v1/probe/echo/X`, headers)),
    );
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(res.body.key).toBe('service_unavailable');
      expect(res.ms).toBeLessThan(1_000);
    }
    expect(app.exitCode()).toBeNull();

    await proxy.up();
    await waitFor('ready after Postgres returned', ready(app), 10_000);
    expect((await get(`${app.url}/v1/probe/echo/X`, headers)).status).toBe(200);
  });

  it('shuts down cleanly afterwards', async () => {
    expect(await app.stop('SIGTERM')).toBe(0);
  });
});

describe('Redis down at boot, then lost while serving (real process)', () => {
  const proxy = TcpProxy.for(REDIS_URL, 6379);
  let app: SpawnedApp;
  let headers: Record<string, string>;

  beforeAll(async () => {
    headers = await createKey();
    await proxy.reservePort();
    app = await spawnApp('testServer', { DATABASE_URL, REDIS_URL: proxy.rewrite(REDIS_URL) });
  });
  afterAll(async () => {
    await app?.stop();
    await proxy.down();
  });

  it('starts: live 200, ready 503 naming redis; requests that do not need Redis are served', async () => {
    await expectLiveButNotReady(app, 'redis');
    expect((await get(`${app.url}/v1/probe/echo/X`, headers)).status).toBe(200);
  });

  it('becomes ready on its own when Redis comes up', async () => {
    await proxy.up();
    await waitFor('ready after Redis came up', ready(app), 10_000);
  });

  it('loses Redis while serving: ready 503 naming redis, no exit; then recovers', async () => {
    await proxy.down();
    await waitFor('not ready after Redis was lost', notReady(app, 'redis'), 5_000);
    expect((await get(`${app.url}/health/live`)).status).toBe(200);
    expect((await get(`${app.url}/v1/probe/echo/X`, headers)).status).toBe(200);
    expect(app.exitCode()).toBeNull();
    await proxy.up();
    await waitFor('ready after Redis returned', ready(app), 10_000);
  });

  it('shuts down cleanly afterwards', async () => {
    expect(await app.stop('SIGTERM')).toBe(0);
  });
});

describe('worker process with Postgres and Redis down at boot (real process)', () => {
  const pg = TcpProxy.for(DATABASE_URL, 5432);
  const redis = TcpProxy.for(REDIS_URL, 6379);
  let worker: SpawnedApp;

  beforeAll(async () => {
    await Promise.all([pg.reservePort(), redis.reservePort()]);
    worker = await spawnApp('worker', {
      DATABASE_URL: pg.rewrite(DATABASE_URL),
      REDIS_URL: redis.rewrite(REDIS_URL),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([pg.down(), redis.down()]);
  });

  it('starts and serves its probes: live 200, ready 503 naming both', async () => {
    await expectLiveButNotReady(worker, 'postgres');
    await expectLiveButNotReady(worker, 'redis');
  });

  it('becomes ready when both come up, drops readiness when Postgres is lost, recovers', async () => {
    await Promise.all([pg.up(), redis.up()]);
    await waitFor('worker ready', ready(worker), 10_000);
    await pg.down();
    await waitFor('worker not ready', notReady(worker, 'postgres'), 5_000);
    expect(worker.exitCode()).toBeNull();
    await pg.up();
    await waitFor('worker ready again', ready(worker), 10_000);
  });

  it('shuts down cleanly', async () => {
    expect(await worker.stop('SIGTERM')).toBe(0);
  });
});
