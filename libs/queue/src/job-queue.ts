import type { JobName, JobOptions, JobPayloads } from './job-names';

/**
 * The queue every module enqueues to. Implemented by the in-process driver (embedded mode,
 * no Redis) and by the BullMQ driver (REDIS_URL set).
 */
export abstract class JobQueue {
  abstract enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options?: JobOptions,
  ): Promise<void>;
}
