import request from 'supertest';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

describe('orders over raw HTTP: upserts, amounts, import rules (e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  const http = () => request(t.app.getHttpServer());
  const create = (body: object, project = a) =>
    http().post('/v1/orders').set(project.headers).send(body);
  const actionResult = async (project: TestProject, id: string) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const res = await http().get(`/v1/async-actions/${id}`).set(project.headers).expect(200);
      if (res.body.status === 'DONE') return res.body.result;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('import did not finish');
  };

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestProject(t.app);
  });
  afterAll(() => t.close());

  it('amount is the sum of item amounts (price × quantity) when not given', async () => {
    const res = await create({
      items: [
        { product_id: 'p1', quantity: 2, price: 1500, product: { name: 'Tee', price: 1500 } },
        { sku_id: 's1', amount: 700, metadata: { size: 'M' } },
      ],
    }).expect(200);
    expect(res.body).toMatchObject({
      amount: 3700,
      initial_amount: 3700,
      total_amount: 3700,
      status: 'CREATED',
      source_id: null,
    });
    expect(res.body.items[0]).toMatchObject({
      amount: 3000,
      subtotal_amount: 3000,
      product: { name: 'Tee', price: 1500 },
    });
    expect(res.body.items[1]).toMatchObject({ amount: 700, metadata: { size: 'M' } });
  });

  it('create upserts by source_id and by id; the customer and referrer are upserted with it', async () => {
    const first = await create({
      source_id: 'up',
      amount: 100,
      customer: { source_id: 'buyer', name: 'B' },
    }).expect(200);
    const second = await create({
      source_id: 'up',
      status: 'PAID',
      referrer: { source_id: 'ref' },
    }).expect(200);
    expect(second.body).toMatchObject({
      id: first.body.id,
      amount: 100,
      status: 'PAID',
      customer_id: first.body.customer_id,
    });
    expect(second.body.referrer).toEqual({ id: second.body.referrer_id, object: 'customer' });
    const byId = await create({ id: first.body.id, metadata: { k: 1 } }).expect(200);
    expect(byId.body).toMatchObject({ id: first.body.id, metadata: { k: 1 }, status: 'PAID' });
    const buyer = await http().get('/v1/customers/buyer').set(a.headers).expect(200);
    expect(buyer.body).toMatchObject({ id: first.body.customer_id, name: 'B' });
  });

  it('20 parallel creates of one source_id make exactly one order', async () => {
    const p = await createTestProject(t.app);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        create({ source_id: 'race', amount: i, customer: { source_id: 'rc' } }, p),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect((await http().get('/v1/orders').set(p.headers).expect(200)).body.total).toBe(1);
    expect((await http().get('/v1/customers').set(p.headers).expect(200)).body.total).toBe(1);
  });

  it('a failing customer upsert leaves no order behind (one transaction)', async () => {
    const res = await create({
      source_id: 'tx',
      amount: 1,
      customer: { id: 'cust_missing' },
    }).expect(404);
    expect(res.body).toMatchObject({ key: 'not_found', resource_type: 'customer' });
    await http().get('/v1/orders/tx').set(a.headers).expect(404);
  });

  it('PUT by source_id accepts the same source_id, recomputes the amount from new items, rejects a new one', async () => {
    await create({ source_id: 'put', amount: 100 }).expect(200);
    const res = await http()
      .put('/v1/orders/put')
      .set(a.headers)
      .send({ source_id: 'put', items: [{ quantity: 3, price: 10 }] })
      .expect(200);
    expect(res.body).toMatchObject({ amount: 30, initial_amount: 30 });
    const bad = await http()
      .put('/v1/orders/put')
      .set(a.headers)
      .send({ source_id: 'new' })
      .expect(400);
    expect(bad.body.details).toContain('.source_id');
  });

  it('unknown ids are 404 order', async () => {
    for (const res of [
      await http().get('/v1/orders/nope').set(a.headers),
      await http().put('/v1/orders/nope').set(a.headers).send({ status: 'PAID' }),
      await create({ id: 'ord_nope' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ key: 'not_found', resource_type: 'order' });
    }
  });

  it('rejects bad fields with invalid_payload naming the property', async () => {
    const res = await create({
      status: 'SHIPPED',
      amount: 1.5,
      items: [{ quantity: -1 }, { price: 'x', product: { price: -1 } }],
      customer: { email: 'bad' },
      created_at: 'yesterday',
    }).expect(400);
    for (const path of [
      '.status',
      '.amount',
      '.items[0].quantity',
      '.items[1].price',
      '.items[1].product.price',
      '.customer.email',
      '.created_at',
    ]) {
      expect(res.body.details).toContain(path);
    }
    const tooMany = await create({
      items: Array.from({ length: 501 }, () => ({ quantity: 1 })),
    }).expect(400);
    expect(tooMany.body.details).toContain('.items');
    expect((await create({ status: null }).expect(400)).body.details).toContain('.status');
  });

  it('lists with order and created_at filters', async () => {
    const p = await createTestProject(t.app);
    await create({ source_id: 'x1', created_at: '2020-01-01T00:00:00Z' }, p).expect(200);
    await create({ source_id: 'x2' }, p).expect(200);
    const list = (q: string) =>
      http()
        .get(`/v1/orders?${q}`)
        .set(p.headers)
        .expect(200)
        .then((r) => r.body);
    expect(
      (await list('order=created_at')).orders.map((o: { source_id: string }) => o.source_id),
    ).toEqual(['x1', 'x2']);
    expect(
      (await list('created_at[before]=2021-01-01')).orders.map(
        (o: { source_id: string }) => o.source_id,
      ),
    ).toEqual(['x1']);
    await http().get('/v1/orders?order=amount').set(p.headers).expect(400);
  });

  it('import: the envelope is checked at once; 2000 rows is the limit', async () => {
    for (const body of [{}, [], [1], Array.from({ length: 2001 }, () => ({}))]) {
      const res = await http()
        .post('/v1/orders/import')
        .set(a.headers)
        .send(body as object);
      expect(res.status).toBe(400);
      expect(res.body.key).toBe('invalid_payload');
    }
  });

  it("import: a row naming another project's order fails with not_found and changes nothing", async () => {
    const other = await createTestProject(t.app);
    const foreign = await create({ source_id: 'foreign', amount: 5 }, other).expect(200);
    const res = await http()
      .post('/v1/orders/import')
      .set(a.headers)
      .send([
        { id: foreign.body.id, status: 'CANCELED' },
        { source_id: 'own-import', amount: 9 },
      ])
      .expect(200);
    const result = await actionResult(a, res.body.async_action_id);
    expect(result).toMatchObject({
      done_count: 1,
      failed_count: 1,
      failed: [{ index: 0, key: 'not_found', code: 404 }],
    });
    const untouched = await http()
      .get(`/v1/orders/${foreign.body.id}`)
      .set(other.headers)
      .expect(200);
    expect(untouched.body.status).toBe('CREATED');
  });
});
