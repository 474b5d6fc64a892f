jest.setTimeout(60_000);

import request from 'supertest';
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

  it('known codes cost nothing', async () => {
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      const res = await routes['POST /v1/vouchers/:code/validate']('KNOWN', ip);
      expect(res.status).toBe(200);
    }
  });
});
