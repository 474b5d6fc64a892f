import { VoucherifyServerSide } from '@voucherify/sdk';
import type { CustomerObject } from '@app/customers';
import type { OrderObject } from '@app/orders';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

type Client = ReturnType<typeof VoucherifyServerSide>;
const asOrder = async (response: Promise<unknown>) => (await response) as OrderObject;

async function untilDone(client: Client, id: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const action = await client.asyncActions.get(id);
    if (action.status === 'DONE' || action.status === 'FAILED') return action;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`async action ${id} did not finish`);
}

describe('orders through the official SDK (contract section 11 rows 34–36)', () => {
  let t: TestApp;
  let a: TestProject;
  let client: Client;

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
    a = await createTestProject(t.app);
    client = VoucherifyServerSide({ applicationId: a.appId, secretKey: a.appToken, apiUrl: t.url });
  });
  afterAll(() => t.close());

  it('orders.create returns the order object and upserts its customer (row 34)', async () => {
    const order = await asOrder(
      client.orders.create({
        source_id: 'o1',
        amount: 10000,
        status: 'PAID',
        items: [{ sku_id: 's', quantity: 1, price: 10000 }],
        customer: { source_id: 'c1' },
      }),
    );
    expect(order).toMatchObject({
      source_id: 'o1',
      status: 'PAID',
      amount: 10000,
      initial_amount: 10000,
      discount_amount: 0,
      items_discount_amount: 0,
      total_discount_amount: 0,
      total_amount: 10000,
      applied_discount_amount: 0,
      items_applied_discount_amount: 0,
      total_applied_discount_amount: 0,
      items: [
        {
          object: 'order_item',
          sku_id: 's',
          quantity: 1,
          price: 10000,
          amount: 10000,
          subtotal_amount: 10000,
        },
      ],
      metadata: {},
      referrer: null,
      referrer_id: null,
      redemptions: {},
      updated_at: null,
      object: 'order',
    });
    expect(order.id).toMatch(/^ord_/);
    expect(order.customer).toEqual({ id: order.customer_id, object: 'customer' });
    const customer = (await client.customers.get('c1')) as CustomerObject;
    expect(customer.id).toBe(order.customer_id);
  });

  it('orders.get by id and by source_id; orders.update by id changes the status (row 35)', async () => {
    const created = await asOrder(client.orders.create({ source_id: 'o2', amount: 500 }));
    expect(await asOrder(client.orders.get(created.id))).toEqual(created);
    expect(await asOrder(client.orders.get('o2'))).toEqual(created);
    const updated = await asOrder(client.orders.update({ id: created.id, status: 'FULFILLED' }));
    expect(updated).toMatchObject({
      id: created.id,
      source_id: 'o2',
      status: 'FULFILLED',
      amount: 500,
    });
    expect(updated.updated_at).not.toBeNull();
  });

  it('orders.list pages with total (row 36)', async () => {
    const p = await createTestProject(t.app);
    const c = VoucherifyServerSide({
      applicationId: p.appId,
      secretKey: p.appToken,
      apiUrl: t.url,
    });
    for (let i = 0; i < 3; i++) {
      await c.orders.create({ source_id: `l${i}`, amount: i });
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct created_at milliseconds
    }
    const page = await c.orders.list({ limit: 2, page: 1 });
    expect(page).toMatchObject({ object: 'list', data_ref: 'orders', total: 3 });
    expect(page.orders.map((o) => o.source_id)).toEqual(['l2', 'l1']);
    const second = await c.orders.list({ limit: 2, page: 2 });
    expect(second.orders.map((o) => o.source_id)).toEqual(['l0']);
  });

  it('orders.import answers an async action that reports DONE with per-row errors (row 36)', async () => {
    const p = await createTestProject(t.app);
    const c = VoucherifyServerSide({
      applicationId: p.appId,
      secretKey: p.appToken,
      apiUrl: t.url,
    });
    const response = await c.orders.import([
      {
        source_id: 'i1',
        status: 'PAID',
        items: [{ product_id: 'p', quantity: 2, price: 300 }],
        customer: { source_id: 'ic' },
      },
      { source_id: 'i2', amount: -5 } as never,
      { source_id: 'i3', amount: 100, customer: { source_id: 'ic' } },
    ]);
    expect(response.async_action_id).toMatch(/^aa_/);
    const action = await untilDone(c, response.async_action_id);
    expect(action).toMatchObject({
      type: 'ORDERS.IMPORT',
      status: 'DONE',
      progress: 100,
      object: 'async_action',
    });
    expect(action.result).toMatchObject({
      done_count: 2,
      failed_count: 1,
      failed: [{ index: 1, source_id: 'i2', code: 400, key: 'invalid_payload' }],
    });
    expect(JSON.stringify(action.result)).toContain('[1].amount');
    expect(await asOrder(c.orders.get('i1'))).toMatchObject({ amount: 600, status: 'PAID' });
    await expect(c.orders.get('i2')).rejects.toMatchObject({ code: 404, resource_type: 'order' });
    const customers = await c.customers.list({ limit: 10 });
    expect(customers.total).toBe(1);
  });
});
