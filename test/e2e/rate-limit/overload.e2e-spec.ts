import request from 'supertest';
import { OverloadMonitor } from '@app/rate-limit';
import { createTestApp, TestApp } from '../../utils/test-app';
import { freshIp, sleep, PRODUCTION_LIMITS } from './helpers';

describe('load shedding on a real saturated event loop (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        ...PRODUCTION_LIMITS,
        SHED_SAMPLE_MS: '50',
        SHED_UP_SAMPLES: '1',
        SHED_DOWN_SAMPLES: '4',
        SHED_DELAY_HIGH_MS: '100',
      },
    });
  });
  afterAll(() => t.close());

  it('raises the shedding level while the loop is blocked, fails readiness, keeps liveness, and recovers', async () => {
    const monitor = t.app.get(OverloadMonitor);
    // Stalls of 250 ms: each sample after a stall sees a p99 delay far over 100 ms. The pause
    // between stalls outlasts one sampling interval so every stall is sampled; a loaded machine
    // may need a few more stalls than the two levels strictly require, so stall until raised.
    for (let i = 0; i < 10 && monitor.level < 2; i++) {
      const until = Date.now() + 250;
      while (Date.now() < until) {
        // Busy on purpose: this is the saturated event loop under test.
      }
      await sleep(70);
    }
    expect(monitor.level).toBeGreaterThanOrEqual(2);
    await request(t.app.getHttpServer()).get('/health/live').expect(200);
    const ready = await request(t.app.getHttpServer())
      .get('/health/ready')
      .set('x-forwarded-for', freshIp());
    expect([503]).toContain(ready.status);
    for (let i = 0; i < 100 && monitor.level > 0; i++) await sleep(50);
    expect(monitor.level).toBe(0);
    await request(t.app.getHttpServer())
      .get('/health/ready')
      .set('x-forwarded-for', freshIp())
      .expect(200);
  });
});
