import { bucketStarts, hourOf, rollupDelta } from './reports.logic';
import { resolveRange } from './reports.service';

const created = new Date('2026-05-05T05:05:05Z');
const redemption = (over: Record<string, unknown> = {}) => ({
  redemption: {
    id: 'r_1',
    customer_id: 'cust_1',
    order_id: 'ord_1',
    voucher: { id: 'v_1', code: 'A', campaign_id: 'camp_1' },
    related_object_type: 'voucher',
    related_object_id: 'v_1',
    related_object_parent_id: 'camp_1',
    amount: 300,
    date: '2026-01-10T10:45:00.000Z',
    order: { total_discount_amount: 1000 },
    ...over,
  },
});

describe('rollupDelta', () => {
  it('counts a success in its campaign and hour with discount and gift credits', () => {
    const d = rollupDelta('redemption.succeeded', redemption(), created)!;
    expect(d.hourly).toMatchObject({
      campaignId: 'camp_1',
      hour: '2026-01-10T10:00:00.000Z',
      succeeded: 1,
      discountAmount: 1000,
      giftAmount: 300,
    });
    expect(d.daily).toEqual([
      expect.objectContaining({ dimension: 'voucher', dimensionId: 'v_1', day: '2026-01-10' }),
      expect.objectContaining({ dimension: 'customer', dimensionId: 'cust_1', succeeded: 1 }),
    ]);
  });

  it('counts a failure by its code', () => {
    const d = rollupDelta(
      'redemption.failed',
      redemption({ id: 'rf_1', failure_code: 'voucher_expired', amount: 0 }),
      created,
    )!;
    expect(d.hourly).toMatchObject({ failed: 1, failuresByCode: { voucher_expired: 1 } });
    expect(d.hourly.discountAmount).toBe(0);
  });

  it('counts a rollback at the rollback date with the returned gift credits', () => {
    const data = {
      ...redemption(),
      redemption_rollback: {
        id: 'rr_1',
        redemption_id: 'r_1',
        amount: 300,
        date: '2026-02-01T23:59:00Z',
      },
    };
    const d = rollupDelta('redemption.rollback.succeeded', data, created)!;
    expect(d.hourly).toMatchObject({
      hour: '2026-02-01T23:00:00.000Z',
      rolledBack: 1,
      rolledBackGiftAmount: 300,
      rolledBackDiscountAmount: 1000,
      succeeded: 0,
    });
  });

  it('gives a stack parent no count and its children no discount', () => {
    const parent = rollupDelta(
      'redemption.succeeded',
      redemption({ related_object_type: 'redemption', voucher: null, related_object_id: 'r_1' }),
      created,
    )!;
    expect(parent.hourly).toMatchObject({ campaignId: '', succeeded: 0, discountAmount: 1000 });
    expect(parent.daily).toEqual([]);
    const child = rollupDelta('redemption.succeeded', redemption({ parent_id: 'r_0' }), created)!;
    expect(child.hourly).toMatchObject({ succeeded: 1, discountAmount: 0 });
  });

  it('falls back to the event time, the tier campaign and "unknown", and ignores other types', () => {
    const d = rollupDelta(
      'redemption.failed',
      redemption({ date: 'nonsense', voucher: null, related_object_type: 'promotion_tier' }),
      created,
    )!;
    expect(d.hourly).toMatchObject({
      campaignId: 'camp_1',
      hour: '2026-05-05T05:00:00.000Z',
      failuresByCode: { unknown: 1 },
    });
    expect(rollupDelta('redemption.rollback.failed', redemption(), created)).toBeNull();
    expect(rollupDelta('redemption.succeeded', {}, created)).toBeNull();
  });
});

describe('buckets and ranges', () => {
  it('lists every bucket start, end exclusive', () => {
    expect(hourOf(new Date('2026-01-01T10:59:59.999Z'))).toBe('2026-01-01T10:00:00.000Z');
    expect(
      bucketStarts(new Date('2026-01-01T10:30:00Z'), new Date('2026-01-01T12:00:00Z'), 'hour'),
    ).toEqual(['2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z']);
    expect(
      bucketStarts(new Date('2026-01-01T10:00:00Z'), new Date('2026-01-03T00:00:00Z'), 'day'),
    ).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
  });

  it('defaults to the last 30 days (all time for summaries) and bounds the range to 366 days', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(resolveRange(undefined, undefined, now).range.start.toISOString()).toBe(
      '2026-05-02T00:00:00.000Z',
    );
    expect(resolveRange(undefined, undefined, now, true)).toMatchObject({ openStart: true });
    expect(() => resolveRange('2024-01-01T00:00:00Z', undefined, now)).toThrow();
    expect(() => resolveRange('2026-07-01T00:00:00Z', undefined, now)).toThrow();
  });
});
