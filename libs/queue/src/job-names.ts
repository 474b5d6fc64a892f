/**
 * Every queue and background job, by name, with its payload type. Add a job here first; a job
 * name without a registered handler fails start-up of any process that runs the worker role.
 */
export const QUEUE_NAMES = ['events', 'webhooks'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobPayloads {
  /** A committed outbox event, relayed from Postgres: runs every subscriber of its type. */
  'event.process': { eventId: string; projectId: string; type: string };
  /** One attempt of one webhook delivery (one event to one endpoint). */
  'webhook.deliver': { deliveryId: string; projectId: string; attempt: number; manual?: boolean };
}

export type JobName = keyof JobPayloads;

/**
 * Which queue carries each job. Webhook deliveries have their own queue so a slow receiver
 * never delays the side effects of other events.
 */
export const JOB_QUEUES: { readonly [N in JobName]: QueueName } = {
  'event.process': 'events',
  'webhook.deliver': 'webhooks',
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
