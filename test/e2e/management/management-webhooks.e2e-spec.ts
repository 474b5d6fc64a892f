import request from 'supertest';
import { createTestManagementKey, TestManagementKey } from '../../factories/management.factory';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

describe("management API: a project's webhook endpoints (e2e)", () => {
  let t: TestApp;
  let m: TestManagementKey;
  let p: TestProject;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    m = await createTestManagementKey(t.app);
    p = await createTestProject(t.app);
  });
  afterAll(() => t.close());

  it('creates, lists, updates, rotates and deletes endpoints the project itself then sees', async () => {
    const base = `/management/v1/projects/${p.projectId}/webhooks`;
    const created = await http()
      .post(base)
      .set(m.headers)
      .send({ target_url: 'https://hooks.example/voucher', events: ['redemption.succeeded'] })
      .expect(200);
    const id = created.body.id as string;
    expect(id).toMatch(/^wh_/);
    expect(typeof created.body.secret).toBe('string');

    // The project's own key sees the endpoint the dashboard created.
    const own = await http().get(`/v1/webhooks/${id}`).set(p.headers).expect(200);
    expect(own.body.target_url).toBe('https://hooks.example/voucher');

    const listed = await http().get(base).set(m.headers).expect(200);
    expect(JSON.stringify(listed.body)).toContain(id);
    const updated = await http()
      .put(`${base}/${id}`)
      .set(m.headers)
      .send({ events: ['redemption.succeeded', 'publication.succeeded'] })
      .expect(200);
    expect(updated.body.events).toEqual(['redemption.succeeded', 'publication.succeeded']);
    const rotated = await http().post(`${base}/${id}/rotate-secret`).set(m.headers).expect(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    await http().delete(`${base}/${id}`).set(m.headers).expect(204);
    await http().get(`/v1/webhooks/${id}`).set(p.headers).expect(404);
  });

  it('answers 404 for an unknown project and for another project’s endpoint', async () => {
    const missing = await http()
      .get('/management/v1/projects/proj_nothere/webhooks')
      .set(m.headers);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ key: 'not_found', resource_type: 'project' });
    const other = await createTestProject(t.app);
    const hook = await http()
      .post('/v1/webhooks')
      .set(other.headers)
      .send({ target_url: 'https://hooks.example/other', events: ['*'] })
      .expect(200);
    await http()
      .get(`/management/v1/projects/${p.projectId}/webhooks/${hook.body.id}`)
      .set(m.headers)
      .expect(404);
  });

  it('refuses project keys', async () => {
    const res = await http().get(`/management/v1/projects/${p.projectId}/webhooks`).set(p.headers);
    expect(res.status).toBe(401);
  });
});
