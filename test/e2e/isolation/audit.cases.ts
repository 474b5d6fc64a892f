import request from 'supertest';
import type { IsolationCase } from './cases';

export const cases: IsolationCase[] = [
  {
    route: 'GET /v1/audit-log',
    arrange: async (t, a) => {
      await request(t.app.getHttpServer())
        .post('/v1/customers')
        .set(a.headers)
        .send({ name: 'isolation' })
        .expect(200);
      return { path: '/v1/audit-log' };
    },
    expectForOther: 'empty-list',
    dataRef: 'data',
  },
];

export const notTenantScoped: Record<string, string> = {
  'GET /management/v1/projects/:id/audit-log':
    'management API: authenticated by management keys, tested in test/e2e/management and test/e2e/audit (project keys are refused there)',
};
