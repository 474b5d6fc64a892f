import type { RedemptionEventData, RedemptionRollbackEventData } from '@app/queue';

/** The `campaign_id` of the hourly rows that total the whole project (never a real id). */
export const PROJECT_TOTAL = '*';

export const ROLLUP_EVENT_TYPES = [
  'redemption.succeeded',
  'redemption.failed',
  'redemption.rollback.succeeded',
] as const;

export interface HourlyDelta {
  campaignId: string;
  /** ISO 8601 of the start of the UTC hour. */
  hour: string;
  succeeded: number;
  failed: number;
  rolledBack: number;
  discountAmount: number;
  giftAmount: number;
  rolledBackDiscountAmount: number;
  rolledBackGiftAmount: number;
  failuresByCode: Record<string, number>;
}

export interface DailyDelta {
  dimension: 'voucher' | 'customer';
  dimensionId: string;
  campaignId: string;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  succeeded: number;
  failed: number;
  rolledBack: number;
}

export interface RollupDelta {
  hourly: HourlyDelta;
  daily: DailyDelta[];
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function validDate(iso: unknown, fallback: Date): Date {
  const d = typeof iso === 'string' ? new Date(iso) : fallback;
  return Number.isNaN(d.getTime()) ? fallback : d;
}

export function hourOf(d: Date): string {
  const h = new Date(d.getTime());
  h.setUTCMinutes(0, 0, 0);
  return h.toISOString();
}

/** The order's total discount as the serialized order carries it (cents), or 0. */
function orderDiscount(order: unknown): number {
  if (!order || typeof order !== 'object') return 0;
  const o = order as Record<string, unknown>;
  return num(o.total_discount_amount ?? o.discount_amount);
}

/**
 * What one redemption event adds to the rollups. Counting follows the redeemables: a stack
 * parent (`related_object_type: 'redemption'`) adds no count, but carries the discount of the
 * whole stacked order (its children share one order, so counting theirs would multiply it); that
 * discount lands on the campaign-less row, so project totals include it and campaign totals don't.
 */
export function rollupDelta(
  type: string,
  data: Record<string, unknown>,
  createdAt: Date,
): RollupDelta | null {
  if (!(ROLLUP_EVENT_TYPES as readonly string[]).includes(type)) return null;
  const r = (data as unknown as RedemptionEventData).redemption;
  if (!r || typeof r !== 'object') return null;
  const isParent = r.related_object_type === 'redemption';
  const isChild = typeof r.parent_id === 'string' && r.parent_id.length > 0;
  const campaignId = isParent ? '' : (r.voucher?.campaign_id ?? r.related_object_parent_id ?? '');
  const discount = isChild ? 0 : orderDiscount(r.order);
  const rollback =
    type === 'redemption.rollback.succeeded'
      ? (data as unknown as RedemptionRollbackEventData).redemption_rollback
      : null;
  const at = validDate(rollback ? rollback.date : r.date, createdAt);
  const hourly: HourlyDelta = {
    campaignId,
    hour: hourOf(at),
    succeeded: 0,
    failed: 0,
    rolledBack: 0,
    discountAmount: 0,
    giftAmount: 0,
    rolledBackDiscountAmount: 0,
    rolledBackGiftAmount: 0,
    failuresByCode: {},
  };
  const counts = { succeeded: 0, failed: 0, rolledBack: 0 };
  if (type === 'redemption.succeeded') {
    counts.succeeded = isParent ? 0 : 1;
    hourly.discountAmount = discount;
    hourly.giftAmount = isParent ? 0 : num(r.amount);
  } else if (type === 'redemption.failed') {
    counts.failed = isParent ? 0 : 1;
    if (!isParent) hourly.failuresByCode[r.failure_code || 'unknown'] = 1;
  } else if (rollback) {
    counts.rolledBack = isParent ? 0 : 1;
    hourly.rolledBackDiscountAmount = discount;
    hourly.rolledBackGiftAmount = isParent ? 0 : num(rollback.amount);
  }
  Object.assign(hourly, counts);
  const day = hourly.hour.slice(0, 10);
  const daily: DailyDelta[] = [];
  if (!isParent) {
    const voucherId = r.voucher?.id ?? r.related_object_id;
    if (voucherId)
      daily.push({ dimension: 'voucher', dimensionId: voucherId, campaignId, day, ...counts });
    if (r.customer_id)
      daily.push({ dimension: 'customer', dimensionId: r.customer_id, campaignId, day, ...counts });
  }
  const empty =
    !counts.succeeded &&
    !counts.failed &&
    !counts.rolledBack &&
    !hourly.discountAmount &&
    !hourly.rolledBackDiscountAmount;
  return empty ? null : { hourly, daily };
}

export type Granularity = 'hour' | 'day';

/** Largest range a report accepts (a year and a day, so "last 365 days" with leap years fits). */
export const MAX_RANGE_MS = 366 * 24 * 3600_000;

/**
 * Every bucket start between two instants (UTC), so a series has explicit zero buckets.
 * `end` is exclusive.
 */
export function bucketStarts(start: Date, end: Date, granularity: Granularity): string[] {
  const out: string[] = [];
  const cursor = new Date(start.getTime());
  if (granularity === 'day') cursor.setUTCHours(0, 0, 0, 0);
  else cursor.setUTCMinutes(0, 0, 0);
  const stepMs = granularity === 'day' ? 24 * 3600_000 : 3600_000;
  for (let t = cursor.getTime(); t < end.getTime(); t += stepMs)
    out.push(new Date(t).toISOString());
  return out;
}
