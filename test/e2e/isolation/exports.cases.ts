import request from 'supertest';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';
import { waitForExport } from '../exports/helpers';
import type { IsolationCase } from './cases';

async function createExport(t: TestApp, a: TestProject): Promise<string> {
  const res = await request(t.app.getHttpServer())
    .post('/v1/exports')
    .set(a.headers)
    .send({ exported_object: 'customer' });
  if (res.status !== 200) throw new Error(`export create failed: ${res.status}`);
  const id = (res.body as { id: string }).id;
  await waitForExport(t, a, id);
  return id;
}

export const cases: IsolationCase[] = [
  {
    route: 'GET /v1/exports',
    arrange: async (t, a) => {
      await createExport(t, a);
      return { path: '/v1/exports' };
    },
    expectForOther: 'empty-list',
    dataRef: 'exports',
  },
  {
    route: 'GET /v1/exports/:id',
    arrange: async (t, a) => ({ path: `/v1/exports/${await createExport(t, a)}` }),
    expectForOther: 404,
  },
  {
    route: 'DELETE /v1/exports/:id',
    arrange: async (t, a) => ({ path: `/v1/exports/${await createExport(t, a)}` }),
    expectForOther: 404,
    expectForOwner: 204,
  },
];

export const notTenantScoped: Record<string, string> = {
  'POST /v1/exports': "creates in the caller's own project; every read of an export has a case",
  'GET /v1/exports/:id/download':
    "public: authenticated by the export's own random token (the result URL), not a project key; wrong tokens are tested in test/e2e/exports",
};
