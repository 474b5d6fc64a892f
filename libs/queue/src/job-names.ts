/**
 * Every background job, by name, with its payload type. Add a job here first; a job name
 * without a registered handler fails start-up of any process that runs the worker role.
 */
export interface JobPayloads {
  /** Test-only job exercising the queue itself. */
  'queue.selftest': { value: string };
}

export type JobName = keyof JobPayloads;

export interface JobOptions {
  /** Deterministic id: enqueuing the same id twice runs the job once. */
  jobId?: string;
  delayMs?: number;
  attempts?: number;
}

export interface JobContext {
  jobId: string;
  attempt: number;
}
