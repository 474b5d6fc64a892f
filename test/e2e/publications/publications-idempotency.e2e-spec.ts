jest.setTimeout(60_000);

import request from 'supertest';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

/** `Idempotency-Key` on POST /v1/publications and POST /client/v1/publish. */
describe('publications with idempotency keys (e2e)', () => {
  let t: TestApp;
  let p: TestProject;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    p = await createTestProject(t.app);
    for (const code of ['PUB-A', 'PUB-B', 'PUB-C'])
      await http()
        .post(`/v1/vouchers/${code}`)
        .set(p.headers)
        .send({ code, type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 1 } })
        .expect(200);
  });
  afterAll(() => t.close());

  it('POST /v1/publications: a replay returns the same publication; another body → 422', async () => {
    const body = { voucher: 'PUB-A', customer: { source_id: 'idem-1' } };
    const first = await http()
      .post('/v1/publications')
      .set(p.headers)
      .set('Idempotency-Key', 'pub-key-1')
      .send(body)
      .expect(200);
    const replay = await http()
      .post('/v1/publications')
      .set(p.headers)
      .set('Idempotency-Key', 'pub-key-1')
      .send(body)
      .expect(200);
    expect(replay.body).toEqual(first.body);
    const list = await http().get('/v1/publications?customer=idem-1').set(p.headers).expect(200);
    expect(list.body.total).toBe(1);
    const reused = await http()
      .post('/v1/publications')
      .set(p.headers)
      .set('Idempotency-Key', 'pub-key-1')
      .send({ voucher: 'PUB-B', customer: { source_id: 'idem-1' } });
    expect(reused.status).toBe(422);
    expect(reused.body.key).toBe('idempotency_key_reused');
  });

  it('POST /client/v1/publish: a replay returns the same publication; another body → 422', async () => {
    const send = (voucher: string) =>
      http()
        .post('/client/v1/publish')
        .set(p.clientHeaders)
        .set('Idempotency-Key', 'client-pub-1')
        .send({ voucher, customer: { source_id: 'idem-2' }, channel: 'web' });
    const first = await send('PUB-C');
    expect(first.status).toBe(200);
    const replay = await send('PUB-C');
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    const reused = await send('PUB-B');
    expect(reused.status).toBe(422);
    expect(reused.body.key).toBe('idempotency_key_reused');
  });
});
