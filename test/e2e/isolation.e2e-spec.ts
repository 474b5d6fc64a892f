import request from 'supertest';
import { registeredRoutes } from '@app/core';
import { createTestProject, TestProject } from '../factories/project.factory';
import { createTestApp, TestApp } from '../utils/test-app';
import { ISOLATION_CASES, isDocsRoute, NOT_TENANT_SCOPED } from './isolation/cases';

describe('tenant isolation: a key of project A never reaches project B (e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  let b: TestProject;

  beforeAll(async () => {
    t = await createTestApp();
    [a, b] = await Promise.all([createTestProject(t.app), createTestProject(t.app)]);
  });
  afterAll(() => t.close());

  it('has an isolation case (or a stated reason) for every registered route', () => {
    const covered = new Set(ISOLATION_CASES.map((c) => c.route));
    const missing = registeredRoutes(t.app)
      .filter((r) => !isDocsRoute(r.url))
      .map((r) => `${r.method} ${r.url}`)
      .filter((route) => !covered.has(route) && !(route in NOT_TENANT_SCOPED));
    expect(missing).toEqual([]);
  });

  it('has no stale cases for routes that no longer exist', () => {
    const routes = new Set(registeredRoutes(t.app).map((r) => `${r.method} ${r.url}`));
    expect(ISOLATION_CASES.map((c) => c.route).filter((r) => !routes.has(r))).toEqual([]);
  });

  for (const testCase of ISOLATION_CASES) {
    it(`${testCase.route}: B gets ${testCase.expectForOther}, A gets ${testCase.expectForOwner ?? 200}`, async () => {
      const [method] = testCase.route.split(' ');
      const { path, body } = await testCase.arrange(t, a);
      const send = (project: TestProject) => {
        const agent = request(t.app.getHttpServer());
        const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
        const req = agent[verb](path).set(project.headers);
        return body === undefined ? req : req.send(body as object);
      };
      const asOther = await send(b);
      if (testCase.expectForOther === 404) {
        expect(asOther.status).toBe(404);
        expect(asOther.body.key).toBe('not_found');
      } else {
        expect(asOther.status).toBe(200);
        expect(asOther.body[testCase.dataRef ?? 'data']).toEqual([]);
      }
      const asOwner = await send(a);
      expect(asOwner.status).toBe(testCase.expectForOwner ?? 200);
    });
  }
});
