/**
 * Event types other modules record and webhooks subscribe to (contract section 12.2).
 * Append a type here before recording it.
 */
export const EVENT_TYPES = [
  'redemption.succeeded',
  'redemption.failed',
  'redemption.rollback.succeeded',
  'redemption.rollback.failed',
  'publication.succeeded',
  'voucher.created',
  'voucher.updated',
  'voucher.deleted',
  'voucher.enabled',
  'voucher.disabled',
  'voucher.published',
  'voucher.gift.balance_added',
  'voucher.gift.transaction.created',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'campaign.created',
  'campaign.updated',
  'campaign.deleted',
  'campaign.enabled',
  'campaign.disabled',
  'campaign.vouchers.generation.started',
  'campaign.vouchers.generation.completed',
  'campaign.vouchers.generation.failed',
  'order.created',
  'order.updated',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType =>
  (EVENT_TYPES as readonly string[]).includes(value);

/** Who caused an event: the envelope's `event.event_source`. */
export interface EventSource {
  channel: 'API' | 'CLIENT_API' | 'USER_PORTAL' | 'INTERNAL';
  api_key?: { name?: string; app_id: string };
  user?: { id: string };
}

/** A committed outbox event as subscribers see it. */
export interface OutboxEvent {
  id: string;
  projectId: string;
  type: EventType;
  entityId: string | null;
  /** The request id that caused it (`event.group_id`), when there was one. */
  groupId: string | null;
  data: Record<string, unknown>;
  source: EventSource;
  createdAt: Date;
}

/** The event source of a request authenticated by an API key (structural: no tenancy import). */
export function eventSourceOf(auth: {
  channel: 'API' | 'CLIENT_API';
  appId: string;
  keyName?: string;
}): EventSource {
  return {
    channel: auth.channel,
    api_key: { app_id: auth.appId, ...(auth.keyName ? { name: auth.keyName } : {}) },
  };
}
