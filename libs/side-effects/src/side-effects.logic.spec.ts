import type { OrderEventData, OrderSnapshot, RedemptionEventData } from '@app/queue';
import {
  activitiesOf,
  orderRedemptionPatch,
  orderSummaryDeltas,
  redemptionSummaryDelta,
  ZERO_COUNTERS,
} from './side-effects.logic';

const snap = (status: OrderSnapshot['status'], amount: number | null, customer: string | null) => ({
  status,
  amount,
  customer_id: customer,
});
const orderEvent = (order: OrderSnapshot, previous: OrderSnapshot | null): OrderEventData => ({
  order: { ...order, id: 'ord_1', source_id: null, created_at: '2026-01-01T00:00:00.000Z' },
  previous,
});
const redemption = (
  over: Partial<RedemptionEventData['redemption']> = {},
): RedemptionEventData => ({
  redemption: {
    id: 'r_1',
    customer_id: 'cust_a',
    order_id: 'ord_1',
    voucher: { id: 'v_1', code: 'GIFT', campaign_id: 'camp_1' },
    related_object_type: 'voucher',
    related_object_id: 'v_1',
    related_object_parent_id: 'camp_1',
    amount: 500,
    date: '2026-01-01T00:00:00.000Z',
    ...over,
  },
});
const rollback = (over: Record<string, unknown> = {}) => ({
  ...redemption(),
  redemption_rollback: {
    id: 'rr_1',
    redemption_id: 'r_1',
    customer_id: 'cust_a',
    order_id: 'ord_1',
    amount: 500,
    date: '2026-01-02T00:00:00.000Z',
    ...over,
  },
});

describe('orderSummaryDeltas', () => {
  it('counts an order created PAID or FULFILLED, not CREATED or CANCELED', () => {
    expect(orderSummaryDeltas(orderEvent(snap('PAID', 100, 'cust_a'), null))).toEqual([
      { customerId: 'cust_a', amount: 100, count: 1 },
    ]);
    expect(orderSummaryDeltas(orderEvent(snap('FULFILLED', null, 'cust_a'), null))).toEqual([
      { customerId: 'cust_a', amount: 0, count: 1 },
    ]);
    expect(orderSummaryDeltas(orderEvent(snap('CREATED', 100, 'cust_a'), null))).toEqual([]);
    expect(orderSummaryDeltas(orderEvent(snap('CANCELED', 100, 'cust_a'), null))).toEqual([]);
  });

  it('moves an order in and out of the counted statuses', () => {
    const paid = snap('PAID', 100, 'cust_a');
    expect(orderSummaryDeltas(orderEvent(paid, snap('CREATED', 100, 'cust_a')))).toEqual([
      { customerId: 'cust_a', amount: 100, count: 1 },
    ]);
    expect(orderSummaryDeltas(orderEvent(snap('CANCELED', 100, 'cust_a'), paid))).toEqual([
      { customerId: 'cust_a', amount: -100, count: -1 },
    ]);
    expect(orderSummaryDeltas(orderEvent(snap('FULFILLED', 100, 'cust_a'), paid))).toEqual([]);
    expect(orderSummaryDeltas(orderEvent(snap('PAID', 250, 'cust_a'), paid))).toEqual([
      { customerId: 'cust_a', amount: 150, count: 0 },
    ]);
  });

  it('moves a counted order between customers, sorted by customer id', () => {
    expect(
      orderSummaryDeltas(orderEvent(snap('PAID', 100, 'cust_a'), snap('PAID', 100, 'cust_b'))),
    ).toEqual([
      { customerId: 'cust_a', amount: 100, count: 1 },
      { customerId: 'cust_b', amount: -100, count: -1 },
    ]);
  });

  it('ignores orders without a customer', () => {
    expect(orderSummaryDeltas(orderEvent(snap('PAID', 100, null), null))).toEqual([]);
  });
});

describe('redemptionSummaryDelta', () => {
  it('counts a success with its gift credits', () => {
    expect(redemptionSummaryDelta('redemption.succeeded', { ...redemption() })).toEqual({
      customerId: 'cust_a',
      counters: {
        ...ZERO_COUNTERS,
        totalRedeemed: 1,
        totalSucceeded: 1,
        giftRedeemedAmount: 500,
        giftAmountToGo: -500,
      },
    });
  });

  it('counts a failure', () => {
    expect(redemptionSummaryDelta('redemption.failed', { ...redemption({ amount: 0 }) })).toEqual({
      customerId: 'cust_a',
      counters: { ...ZERO_COUNTERS, totalRedeemed: 1, totalFailed: 1 },
    });
  });

  it('gives credits back on a successful rollback, counts a failed one', () => {
    expect(redemptionSummaryDelta('redemption.rollback.succeeded', rollback())?.counters).toEqual({
      ...ZERO_COUNTERS,
      totalRolledBack: 1,
      totalRollbackSucceeded: 1,
      giftRedeemedAmount: -500,
      giftAmountToGo: 500,
    });
    expect(redemptionSummaryDelta('redemption.rollback.failed', rollback())?.counters).toEqual({
      ...ZERO_COUNTERS,
      totalRolledBack: 1,
      totalRollbackFailed: 1,
    });
  });

  it('skips a stack parent and redemptions without a customer', () => {
    const parent = redemption({ related_object_type: 'redemption', related_object_id: 'r_1' });
    expect(redemptionSummaryDelta('redemption.succeeded', { ...parent })).toBeNull();
    expect(
      redemptionSummaryDelta('redemption.succeeded', { ...redemption({ customer_id: null }) }),
    ).toBeNull();
  });

  it('adds a published gift card balance to amount_to_go', () => {
    const publication = {
      publication: {
        id: 'pub_1',
        customer_id: 'cust_a',
        voucher: { id: 'v_1', code: 'G', campaign_id: null, gift: { balance: 2000 } },
      },
    };
    expect(redemptionSummaryDelta('publication.succeeded', publication)).toEqual({
      customerId: 'cust_a',
      counters: { ...ZERO_COUNTERS, giftAmountToGo: 2000 },
    });
    expect(redemptionSummaryDelta('order.created', publication)).toBeNull();
  });
});

