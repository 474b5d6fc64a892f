import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { backoffWithJitter, rootLogger } from '@app/core';
import { JobHandlerRegistry } from './job-handler';
import type { JobName, JobOptions, JobPayloads } from './job-names';
import { JobQueue } from './job-queue';
import { randomBase62 } from '@app/core';

const RECENT_IDS_MAX = 10_000;
const FAILED_KEEP = 100;

export interface FailedJob {
  name: JobName;
  jobId: string;
  error: string;
  failedAt: string;
}

/**
 * Runs jobs in this process (the embedded default, where there is no Redis). Same contract as
 * the BullMQ driver: deterministic job ids dedupe, retries back off exponentially, the last
 * failures are kept for inspection. Everything it holds is bounded.
 */
@Injectable()
export class InProcessJobQueue extends JobQueue implements OnApplicationShutdown {
  private readonly recentIds = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly failed: FailedJob[] = [];
  private closed = false;

  constructor(private readonly handlers: JobHandlerRegistry) {
    super();
  }

  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: JobOptions = {},
  ): Promise<void> {
    const jobId = options.jobId ?? `${name}:${randomBase62(16)}`;
    if (this.recentIds.has(jobId)) return;
    this.recentIds.add(jobId);
    if (this.recentIds.size > RECENT_IDS_MAX)
      this.recentIds.delete(this.recentIds.values().next().value as string);
    this.schedule(name, payload, jobId, 1, options.attempts ?? 5, options.delayMs ?? 0);
  }

  private schedule(
    name: JobName,
    payload: unknown,
    jobId: string,
    attempt: number,
    attempts: number,
    delayMs: number,
  ): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = this.run(name, payload, jobId, attempt, attempts);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, delayMs);
    this.timers.add(timer);
  }

  private async run(
    name: JobName,
    payload: unknown,
    jobId: string,
    attempt: number,
    attempts: number,
  ): Promise<void> {
    const handler = this.handlers.get(name);
    try {
      if (!handler) throw new Error(`No handler registered for job ${name}`);
      await handler.handle(payload as JobPayloads[JobName], { jobId, attempt });
    } catch (error) {
      const message = (error as Error).message;
      if (attempt < attempts) {
        rootLogger().warn({ job: name, jobId, attempt, err: message }, 'job failed; retrying');
        this.schedule(
          name,
          payload,
          jobId,
          attempt + 1,
          attempts,
          backoffWithJitter(attempt, 200, 30_000),
        );
        return;
      }
      rootLogger().error({ job: name, jobId, attempt, err: message }, 'job failed permanently');
      this.failed.push({ name, jobId, error: message, failedAt: new Date().toISOString() });
      if (this.failed.length > FAILED_KEEP) this.failed.shift();
    }
  }

  /** Resolves when nothing is running or scheduled (tests, graceful shutdown). */
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.running.size > 0 || this.timers.size > 0) && Date.now() < deadline) {
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((r) => setTimeout(r, 20)),
      ]);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}
