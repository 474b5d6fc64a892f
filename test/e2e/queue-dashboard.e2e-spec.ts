import request from 'supertest';
import { createTestApp, TestApp } from '../utils/test-app';

jest.setTimeout(60_000);

describe('operators queue dashboard at /admin/queues (e2e)', () => {
  describe('with Redis: bull-board behind OPERATOR_TOKEN', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { OPERATOR_TOKEN: 'op-token-123' } });
    });
    afterAll(() => t.close());

    it('rejects a missing or wrong operator token, and project keys do not help', async () => {
      const none = await request(t.app.getHttpServer()).get('/admin/queues');
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ code: 401, key: 'unauthorized' });
      expect(none.headers['www-authenticate']).toMatch(/^Basic/);
      const wrong = await request(t.app.getHttpServer())
        .get('/admin/queues/api/queues')
        .set('authorization', 'Bearer nope');
      expect(wrong.status).toBe(401);
    });

    it('serves the dashboard and its API with the token (Bearer or Basic)', async () => {
      const page = await request(t.app.getHttpServer())
        .get('/admin/queues')
        .set('authorization', 'Bearer op-token-123');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/html/);
      const api = await request(t.app.getHttpServer())
        .get('/admin/queues/api/queues')
        .auth('operator', 'op-token-123');
      expect(api.status).toBe(200);
      // Redis names are hash-tagged for Redis Cluster; the board shows the plain names.
      const queues = api.body.queues as { name: string; displayName?: string }[];
      expect(queues.map((q) => q.name).sort()).toEqual(['{bulk}', '{events}', '{webhooks}']);
      expect(queues.map((q) => q.displayName).sort()).toEqual(['bulk', 'events', 'webhooks']);
    });
  });

  describe('without OPERATOR_TOKEN', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { OPERATOR_TOKEN: '' } });
    });
    afterAll(() => t.close());

    it('is disabled with a clear 404', async () => {
      const res = await request(t.app.getHttpServer())
        .get('/admin/queues')
        .set('authorization', 'Bearer anything');
      expect(res.status).toBe(404);
      expect(res.body.details).toMatch(/OPERATOR_TOKEN/);
    });
  });

  describe('without Redis: the in-process queue status as JSON', () => {
    let t: TestApp;
    beforeAll(async () => {
      // ROLE=api: no relay, so this app never takes events from the shared test database.
      t = await createTestApp({ env: { OPERATOR_TOKEN: 'op', REDIS_URL: '', ROLE: 'api' } });
    });
    afterAll(() => t.close());

    it('answers the status with the token', async () => {
      const res = await request(t.app.getHttpServer())
        .get('/admin/queues')
        .set('authorization', 'Bearer op');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: 'queue_status', driver: 'in-process' });
      expect(res.body.queues).toHaveLength(3);
      await request(t.app.getHttpServer()).get('/admin/queues').expect(401);
    });
  });
});
