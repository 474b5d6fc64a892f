import { VoucherifyServerSide } from '@voucherify/sdk';
import type { CustomerObject } from '@app/customers';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

type Client = ReturnType<typeof VoucherifyServerSide>;
/** The SDK types a customer response as a union with unconfirmed customers; ours are confirmed. */
/** Drains customers.scroll (its generator type cannot be for-await-ed under strict TS). */
async function scrolledIds(scroll: AsyncGenerator<unknown, void, never>): Promise<string[]> {
  const ids: string[] = [];
  for (let next = await scroll.next(); !next.done; next = await scroll.next()) {
    ids.push((next.value as CustomerObject).id);
  }
  return ids;
}
const asCustomer = async (response: Promise<unknown>) => (await response) as CustomerObject;

const EMPTY_SUMMARY = {
  redemptions: {
    total_redeemed: 0,
    total_failed: 0,
    total_succeeded: 0,
    total_rolled_back: 0,
    total_rollback_failed: 0,
    total_rollback_succeeded: 0,
    gift: { redeemed_amount: 0, amount_to_go: 0 },
    loyalty_card: { redeemed_points: 0, points_to_go: 0 },
  },
  orders: {
    total_amount: 0,
    total_count: 0,
    average_amount: 0,
    last_order_amount: 0,
    last_order_date: null,
  },
};

describe('customers through the official SDK (contract section 11 rows 29–33)', () => {
  let t: TestApp;
  let a: TestProject;
  let client: Client;

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
    a = await createTestProject(t.app);
    client = VoucherifyServerSide({ applicationId: a.appId, secretKey: a.appToken, apiUrl: t.url });
  });
  afterAll(() => t.close());

  it('customers.create returns the full customer object (row 29)', async () => {
    const customer = await asCustomer(
      client.customers.create({
        source_id: 'c1',
        name: 'Bob',
        email: 'b@x.io',
        metadata: { vip: true },
      }),
    );
    expect(customer).toMatchObject({
      source_id: 'c1',
      name: 'Bob',
      email: 'b@x.io',
      phone: null,
      description: null,
      birthdate: null,
      address: {
        city: null,
        state: null,
        line_1: null,
        line_2: null,
        country: null,
        postal_code: null,
      },
      summary: EMPTY_SUMMARY,
      loyalty: { points: 0, referred_customers: 0, campaigns: {} },
      referrals: { total: 0, campaigns: [] },
      metadata: { vip: true },
      system_metadata: {},
      updated_at: null,
      object: 'customer',
    });
    expect(customer.id).toMatch(/^cust_/);
    expect(new Date(customer.created_at as string).toISOString()).toBe(customer.created_at);
  });

  it('customers.create is an upsert by source_id, changing only the given fields', async () => {
    const first = await asCustomer(
      client.customers.create({ source_id: 'up1', name: 'A', phone: '+1 1' }),
    );
    const second = await asCustomer(client.customers.create({ source_id: 'up1', email: 'a@x.io' }));
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ name: 'A', phone: '+1 1', email: 'a@x.io' });
    expect(second.updated_at).not.toBeNull();
  });

  it('customers.get accepts the source_id and the cust_ id (row 30)', async () => {
    const created = await asCustomer(client.customers.create({ source_id: 'g1', name: 'G' }));
    const bySource = await asCustomer(client.customers.get('g1'));
    const byId = await asCustomer(client.customers.get(created.id));
    expect(bySource).toEqual(created);
    expect(byId).toEqual(created);
  });

  it('customers.update by source_id sends source_id in the body and is accepted (row 31)', async () => {
    const created = await asCustomer(client.customers.create({ source_id: 'u1', name: 'Bob' }));
    const updated = await asCustomer(client.customers.update({ source_id: 'u1', name: 'Bob2' }));
    expect(updated).toMatchObject({
      id: created.id,
      source_id: 'u1',
      name: 'Bob2',
      object: 'customer',
    });
    expect(updated.updated_at).not.toBeNull();
  });

  it('customers.update by id (row 31b), with address and birthdate', async () => {
    const created = await asCustomer(client.customers.create({ source_id: 'u2', name: 'Bob' }));
    const updated = await asCustomer(
      client.customers.update({
        id: created.id,
        name: 'Bob2',
        birthdate: '1990-01-31',
        address: { city: 'New York', postal_code: '10001' },
      }),
    );
    expect(updated).toMatchObject({
      id: created.id,
      source_id: 'u2',
      name: 'Bob2',
      birthdate: '1990-01-31',
      address: { city: 'New York', postal_code: '10001', line_1: null },
    });
  });

  it('customers.delete answers 204 and the customer is gone (row 32)', async () => {
    const created = await asCustomer(client.customers.create({ source_id: 'd1' }));
    await expect(client.customers.delete(created.id)).resolves.toBeFalsy(); // 204, empty body
    await expect(client.customers.get(created.id)).rejects.toMatchObject({
      code: 404,
      key: 'not_found',
      resource_type: 'customer',
      resource_id: created.id,
    });
  });

  it('customers.list filters by email and reports has_more (row 33)', async () => {
    await asCustomer(client.customers.create({ source_id: 'l1', email: 'list@x.io' }));
    await asCustomer(client.customers.create({ source_id: 'l2', email: 'list@x.io' }));
    await asCustomer(client.customers.create({ source_id: 'l3', email: 'other@x.io' }));
    const page = await client.customers.list({ limit: 1, email: 'list@x.io' });
    expect(page).toMatchObject({ object: 'list', data_ref: 'customers', total: 2, has_more: true });
    expect(page.customers).toHaveLength(1);
    expect(page.customers[0]).toMatchObject({ email: 'list@x.io', object: 'customer' });
    const rest = await client.customers.list({ limit: 10, email: 'list@x.io' });
    expect(rest.has_more).toBe(false);
    expect(rest.customers.map((c) => c.source_id).sort()).toEqual(['l1', 'l2']);
  });

  it('customers.scroll walks every customer through the starting_after cursor, both directions', async () => {
    const p = await createTestProject(t.app);
    const c = VoucherifyServerSide({
      applicationId: p.appId,
      secretKey: p.appToken,
      apiUrl: t.url,
    });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await asCustomer(c.customers.create({ source_id: `s${i}` }))).id);
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct created_at milliseconds
    }
    expect(await scrolledIds(c.customers.scroll({ limit: 3 }))).toEqual([...ids].reverse());
    expect(await scrolledIds(c.customers.scroll({ limit: 2, order: 'created_at' }))).toEqual(ids);
  });
});
