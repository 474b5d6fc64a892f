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
