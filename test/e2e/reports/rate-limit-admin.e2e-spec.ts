jest.setTimeout(60_000);

import request from 'supertest';
import { createTestManagementKey, TestManagementKey } from '../../factories/management.factory';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';
import { freshIp, PRODUCTION_LIMITS } from '../rate-limit/helpers';

describe('management: rate-limit status and project policies (e2e)', () => {
  let t: TestApp;
  let m: TestManagementKey;
  let busy: TestProject;
  let calm: TestProject;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        ...PRODUCTION_LIMITS,
        SHED_SAMPLE_MS: '0',
        RATE_LIMIT_POLICY_CACHE_TTL_MS: '200',
        REDIS_COMMAND_TIMEOUT_MS: '2000',
      },
    });
    m = await createTestManagementKey(t.app);
    [busy, calm] = await Promise.all([createTestProject(t.app), createTestProject(t.app)]);
  });
  afterAll(() => t?.close());

  it('refuses project keys and missing or wrong management keys on every route', async () => {
    const routes: Array<['get' | 'put', string]> = [
      ['get', '/management/v1/rate-limits/status'],
      ['get', `/management/v1/projects/${busy.projectId}/rate-limits`],
      ['put', `/management/v1/projects/${busy.projectId}/rate-limits`],
    ];
    for (const [verb, path] of routes) {
      const call = () => http()[verb](path);
      await call().set(busy.headers).send({}).expect(401);
      await call().send({}).expect(401);
      await call()
        .set({ 'x-management-id': m.managementId, 'x-management-token': 'wrong' })
        .send({})
        .expect(401);
    }
  });

  it("reads and changes a project's plan and overrides; changes apply without a restart", async () => {
    const path = `/management/v1/projects/${busy.projectId}/rate-limits`;
    const before = await http().get(path).set(m.headers).expect(200);
    expect(before.body).toMatchObject({
      object: 'rate_limit_policy',
      project_id: busy.projectId,
      plan: 'default',
      overridden: false,
    });
    const put = await http()
      .put(path)
      .set(m.headers)
      .send({ plan: 'business', per_minute: 3, burst: 3 })
      .expect(200);
    expect(put.body).toMatchObject({ plan: 'business', per_minute: 3, burst: 3, overridden: true });
    const after = await http().get(path).set(m.headers).expect(200);
    expect(after.body).toEqual(put.body);

    await http().put(path).set(m.headers).send({ plan: 'gold' }).expect(400);
    await http().put(path).set(m.headers).send({ per_minute: 0 }).expect(400);
    await http()
      .get('/management/v1/projects/proj_doesnotexist/rate-limits')
      .set(m.headers)
      .expect(404);
  });

  it('shows the project being limited now, with its rejections, and not a calm one', async () => {
    await new Promise((r) => setTimeout(r, 300)); // the policy cache TTL
    const ip = freshIp();
    let limited = 0;
    for (let i = 0; i < 10; i++) {
      const res = await http().get('/v1/vouchers').set(busy.headers).set('x-forwarded-for', ip);
      if (res.status === 429) limited++;
    }
    await http().get('/v1/vouchers').set(calm.headers).set('x-forwarded-for', freshIp()).expect(200);
    expect(limited).toBeGreaterThan(0);

    const status = await http().get('/management/v1/rate-limits/status').set(m.headers).expect(200);
    expect(status.body).toMatchObject({
      object: 'rate_limit_status',
      enabled: true,
      window_seconds: 60,
      shed_level: 0,
      redis_breaker: 'closed',
    });
    expect(status.body.blocked_keys).toBeGreaterThan(0);
    const projects = status.body.projects as Array<Record<string, unknown>>;
    const entry = projects.find((p) => p.project_id === busy.projectId);
    expect(entry).toBeDefined();
    expect(entry!.total).toBe(limited);
    expect((entry!.limited as number) + (entry!.blocked_early as number)).toBe(limited);
    expect(typeof entry!.limit_name).toBe('string');
    expect(typeof entry!.blocked_until).toBe('string');
    expect(projects.some((p) => p.project_id === calm.projectId)).toBe(false);
    expect(Object.keys(status.body.decisions as object).length).toBeGreaterThan(0);

    const one = await http()
      .get('/management/v1/rate-limits/status?limit=1')
      .set(m.headers)
      .expect(200);
    expect((one.body.projects as unknown[]).length).toBeLessThanOrEqual(1);
    await http().get('/management/v1/rate-limits/status?limit=0').set(m.headers).expect(400);
  });

  it('documents the report and rate-limit routes in OpenAPI', async () => {
    const doc = await http().get('/docs-json').expect(200);
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v1/campaigns/{id}/summary',
        '/v1/reports/redemptions',
        '/v1/reports/top-vouchers',
        '/v1/reports/top-customers',
        '/management/v1/rate-limits/status',
        '/management/v1/projects/{id}/rate-limits',
      ]),
    );
    expect(Object.keys(paths['/management/v1/projects/{id}/rate-limits'])).toEqual(
      expect.arrayContaining(['get', 'put']),
    );
    const schemas = doc.body.components.schemas as Record<string, unknown>;
    expect(schemas).toHaveProperty('CampaignSummaryResponse');
    expect(schemas).toHaveProperty('RateLimitStatusResponse');
  });
});
