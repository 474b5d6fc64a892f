import request from 'supertest';
import type { TestProject } from '../../factories/project.factory';
import type { TestApp } from '../../utils/test-app';

/**
 * One entry per tenant-scoped route: how to create project A's resource, and the request
 * that tries to reach it. The isolation test sends it with project B's key and expects B to
 * see nothing of A (404, or an empty list), then with A's key to prove the request is valid.
 * Every module adds its routes here; the coverage test fails for a route that is missing.
 */
export interface IsolationCase {
  /** Route template exactly as registered, e.g. `GET /v1/vouchers/:code`. */
  route: string;
  /** Creates A's data and returns the concrete request. */
  arrange: (t: TestApp, a: TestProject) => Promise<{ path: string; body?: unknown }>;
  /** What B must get: `404` (not found) or `empty-list` (200 with no items). */
  expectForOther: 404 | 'empty-list';
  /** Status A gets for the same request (default 200). */
  expectForOwner?: number;
  /** For `empty-list`: the envelope's data_ref. */
  dataRef?: string;
}

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

const VALIDATION_RULE_CASES: IsolationCase[] = [
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

export const ISOLATION_CASES: IsolationCase[] = [...VALIDATION_RULE_CASES];

/** Routes that are not tenant data: public, operator-only, or answered without project data. */
export const NOT_TENANT_SCOPED: Record<string, string> = {
  'GET /health/live': 'public liveness probe',
  'GET /health/ready': 'public readiness probe',
  'POST /v1/validation-rules':
    "creates in the caller's own project; every read and write of an existing rule has a case",
};

export const isDocsRoute = (url: string) =>
  url === '/docs' ||
  url.startsWith('/docs/') ||
  url.startsWith('/docs-json') ||
  url.startsWith('/docs-yaml');
