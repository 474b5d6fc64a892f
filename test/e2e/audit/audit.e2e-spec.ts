import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestManagementKey, TestManagementKey } from '../../factories/management.factory';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

interface Entry {
  id: string;
  actor: { type: string; id: string };
  route: string;
  request_id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  diff: Record<string, unknown>;
  project_id: string;
}

describe('audit log (e2e)', () => {
  // The machine is shared: a slow moment must not fail a correct test.
  jest.setTimeout(60_000);
  let t: TestApp;
  let a: TestProject;
  let b: TestProject;
  let m: TestManagementKey;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    [a, b] = await Promise.all([createTestProject(t.app), createTestProject(t.app)]);
    m = await createTestManagementKey(t.app);
  });
  afterAll(() => t.close());

  const keyIdOf = async (p: TestProject) => {
    const rows = (await t.app
      .get(DataSource)
      .query(`SELECT id FROM api_keys WHERE app_id = $1`, [p.appId])) as { id: string }[];
    return rows[0].id;
  };

  it('records create, update and delete made through /v1 with key, route, entity and diff', async () => {
    const created = await http()
      .post('/v1/customers')
      .set(a.headers)
      .send({ name: 'Ann', email: 'ann@example.com' })
      .expect(200);
    const id = created.body.id as string;
    await http().put(`/v1/customers/${id}`).set(a.headers).send({ name: 'Anna' }).expect(200);
    await http().delete(`/v1/customers/${id}`).set(a.headers).expect(204);

    const res = await http()
      .get(`/v1/audit-log?entity_type=customer&entity_id=${id}`)
      .set(a.headers)
      .expect(200);
    expect(res.body).toMatchObject({ object: 'list', data_ref: 'data', total: 3 });
    const [deleted, updated, inserted] = res.body.data as Entry[];
    const keyId = await keyIdOf(a);
    expect(inserted).toMatchObject({
      action: 'create',
      entity_type: 'customer',
      entity_id: id,
      project_id: a.projectId,
      actor: { type: 'api_key', id: keyId },
      route: 'POST /v1/customers',
    });
    expect(inserted.request_id).toMatch(/^v-/);
    expect(inserted.diff).toMatchObject({ name: 'Ann', email: 'ann@example.com' });
    expect(updated).toMatchObject({ action: 'update', route: 'PUT /v1/customers/:id' });
    expect(updated.diff.name).toBe('Anna');
    expect(updated.diff).not.toHaveProperty('email');
    expect(deleted).toMatchObject({ action: 'delete', entity_id: id });
  });

  it('filters by key id and created_at, and pages', async () => {
    const keyId = await keyIdOf(a);
    const before = new Date(Date.now() - 60_000).toISOString();
    await http().post('/v1/customers').set(a.headers).send({ name: 'F1' }).expect(200);
    await http().post('/v1/customers').set(a.headers).send({ name: 'F2' }).expect(200);
    const byKey = await http()
      .get(`/v1/audit-log?key_id=${keyId}&limit=1&page=2`)
      .set(a.headers)
      .expect(200);
    expect(byKey.body.data).toHaveLength(1);
    expect(byKey.body.total).toBeGreaterThanOrEqual(2);
    const none = await http()
      .get(`/v1/audit-log?created_at[before]=${encodeURIComponent(before)}`)
      .set(a.headers)
      .expect(200);
    expect(none.body.data).toEqual([]);
    const after = await http()
      .get(`/v1/audit-log?created_at[after]=${encodeURIComponent(before)}&key_id=key_nobody`)
      .set(a.headers)
      .expect(200);
    expect(after.body.total).toBe(0);
    const bad = await http().get('/v1/audit-log?created_at[after]=yesterday').set(a.headers);
    expect(bad.status).toBe(400);
  });

  it("never shows another project's entries", async () => {
    await http().post('/v1/customers').set(a.headers).send({ name: 'Secret' }).expect(200);
    const res = await http().get('/v1/audit-log?entity_type=customer').set(b.headers).expect(200);
    expect(res.body.data).toEqual([]);
  });

  it('records management API changes with the management key, secrets redacted', async () => {
    const created = await http()
      .post('/management/v1/projects')
      .set(m.headers)
      .send({ name: 'Audited' })
      .expect(200);
    const projectId = created.body.id as string;
    await http()
      .put(`/management/v1/projects/${projectId}`)
      .set(m.headers)
      .send({ name: 'Audited 2' })
      .expect(200);
    const keyId = (created.body.api_keys as { id: string }[])[0].id;
    await http()
      .post(`/management/v1/projects/${projectId}/api-keys/${keyId}/rotate`)
      .set(m.headers)
      .expect(200);

    const res = await http()
      .get(`/management/v1/projects/${projectId}/audit-log?limit=100`)
      .set(m.headers)
      .expect(200);
    const entries = res.body.data as Entry[];
    expect(entries.every((e) => e.actor.type === 'management_key' && e.actor.id === m.id)).toBe(
      true,
    );
    const rename = entries.find((e) => e.entity_type === 'project' && e.action === 'update')!;
    expect(rename.diff.name).toEqual(['Audited', 'Audited 2']);
    expect(rename.route).toBe('PUT /management/v1/projects/:id');
    const rotation = entries.find((e) => e.entity_type === 'api_key' && e.action === 'update')!;
    expect(rotation.entity_id).toBe(keyId);
    expect(rotation.diff.secret_hash).toEqual(['[redacted]', '[redacted]']);
    expect(
      entries
        .filter((e) => e.action === 'create')
        .map((e) => e.entity_type)
        .sort(),
    ).toEqual(['api_key', 'api_key', 'project']);
    await http().delete(`/management/v1/projects/${projectId}`).set(m.headers).expect(204);
    const afterDelete = await http()
      .get(`/management/v1/projects/${projectId}/audit-log?entity_type=project`)
      .set(m.headers)
      .expect(200);
    expect((afterDelete.body.data as Entry[])[0]).toMatchObject({
      action: 'soft_delete',
      entity_id: projectId,
      route: 'DELETE /management/v1/projects/:id',
    });
    const missing = await http()
      .get('/management/v1/projects/proj_unknown/audit-log')
      .set(m.headers);
    expect(missing.status).toBe(404);
    const asProject = await http()
      .get(`/management/v1/projects/${a.projectId}/audit-log`)
      .set(a.headers);
    expect(asProject.status).toBe(401);
  });

  it('refuses UPDATE and DELETE of audit rows (append-only trigger)', async () => {
    const ds = t.app.get(DataSource);
    await expect(ds.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });
});
