import type {
  CustomerEventData,
  EventType,
  OrderEventData,
  OrderSnapshot,
  PublicationEventData,
  RedemptionEventData,
  RedemptionRollbackEventData,
} from '@app/queue';

/** The contract counts only these orders in `summary.orders`. */
const COUNTED_STATUSES: ReadonlySet<string> = new Set(['PAID', 'FULFILLED']);

export interface OrderSummaryDelta {
  customerId: string;
  amount: number;
  count: number;
}

/**
 * What an order event changes in its customers' `summary.orders`: the previous state's
 * contribution is taken away and the new one added. Each event is relative to the state its
 * predecessor left (the order row is locked between them), so the deltas of an order's events
 * sum to its final contribution in any processing order. Sorted by customer id (lock order).
 */
export function orderSummaryDeltas(data: OrderEventData): OrderSummaryDelta[] {
  const byCustomer = new Map<string, OrderSummaryDelta>();
  const add = (snapshot: OrderSnapshot | null, sign: 1 | -1) => {
    if (!snapshot?.customer_id || !COUNTED_STATUSES.has(snapshot.status)) return;
    const delta = byCustomer.get(snapshot.customer_id) ?? {
      customerId: snapshot.customer_id,
      amount: 0,
      count: 0,
    };
    delta.amount += sign * (snapshot.amount ?? 0);
    delta.count += sign;
    byCustomer.set(snapshot.customer_id, delta);
  };
  add(data.previous, -1);
  add(data.order, 1);
  return [...byCustomer.values()]
    .filter((d) => d.amount !== 0 || d.count !== 0)
    .sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
}

/** Increments to the customer's `summary.redemptions` counters. */
export interface RedemptionCounters {
  totalRedeemed: number;
  totalFailed: number;
  totalSucceeded: number;
  totalRolledBack: number;
  totalRollbackFailed: number;
  totalRollbackSucceeded: number;
  giftRedeemedAmount: number;
  giftAmountToGo: number;
}

export const ZERO_COUNTERS: RedemptionCounters = {
  totalRedeemed: 0,
  totalFailed: 0,
  totalSucceeded: 0,
  totalRolledBack: 0,
  totalRollbackFailed: 0,
  totalRollbackSucceeded: 0,
  giftRedeemedAmount: 0,
  giftAmountToGo: 0,
};

export const REDEMPTION_EVENT_TYPES = [
  'redemption.succeeded',
  'redemption.failed',
  'redemption.rollback.succeeded',
  'redemption.rollback.failed',
] as const satisfies readonly EventType[];

type RedemptionEventType = (typeof REDEMPTION_EVENT_TYPES)[number];

const isRedemptionType = (type: string): type is RedemptionEventType =>
  (REDEMPTION_EVENT_TYPES as readonly string[]).includes(type);

/** The parent of a stacked redemption: its children carry the counts and amounts. */
const isStackParent = (data: RedemptionEventData) =>
  data.redemption.related_object_type === 'redemption';

const customerOfRedemption = (type: RedemptionEventType, data: RedemptionEventData) =>
  (type.startsWith('redemption.rollback.')
    ? (data as RedemptionRollbackEventData).redemption_rollback.customer_id
    : null) ?? data.redemption.customer_id;

/**
 * A redemption, rollback or gift-card publication event as increments to its customer's
 * `summary.redemptions`; null when it changes no summary. `amount_to_go` is the gift credit
 * the customer still holds: publications of gift cards add their balance, redemptions take
 * the credits used, successful rollbacks give them back.
 */
export function redemptionSummaryDelta(
  type: EventType,
  data: Record<string, unknown>,
): { customerId: string; counters: RedemptionCounters } | null {
  if (type === 'publication.succeeded') {
    const publication = (data as unknown as PublicationEventData).publication;
    const handedOut = publication.vouchers ?? [publication.voucher];
    const balance = handedOut.reduce((sum, v) => sum + (v.gift?.balance ?? 0), 0);
    if (!balance) return null;
    return {
      customerId: publication.customer_id,
      counters: { ...ZERO_COUNTERS, giftAmountToGo: balance },
    };
  }
  if (!isRedemptionType(type)) return null;
  const event = data as unknown as RedemptionEventData;
  if (isStackParent(event)) return null;
  const customerId = customerOfRedemption(type, event);
  if (!customerId) return null;
  const counters = { ...ZERO_COUNTERS };
  switch (type) {
    case 'redemption.succeeded': {
      const amount = event.redemption.amount ?? 0;
      Object.assign(counters, {
        totalRedeemed: 1,
        totalSucceeded: 1,
        giftRedeemedAmount: amount,
        giftAmountToGo: -amount,
      });
      break;
    }
    case 'redemption.failed':
      Object.assign(counters, { totalRedeemed: 1, totalFailed: 1 });
      break;
    case 'redemption.rollback.succeeded': {
      const amount = (event as RedemptionRollbackEventData).redemption_rollback.amount ?? 0;
      Object.assign(counters, {
        totalRolledBack: 1,
        totalRollbackSucceeded: 1,
        giftRedeemedAmount: -amount,
        giftAmountToGo: amount,
      });
      break;
    }
    case 'redemption.rollback.failed':
      Object.assign(counters, { totalRolledBack: 1, totalRollbackFailed: 1 });
      break;
  }
  return { customerId, counters };
}

