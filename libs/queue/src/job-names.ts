/**
 * Every queue and background job, by name, with its payload type. Add a job here first; a job
 * name without a registered handler fails start-up of any process that runs the worker role.
 */
export const QUEUE_NAMES = ['events', 'webhooks', 'bulk'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobPayloads {
  /** A committed outbox event, relayed from Postgres: runs every subscriber of its type. */
  'event.process': { eventId: string; projectId: string; type: string };
  /** One attempt of one webhook delivery (one event to one endpoint). */
  'webhook.deliver': { deliveryId: string; projectId: string; attempt: number; manual?: boolean };
  /** Imports voucher rows (JSON or parsed CSV), optionally into a campaign. */
  'vouchers.import': {
    projectId: string;
    asyncActionId: string;
    campaignId: string | null;
    rows: unknown[];
  };
  /** Generates `count` codes into a campaign (creation or "add vouchers"). */
  'campaign.vouchers.generate': {
    projectId: string;
    campaignId: string;
    asyncActionId: string;
    count: number;
    /** Per-voucher overrides of the campaign template (add vouchers). */
    overrides: Record<string, unknown> | null;
  };
  /** Deletes a campaign's vouchers (bin or permanent), then the campaign if forced. */
  'campaign.delete': {
    projectId: string;
    campaignId: string;
    asyncActionId: string;
    force: boolean;
  };
  /** POST /v1/orders/import: the raw rows, validated one by one by the job. */
  'orders.import': { projectId: string; asyncActionId: string; orders: Record<string, unknown>[] };
  /** POST /v1/exports: fixes the snapshot, counts the rows and marks the export DONE. */
  'exports.run': { projectId: string; exportId: string };
}

export type JobName = keyof JobPayloads;

/**
 * Which queue carries each job. Webhook deliveries have their own queue so a slow receiver
 * never delays the side effects of other events.
 */
export const JOB_QUEUES: { readonly [N in JobName]: QueueName } = {
  'event.process': 'events',
  'webhook.deliver': 'webhooks',
  // Imports and code generation are long and heavy: their own queue, so they never delay events.
  'vouchers.import': 'bulk',
  'campaign.vouchers.generate': 'bulk',
  'campaign.delete': 'bulk',
  'orders.import': 'bulk',
  'exports.run': 'bulk',
};

export const JOB_NAMES = Object.keys(JOB_QUEUES) as JobName[];

export interface JobOptions {
  /** Deterministic id: enqueuing the same id twice runs the job once. No ':' allowed. */
  jobId?: string;
  delayMs?: number;
  /** Overrides QUEUE_JOB_ATTEMPTS (failures are retried with exponential backoff). */
  attempts?: number;
}

export interface JobRequest<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  options?: JobOptions;
}

export interface JobContext {
  jobId: string;
  attempt: number;
}
