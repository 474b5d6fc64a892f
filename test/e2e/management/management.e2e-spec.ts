import request from 'supertest';
import { ManagementKeysService } from '@app/tenancy';
import { createTestManagementKey, TestManagementKey } from '../../factories/management.factory';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

interface IssuedKey {
  id: string;
  kind: string;
  app_id: string;
  secret: string;
  allowed_origins: string[];
}

describe('management API /management/v1 (e2e)', () => {
  // The machine is shared: a slow moment must not fail a correct test.
  jest.setTimeout(60_000);
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

  const expect401 = (res: request.Response) => {
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 401, key: 'unauthorized' });
  };

  describe('authorization', () => {
    it('refuses a request without a management key', async () => {
      expect401(await http().get('/management/v1/projects'));
      expect401(await http().get('/management/v1/projects').set('x-management-id', m.managementId));
    });

    it('refuses a project server key and a client key on the management API', async () => {
      const res = await http().get('/management/v1/projects').set(p.headers);
      expect401(res);
      expect(res.body.details).toMatch(/management key/);
      expect401(await http().get('/management/v1/projects').set(p.clientHeaders));
      // A project's app id and token sent in the management headers are still refused.
      expect401(
        await http()
          .get('/management/v1/projects')
          .set({ 'x-management-id': p.appId, 'x-management-token': p.appToken }),
      );
    });

    it('refuses a management key on /v1 (it reaches no project data)', async () => {
      const res = await http().get('/v1/customers').set(m.headers);
      expect401(res);
      expect(res.body.details).toMatch(/management/i);
      expect401(
        await http()
          .get('/v1/customers')
          .set({ 'x-app-id': m.managementId, 'x-app-token': m.token }),
      );
    });

    it('refuses a wrong token and a revoked key', async () => {
      expect401(
        await http()
          .get('/management/v1/projects')
          .set({ 'x-management-id': m.managementId, 'x-management-token': 'wrong' }),
      );
      const other = await createTestManagementKey(t.app);
      await http().get('/management/v1/projects').set(other.headers).expect(200);
      await t.app.get(ManagementKeysService).revoke(other.id);
      expect401(await http().get('/management/v1/projects').set(other.headers));
    });
  });

  describe('projects', () => {
    it('creates a project whose keys work at once and are shown once', async () => {
      const res = await http()
        .post('/management/v1/projects')
        .set(m.headers)
        .send({ name: 'Shop', client_allowed_origins: ['https://shop.example'] })
        .expect(200);
      expect(res.body).toMatchObject({ object: 'project', name: 'Shop' });
      expect(res.body.id).toMatch(/^proj_/);
      const keys = res.body.api_keys as IssuedKey[];
      const server = keys.find((k) => k.kind === 'server')!;
      const client = keys.find((k) => k.kind === 'client')!;
      expect(client.allowed_origins).toEqual(['https://shop.example']);
      await http()
        .get('/v1/customers')
        .set({ 'x-app-id': server.app_id, 'x-app-token': server.secret })
        .expect(200);
      const listed = await http()
        .get(`/management/v1/projects/${res.body.id}/api-keys`)
        .set(m.headers)
        .expect(200);
      expect(listed.body.api_keys).toHaveLength(2);
      expect(JSON.stringify(listed.body)).not.toContain(server.secret);
      expect(listed.body.api_keys[0].secret).toBeUndefined();
    });

    it('lists, gets and renames projects', async () => {
      const created = await http()
        .post('/management/v1/projects')
        .set(m.headers)
        .send({ name: 'Before' })
        .expect(200);
      const id = created.body.id as string;
      const list = await http().get('/management/v1/projects?limit=100').set(m.headers).expect(200);
      expect(list.body).toMatchObject({ object: 'list', data_ref: 'projects' });
      expect(list.body.projects.map((x: { id: string }) => x.id)).toContain(id);
      const renamed = await http()
        .put(`/management/v1/projects/${id}`)
        .set(m.headers)
        .send({ name: 'After' })
        .expect(200);
      expect(renamed.body).toMatchObject({ id, name: 'After' });
      const got = await http().get(`/management/v1/projects/${id}`).set(m.headers).expect(200);
      expect(got.body.name).toBe('After');
    });

    it('validates input and answers 404 for unknown projects', async () => {
      const bad = await http().post('/management/v1/projects').set(m.headers).send({ name: '' });
      expect(bad.status).toBe(400);
      expect(bad.body.key).toBe('invalid_payload');
      const missing = await http().get('/management/v1/projects/proj_nothere').set(m.headers);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ key: 'not_found', resource_type: 'project' });
      expect(
        (await http().get('/management/v1/projects/not-a-project-id').set(m.headers)).status,
      ).toBe(400);
    });

    it('deletes a project: its keys stop working without a restart, it disappears', async () => {
      const doomed = await createTestProject(t.app);
      // Warm the key cache first, so the test proves invalidation, not a cold lookup.
      await http().get('/v1/customers').set(doomed.headers).expect(200);
      await http().delete(`/management/v1/projects/${doomed.projectId}`).set(m.headers).expect(204);
      expect401(await http().get('/v1/customers').set(doomed.headers));
      expect(
        (await http().get(`/management/v1/projects/${doomed.projectId}`).set(m.headers)).status,
      ).toBe(404);
      expect(
        (await http().delete(`/management/v1/projects/${doomed.projectId}`).set(m.headers)).status,
      ).toBe(404);
    });
  });

  describe('api keys', () => {
    it('creates a server key and a client key with allowed origins', async () => {
      const server = await http()
        .post(`/management/v1/projects/${p.projectId}/api-keys`)
        .set(m.headers)
        .send({ kind: 'server', name: 'backend' })
        .expect(200);
      expect(server.body).toMatchObject({ object: 'api_key', kind: 'server', name: 'backend' });
      await http()
        .get('/v1/customers')
        .set({ 'x-app-id': server.body.app_id, 'x-app-token': server.body.secret })
        .expect(200);

      const client = await http()
        .post(`/management/v1/projects/${p.projectId}/api-keys`)
        .set(m.headers)
        .send({ kind: 'client', allowed_origins: ['https://other.example'] })
        .expect(200);
      expect(client.body.allowed_origins).toEqual(['https://other.example']);
      const bad = await http()
        .post(`/management/v1/projects/${p.projectId}/api-keys`)
        .set(m.headers)
        .send({ kind: 'root' });
      expect(bad.status).toBe(400);
    });

    it('rotates a key: the new secret works, the old one stops at once', async () => {
      const key = await http()
        .post(`/management/v1/projects/${p.projectId}/api-keys`)
        .set(m.headers)
        .send({ kind: 'server' })
        .expect(200);
      const old = { 'x-app-id': key.body.app_id, 'x-app-token': key.body.secret };
      await http().get('/v1/customers').set(old).expect(200);
      const rotated = await http()
        .post(`/management/v1/projects/${p.projectId}/api-keys/${key.body.id}/rotate`)
        .set(m.headers)
        .expect(200);
      expect(rotated.body.app_id).toBe(key.body.app_id);
      expect(rotated.body.secret).not.toBe(key.body.secret);
      expect(rotated.body.rotated_at).not.toBeNull();
      expect401(await http().get('/v1/customers').set(old));
      await http()
        .get('/v1/customers')
        .set({ 'x-app-id': key.body.app_id, 'x-app-token': rotated.body.secret })
        .expect(200);
    });

    it('revokes a key: it stops at once, and a second revoke is a 404', async () => {
      const key = await http()
        .post(`/management/v1/projects/${p.projectId}/api-keys`)
        .set(m.headers)
        .send({ kind: 'server' })
        .expect(200);
      const headers = { 'x-app-id': key.body.app_id, 'x-app-token': key.body.secret };
      await http().get('/v1/customers').set(headers).expect(200);
      const path = `/management/v1/projects/${p.projectId}/api-keys/${key.body.id}`;
      await http().delete(path).set(m.headers).expect(204);
      expect401(await http().get('/v1/customers').set(headers));
      expect((await http().delete(path).set(m.headers)).status).toBe(404);
      const listed = await http()
        .get(`/management/v1/projects/${p.projectId}/api-keys`)
        .set(m.headers)
        .expect(200);
      const row = listed.body.api_keys.find((k: { id: string }) => k.id === key.body.id);
      expect(row.revoked_at).not.toBeNull();
    });

    it("does not touch one project's key through another project's path", async () => {
      const other = await createTestProject(t.app);
      const keys = await http()
        .get(`/management/v1/projects/${other.projectId}/api-keys`)
        .set(m.headers)
        .expect(200);
      const keyId = keys.body.api_keys[0].id as string;
      const res = await http()
        .delete(`/management/v1/projects/${p.projectId}/api-keys/${keyId}`)
        .set(m.headers);
      expect(res.status).toBe(404);
      await http().get('/v1/customers').set(other.headers).expect(200);
    });
  });

  it('documents the management API in OpenAPI', async () => {
    const doc = await http().get('/docs-json').expect(200);
    const paths = Object.keys(doc.body.paths as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/management/v1/projects',
        '/management/v1/projects/{id}',
        '/management/v1/projects/{id}/api-keys',
        '/management/v1/projects/{id}/api-keys/{keyId}/rotate',
      ]),
    );
    expect(doc.body.components.securitySchemes['X-Management-Id']).toBeDefined();
  });
});
