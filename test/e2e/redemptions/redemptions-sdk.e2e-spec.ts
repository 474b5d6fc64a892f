import { VoucherifyClientSide, VoucherifyServerSide } from '@voucherify/sdk';
import request from 'supertest';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The contract's §11 rows 18–26 through the official SDK, plus the client-side SDK. */
describe('validations and redemptions through @voucherify/sdk (e2e)', () => {
  let t: TestApp;
  let a: TestProject;
  let client: ReturnType<typeof VoucherifyServerSide>;
  let clientSide: ReturnType<typeof VoucherifyClientSide>;

  const createVoucher = (body: Json) =>
    request(t.app.getHttpServer())
      .post(`/v1/vouchers/${encodeURIComponent(body.code as string)}`)
      .set(a.headers)
      .send(body)
      .expect(200);

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
    a = await createTestProject(t.app);
    client = VoucherifyServerSide({ applicationId: a.appId, secretKey: a.appToken, apiUrl: t.url });
    clientSide = VoucherifyClientSide({
      clientApplicationId: a.clientAppId,
      clientSecretKey: a.clientToken,
      apiUrl: t.url,
      origin: 'https://shop.example',
      trackingId: 'track1',
    });
    await createVoucher({
      code: 'SUMMER10',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'PERCENT', percent_off: 10 },
      redemption: { quantity: 100 },
      metadata: { source: 'crm' },
    });
    await createVoucher({
      code: 'AMOUNT5',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 500 },
    });
    await createVoucher({ code: 'GIFT1', type: 'GIFT_VOUCHER', gift: { amount: 10000 } });
    await createVoucher({
      code: 'OLD',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      expiration_date: '2020-01-01T00:00:00Z',
    });
    await createVoucher({
      code: 'LATER',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      start_date: '2099-01-01T00:00:00Z',
    });
    await createVoucher({
      code: 'OFF',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      active: false,
    });
    await createVoucher({
      code: 'ONCE',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      redemption: { quantity: 1 },
    });
  });
  afterAll(() => t.close());

  it('row 18: validateVoucher → valid with the computed order', async () => {
    const res = (await client.validations.validateVoucher('SUMMER10', {
      customer: { source_id: 'c1' },
      order: { amount: 10000 },
    })) as Json;
    expect(res).toMatchObject({
      valid: true,
      code: 'SUMMER10',
      campaign: null,
      campaign_id: null,
      metadata: { source: 'crm' },
      discount: { type: 'PERCENT', percent_off: 10 },
      order: {
        amount: 10000,
        discount_amount: 1000,
        total_discount_amount: 1000,
        total_amount: 9000,
        applied_discount_amount: 1000,
        total_applied_discount_amount: 1000,
        items_discount_amount: 0,
        object: 'order',
      },
      applicable_to: { object: 'list', total: 0 },
    });
    expect(res.tracking_id).toMatch(/^track_/);
  });

  it('row 18: invalid reasons come back as 200 valid:false with the error body', async () => {
    const cases: [string, string, string][] = [
      ['OLD', 'voucher_expired', 'voucher expired'],
      ['LATER', 'voucher_not_active', 'voucher not active'],
      ['OFF', 'voucher_disabled', 'voucher is disabled'],
    ];
    for (const [code, key, reason] of cases) {
      const res = (await client.validations.validateVoucher(code, {
        order: { amount: 1000 },
      })) as Json;
      expect(res).toMatchObject({
        valid: false,
        code,
        reason,
        error: { code: 400, key, message: reason, details: code },
      });
      expect(res.error.request_id).toMatch(/^v-/);
    }
    const gift = (await client.validations.validateVoucher('GIFT1', {})) as Json;
    expect(gift).toMatchObject({ valid: false, error: { key: 'missing_amount' } });
    const tooMuch = (await client.validations.validateVoucher('GIFT1', {
      gift: { credits: 20000 },
    } as never)) as Json;
    expect(tooMuch).toMatchObject({ valid: false, error: { key: 'gift_amount_exceeded' } });
  });

  it('row 18: a rule violation carries the rule custom message', async () => {
    const rule = await client.validationRules.create({
      name: 'min 50',
      rules: {
        1: { name: 'order.amount', conditions: { $more_than_equal: [5000] }, rules: {} },
        logic: '1',
      },
      error: { message: 'Spend at least 50' },
    } as never);
    await createVoucher({
      code: 'RULED',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
    });
    await request(t.app.getHttpServer())
      .post(`/v1/validation-rules/${rule.id}/assignments`)
      .set(a.headers)
      .send({ related_object_type: 'voucher', related_object_id: await voucherIdOf('RULED') })
      .expect(200);
    const res = (await client.validations.validateVoucher('RULED', {
      order: { amount: 1000 },
    })) as Json;
    expect(res).toMatchObject({
      valid: false,
      reason: 'order does not match validation rules',
      error: { key: 'order_rules_violated', error: { message: 'Spend at least 50' } },
    });
    const ok = (await client.validations.validateVoucher('RULED', {
      order: { amount: 6000 },
    })) as Json;
    expect(ok.valid).toBe(true);
  });

  it('row 18: an unknown code is 404 not_found', async () => {
    await expect(client.validations.validateVoucher('NOPE', {})).rejects.toMatchObject({
      code: 404,
      key: 'not_found',
      resource_type: 'voucher',
    });
  });

  it('row 19: validateStackable sums the stack and reports INAPPLICABLE and SKIPPED', async () => {
    const res = (await client.validations.validateStackable({
      redeemables: [
        { object: 'voucher', id: 'SUMMER10' },
        { object: 'voucher', id: 'AMOUNT5' },
      ],
      order: { amount: 10000 },
      customer: { source_id: 'c1' },
    })) as Json;
    expect(res.valid).toBe(true);
    expect(res.id).toMatch(/^valid_/);
    expect(res.redeemables.map((r: Json) => r.status)).toEqual(['APPLICABLE', 'APPLICABLE']);
    // order-level in request order: 10% of 100.00, then 5.00 off the rest
    expect(res.order).toMatchObject({ amount: 10000, discount_amount: 1500, total_amount: 8500 });
    expect(res.stacking_rules).toMatchObject({
      redeemables_application_mode: 'ALL',
      applicable_redeemables_limit: 5,
    });

    const all = (await client.validations.validateStackable({
      redeemables: [
        { object: 'voucher', id: 'SUMMER10' },
        { object: 'voucher', id: 'MISSING' },
      ],
      order: { amount: 10000 },
    })) as Json;
    expect(all.valid).toBe(false);
    expect(all.redeemables[0]).toMatchObject({
      status: 'SKIPPED',
      result: { details: { key: 'preceding_validation_failed' } },
    });
    expect(all.redeemables[1]).toMatchObject({
      status: 'INAPPLICABLE',
      result: { error: { code: 404, key: 'not_found' } },
    });

    const partial = (await client.validations.validateStackable({
      redeemables: [
        { object: 'voucher', id: 'SUMMER10' },
        { object: 'voucher', id: 'OLD' },
        { object: 'voucher', id: 'AMOUNT5' },
      ],
      order: { amount: 10000 },
      stacking_rules: { redeemables_application_mode: 'PARTIAL', applicable_redeemables_limit: 1 },
    } as never)) as Json;
    expect(partial.valid).toBe(true);
    expect(partial.redeemables.map((r: Json) => r.status)).toEqual([
      'APPLICABLE',
      'INAPPLICABLE',
      'SKIPPED',
    ]);
    expect(partial.skipped_redeemables[0].result.details.key).toBe(
      'applicable_redeemables_limit_exceeded',
    );
    expect(partial.order.total_amount).toBe(9000);

    await expect(
      client.validations.validateStackable({
        redeemables: [
          { object: 'voucher', id: 'SUMMER10' },
          { object: 'voucher', id: 'SUMMER10' },
        ],
      }),
    ).rejects.toMatchObject({ code: 400, key: 'duplicated_redeemables' });
  });

  let single: Json;
  it('row 20: redeem → redemption with order, customer and voucher', async () => {
    single = (await client.redemptions.redeem('SUMMER10', {
      customer: { source_id: 'c1', name: 'Bob' },
      order: { source_id: 'o1', amount: 10000 },
      metadata: { m: 1 },
    } as never)) as Json;
    expect(single).toMatchObject({
      object: 'redemption',
      result: 'SUCCESS',
      status: 'SUCCEEDED',
      metadata: { m: 1 },
      related_object_type: 'voucher',
      customer: { source_id: 'c1', name: 'Bob', object: 'customer' },
      order: { amount: 10000, discount_amount: 1000, total_amount: 9000, source_id: 'o1' },
      voucher: { code: 'SUMMER10', redemption: { quantity: 100, redeemed_quantity: 1 } },
      channel: { channel_type: 'API' },
    });
    expect(single.id).toMatch(/^r_/);
    expect(single.customer_id).toMatch(/^cust_/);
    expect(single.order.id).toMatch(/^ord_/);
    expect(single.order.redemptions[single.id]).toMatchObject({ related_object_type: 'voucher' });
    const order = await request(t.app.getHttpServer())
      .get(`/v1/orders/${single.order.id}`)
      .set(a.headers)
      .expect(200);
    expect(order.body.redemptions[single.id]).toBeDefined();
    expect(order.body).toMatchObject({ customer_id: single.customer_id, discount_amount: 1000 });
  });

  it('row 20: a refused redemption is 400 with the recorded rf_ id', async () => {
    await client.redemptions.redeem('ONCE', {});
    const error = (await client.redemptions.redeem('ONCE', {}).catch((e: Json) => e)) as Json;
    expect(error).toMatchObject({
      code: 400,
      key: 'quantity_exceeded',
      message: 'quantity exceeded',
      details: 'ONCE',
      resource_type: 'redemption',
    });
    expect(error.resource_id).toMatch(/^rf_/);
    const failed = (await client.redemptions.get(error.resource_id)) as Json;
    expect(failed).toMatchObject({
      id: error.resource_id,
      result: 'FAILURE',
      status: 'FAILED',
      failure_code: 'quantity_exceeded',
    });
  });

  let stacked: Json;
  it('row 21: redeemStackable → children, parent and order', async () => {
    stacked = (await client.redemptions.redeemStackable({
      redeemables: [
        { object: 'voucher', id: 'AMOUNT5' },
        { object: 'voucher', id: 'GIFT1', gift: { credits: 2000 } },
      ],
      order: { amount: 10000 },
      customer: { source_id: 'c2' },
    })) as Json;
    expect(stacked.redemptions).toHaveLength(2);
    const parentId = stacked.parent_redemption.id;
    expect(stacked.parent_redemption).toMatchObject({
      object: 'redemption',
      result: 'SUCCESS',
      related_object_type: 'redemption',
      related_object_id: parentId,
    });
    for (const r of stacked.redemptions) expect(r.redemption).toBe(parentId);
    expect(stacked.order).toMatchObject({
      amount: 10000,
      discount_amount: 2500,
      total_amount: 7500,
      redemptions: { [parentId]: { related_object_type: 'redemption' } },
    });
    expect(stacked.order.redemptions[parentId].stacked).toHaveLength(2);
    const gift = stacked.redemptions.find((r: Json) => r.voucher.code === 'GIFT1');
    expect(gift).toMatchObject({ amount: 2000, voucher: { gift: { balance: 8000 } } });
    expect(stacked.inapplicable_redeemables).toEqual([]);
  });

  it('row 22: get a redemption', async () => {
    expect(await client.redemptions.get(single.id)).toMatchObject({
      id: single.id,
      object: 'redemption',
      voucher: { code: 'SUMMER10' },
    });
    await expect(client.redemptions.get('r_nope')).rejects.toMatchObject({ code: 404 });
  });

  it('row 23: list redemptions with filters', async () => {
    const res = (await client.redemptions.list({
      limit: 5,
      page: 1,
      result: 'SUCCESS',
      customer: 'c1',
      created_at: { before: '2999-01-01' },
    } as never)) as Json;
    expect(res).toMatchObject({ object: 'list', data_ref: 'redemptions', total: 1 });
    expect(res.redemptions[0].id).toBe(single.id);
    const failures = (await client.redemptions.list({ result: 'FAILURE' } as never)) as Json;
    expect(failures.redemptions.every((r: Json) => r.result === 'FAILURE')).toBe(true);
    expect(failures.total).toBeGreaterThan(0);
  });

  it('row 24: getForVoucher', async () => {
    const res = (await client.redemptions.getForVoucher('SUMMER10')) as Json;
    expect(res).toMatchObject({
      object: 'list',
      data_ref: 'redemption_entries',
      quantity: 100,
      redeemed_quantity: 1,
      total: 1,
    });
    expect(res.redemption_entries[0].id).toBe(single.id);
  });

  it('row 25: rollback (reason as a string) restores the quantity, exactly once', async () => {
    const rb = (await client.redemptions.rollback(single.id, 'wrong order' as never)) as Json;
    expect(rb).toMatchObject({
      object: 'redemption_rollback',
      redemption: single.id,
      reason: 'wrong order',
      result: 'SUCCESS',
      voucher: { code: 'SUMMER10', redemption: { redeemed_quantity: 0 } },
    });
    expect(rb.id).toMatch(/^rr_/);
    expect(await client.redemptions.get(rb.id)).toMatchObject({ object: 'redemption_rollback' });
    expect(await client.redemptions.get(single.id)).toMatchObject({
      status: 'ROLLED_BACK',
      related_redemptions: { rollbacks: [{ id: rb.id }] },
    });
    const again = (await client.redemptions.rollback(single.id).catch((e: Json) => e)) as Json;
    expect(again).toMatchObject({
      code: 400,
      key: 'already_rolled_back',
      resource_type: 'redemption_rollback',
    });
    expect(again.resource_id).toMatch(/^rrf_/);
    const entries = (await client.redemptions.getForVoucher('SUMMER10')) as Json;
    // The refused second rollback is an entry too (rrf_, result FAILURE).
    expect(entries.redemption_entries.map((e: Json) => `${e.object}:${e.result}`).sort()).toEqual([
      'redemption:SUCCESS',
      'redemption_rollback:FAILURE',
      'redemption_rollback:SUCCESS',
    ]);
  });

  it('row 25b: rollback with options; child and parent rules', async () => {
    const r = (await client.redemptions.redeem('AMOUNT5', {
      customer: { source_id: 'c3' },
    } as never)) as Json;
    const rb = (await client.redemptions.rollback(r.id, {
      reason: 'why',
      tracking_id: 't1',
      customer: { source_id: 'c3' },
    } as never)) as Json;
    expect(rb).toMatchObject({ reason: 'why', tracking_id: 't1', redemption: r.id });
    await expect(client.redemptions.rollback(stacked.redemptions[0].id)).rejects.toMatchObject({
      key: 'invalid_redemption_parent',
    });
    await expect(client.redemptions.rollback(stacked.parent_redemption.id)).rejects.toMatchObject({
      key: 'invalid_redemption',
    });
  });

  it('row 26: rollbackStackable returns the gift credits', async () => {
    const parentId = stacked.parent_redemption.id;
    const res = (await client.redemptions.rollbackStackable(
      parentId,
      { reason: 'x' } as never,
      { reason: 'x' } as never,
    )) as Json;
    expect(res.rollbacks).toHaveLength(2);
    expect(res.parent_rollback).toMatchObject({
      object: 'redemption_rollback',
      redemption: parentId,
      reason: 'x',
    });
    const giftRollback = res.rollbacks.find((r: Json) => r.voucher.code === 'GIFT1');
    expect(giftRollback).toMatchObject({ amount: -2000, voucher: { gift: { balance: 10000 } } });
    const tx = await request(t.app.getHttpServer())
      .get('/v1/vouchers/GIFT1/transactions')
      .set(a.headers)
      .expect(200);
    expect(tx.body.data.map((x: Json) => x.type)).toEqual(
      expect.arrayContaining(['CREDITS_REDEMPTION', 'CREDITS_REFUND']),
    );
    await expect(
      client.redemptions.rollbackStackable(parentId, {} as never, {} as never),
    ).rejects.toMatchObject({ key: 'already_rolled_back' });
  });

  it('client side: validate (query form with item[]) and redeem', async () => {
    const v = (await clientSide.validate({
      code: 'SUMMER10',
      amount: 1000,
      items: [{ product_id: 'p', quantity: 1, price: 1000 }],
      customer: { source_id: 'c1' },
    } as never)) as Json;
    expect(v).toMatchObject({
      valid: true,
      code: 'SUMMER10',
      order: { amount: 1000, discount_amount: 100, total_amount: 900 },
      tracking_id: 'track1',
    });
    const r = (await clientSide.redeem('AMOUNT5', { order: { amount: 1000 } } as never)) as Json;
    expect(r).toMatchObject({
      object: 'redemption',
      result: 'SUCCESS',
      customer: { source_id: 'track1' },
      order: { total_amount: 500 },
    });
    const s = (await clientSide.validateStackable({
      redeemables: [{ object: 'voucher', id: 'AMOUNT5' }],
      order: { amount: 1000 },
    } as never)) as Json;
    expect(s.valid).toBe(true);
    const rs = (await clientSide.redeemStackable({
      redeemables: [{ object: 'voucher', id: 'AMOUNT5' }],
      order: { amount: 1000 },
    } as never)) as Json;
    expect(rs.redemptions).toHaveLength(1);
  });

  it('session LOCK holds a use; release frees it (204)', async () => {
    await createVoucher({
      code: 'HELD',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      redemption: { quantity: 1 },
    });
    const held = (await client.validations.validateVoucher('HELD', {
      session: { type: 'LOCK', ttl: 1, ttl_unit: 'HOURS' },
    } as never)) as Json;
    expect(held).toMatchObject({
      valid: true,
      session: { type: 'LOCK', ttl: 1, ttl_unit: 'HOURS' },
    });
    const key = held.session.key as string;
    expect(key).toMatch(/^ssn_/);
    // Another caller cannot take the held unit.
    const other = (await client.validations.validateVoucher('HELD', {})) as Json;
    expect(other).toMatchObject({ valid: false, error: { key: 'quantity_exceeded' } });
    await expect(client.redemptions.redeem('HELD', {})).rejects.toMatchObject({
      key: 'quantity_exceeded',
    });
    await client.vouchers.releaseValidationSession('HELD', key);
    await expect(client.vouchers.releaseValidationSession('HELD', key)).rejects.toMatchObject({
      code: 404,
    });
    // Hold again, then redeem with the session key.
    const again = (await client.validations.validateVoucher('HELD', {
      session: { type: 'LOCK', key: 'ssn_mine' },
    } as never)) as Json;
    expect(again.session.key).toBe('ssn_mine');
    const r = (await client.redemptions.redeem('HELD', {
      session: { key: 'ssn_mine' },
    } as never)) as Json;
    expect(r).toMatchObject({ result: 'SUCCESS', session: { key: 'ssn_mine' } });
    const v = await client.vouchers.get('HELD');
    expect(v.redemption).toMatchObject({ quantity: 1, redeemed_quantity: 1 });
  });

  it('an expired hold is released lazily by the next redemption', async () => {
    await createVoucher({
      code: 'SHORTHOLD',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      redemption: { quantity: 1 },
    });
    const held = (await client.validations.validateVoucher('SHORTHOLD', {
      session: { type: 'LOCK', ttl: 300, ttl_unit: 'MILLISECONDS' },
    } as never)) as Json;
    expect(held.valid).toBe(true);
    const blocked = (await client.validations.validateVoucher('SHORTHOLD', {})) as Json;
    expect(blocked.error.key).toBe('quantity_exceeded');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const r = (await client.redemptions.redeem('SHORTHOLD', {})) as Json;
    expect(r).toMatchObject({
      result: 'SUCCESS',
      voucher: { redemption: { redeemed_quantity: 1 } },
    });
  });

  it('PARTIAL stacked redemption redeems the applicable ones and lists the rest', async () => {
    const res = (await client.redemptions.redeemStackable({
      redeemables: [
        { object: 'voucher', id: 'AMOUNT5' },
        { object: 'voucher', id: 'OLD' },
      ],
      order: { amount: 10000 },
      stacking_rules: { redeemables_application_mode: 'PARTIAL' },
    } as never)) as Json;
    expect(res.redemptions).toHaveLength(1);
    expect(res.redemptions[0].voucher.code).toBe('AMOUNT5');
    expect(res.inapplicable_redeemables).toHaveLength(1);
    expect(res.inapplicable_redeemables[0]).toMatchObject({
      id: 'OLD',
      status: 'INAPPLICABLE',
      result: { error: { key: 'voucher_expired' } },
    });
    expect(res.order).toMatchObject({ discount_amount: 500, total_amount: 9500 });
    // ALL mode with the same stack is refused as a whole and recorded.
    const refused = (await client.redemptions
      .redeemStackable({
        redeemables: [
          { object: 'voucher', id: 'AMOUNT5' },
          { object: 'voucher', id: 'OLD' },
        ],
        order: { amount: 10000 },
      })
      .catch((e: Json) => e)) as Json;
    expect(refused).toMatchObject({
      code: 400,
      key: 'voucher_expired',
      resource_type: 'redemption',
    });
    expect(refused.resource_id).toMatch(/^rf_/);
  });

  it('Idempotency-Key: a replay gets the same response; another body gets 422', async () => {
    const server = t.app.getHttpServer();
    const send = (body: Json) =>
      request(server)
        .post('/v1/vouchers/AMOUNT5/redemption')
        .set(a.headers)
        .set('Idempotency-Key', 'idem-1')
        .send(body);
    const first = await send({ order: { amount: 1000 } }).expect(200);
    const second = await send({ order: { amount: 1000 } }).expect(200);
    expect(second.body).toEqual(first.body);
    const other = await send({ order: { amount: 2000 } }).expect(422);
    expect(other.body).toMatchObject({ code: 422, key: 'idempotency_key_reused' });
    const failing = () =>
      request(server)
        .post('/v1/vouchers/OFF/redemption')
        .set(a.headers)
        .set('Idempotency-Key', 'idem-2')
        .send({});
    const f1 = await failing().expect(400);
    const f2 = await failing().expect(400);
    expect(f2.body).toEqual(f1.body);
  });

  function voucherIdOf(code: string): Promise<string> {
    return client.vouchers.get(code).then((v) => v.id as string);
  }
});