/** One key of an order's `redemptions` map, merged into what is stored there. */
export interface OrderRedemptionPatch {
  orderId: string;
  redemptionId: string;
  patch: Record<string, unknown>;
}

/**
 * The change a redemption event makes to its order's `redemptions` map: a successful
 * redemption adds its entry (a stack adds one entry, keyed by the parent, listing the children
 * in `stacked`), a successful rollback adds `rollback_id`/`rollback_date` to it. Both merge
 * into the entry, so the two commute when processed out of order. Failures change nothing.
 */
export function orderRedemptionPatch(
  type: EventType,
  data: Record<string, unknown>,
): OrderRedemptionPatch | null {
  const event = data as unknown as RedemptionEventData;
  if (type === 'redemption.succeeded') {
    const r = event.redemption;
    if (!r.order_id || r.parent_id) return null;
    return {
      orderId: r.order_id,
      redemptionId: r.id,
      patch: {
        date: r.date,
        related_object_type: r.related_object_type,
        related_object_id: r.related_object_id,
        related_object_parent_id: r.related_object_parent_id ?? null,
        ...(r.stacked ? { stacked: r.stacked } : {}),
      },
    };
  }
  if (type === 'redemption.rollback.succeeded') {
    const rollback = (event as RedemptionRollbackEventData).redemption_rollback;
    if (rollback.parent_id || event.redemption.parent_id) return null;
    const orderId = rollback.order_id ?? event.redemption.order_id;
    if (!orderId) return null;
    return {
      orderId,
      redemptionId: rollback.redemption_id,
      patch: { rollback_id: rollback.id, rollback_date: rollback.date },
    };
  }
  return null;
}

/** An entry of a customer's activity list. */
export interface ActivityTarget {
  customerId: string;
  type: string;
}

export const ACTIVITY_EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'order.created',
  'order.updated',
  ...REDEMPTION_EVENT_TYPES,
  'publication.succeeded',
] as const satisfies readonly EventType[];

/**
 * The customer activities an event makes (`customer.order.paid`, `customer.redemption.succeeded`,
 * …). An order moved between customers shows as `customer.order.updated` for the previous one.
 * A stack parent makes none: each of its redeemables makes its own.
 */
export function activitiesOf(type: EventType, data: Record<string, unknown>): ActivityTarget[] {
  if (type.startsWith('customer.')) {
    const id = (data as unknown as CustomerEventData).customer?.id;
    return id ? [{ customerId: id, type }] : [];
  }
  if (type === 'order.created' || type === 'order.updated') {
    const { order, previous } = data as unknown as OrderEventData;
    const out: ActivityTarget[] = [];
    if (order.customer_id) {
      // A move back to CREATED is no milestone of its own: it shows as an update.
      const statusChanged =
        previous !== null && previous.status !== order.status && order.status !== 'CREATED';
      const activity =
        previous === null
          ? 'customer.order.created'
          : statusChanged
            ? `customer.order.${order.status.toLowerCase()}`
            : 'customer.order.updated';
      out.push({ customerId: order.customer_id, type: activity });
    }
    if (previous?.customer_id && previous.customer_id !== order.customer_id)
      out.push({ customerId: previous.customer_id, type: 'customer.order.updated' });
    return out;
  }
  if (isRedemptionType(type)) {
    const event = data as unknown as RedemptionEventData;
    if (isStackParent(event)) return [];
    const customerId = customerOfRedemption(type, event);
    return customerId ? [{ customerId, type: `customer.${type}` }] : [];
  }
  if (type === 'publication.succeeded') {
    const customerId = (data as unknown as PublicationEventData).publication?.customer_id;
    return customerId ? [{ customerId, type: 'customer.publication.succeeded' }] : [];
  }
  return [];
}
