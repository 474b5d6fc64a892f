import { VoucherifyClientSide, VoucherifyServerSide } from '@voucherify/sdk';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';
import { createCampaign } from './helpers';

/** Contract §11 rows 27–28 and the client-side publish, through the official SDK. */
describe('publications through @voucherify/sdk (e2e)', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let a: TestProject;
  let client: ReturnType<typeof VoucherifyServerSide>;

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
    a = await createTestProject(t.app);
    client = VoucherifyServerSide({ applicationId: a.appId, secretKey: a.appToken, apiUrl: t.url });
    await createCampaign(t, a, 'Camp', 'STATIC', 5);
  });
  afterAll(() => t.close());

  /**
   * The SDK sends whatever it is given; its type lacks `metadata` and the plain-string
   * campaign the spec allows, and a request without campaign or voucher is the error case.
   */
  type CreateParams = Parameters<typeof client.distributions.publications.create>[0];
  const params = (body: Record<string, unknown>) => body as unknown as CreateParams;

  it('row 27: distributions.publications.create with join_once in the body', async () => {
    const p = await client.distributions.publications.create(
      params({
        campaign: { name: 'Camp', count: 1 },
        customer: { source_id: 'c1' },
        join_once: true,
        metadata: { m: 1 },
      }),
    );
    expect(p).toMatchObject({
      object: 'publication',
      result: 'SUCCESS',
      tracking_id: 'c1',
      channel: 'API',
      metadata: { m: 1 },
      customer: { source_id: 'c1', object: 'customer' },
      voucher: { object: 'voucher', campaign: 'Camp', type: 'DISCOUNT_VOUCHER' },
    });
    expect(p.id).toMatch(/^pub_/);
    expect(p.customer_id).toMatch(/^cust_/);
    expect(p.voucher.code).toMatch(/^CAMP-/);
    expect((p.voucher as unknown as { holder_id: string }).holder_id).toBe(p.customer_id);
    expect(new Date(p.created_at).toISOString()).toBe(p.created_at);

    const again = await client.distributions.publications.create(
      params({
        campaign: { name: 'Camp', count: 1 },
        customer: { source_id: 'c1' },
        join_once: true,
      }),
    );
    expect(again.voucher.code).toBe(p.voucher.code);
    expect(again.id).toBe(p.id);
  });

  it('row 28: distributions.publications.list with campaign and customer', async () => {
    await client.distributions.publications.create(
      params({
        campaign: 'Camp',
        customer: { source_id: 'c2' },
      }),
    );
    const list = await client.distributions.publications.list({
      limit: 5,
      campaign: 'Camp',
      customer: 'c1',
    });
    expect(list).toMatchObject({ object: 'list', data_ref: 'publications', total: 1 });
    const [item] = (list as unknown as { publications: Record<string, unknown>[] }).publications;
    expect(item).toMatchObject({
      object: 'publication',
      tracking_id: 'c1',
      result: 'SUCCESS',
      metadata: { m: 1 },
      voucher: { campaign: 'Camp', object: 'voucher' },
    });
    const all = await client.distributions.publications.list({ limit: 5, campaign: 'Camp' });
    expect((all as unknown as { total: number }).total).toBe(2);
  });

  it('the SDK surfaces publication errors as VoucherifyError with the contract key', async () => {
    await expect(
      client.distributions.publications.create(params({ customer: { source_id: 'c3' } })),
    ).rejects.toMatchObject({
      code: 400,
      key: 'missing_vouchers',
      message: 'Either Campaign or Voucher is required',
    });
  });

  it('client side: publish(campaign, {}) with the tracking id as the customer', async () => {
    const cs = VoucherifyClientSide({
      clientApplicationId: a.clientAppId,
      clientSecretKey: a.clientToken,
      apiUrl: t.url,
      origin: 'https://shop.example',
      trackingId: 'track1',
    });
    const p = await cs.publish('Camp', {});
    expect(p).toMatchObject({
      object: 'publication',
      result: 'SUCCESS',
      tracking_id: 'track1',
      channel: 'Voucherify.js',
      customer: { source_id: 'track1' },
      voucher: { campaign: 'Camp' },
    });
    expect(p.vouchers_id).toEqual([p.voucher.id]);
    // join_once through the client's query parameters.
    const once = await cs.publish('Camp', {}, { join_once: true });
    const twice = await cs.publish('Camp', {}, { join_once: true });
    expect(twice.voucher.code).toBe(once.voucher.code);
    // A publishable key identifies the customer by source_id only; profile fields are ignored.
    const probe = await cs.publish('Camp', {
      customer: { source_id: 'c1', name: 'Mallory', email: 'm@evil.example' },
    });
    expect(probe.customer_id).toBeDefined();
    const c1 = await client.customers.get('c1');
    expect(c1).toMatchObject({ source_id: 'c1', name: null, email: null });
    await expect(cs.publish('NoSuchCamp', {})).rejects.toMatchObject({
      code: 404,
      key: 'not_found',
    });
  });
});
