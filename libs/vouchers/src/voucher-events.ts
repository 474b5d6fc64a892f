import type { EventSource } from '@app/queue';

/**
 * Who caused a change to a voucher or campaign, carried into its outbox event: the envelope's
 * `event_source` and `group_id`. Jobs and other modules calling the services without one act
 * as the platform itself (`INTERNAL`).
 */
export interface ChangeOrigin {
  source: EventSource;
  requestId: string | null;
}

export const INTERNAL_ORIGIN: ChangeOrigin = { source: { channel: 'INTERNAL' }, requestId: null };
