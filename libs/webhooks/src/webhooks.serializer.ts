import { isoOrNull } from '@app/core';
import type { WebhookDeliveryEntity } from './webhook-delivery.entity';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity';

export function toWebhookResponse(endpoint: WebhookEndpointEntity, withSecret = false) {
  return {
    id: endpoint.id,
    object: 'webhook',
    target_url: endpoint.targetUrl,
    events: endpoint.events,
    active: endpoint.active,
    disabled_reason: endpoint.disabledReason,
    consecutive_failures: endpoint.consecutiveFailures,
    metadata: endpoint.metadata,
    ...(withSecret ? { secret: endpoint.secret } : {}),
    secret_hint: `…${endpoint.secret.slice(-4)}`,
    created_at: isoOrNull(endpoint.createdAt),
    updated_at: isoOrNull(endpoint.updatedAt),
  };
}

export function toDeliveryResponse(delivery: WebhookDeliveryEntity) {
  return {
    id: delivery.id,
    object: 'webhook_delivery',
    webhook_id: delivery.webhookId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    response_status: delivery.responseStatus,
    error: delivery.error,
    duration_ms: delivery.durationMs,
    next_attempt_at: isoOrNull(delivery.nextAttemptAt),
    delivered_at: isoOrNull(delivery.deliveredAt),
    created_at: isoOrNull(delivery.createdAt),
    updated_at: isoOrNull(delivery.updatedAt),
  };
}