describe('orderRedemptionPatch', () => {
  it('adds an entry for a redemption and the rollback fields for its rollback', () => {
    expect(orderRedemptionPatch('redemption.succeeded', { ...redemption() })).toEqual({
      orderId: 'ord_1',
      redemptionId: 'r_1',
      patch: {
        date: '2026-01-01T00:00:00.000Z',
        related_object_type: 'voucher',
        related_object_id: 'v_1',
        related_object_parent_id: 'camp_1',
      },
    });
    expect(orderRedemptionPatch('redemption.rollback.succeeded', rollback())).toEqual({
      orderId: 'ord_1',
      redemptionId: 'r_1',
      patch: { rollback_id: 'rr_1', rollback_date: '2026-01-02T00:00:00.000Z' },
    });
  });

  it('keys a stack by its parent and skips its children and failures', () => {
    const parent = redemption({
      id: 'r_p',
      related_object_type: 'redemption',
      related_object_id: 'r_p',
      related_object_parent_id: null,
      stacked: ['r_1', 'r_2'],
    });
    expect(orderRedemptionPatch('redemption.succeeded', { ...parent })?.patch).toMatchObject({
      related_object_type: 'redemption',
      stacked: ['r_1', 'r_2'],
    });
    expect(
      orderRedemptionPatch('redemption.succeeded', { ...redemption({ parent_id: 'r_p' }) }),
    ).toBeNull();
    expect(orderRedemptionPatch('redemption.failed', { ...redemption() })).toBeNull();
    expect(orderRedemptionPatch('redemption.rollback.failed', rollback())).toBeNull();
    expect(
      orderRedemptionPatch('redemption.succeeded', { ...redemption({ order_id: null }) }),
    ).toBeNull();
  });
});

describe('activitiesOf', () => {
  it('names order activities by what changed', () => {
    const paid = snap('PAID', 100, 'cust_a');
    const created = snap('CREATED', 100, 'cust_a');
    const act = (data: OrderEventData, type: 'order.created' | 'order.updated') =>
      activitiesOf(type, { ...data }).map((a) => a.type);
    expect(act(orderEvent(created, null), 'order.created')).toEqual(['customer.order.created']);
    expect(act(orderEvent(paid, created), 'order.updated')).toEqual(['customer.order.paid']);
    expect(act(orderEvent(paid, paid), 'order.updated')).toEqual(['customer.order.updated']);
    expect(
      activitiesOf('order.updated', { ...orderEvent(paid, snap('PAID', 100, 'cust_b')) }),
    ).toEqual([
      { customerId: 'cust_a', type: 'customer.order.updated' },
      { customerId: 'cust_b', type: 'customer.order.updated' },
    ]);
  });

  it('maps customer, redemption and publication events', () => {
    expect(activitiesOf('customer.created', { customer: { id: 'cust_a' } })).toEqual([
      { customerId: 'cust_a', type: 'customer.created' },
    ]);
    expect(activitiesOf('redemption.rollback.succeeded', rollback())).toEqual([
      { customerId: 'cust_a', type: 'customer.redemption.rollback.succeeded' },
    ]);
    expect(
      activitiesOf('publication.succeeded', {
        publication: { id: 'pub_1', customer_id: 'cust_b', voucher: { id: 'v', code: 'c' } },
      }),
    ).toEqual([{ customerId: 'cust_b', type: 'customer.publication.succeeded' }]);
    expect(activitiesOf('voucher.created', { voucher: {} })).toEqual([]);
  });
});

describe('activitiesOf (status back to CREATED)', () => {
  it('shows a move back to CREATED as an update', () => {
    const data = orderEvent(snap('CREATED', 1, 'cust_a'), snap('PAID', 1, 'cust_a'));
    expect(activitiesOf('order.updated', { ...data })).toEqual([
      { customerId: 'cust_a', type: 'customer.order.updated' },
    ]);
  });
});
