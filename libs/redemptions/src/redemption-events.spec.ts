import { orderRedemptionPatch, redemptionSummaryDelta } from '@app/side-effects';
import { redemptionEventData, RedemptionRowLike, rollbackEventData } from './redemption-events';

const date = new Date('2026-01-02T03:04:05.678Z');
const row = (over: Partial<RedemptionRowLike>): RedemptionRowLike => ({
  id: 'r_1',
  kind: 'single',
  parentId: null,
  redemptionId: null,
  voucherId: 'v_1',
  voucherCode: 'CODE',
  campaignId: 'camp_1',
  customerId: 'cust_1',
  orderId: 'ord_1',
  amount: null,
  date,
  failureCode: null,
  ...over,
});

describe('redemption event payloads (the shapes of libs/queue event-data.ts)', () => {
  it('a single redemption: the voucher, its campaign, amount 0 without gift credits', () => {
    const data = redemptionEventData(row({}));
    expect(data.redemption).toMatchObject({
      id: 'r_1',
      customer_id: 'cust_1',
      order_id: 'ord_1',
      voucher: { id: 'v_1', code: 'CODE', campaign_id: 'camp_1' },
      related_object_type: 'voucher',
      related_object_id: 'v_1',
      related_object_parent_id: 'camp_1',
      amount: 0,
      date: '2026-01-02T03:04:05.678Z',
      parent_id: null,
    });
    expect(data.redemption.stacked).toBeUndefined();
    expect(redemptionSummaryDelta('redemption.succeeded', data)?.counters).toMatchObject({
      totalSucceeded: 1,
    });
  });

  it('a stack: children carry parent_id, the parent lists them and changes no counter', () => {
    const child = redemptionEventData(
      row({ id: 'r_c', kind: 'child', parentId: 'r_p', amount: 700 }),
    );
    expect(child.redemption).toMatchObject({ parent_id: 'r_p', amount: 700 });
    expect(orderRedemptionPatch('redemption.succeeded', child)).toBeNull();
    const parent = redemptionEventData(
      row({ id: 'r_p', kind: 'parent', voucherId: null, voucherCode: null, campaignId: null }),
      { stacked: ['r_c'] },
    );
    expect(parent.redemption).toMatchObject({
      voucher: null,
      related_object_type: 'redemption',
      related_object_id: 'r_p',
      related_object_parent_id: null,
      stacked: ['r_c'],
    });
    expect(redemptionSummaryDelta('redemption.succeeded', parent)).toBeNull();
    expect(orderRedemptionPatch('redemption.succeeded', parent)?.patch).toMatchObject({
      stacked: ['r_c'],
    });
  });

  it('a failure: the rf_ id, its failure code, the refused voucher, amount 0', () => {
    const data = redemptionEventData(
      row({ id: 'rf_1', kind: 'parent', voucherId: null, failureCode: 'voucher_expired' }),
      { voucher: { id: 'v_9', code: 'OLD', campaignId: null } },
    );
    expect(data.redemption).toMatchObject({
      id: 'rf_1',
      failure_code: 'voucher_expired',
      voucher: { id: 'v_9', code: 'OLD', campaign_id: null },
      related_object_type: 'voucher',
      amount: 0,
    });
    expect(redemptionSummaryDelta('redemption.failed', data)?.counters).toMatchObject({
      totalFailed: 1,
    });
  });

  it('a rollback: the rolled-back redemption and the rollback with a positive amount', () => {
    const of = row({ amount: 500 });
    const rb = row({ id: 'rr_1', kind: 'rollback', redemptionId: 'r_1', amount: -500 });
    const data = rollbackEventData(of, rb);
    expect(data.redemption.id).toBe('r_1');
    expect(data.redemption_rollback).toMatchObject({
      id: 'rr_1',
      redemption_id: 'r_1',
      amount: 500,
      parent_id: null,
      customer_id: 'cust_1',
      order_id: 'ord_1',
    });
    expect(orderRedemptionPatch('redemption.rollback.succeeded', data)).toEqual({
      orderId: 'ord_1',
      redemptionId: 'r_1',
      patch: { rollback_id: 'rr_1', rollback_date: '2026-01-02T03:04:05.678Z' },
    });
    const refused = rollbackEventData(
      of,
      row({ id: 'rrf_1', kind: 'rollback', failureCode: 'already_rolled_back' }),
    );
    expect(refused.redemption_rollback).toMatchObject({
      amount: 0,
      failure_code: 'already_rolled_back',
    });
  });
});
