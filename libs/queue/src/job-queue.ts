import type { JobName, JobOptions, JobPayloads, JobRequest, QueueName } from './job-names';

export interface QueueCounts {
  queue: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface QueueStatus {
  driver: 'bullmq' | 'in-process';
  /** False while the backing store (Redis) is unreachable: enqueues fail fast. */
  available: boolean;
  queues: QueueCounts[];
}

/**
 * The queue every module enqueues to. Implemented by the in-process driver (embedded mode,
 * no Redis) and by the BullMQ driver (REDIS_URL set). Never call it inside a request's
 * database transaction: record an outbox event instead (EventsService.record).
 */
export abstract class JobQueue {
  /** Whether enqueued jobs survive a restart of this process (Redis: yes; in-process: no). */
  abstract readonly durable: boolean;

  abstract enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options?: JobOptions,
  ): Promise<void>;

  /** Enqueues several jobs in one round trip; all or none are accepted. */
  abstract enqueueMany(jobs: JobRequest[]): Promise<void>;

  abstract status(): Promise<QueueStatus>;
}
