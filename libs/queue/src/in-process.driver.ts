import { BeforeApplicationShutdown } from '@nestjs/common';
import { AppConfig, backoffWithJitter, randomBase62, rootLogger } from '@app/core';
import { JobHandlerRegistry } from './job-handler';
import { JOB_QUEUES, QUEUE_NAMES } from './job-names';
import type { JobName, JobOptions, JobPayloads, JobRequest } from './job-names';
import { JobQueue, QueueStatus } from './job-queue';
import { QueueUnavailableError } from './queue-unavailable';

const RECENT_IDS_MAX = 10_000;
const FAILED_KEEP = 100;
/** Scheduled and delayed jobs held in memory; beyond it enqueues are refused (the outbox waits). */
const PENDING_MAX = 50_000;

export interface FailedJob {
  name: JobName;
  jobId: string;
  error: string;
  failedAt: string;
}

/**
 * Runs jobs in this process (the embedded default, where there is no Redis). Same contract as
 * the BullMQ driver: deterministic job ids dedupe, retries back off exponentially, the last
 * failures are kept for inspection. Everything it holds is bounded. Jobs live in memory only:
 * what is durable is the outbox in Postgres, which the relay re-reads after a restart.
 */
export class InProcessJobQueue extends JobQueue implements BeforeApplicationShutdown {
  readonly durable = false;
  private readonly recentIds = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, JobName>();
  private readonly active = new Map<JobName, number>();
  readonly failed: FailedJob[] = [];
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly handlers: JobHandlerRegistry,
  ) {
    super();
  }

  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: JobOptions = {},
  ): Promise<void> {
    // Refusing (not dropping) matters: the relay must not mark events relayed that never run.
    if (this.closed) throw new QueueUnavailableError('in-process queue is shutting down');
    if (this.timers.size >= PENDING_MAX)
      throw new QueueUnavailableError(`in-process queue holds ${PENDING_MAX} pending jobs`);
    const jobId = options.jobId ?? `${name}.${randomBase62(16)}`;
    if (this.recentIds.has(jobId)) return;
    this.recentIds.add(jobId);
    if (this.recentIds.size > RECENT_IDS_MAX)
      this.recentIds.delete(this.recentIds.values().next().value as string);
    const attempts = options.attempts ?? this.config.env.QUEUE_JOB_ATTEMPTS;
    this.schedule(name, payload, jobId, 1, attempts, options.delayMs ?? 0);
  }

  async enqueueMany(jobs: JobRequest[]): Promise<void> {
    for (const job of jobs) await this.enqueue(job.name, job.payload, job.options);
  }

  async status(): Promise<QueueStatus> {
    const queues = QUEUE_NAMES.map((queue) => {
      const names = (Object.keys(JOB_QUEUES) as JobName[]).filter((n) => JOB_QUEUES[n] === queue);
      const count = (values: Iterable<JobName>) =>
        [...values].filter((n) => names.includes(n)).length;
      return {
        queue,
        waiting: 0,
        active: names.reduce((sum, n) => sum + (this.active.get(n) ?? 0), 0),
        delayed: count(this.timers.values()),
        failed: this.failed.filter((f) => names.includes(f.name)).length,
      };
    });
    return { driver: 'in-process', available: !this.closed, queues };
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
    this.timers.set(timer, name);
  }

  private async run(
    name: JobName,
    payload: unknown,
    jobId: string,
    attempt: number,
    attempts: number,
  ): Promise<void> {
    const handler = this.handlers.get(name);
    this.active.set(name, (this.active.get(name) ?? 0) + 1);
    try {
      if (!handler) throw new Error(`No handler registered for job ${name}`);
      await handler.handle(payload as JobPayloads[JobName], { jobId, attempt });
    } catch (error) {
      const message = (error as Error).message;
      if (attempt < attempts && !this.closed) {
        rootLogger().warn({ job: name, jobId, attempt, err: message }, 'job failed; retrying');
        const delay = backoffWithJitter(attempt, this.config.env.QUEUE_BACKOFF_BASE_MS, 300_000);
        this.schedule(name, payload, jobId, attempt + 1, attempts, delay);
        return;
      }
      rootLogger().error({ job: name, jobId, attempt, err: message }, 'job failed permanently');
      this.failed.push({ name, jobId, error: message, failedAt: new Date().toISOString() });
      if (this.failed.length > FAILED_KEEP) this.failed.shift();
    } finally {
      this.active.set(name, (this.active.get(name) ?? 1) - 1);
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

  /** Before the database closes: stop scheduling, let running jobs finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.keys()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}
