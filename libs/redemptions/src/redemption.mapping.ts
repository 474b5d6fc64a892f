import { isoOrNull } from '@app/core';
import type { RedemptionEntity } from './redemption.entity';

/** The contract's redemption (§7.2) or rollback (§7.5) object, from a stored row. */
export function serializeRedemption(r: RedemptionEntity) {
  const isRollback = r.kind === 'rollback' || r.kind === 'parent_rollback';
  const isParent = r.kind === 'parent' || r.kind === 'parent_rollback';
  const body: Record<string, unknown> = {
    id: r.id,
    object: isRollback ? 'redemption_rollback' : 'redemption',
    date: isoOrNull(r.date),
    customer_id: r.customerId,
    tracking_id: r.trackingId,
    metadata: r.metadata ?? {},
    amount: r.amount,
    result: r.result,
    status: r.status,
  };
  if (isRollback) {
    body.redemption = r.redemptionId;
    body.reason = r.reason;
    if (r.parentId) body.parent_rollback_id = r.parentId;
  } else if (r.parentId) {
    body.redemption = r.parentId;
  }
  if (r.result === 'FAILURE') {
    body.failure_code = r.failureCode;
    body.failure_message = r.failureMessage;
  }
  Object.assign(body, {
    order: r.orderSnapshot,
    channel: { channel_id: r.channelId, channel_type: r.channelType },
    customer: r.customerSnapshot,
    related_object_type: isParent ? 'redemption' : 'voucher',
    related_object_id: isParent ? (isRollback ? r.redemptionId : r.id) : r.voucherId,
  });
  if (!isParent) body.voucher = r.voucherSnapshot;
  if (r.amount !== null && !isParent) body.gift = { amount: r.amount };
  if (r.sessionKey) body.session = { key: r.sessionKey };
  if (!isRollback) {
    body.related_redemptions = {
      rollbacks: r.rollbackId ? [{ id: r.rollbackId, date: isoOrNull(r.rollbackDate) }] : [],
      redemptions: [],
    };
  }
  return body;
}

export type RedemptionObject = ReturnType<typeof serializeRedemption>;
