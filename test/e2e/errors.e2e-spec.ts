import request from 'supertest';
import { createTestProject, TestProject } from '../factories/project.factory';
import { ProbeModule } from '../utils/probe.module';
import { createTestApp, TestApp } from '../utils/test-app';

describe('the contract error body and request plumbing (e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule], env: { BODY_LIMIT_BYTES: '2048' } });
    a = await createTestProject(t.app);
  });
  afterAll(() => t.close());

  const expectContractError = (res: request.Response, status: number, key: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ code: status, key });
    expect(typeof res.body.message).toBe('string');
    expect(typeof res.body.details).toBe('string');
    expect(res.body.request_id).toMatch(/^v-[0-9a-f]+$/);
    expect(res.headers['x-request-id']).toBe(res.body.request_id);
  };

  it('404 for an unknown route', async () => {
    expectContractError(await http().get('/v1/nothing-here').set(a.headers), 404, 'not_found');
    expectContractError(await http().get('/nothing'), 404, 'not_found');
  });

  it('405 with Allow for a known path and the wrong method', async () => {
    const res = await http().delete('/health/live');
    expectContractError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toContain('GET');
  });

  it('400 for malformed JSON', async () => {
    const res = await http()
      .post('/v1/probe/echo')
      .set(a.headers)
      .set('content-type', 'application/json')
      .send('{"name": ');
    expectContractError(res, 400, 'invalid_payload');
  });

  it('413 for a body over the limit', async () => {
    const res = await http()
      .post('/v1/probe/echo')
      .set(a.headers)
      .send({ name: 'x'.repeat(5000) });
    expectContractError(res, 413, 'payload_too_large');
  });

  it('415 for an unsupported content type', async () => {
    const res = await http()
      .post('/v1/probe/echo')
      .set(a.headers)
      .set('content-type', 'application/xml')
      .send('<a/>');
    expectContractError(res, 415, 'unsupported_media_type');
  });

  it('400 invalid_payload naming the offending property paths', async () => {
    const res = await http()
      .post('/v1/probe/echo')
      .set(a.headers)
      .send({ name: 5, amount: -1, items: [{ quantity: 1 }, { quantity: 'x' }] });
    expectContractError(res, 400, 'invalid_payload');
    expect(res.body.details).toContain('.name');
    expect(res.body.details).toContain('.amount');
    expect(res.body.details).toContain('.items[1].quantity');
  });

  it('strips unknown properties instead of failing', async () => {
    const res = await http()
      .post('/v1/probe/echo')
      .set(a.headers)
      .send({ name: 'n', unknown: 1, metadata: { keep: true } })
      .expect(200);
    expect(res.body.body).toEqual({ name: 'n', metadata: { keep: true } });
  });

  it('500 shows only the request id, never the internal message or stack', async () => {
    const res = await http().get('/v1/probe/fail').set(a.headers);
    expectContractError(res, 500, 'internal_error');
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    expect(text).not.toContain('stack');
  });

  it('parses nested qs-style query strings', async () => {
    const res = await http()
      .get(
        '/v1/probe/echo/C?filters%5Bmetadata.x%5D%5Bconditions%5D%5B%24is%5D%5B0%5D=1&created_at%5Bbefore%5D=2025-01-01&limit=5',
      )
      .set(a.headers)
      .expect(200);
    expect(res.body.query).toEqual({
      filters: { 'metadata.x': { conditions: { $is: ['1'] } } },
      created_at: { before: '2025-01-01' },
      limit: '5',
    });
  });

  it('tolerates //v1 paths and trailing slashes, and decodes %2F and spaces in a segment', async () => {
    const dbl = await http().get('//v1/probe/echo/ABC/').set(a.headers).expect(200);
    expect(dbl.body.code).toBe('ABC');
    const encoded = await http().get('/v1/probe/echo/SUMMER%2010%2Fx').set(a.headers).expect(200);
    expect(encoded.body.code).toBe('SUMMER 10/x');
  });
});
