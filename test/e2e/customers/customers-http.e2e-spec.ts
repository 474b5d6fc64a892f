import request from 'supertest';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

describe('customers over raw HTTP: upserts, rules and lists (e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  const http = () => request(t.app.getHttpServer());
  const create = (body: object, project = a) =>
    http().post('/v1/customers').set(project.headers).send(body);

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
    a = await createTestProject(t.app);
  });
  afterAll(() => t.close());

  it('20 parallel creates of one source_id make exactly one customer', async () => {
    const p = await createTestProject(t.app);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => create({ source_id: 'race', name: `n${i}` }, p)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    const list = await http().get('/v1/customers').set(p.headers).expect(200);
    expect(list.body.total).toBe(1);
  });

  it('source_id is immutable once set: a different one is a 400 naming the property', async () => {
    const created = await create({ source_id: 'imm1' }).expect(200);
    const res = await http()
      .put(`/v1/customers/${created.body.id}`)
      .set(a.headers)
      .send({ source_id: 'other' })
      .expect(400);
    expect(res.body).toMatchObject({
      code: 400,
      key: 'invalid_payload',
      resource_type: 'customer',
    });
    expect(res.body.details).toContain('.source_id');
    const viaUpsert = await create({ id: created.body.id, source_id: 'other2' }).expect(400);
    expect(viaUpsert.body.key).toBe('invalid_payload');
  });

  it("a customer without a source_id may get one later; taking another customer's is a 409", async () => {
    const anonymous = await create({ name: 'anon' }).expect(200);
    expect(anonymous.body.source_id).toBeNull();
    await create({ source_id: 'taken' }).expect(200);
    const clash = await http()
      .put(`/v1/customers/${anonymous.body.id}`)
      .set(a.headers)
      .send({ source_id: 'taken' })
      .expect(409);
    expect(clash.body).toMatchObject({ key: 'duplicate_found', resource_type: 'customer' });
    const set = await http()
      .put(`/v1/customers/${anonymous.body.id}`)
      .set(a.headers)
      .send({ source_id: 'free' })
      .expect(200);
    expect(set.body).toMatchObject({ id: anonymous.body.id, source_id: 'free', name: 'anon' });
  });

  it('null clears a field; address lines change one by one; metadata is replaced', async () => {
    await create({
      source_id: 'clr',
      phone: '+48 1',
      address: { city: 'Warsaw', line_1: 'Main 1' },
      metadata: { a: 1 },
    }).expect(200);
    const res = await http()
      .put('/v1/customers/clr')
      .set(a.headers)
      .send({ phone: null, address: { line_1: 'Main 2' }, metadata: { b: 2 } })
      .expect(200);
    expect(res.body).toMatchObject({
      phone: null,
      address: { city: 'Warsaw', line_1: 'Main 2' },
      metadata: { b: 2 },
    });
  });

  it('upsert by an unknown id and get/put/delete of an unknown key are 404 customer', async () => {
    for (const res of [
      await create({ id: 'cust_nope' }),
      await http().get('/v1/customers/nope').set(a.headers),
      await http().put('/v1/customers/nope').set(a.headers).send({ name: 'x' }),
      await http().delete('/v1/customers/nope').set(a.headers),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 404, key: 'not_found', resource_type: 'customer' });
    }
  });

  it('delete by source_id answers 204 with an empty body', async () => {
    await create({ source_id: 'del-src' }).expect(200);
    const res = await http().delete('/v1/customers/del-src').set(a.headers).expect(204);
    expect(res.text).toBe('');
    await http().get('/v1/customers/del-src').set(a.headers).expect(404);
  });

  it('rejects bad fields with invalid_payload naming each property', async () => {
    const res = await create({
      email: 'not-an-email',
      birthdate: '1990-02-30',
      address: { city: 5 },
      metadata: [1, 2],
      name: 7,
    }).expect(400);
    expect(res.body.key).toBe('invalid_payload');
    for (const path of ['.email', '.birthdate', '.address.city', '.metadata', '.name']) {
      expect(res.body.details).toContain(path);
    }
    const big = await create({ metadata: { blob: 'x'.repeat(20_000) } }).expect(400);
    expect(big.body.details).toContain('.metadata');
  });

  it('lists with name, city, created_at and updated_at filters and every order', async () => {
    const p = await createTestProject(t.app);
    const first = await create({ source_id: 'b', name: 'Ann', address: { city: 'Oslo' } }, p);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await create({ source_id: 'a', name: 'Ben', address: { city: 'Rome' } }, p);
    await create({ source_id: 'c', name: 'Ann' }, p);
    await http().put('/v1/customers/b').set(p.headers).send({ phone: '1' }).expect(200);
    const list = (query: string) =>
      http()
        .get(`/v1/customers?${query}`)
        .set(p.headers)
        .expect(200)
        .then((r) => r.body);

    expect((await list('name=Ann')).total).toBe(2);
    expect(
      (await list('city=Rome')).customers.map((c: { source_id: string }) => c.source_id),
    ).toEqual(['a']);
    const after = await list(`created_at[after]=${encodeURIComponent(first.body.created_at)}`);
    expect(after.customers.map((c: { source_id: string }) => c.source_id).sort()).toEqual([
      'a',
      'c',
    ]);
    expect((await list('created_at[before]=2000-01-01')).total).toBe(0);
    expect((await list('updated_at[after]=2000-01-01')).customers).toHaveLength(1);
    expect(
      (await list('order=source_id')).customers.map((c: { source_id: string }) => c.source_id),
    ).toEqual(['a', 'b', 'c']);
    expect(
      (await list('order=-source_id')).customers.map((c: { source_id: string }) => c.source_id),
    ).toEqual(['c', 'b', 'a']);
    expect((await list('order=created_at')).customers[0].source_id).toBe('b');
    expect((await list('order=-updated_at')).customers[0].source_id).toBe('b');
    const paged = await list('limit=2&page=2&order=source_id');
    expect(paged).toMatchObject({ total: 3, has_more: false });
    expect(paged.customers.map((c: { source_id: string }) => c.source_id)).toEqual(['c']);
  });

  it('rejects bad list queries with a 400', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'order=name',
      'created_at[before]=yesterday',
      'starting_after=x',
      'page=1001',
    ]) {
      const res = await http().get(`/v1/customers?${query}`).set(a.headers);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(400);
    }
  });
});
