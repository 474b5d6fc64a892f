import { isoOrNull } from '@app/core';
import type { PublicationResult } from './publication.entity';

/** A publication as read for the API: the row plus its campaign name and current customer. */
export interface PublicationRecord {
  id: string;
  campaignId: string | null;
  campaignName: string | null;
  customerId: string | null;
  trackingId: string | null;
  sourceId: string | null;
  channel: string;
  metadata: Record<string, unknown>;
  result: PublicationResult;
  failureCode: string | null;
  failureMessage: string | null;
  joinOnce: boolean;
  voucherCode: string | null;
  createdAt: Date;
  customer: {
    id: string;
    name: string | null;
    email: string | null;
    source_id: string | null;
    metadata: Record<string, unknown>;
  } | null;
}

/** A published code, in publication order. */
export interface PublishedCode {
  voucherId: string;
  code: string;
}

/**
 * The contract's publication object (§9.2). One code: `voucher` (the full voucher object);
 * several: `vouchers` (their codes). A failure carries failure_code and failure_message.
 */
export function serializePublication(
  p: PublicationRecord,
  codes: PublishedCode[],
  voucherObject: (voucherId: string, code: string) => unknown,
) {
  const body: Record<string, unknown> = {
    id: p.id,
    object: 'publication',
    created_at: isoOrNull(p.createdAt),
    customer_id: p.customerId,
    tracking_id: p.trackingId,
    metadata: p.metadata ?? {},
    channel: p.channel,
    source_id: p.sourceId,
    result: p.result,
    customer: p.customer
      ? { ...p.customer, metadata: p.customer.metadata ?? {}, object: 'customer' }
      : null,
    vouchers_id: codes.map((c) => c.voucherId),
  };
  if (p.result === 'FAILURE') {
    body.failure_code = p.failureCode;
    body.failure_message = p.failureMessage;
    if (p.voucherCode) body.voucher = { code: p.voucherCode, object: 'voucher' };
  } else if (codes.length === 1) {
    body.voucher = voucherObject(codes[0].voucherId, codes[0].code);
  } else {
    body.vouchers = codes.map((c) => c.code);
  }
  return body;
}
