import type { RedemptionEventData, RedemptionRollbackEventData } from '@app/queue';
import type { RedemptionEntity } from './redemption.entity';
import { serializeRedemption } from './redemption.mapping';

/** A stored row (or the row about to be inserted) as the event builders read it. */
export type RedemptionRowLike = Pick<
  RedemptionEntity,
  | 'id'
  | 'kind'
  | 'parentId'
  | 'redemptionId'
  | 'voucherId'
  | 'voucherCode'
  | 'campaignId'
  | 'customerId'
  | 'orderId'
  | 'amount'
  | 'date'
  | 'failureCode'
> &
  Partial<RedemptionEntity>;

const isParentKind = (r: RedemptionRowLike) => r.kind === 'parent' || r.kind === 'parent_rollback';

/**
 * `data.redemption` of a redemption event (libs/queue event-data.ts), on top of the API's
 * serialization. A failed stack has no children: its failure is attributed to the refused
 * voucher (when known) so the customer's summary counts it, instead of being a silent parent.
 */
export function redemptionEventObject(
  r: RedemptionRowLike,
  extra: {
    stacked?: string[];
    voucher?: { id: string; code: string; campaignId: string | null } | null;
  } = {},
): RedemptionEventData['redemption'] {
  const failed = r.id.startsWith('rf_');
  const voucher =
    extra.voucher !== undefined
      ? extra.voucher
      : r.voucherId
        ? { id: r.voucherId, code: r.voucherCode ?? '', campaignId: r.campaignId }
        : null;
  const stackParent = !failed && isParentKind(r);
  const body = serializeRedemption(fill(r));
  return {
    ...body,
    id: r.id,
    customer_id: r.customerId,
    order_id: r.orderId,
    voucher: voucher
      ? {
          ...(isObject(body.voucher) ? body.voucher : {}),
          id: voucher.id,
          code: voucher.code,
          campaign_id: voucher.campaignId,
        }
      : null,
    related_object_type: stackParent || !voucher ? 'redemption' : 'voucher',
    related_object_id: stackParent || !voucher ? r.id : voucher.id,
    related_object_parent_id: stackParent || !voucher ? null : voucher.campaignId,
    amount: failed ? 0 : Math.abs(r.amount ?? 0),
    date: r.date.toISOString(),
    parent_id: r.kind === 'child' ? r.parentId : null,
    ...(stackParent ? { stacked: extra.stacked ?? [] } : {}),
    ...(failed ? { failure_code: r.failureCode } : {}),
  };
}

/** The envelope data of `redemption.succeeded` / `redemption.failed` (contract §12.2). */
export function redemptionEventData(
  r: RedemptionRowLike,
  extra: Parameters<typeof redemptionEventObject>[1] = {},
): RedemptionEventData & Record<string, unknown> {
  return {
    redemption: redemptionEventObject(r, extra),
    voucher: r.voucherSnapshot ?? null,
    customer: r.customerSnapshot ?? null,
    order: r.orderSnapshot ?? null,
  };
}

/**
 * The envelope data of `redemption.rollback.succeeded|failed`: the rolled-back redemption and
 * the rollback (`amount` positive: the gift credits returned).
 */
export function rollbackEventData(
  of: RedemptionRowLike,
  rollback: RedemptionRowLike,
  stacked?: string[],
): RedemptionRollbackEventData & Record<string, unknown> {
  const failed = rollback.id.startsWith('rrf_');
  return {
    redemption: redemptionEventObject(of, { stacked }),
    redemption_rollback: {
      ...serializeRedemption(fill(rollback)),
      id: rollback.id,
      redemption_id: of.id,
      customer_id: rollback.customerId,
      order_id: rollback.orderId,
      amount: failed ? 0 : Math.abs(rollback.amount ?? 0),
      date: rollback.date.toISOString(),
      parent_id: rollback.kind === 'rollback' ? rollback.parentId : null,
      ...(failed ? { failure_code: rollback.failureCode } : {}),
    },
    voucher: rollback.voucherSnapshot ?? of.voucherSnapshot ?? null,
    customer: rollback.customerSnapshot ?? of.customerSnapshot ?? null,
    order: rollback.orderSnapshot ?? of.orderSnapshot ?? null,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** serializeRedemption reads every column: absent ones are null. */
function fill(r: RedemptionRowLike): RedemptionEntity {
  return {
    projectId: '',
    result: r.id.startsWith('rf_') || r.id.startsWith('rrf_') ? 'FAILURE' : 'SUCCESS',
    status: r.id.startsWith('rf_') || r.id.startsWith('rrf_') ? 'FAILED' : 'SUCCEEDED',
    rollbackId: null,
    rollbackDate: null,
    failureMessage: null,
    reason: null,
    sessionKey: null,
    trackingId: null,
    channelType: 'API',
    channelId: null,
    metadata: {},
    orderSnapshot: null,
    customerSnapshot: null,
    voucherSnapshot: null,
    ...r,
  } as RedemptionEntity;
}
