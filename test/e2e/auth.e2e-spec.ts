import request from 'supertest';
import { TenancyService } from '@app/tenancy';
import { createTestProject, TestProject } from '../factories/project.factory';
import { ProbeModule } from '../utils/probe.module';
import { createTestApp, TestApp } from '../utils/test-app';

describe('authentication (e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  let b: TestProject;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule] });
    [a, b] = await Promise.all([createTestProject(t.app), createTestProject(t.app)]);
  });
  afterAll(() => t.close());

  const expectUnauthorized = (res: request.Response) => {
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 401, key: 'unauthorized', message: 'Unauthorized' });
    expect(res.body.request_id).toMatch(/^v-/);
    expect(res.headers['x-request-id']).toBe(res.body.request_id);
  };

  it('resolves a server key to its project', async () => {
    const res = await http().get('/v1/probe/echo/X').set(a.headers).expect(200);
    expect(res.body).toMatchObject({ project_id: a.projectId, channel: 'API' });
  });

  it('rejects a request without keys', async () => {
    expectUnauthorized(await http().get('/v1/probe/echo/X'));
    expectUnauthorized(await http().get('/v1/probe/echo/X').set('x-app-id', a.appId));
  });

  it('rejects a wrong token and an unknown app id', async () => {
    expectUnauthorized(
      await http().get('/v1/probe/echo/X').set({ 'x-app-id': a.appId, 'x-app-token': 'wrong' }),
    );
    expectUnauthorized(
      await http()
        .get('/v1/probe/echo/X')
        .set({ 'x-app-id': 'forged-app-id', 'x-app-token': a.appToken }),
    );
    // B's token with A's app id: a valid secret of another project is still the wrong secret.
    expectUnauthorized(
      await http().get('/v1/probe/echo/X').set({ 'x-app-id': a.appId, 'x-app-token': b.appToken }),
    );
  });

  it('rejects a client-side key on a server route and a server key on a client route', async () => {
    expectUnauthorized(
      await http()
        .get('/v1/probe/echo/X')
        .set({ 'x-app-id': a.clientAppId, 'x-app-token': a.clientToken }),
    );
    const res = await http().get('/v1/probe/echo/X').set(a.clientHeaders);
    expectUnauthorized(res);
    expect(res.body.details).toMatch(/client/i);
    expectUnauthorized(
      await http().get('/client/v1/probe/echo').set({
        'x-client-application-id': a.appId,
        'x-client-token': a.appToken,
        origin: 'https://shop.example',
      }),
    );
  });

  it('accepts a client key on /client/v1 only from an allowed origin', async () => {
    const ok = await http().get('/client/v1/probe/echo').set(a.clientHeaders).expect(200);
    expect(ok.body).toEqual({ project_id: a.projectId, channel: 'CLIENT_API' });
    expectUnauthorized(
      await http()
        .get('/client/v1/probe/echo')
        .set({ ...a.clientHeaders, origin: 'https://evil.example' }),
    );
  });

  it('stops accepting a revoked key and a rotated secret', async () => {
    const c = await createTestProject(t.app);
    await http().get('/v1/probe/echo/X').set(c.headers).expect(200);
    const tenancy = t.app.get(TenancyService);
    const rotated = await tenancy.rotateKey(c.appId);
    expectUnauthorized(await http().get('/v1/probe/echo/X').set(c.headers));
    await http()
      .get('/v1/probe/echo/X')
      .set({ 'x-app-id': c.appId, 'x-app-token': rotated.app_token })
      .expect(200);
    await tenancy.revokeKey(c.appId);
    expectUnauthorized(
      await http()
        .get('/v1/probe/echo/X')
        .set({ 'x-app-id': c.appId, 'x-app-token': rotated.app_token }),
    );
  });

  it('leaves health and docs public', async () => {
    await http().get('/health/live').expect(200);
    const spec = await http().get('/docs-json').expect(200);
    expect(spec.body.openapi).toMatch(/^3\./);
  });
});
