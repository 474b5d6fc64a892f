import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OutboxEvent } from '@app/queue';

export const SIGNATURE_HEADER = 'x-voucherify-signature';

export interface EnvelopeInput {
  deliveryId: string;
  deliveryCreatedAt: Date;
  webhookId: string;
  targetUrl: string;
  event: OutboxEvent;
}

/**
 * The contract's webhook envelope (section 12.2). Built only from stored values, so every retry
 * of a delivery carries the same `id` and content.
 */
export function buildEnvelope(input: EnvelopeInput) {
  const { event } = input;
  return {
    id: input.deliveryId,
    project_id: event.projectId,
    created_at: input.deliveryCreatedAt.toISOString(),
    type: event.type,
    data: event.data,
    source: { id: input.webhookId, object: 'webhook', target_url: input.targetUrl },
    event: {
      id: event.id,
      type: event.type,
      created_at: event.createdAt.toISOString(),
      entity_id: event.entityId,
      group_id: event.groupId,
      event_source: event.source,
    },
  };
}

/** Hex HMAC-SHA256 of the exact bytes sent, keyed with the endpoint's secret. */
export function signBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** What a receiver does: recompute over the raw body and compare in constant time. */
export function signatureMatches(body: string, secret: string, signature: string): boolean {
  const expected = Buffer.from(signBody(body, secret), 'hex');
  const presented = Buffer.from(signature, 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
