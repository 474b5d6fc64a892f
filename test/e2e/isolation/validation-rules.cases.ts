import request from 'supertest';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';
import type { IsolationCase } from './cases';

async function createRule(t: TestApp, a: TestProject): Promise<string> {
  const res = await request(t.app.getHttpServer())
    .post('/v1/validation-rules')
    .set(a.headers)
    .send({ name: 'isolation', rules: {} });
  if (res.status !== 200) throw new Error(`rule create failed: ${res.status}`);
  return (res.body as { id: string }).id;
}

async function createAssignment(t: TestApp, a: TestProject, objectId: string) {
  const ruleId = await createRule(t, a);
  const res = await request(t.app.getHttpServer())
    .post(`/v1/validation-rules/${ruleId}/assignments`)
    .set(a.headers)
    .send({ related_object_type: 'voucher', related_object_id: objectId });
  if (res.status !== 200) throw new Error(`assignment create failed: ${res.status}`);
  return { ruleId, assignmentId: (res.body as { id: string }).id };
}

export const cases: IsolationCase[] = [
  {
    route: 'GET /v1/validation-rules',
    arrange: async (t, a) => {
      await createRule(t, a);
      return { path: '/v1/validation-rules' };
    },
    expectForOther: 'empty-list',
    dataRef: 'data',
  },
  {
    route: 'GET /v1/validation-rules/:id',
    arrange: async (t, a) => ({ path: `/v1/validation-rules/${await createRule(t, a)}` }),
    expectForOther: 404,
  },
  {
    route: 'PUT /v1/validation-rules/:id',
    arrange: async (t, a) => ({
      path: `/v1/validation-rules/${await createRule(t, a)}`,
      body: { name: 'taken over' },
    }),
    expectForOther: 404,
  },
  {
    route: 'DELETE /v1/validation-rules/:id',
    arrange: async (t, a) => ({ path: `/v1/validation-rules/${await createRule(t, a)}` }),
    expectForOther: 404,
    expectForOwner: 204,
  },
  {
    route: 'POST /v1/validation-rules/:id/assignments',
    arrange: async (t, a) => ({
      path: `/v1/validation-rules/${await createRule(t, a)}/assignments`,
      body: { related_object_type: 'voucher', related_object_id: 'v_isolation' },
    }),
    expectForOther: 404,
  },
  {
    route: 'GET /v1/validation-rules/:id/assignments',
    arrange: async (t, a) => {
      const { ruleId } = await createAssignment(t, a, 'v_iso_list');
      return { path: `/v1/validation-rules/${ruleId}/assignments` };
    },
    expectForOther: 404,
  },
  {
    route: 'DELETE /v1/validation-rules/:id/assignments/:assignmentId',
    arrange: async (t, a) => {
      const { ruleId, assignmentId } = await createAssignment(t, a, 'v_iso_delete');
      return { path: `/v1/validation-rules/${ruleId}/assignments/${assignmentId}` };
    },
    expectForOther: 404,
    expectForOwner: 204,
  },
  {
    route: 'GET /v1/validation-rules-assignments',
    arrange: async (t, a) => {
      await createAssignment(t, a, 'v_iso_global');
      return { path: '/v1/validation-rules-assignments?related_object_id=v_iso_global' };
    },
    expectForOther: 'empty-list',
    dataRef: 'data',
  },
];

export const notTenantScoped: Record<string, string> = {
  'POST /v1/validation-rules':
    "creates in the caller's own project; every read and write of an existing rule has a case",
};
