import { Injectable, SetMetadata } from '@nestjs/common';
import type { JobContext, JobName, JobPayloads } from './job-names';
import { JOB_NAMES } from './job-names';

export const JOB_HANDLER = 'queue:job-handler';

/** Marks a provider as the handler of one job; it must implement JobHandler<N>. */
export const HandlesJob = (name: JobName) => SetMetadata(JOB_HANDLER, name);

/**
 * A thin processor: it validates the payload and calls a service. Throwing makes the queue
 * retry the job with exponential backoff, so the work must be idempotent.
 */
export interface JobHandler<N extends JobName> {
  handle(payload: JobPayloads[N], context: JobContext): Promise<void>;
}

/** Handlers by job name, filled at start-up from every provider marked with @HandlesJob. */
@Injectable()
export class JobHandlerRegistry {
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();

  register(name: JobName, handler: JobHandler<JobName>): void {
    if (this.handlers.has(name)) throw new Error(`Two handlers for job ${name}`);
    this.handlers.set(name, handler);
  }

  get(name: JobName): JobHandler<JobName> | undefined {
    return this.handlers.get(name);
  }

  names(): JobName[] {
    return [...this.handlers.keys()];
  }

  /** Job names that no provider handles; a worker must not start with any. */
  missing(): JobName[] {
    return JOB_NAMES.filter((name) => !this.handlers.has(name));
  }
}
