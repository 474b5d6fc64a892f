jest.setTimeout(60_000);

import request from 'supertest';
import { CodeGuessingThrottle, RateLimiter } from '@app/rate-limit';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';
import { freshIp } from '../rate-limit/helpers';

/** Validate and redeem lookups of unknown codes go through the code-guessing throttle. */
describe('code guessing on validate and redeem (e2e)', () => {
  let t: TestApp;
  let p: TestProject;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    // 1 miss a minute after a burst of 5 (docs/rate-limiting.md): no refill during the test.
    t = await createTestApp({ env: { RATE_LIMIT_CODE_MISSES_PER_MINUTE: '1' } });
    p = await createTestProject(t.app);
    await http()
      .post('/v1/vouchers/KNOWN')
      .set(p.headers)
      .send({
        code: 'KNOWN',
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT', amount_off: 1 },
      })
      .expect(200);
  });
  afterAll(() => t.close());

  type Attempt = (code: string, ip: string) => request.Test;
  const routes: Record<string, Attempt> = {
    'POST /v1/vouchers/:code/validate': (code, ip) =>
      http()
        .post(`/v1/vouchers/${code}/validate`)
        .set(p.headers)
        .set('x-forwarded-for', ip)
        .send({}),
    'POST /v1/vouchers/:code/redemption': (code, ip) =>
      http()
        .post(`/v1/vouchers/${code}/redemption`)
        .set(p.headers)
        .set('x-forwarded-for', ip)
        .send({}),
    'POST /v1/validations': (code, ip) =>
      http()
        .post('/v1/validations')
        .set(p.headers)
        .set('x-forwarded-for', ip)
        .send({ redeemables: [{ object: 'voucher', id: code }] }),
    'POST /v1/redemptions': (code, ip) =>
      http()
        .post('/v1/redemptions')
        .set(p.headers)
        .set('x-forwarded-for', ip)
        .send({ redeemables: [{ object: 'voucher', id: code }] }),
    'GET /client/v1/validate': (code, ip) =>
      http()
        .get(`/client/v1/validate?code=${code}`)
        .set(p.clientHeaders)
        .set('x-forwarded-for', ip),
    'POST /client/v1/validations': (code, ip) =>
      http()
        .post('/client/v1/validations')
        .set(p.clientHeaders)
        .set('x-forwarded-for', ip)
        .send({ redeemables: [{ object: 'voucher', id: code }] }),
    'POST /client/v1/redeem': (code, ip) =>
      http()
        .post(`/client/v1/redeem?code=${code}`)
        .set(p.clientHeaders)
        .set('x-forwarded-for', ip)
        .send({}),
    'POST /client/v1/redemptions': (code, ip) =>
      http()
        .post('/client/v1/redemptions')
        .set(p.clientHeaders)
        .set('x-forwarded-for', ip)
        .send({ redeemables: [{ object: 'voucher', id: code }] }),
  };

  it.each(Object.keys(routes))(
    '%s: unknown codes cost misses, then 429 before any lookup',
    async (name) => {
      const attempt = routes[name];
      const ip = freshIp();
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await attempt(`GUESS-${i}`, ip)).status);
      expect(statuses.slice(0, 5)).not.toContain(429);
      expect(statuses.slice(-1)).toEqual([429]);
      // Once blocked, even a known code is refused for this IP; another IP is unaffected.
      const blocked = await attempt('KNOWN', ip);
      expect(blocked.status).toBe(429);
      expect(blocked.body).toMatchObject({ key: 'too_many_requests', limit: 'code_guessing' });
      expect((await attempt('KNOWN', freshIp())).status).not.toBe(429);
    },
  );

  it('known codes cost nothing, not even a limiter decision, until the caller misses', async () => {
    const throttle = t.app.get(CodeGuessingThrottle);
    const limiter = t.app.get(RateLimiter);
    const ip = freshIp();
    const checks = jest.spyOn(limiter, 'consume');
    try {
      for (let i = 0; i < 10; i++) await throttle.check(p.projectId, ip);
      expect(checks).not.toHaveBeenCalled();
      for (let i = 0; i < 10; i++) {
        const res = await routes['POST /v1/vouchers/:code/validate']('KNOWN', ip);
        expect(res.status).toBe(200);
      }
      // The first miss puts the caller under check: from then on each lookup asks the limiter.
      await throttle.recordMiss(p.projectId, ip);
      checks.mockClear();
      await throttle.check(p.projectId, ip);
      expect(checks).toHaveBeenCalledTimes(1);
    } finally {
      checks.mockRestore();
    }
  });

  it('a caller blocked on this process is refused from memory, with the limit headers', async () => {
    const ip = freshIp();
    const attempt = routes['POST /v1/vouchers/:code/validate'];
    for (let i = 0; i < 8; i++) await attempt(`MISS-${i}`, ip);
    const checks = jest.spyOn(t.app.get(RateLimiter), 'consume');
    try {
      const res = await attempt('KNOWN', ip);
      expect(res.status).toBe(429);
      // The route's own project limit is decided as usual; the code-guessing budget is not asked.
      const asked = checks.mock.calls.flatMap(([specs]) => specs.map((spec) => spec.name));
      expect(asked).not.toContain('code_guessing');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.headers['ratelimit']).toBe(`"code_guessing";r=0;t=${res.headers['retry-after']}`);
      expect(res.headers['x-rate-limit-remaining']).toBe('0');
    } finally {
      checks.mockRestore();
    }
  });
});
