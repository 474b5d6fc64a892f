import { HealthService } from './health.service';

describe('HealthService.readiness', () => {
  it('is ready when every check passes', async () => {
    const health = new HealthService();
    health.register({ name: 'postgres', check: () => null });
    health.register({ name: 'redis', check: async () => null });
    expect(await health.readiness()).toEqual({
      ready: true,
      checks: { postgres: 'ok', redis: 'ok' },
    });
  });

  it('is not ready when a gating check fails, and names it with the reason', async () => {
    const health = new HealthService();
    health.register({ name: 'postgres', check: () => 'not connected (attempt 3: ECONNREFUSED)' });
    health.register({
      name: 'redis',
      check: () => Promise.reject(new Error('boom')),
    });
    expect(await health.readiness()).toEqual({
      ready: false,
      checks: { postgres: 'not connected (attempt 3: ECONNREFUSED)', redis: 'unavailable: boom' },
    });
  });

  it('reports a failing non-gating check as degraded without dropping readiness', async () => {
    const health = new HealthService();
    health.register({ name: 'postgres', check: () => null });
    health.register({ name: 'redis', check: () => 'not connected (reconnecting)', gating: false });
    expect(await health.readiness()).toEqual({
      ready: true,
      checks: { postgres: 'ok', redis: 'degraded: not connected (reconnecting)' },
    });
  });

  it('is not ready once draining, whatever the checks say', async () => {
    const health = new HealthService();
    health.register({ name: 'postgres', check: () => null });
    health.startDraining();
    expect(health.isDraining).toBe(true);
    expect(await health.readiness()).toEqual({
      ready: false,
      checks: { shutdown: 'draining', postgres: 'ok' },
    });
  });

  it('closes connections only once the server stops accepting, not while draining', () => {
    const health = new HealthService();
    health.startDraining();
    expect(health.isClosingConnections).toBe(false);
    health.stopAccepting();
    expect(health.isDraining).toBe(true);
    expect(health.isClosingConnections).toBe(true);
  });
});
