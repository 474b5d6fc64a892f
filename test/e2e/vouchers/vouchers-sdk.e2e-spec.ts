import { VoucherifyServerSide } from '@voucherify/sdk';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';
import { waitForAction } from './helpers';

/** Every SDK call of the contract's §11 rows 1–17 (and 40), through the official SDK. */
describe('vouchers and campaigns through @voucherify/sdk (e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  let client: ReturnType<typeof VoucherifyServerSide>;

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
    a = await createTestProject(t.app);
    client = VoucherifyServerSide({ applicationId: a.appId, secretKey: a.appToken, apiUrl: t.url });
  });
  afterAll(() => t.close());

  it('row 1: vouchers.create with a code', async () => {
    const v = await client.vouchers.create({
      code: 'SUMMER10',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'PERCENT' as never, percent_off: 10 },
    });
    expect(v).toMatchObject({
      object: 'voucher',
      code: 'SUMMER10',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'PERCENT' as never, percent_off: 10, effect: 'APPLY_TO_ORDER' },
      campaign: null,
      active: true,
      metadata: {},
      gift: null,
      redemption: {
        object: 'list',
        quantity: null,
        redeemed_quantity: 0,
        url: '/v1/vouchers/SUMMER10/redemptions?page=1&limit=10',
      },
      publish: { object: 'list', count: 0 },
      updated_at: null,
    });
    expect(v.id).toMatch(/^v_/);
    expect(new Date(v.created_at!).toISOString()).toBe(v.created_at);
  });

  it('row 1b: vouchers.create without a code generates one (POST /v1/vouchers/)', async () => {
    const v = await client.vouchers.create({
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT' as never, amount_off: 1000 },
    });
    expect(v.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);
    expect(v.discount).toMatchObject({ type: 'AMOUNT', amount_off: 1000 });
  });

  it('row 2: vouchers.get', async () => {
    const v = await client.vouchers.get('SUMMER10');
    expect(v).toMatchObject({ code: 'SUMMER10', object: 'voucher' });
    expect(v.validation_rules_assignments).toMatchObject({
      object: 'list',
      data_ref: 'data',
      total: 0,
    });
  });

  it('row 3: vouchers.update (code in the body is ignored)', async () => {
    const v = await client.vouchers.update({ code: 'SUMMER10', active: false, metadata: { a: 1 } });
    expect(v).toMatchObject({ code: 'SUMMER10', active: false, metadata: { a: 1 } });
    expect(v.updated_at).not.toBeNull();
  });

  it('row 4: vouchers.delete force frees the code', async () => {
    await client.vouchers.create({
      code: 'GONE1',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT' as never, amount_off: 1 },
    });
    await expect(client.vouchers.delete('GONE1', { force: true })).resolves.toBeFalsy();
    await expect(client.vouchers.get('GONE1')).rejects.toMatchObject({
      code: 404,
      key: 'not_found',
    });
    const again = await client.vouchers.create({
      code: 'GONE1',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT' as never, amount_off: 1 },
    });
    expect(again.code).toBe('GONE1');
  });

  it('rows 6: vouchers.enable / disable', async () => {
    expect(await client.vouchers.enable('SUMMER10')).toMatchObject({
      code: 'SUMMER10',
      active: true,
    });
    expect(await client.vouchers.disable('SUMMER10')).toMatchObject({
      code: 'SUMMER10',
      active: false,
    });
  });

  it('row 7: vouchers.import (JSON) and row 40: asyncActions.get', async () => {
    const res = await client.vouchers.import([
      {
        code: 'IMP1',
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT' as never, amount_off: 500 },
        metadata: { batch: 1 },
      },
      { code: 'IMP2', type: 'GIFT_VOUCHER', gift: { amount: 2000 } },
      {
        code: 'SUMMER10',
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'AMOUNT' as never, amount_off: 1 },
      },
    ] as never);
    expect(res.async_action_id).toMatch(/^aa_/);
    await waitForAction(t, a, res.async_action_id);
    const action = await client.asyncActions.get(res.async_action_id);
    expect(action).toMatchObject({
      id: res.async_action_id,
      type: 'VOUCHERS.IMPORT',
      status: 'DONE',
      object: 'async_action',
    });
    expect(action.result).toMatchObject({
      done_count: 2,
      failed_count: 1,
      failed: [{ row: 2, code: 'SUMMER10' }],
    });
    expect(await client.vouchers.get('IMP2')).toMatchObject({
      gift: { amount: 2000, balance: 2000 },
    });
  });

  it('row 8: vouchers.importCSV (unknown columns become metadata)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouchers-csv-'));
    const file = join(dir, 'v.csv');
    writeFileSync(
      file,
      'Code,Voucher Type,Value,Discount Type,Category,Redemption Limit,Region\nCSV1,DISCOUNT_VOUCHER,15,PERCENT,spring,5,EU\nCSV2,GIFT_VOUCHER,3000,,,,US\n,DISCOUNT_VOUCHER,1,AMOUNT,,,\n',
    );
    const res = await client.vouchers.importCSV(file);
    const action = await waitForAction(t, a, res.async_action_id);
    expect(action).toMatchObject({ type: 'VOUCHERS.IMPORT_CSV', status: 'DONE' });
    expect(action.result).toMatchObject({ done_count: 2, failed_count: 1 });
    expect(await client.vouchers.get('CSV1')).toMatchObject({
      discount: { type: 'PERCENT' as never, percent_off: 15 },
      category: 'spring',
      redemption: { quantity: 5 },
      metadata: { Region: 'EU' },
    });
    expect(await client.vouchers.get('CSV2')).toMatchObject({
      type: 'GIFT_VOUCHER',
      gift: { amount: 3000 },
    });
  });

  it('rows 9–10: balance.create and listTransactions (cursor)', async () => {
    await client.vouchers.create({
      code: 'GIFT1',
      type: 'GIFT_VOUCHER',
      gift: { amount: 10000 },
    } as never);
    const added = await client.vouchers.balance.create('GIFT1', { amount: 2500 });
    expect(added).toMatchObject({
      amount: 2500,
      total: 12500,
      balance: 12500,
      type: 'gift_voucher',
      object: 'balance',
      operation_type: 'MANUAL',
    });
    const removed = await client.vouchers.balance.create('GIFT1', { amount: -500 });
    expect(removed).toMatchObject({ amount: -500, total: 12500, balance: 12000 });
    await expect(
      client.vouchers.balance.create('GIFT1', { amount: -999999 }),
    ).rejects.toMatchObject({ code: 400, key: 'gift_amount_exceeded' });
    const page1 = await client.vouchers.listTransactions('GIFT1', { limit: 1, order: '-id' });
    expect(page1).toMatchObject({ object: 'list', data_ref: 'data', has_more: true });
    expect(page1.data[0]).toMatchObject({
      type: 'CREDITS_REMOVAL',
      details: { balance: { amount: -500, balance: 12000 } },
    });
    expect(page1.data[0].id).toMatch(/^vtx_/);
    const page2 = await client.vouchers.listTransactions('GIFT1', {
      limit: 5,
      order: '-id',
      starting_after_id: page1.more_starting_after!,
    } as never);
    expect(page2.data.map((d: { type: string }) => d.type)).toEqual(['CREDITS_ADDITION']);
    expect(page2).toMatchObject({ has_more: false, more_starting_after: null });
    expect(await client.vouchers.get('GIFT1')).toMatchObject({
      gift: { amount: 12500, subtracted_amount: 500, balance: 12000 },
    });
  });

  it('rows 11–17: the campaign lifecycle', async () => {
    const created = await client.campaigns.create({
      name: 'Camp',
      campaign_type: 'DISCOUNT_COUPONS',
      type: 'AUTO_UPDATE',
      vouchers_count: 5,
      voucher: {
        type: 'DISCOUNT_VOUCHER',
        discount: { type: 'PERCENT' as never, percent_off: 20 },
        redemption: { quantity: 1 },
        code_config: { length: 6, prefix: 'CMP-', suffix: '-X' },
      },
      start_date: '2025-01-01T00:00:00Z',
    } as never);
    expect(created).toMatchObject({
      name: 'Camp',
      object: 'campaign',
      campaign_type: 'DISCOUNT_COUPONS',
      type: 'AUTO_UPDATE',
    });
    expect(created.id).toMatch(/^camp_/);
    expect(['IN_PROGRESS', 'DONE']).toContain(created.vouchers_generation_status);

    let fetched = await client.campaigns.get('Camp');
    for (let i = 0; i < 200 && fetched.vouchers_generation_status !== 'DONE'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      fetched = await client.campaigns.get('Camp');
    }
    expect(fetched).toMatchObject({
      vouchers_count: 5,
      vouchers_generation_status: 'DONE',
      voucher: { code_config: { prefix: 'CMP-', postfix: '-X', length: 6 } },
    });

    const listed = await client.vouchers.list({ limit: 10, page: 1, campaign: 'Camp' });
    expect(listed).toMatchObject({ object: 'list', data_ref: 'vouchers', total: 5 });
    for (const v of listed.vouchers) {
      expect(v.code).toMatch(/^CMP-[A-Z2-9]{6}-X$/);
      expect(v).toMatchObject({
        campaign: 'Camp',
        campaign_id: created.id,
        start_date: '2025-01-01T00:00:00.000Z',
        redemption: { quantity: 1 },
      });
    }

    const updated = await client.campaigns.update('Camp', { description: 'd' } as never);
    expect(updated).toMatchObject({ name: 'Camp', description: 'd' });

    const campaigns = await client.campaigns.list({
      limit: 5,
      page: 1,
      campaign_type: 'DISCOUNT_COUPONS',
    } as never);
    expect(campaigns).toMatchObject({ object: 'list', data_ref: 'campaigns', total: 1 });
    expect(campaigns.campaigns[0].name).toBe('Camp');

    const one = await client.campaigns.addVoucher('Camp', { metadata: { a: 1 } } as never);
    expect(one).toMatchObject({ object: 'voucher', campaign: 'Camp', metadata: { a: 1 } });
    const many = (await client.campaigns.addVoucher('Camp', { metadata: { a: 1 } } as never, {
      vouchers_count: 3,
    })) as unknown as { async_action_id: string };
    expect((await waitForAction(t, a, many.async_action_id)).status).toBe('DONE');

    const certain = await client.campaigns.addCertainVoucher('Camp', 'CODE1', {
      metadata: {},
    } as never);
    expect(certain).toMatchObject({
      code: 'CODE1',
      campaign: 'Camp',
      discount: { percent_off: 20 },
    });
    await expect(
      client.campaigns.addCertainVoucher('Camp', 'CODE1', {} as never),
    ).rejects.toMatchObject({ code: 409, key: 'duplicate_found' });

    const imported = await client.campaigns.importVouchers('Camp', [{ code: 'C1' }] as never);
    expect((await waitForAction(t, a, imported.async_action_id)).result).toMatchObject({
      done_count: 1,
    });
    expect(await client.vouchers.get('C1')).toMatchObject({
      campaign: 'Camp',
      discount: { percent_off: 20 },
    });
    expect((await client.campaigns.get('Camp')).vouchers_count).toBe(5 + 1 + 3 + 1 + 1);

    expect(await client.campaigns.disable('Camp')).toEqual({});
    expect((await client.campaigns.get('Camp')).active).toBe(false);
    expect(await client.campaigns.enable('Camp')).toEqual({});

    const deleted = (await client.campaigns.delete('Camp', { force: true })) as {
      async_action_id: string;
    };
    expect(deleted.async_action_id).toMatch(/^aa_/);
    expect(await waitForAction(t, a, deleted.async_action_id)).toMatchObject({
      status: 'DONE',
      result: { deleted_count: 11 },
    });
    await expect(client.campaigns.get('Camp')).rejects.toMatchObject({
      code: 404,
      key: 'not_found',
      resource_type: 'campaign',
    });
    await expect(client.vouchers.get('C1')).rejects.toMatchObject({ code: 404 });
  });

  it('row 5: vouchers.list with paging and a campaign filter', async () => {
    const page = await client.vouchers.list({ limit: 2, page: 1 });
    expect(page.vouchers).toHaveLength(2);
    expect(page.total).toBeGreaterThan(2);
    const none = await client.vouchers.list({ limit: 10, page: 2, campaign: 'NoSuch' });
    expect(none).toMatchObject({ object: 'list', data_ref: 'vouchers', vouchers: [], total: 0 });
  });
});
