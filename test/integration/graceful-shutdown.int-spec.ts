import { ensureBuilt, get, Probe, spawnForShutdown, SpawnedApp, waitFor } from '../utils/spawn-app';

jest.setTimeout(30_000);

/**
 * SIGTERM under load, on a real process: readiness turns 503 first, every request already in
 * flight completes (including the database query it makes after the signal), new connections
 * are refused once the server has closed, and the process exits 0 well inside the grace period.
 */
const IN_FLIGHT = 20;
const SLOW_MS = 1_500;
const DRAIN_DELAY_MS = 400;

describe('graceful shutdown under load (real process)', () => {
  let app: SpawnedApp;

  beforeAll(async () => {
    ensureBuilt();
    app = await spawnForShutdown(DRAIN_DELAY_MS);
  }, 120_000);
  afterAll(() => app?.stop('SIGKILL'));

  it('drops no in-flight request', async () => {
    await waitFor('ready', async () => (await get(`${app.url}/health/ready`)).status === 200);
    const sentAt = Date.now();
    const inFlight: Array<Promise<Probe>> = Array.from({ length: IN_FLIGHT }, () =>
      get(`${app.url}/v1/probe/slow?ms=${SLOW_MS}`),
    );
    // Let every request reach the handler before the signal.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledAt = Date.now();
    const exited = app.stop('SIGTERM');

    // Readiness goes first, while the server still accepts (the drain delay).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const readiness = await get(`${app.url}/health/ready`);
    expect(readiness.status).toBe(503);
    expect(readiness.body.checks).toMatchObject({ shutdown: 'draining' });

    const results = await Promise.all(inFlight);
    for (const res of results) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ slept_ms: SLOW_MS, db: 1 });
    }
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(SLOW_MS);

    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(SLOW_MS + DRAIN_DELAY_MS + 3_000);
    // The server is gone: a new connection is refused rather than left hanging.
    await expect(get(`${app.url}/health/live`, {}, 2_000)).rejects.toThrow();
    expect(app.output()).toContain('shutdown complete');
  });
});
