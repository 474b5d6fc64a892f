/**
 * The `data` of the events that side-effect processors read (docs/side-effects.md). Producers
 * record exactly these shapes; the webhook envelope carries them unchanged as `data`. Objects
 * may carry more fields than listed (the API's full serialization); processors read only these.
 */
import type { EventSource } from './event-types';

/** Who caused a change and in which request: passed by services that record events. */
export interface EventOrigin {
  source: EventSource;
  /** The request id (`v-…`): the envelope's `event.group_id`. */
  groupId: string | null;
}

export type OrderStatusValue = 'CREATED' | 'PAID' | 'CANCELED' | 'FULFILLED';

/** `customer.created|updated|deleted`: the customer as the API serializes it. */
export interface CustomerEventData {
  customer: { id: string; source_id: string | null; [field: string]: unknown };
}

/** What an order looked like before the change that an `order.updated` event records. */
export interface OrderSnapshot {
  status: OrderStatusValue;
  /** Cents; null when the order has no amount. */
  amount: number | null;
  customer_id: string | null;
}

/**
 * `order.created` (previous: null) and `order.updated`: the order as the API serializes it,
 * and its state before the change, so processors can compute deltas.
 */
export interface OrderEventData {
  order: OrderSnapshot & {
    id: string;
    source_id: string | null;
    /** ISO 8601 (always set on a stored order). */
    created_at: string | null;
    [field: string]: unknown;
  };
  previous: OrderSnapshot | null;
}

/** What a redemption was made of; the order's `redemptions` map repeats these fields. */
export type RedemptionRelatedObjectType = 'voucher' | 'promotion_tier' | 'redemption';

/**
 * `redemption.succeeded` and `redemption.failed`. A stacked redemption records one event per
 * redeemable (with `parent_id`) plus one for the stack itself (`related_object_type:
 * 'redemption'`, `related_object_id` = its own id, `stacked` = the children's ids).
 */
export interface RedemptionEventData {
  redemption: {
    /** `r_…` (success) or `rf_…` (failure). */
    id: string;
    customer_id: string | null;
    order_id: string | null;
    /** The redeemed voucher; null for a promotion tier or a stack parent. */
    voucher: { id: string; code: string; campaign_id: string | null } | null;
    related_object_type: RedemptionRelatedObjectType;
    /** The voucher id, the promotion tier id, or the parent's own id. */
    related_object_id: string;
    /** The campaign of the voucher or tier; null when none. */
    related_object_parent_id: string | null;
    /** Gift credits used, in cents; 0 when no gift credits were used (and on a failure). */
    amount: number;
    /** ISO 8601. */
    date: string;
    /** Set on the children of a stacked redemption: the parent's `r_…` id. */
    parent_id?: string | null;
    /** Set on a stack parent: its children's `r_…` ids. */
    stacked?: string[];
    /** Failures only: the error key, e.g. `voucher_expired`. */
    failure_code?: string | null;
    [field: string]: unknown;
  };
}

/**
 * `redemption.rollback.succeeded` and `redemption.rollback.failed`: the rollback, and the
 * redemption it rolled back (same shape as in RedemptionEventData).
 */
export interface RedemptionRollbackEventData extends RedemptionEventData {
  redemption_rollback: {
    /** `rr_…` (success) or `rrf_…` (failure). */
    id: string;
    /** The rolled-back redemption's `r_…` id (equals `redemption.id`). */
    redemption_id: string;
    customer_id: string | null;
    order_id: string | null;
    /** Gift credits returned, in cents, as a positive number; 0 when none. */
    amount: number;
    /** ISO 8601. */
    date: string;
    /** Set on the child rollbacks of a stacked rollback: the parent rollback's id. */
    parent_id?: string | null;
    [field: string]: unknown;
  };
}

/** `publication.succeeded`: read by the activity (and, for gift cards, the summary). */
export interface PublicationEventData {
  publication: {
    id: string;
    customer_id: string;
    voucher: {
      id: string;
      code: string;
      campaign_id: string | null;
      /** Gift cards only: the balance handed to the customer, in cents. */
      gift?: { balance: number } | null;
    };
    /** Every code handed out (a campaign publication with count > 1); `voucher` is the first. */
    vouchers?: Array<PublicationEventData['publication']['voucher']>;
    [field: string]: unknown;
  };
}
