import request from 'supertest';
import { registeredRoutes } from '@app/core';
import { createTestProject, TestProject } from '../factories/project.factory';
import { createTestApp, TestApp } from '../utils/test-app';
import {
  ISOLATION_CASES,
  isDocsRoute,
  isOperatorRoute,
  NOT_TENANT_SCOPED,
} from './isolation/cases';

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
      .filter((r) => !isDocsRoute(r.url) && !isOperatorRoute(r.url))
      .map((r) => `${r.method} ${r.url}`)
      .filter((route) => !covered.has(route) && !(route in NOT_TENANT_SCOPED));
    expect(missing).toEqual([]);
  });

  it('has no stale cases for routes that no longer exist', () => {
    const routes = new Set(registeredRoutes(t.app).map((r) => `${r.method} ${r.url}`));
    expect(ISOLATION_CASES.map((c) => c.route).filter((r) => !routes.has(r))).toEqual([]);
  });

  for (const testCase of ISOLATION_CASES) {
    const other = testCase.expectForOther;
    const otherLabel = typeof other === 'object' ? `${other.status} in its own project` : other;
    it(`${testCase.route}: B gets ${otherLabel}, A gets ${testCase.expectForOwner ?? 200}`, async () => {
      const [method] = testCase.route.split(' ');
      const { path, body, attach } = await testCase.arrange(t, a);
      const send = (project: TestProject) => {
        const agent = request(t.app.getHttpServer());
        const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
        const req = agent[verb](path).set(
          testCase.clientKeys ? project.clientHeaders : project.headers,
        );
        if (attach) return req.attach(attach.field, Buffer.from(attach.content), attach.filename);
        return body === undefined ? req : req.send(body as object);
      };
      const asOther = await send(b);
      if (testCase.assertOther) {
        testCase.assertOther(asOther.status, asOther.body as Record<string, unknown>);
      } else if (other === 404) {
        expect(asOther.status).toBe(404);
        expect(asOther.body.key).toBe('not_found');
      } else if (other === 'empty-list') {
        expect(asOther.status).toBe(200);
        expect(asOther.body[testCase.dataRef ?? 'data']).toEqual([]);
      } else {
        expect(asOther.status).toBe(other.status);
        await other.check(asOther.body as Record<string, unknown>, t, b);
      }
      const asOwner = await send(a);
      expect(asOwner.status).toBe(testCase.expectForOwner ?? 200);
    });
  }
});
