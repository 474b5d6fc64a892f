import { BeforeApplicationShutdown, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { AppConfig, backoffWithJitter, rootLogger } from '@app/core';
import { JobHandlerRegistry } from './job-handler';
import { JOB_QUEUES, JOB_NAMES, QUEUE_NAMES } from './job-names';
import type { JobName, JobOptions, JobPayloads, JobRequest, QueueName } from './job-names';
import { JobQueue, QueueCounts, QueueStatus } from './job-queue';
import { QueueUnavailableError, withTimeout } from './queue-unavailable';

/** BullMQ's keys live under `<REDIS_PREFIX>:bull:…`, so parallel test runs never collide. */
export const bullPrefix = (config: AppConfig) => `${config.env.REDIS_PREFIX}:bull`;

/**
 * The queue's name in Redis, hash-tagged so that all keys of one queue share a Redis Cluster
 * slot (BullMQ's scripts touch several keys of a queue at once).
 */
export const redisQueueName = (queue: QueueName) => `{${queue}}`;

/**
 * Jobs in Redis through BullMQ (REDIS_URL set). Producers share one fail-fast connection (no
 * offline queue: a Redis outage makes an enqueue fail within QUEUE_ENQUEUE_TIMEOUT_MS instead of
 * buffering in memory); every worker gets its own blocking connection, as BullMQ requires.
 * Workers only run in processes whose role runs the worker (startWorkers is called by the
 * QueueModule after every handler registered).
 */
const CLOSE_GRACE_MS = 5_000;

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
function withDeadline(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export class BullMqJobQueue
  extends JobQueue
  implements BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly durable = true;
  private readonly producer: Redis;
  readonly queues: ReadonlyMap<QueueName, Queue>;
  private workers: Worker[] = [];
  private lastErrorLog = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly handlers: JobHandlerRegistry,
  ) {
    super();
    this.producer = new Redis(config.env.REDIS_URL!, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: config.env.QUEUE_ENQUEUE_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => backoffWithJitter(attempt, 100, 2_000),
    });
    this.producer.on('error', (err: Error) => this.logRedisError(err, 'queue producer'));
    const queues = new Map<QueueName, Queue>();
    for (const name of QUEUE_NAMES) {
      const queue = new Queue(redisQueueName(name), {
        connection: this.producer,
        prefix: bullPrefix(config),
        defaultJobOptions: this.defaultJobOptions(),
      });
      queue.on('error', (err: Error) => this.logRedisError(err, `queue ${name}`));
      queues.set(name, queue);
    }
    this.queues = queues;
  }

  private defaultJobOptions() {
    const env = this.config.env;
    return {
      attempts: env.QUEUE_JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: env.QUEUE_BACKOFF_BASE_MS },
      // Completed jobs are kept (bounded) so that re-adding the same job id is a no-op for a while.
      removeOnComplete: { count: env.QUEUE_COMPLETED_KEEP },
      removeOnFail: { count: env.QUEUE_FAILED_KEEP },
    };
  }

  private jobOptions(name: JobName, options: JobOptions = {}) {
    return {
      // BullMQ reserves ':' in custom job ids (its key separator); the mapping stays deterministic.
      jobId: options.jobId?.replace(/:/g, '.'),
      delay: options.delayMs,
      attempts: options.attempts ?? this.config.env.QUEUE_JOB_ATTEMPTS,
    };
  }

  /** Ready, or still making its first connection (waits briefly); otherwise fails fast. */
  private async ensureAvailable(): Promise<void> {
    const status = this.producer.status;
    if (status === 'ready') return;
    if (status === 'wait' || status === 'connecting' || status === 'connect') {
      await withTimeout(
        new Promise<void>((resolve) => this.producer.once('ready', () => resolve())),
        this.config.env.QUEUE_ENQUEUE_TIMEOUT_MS,
      );
      return;
    }
    throw new QueueUnavailableError(`redis is ${status}`);
  }

  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options?: JobOptions,
  ): Promise<void> {
    await this.ensureAvailable();
    const queue = this.queues.get(JOB_QUEUES[name])!;
    await withTimeout(
      queue.add(name, payload, this.jobOptions(name, options)),
      this.config.env.QUEUE_ENQUEUE_TIMEOUT_MS,
    );
  }

  async enqueueMany(jobs: JobRequest[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.ensureAvailable();
    const byQueue = new Map<QueueName, JobRequest[]>();
    for (const job of jobs) {
      const queue = JOB_QUEUES[job.name];
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), job]);
    }
    await withTimeout(
      Promise.all(
        [...byQueue].map(([queue, list]) =>
          this.queues.get(queue)!.addBulk(
            list.map((job) => ({
              name: job.name,
              data: job.payload,
              opts: this.jobOptions(job.name, job.options),
            })),
          ),
        ),
      ),
      this.config.env.QUEUE_ENQUEUE_TIMEOUT_MS,
    );
  }

  async status(): Promise<QueueStatus> {
    const available = this.producer.status === 'ready';
    const queues: QueueCounts[] = [];
    for (const [name, queue] of this.queues) {
      const counts = available
        ? await withTimeout(
            queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
            this.config.env.QUEUE_ENQUEUE_TIMEOUT_MS,
          ).catch(() => ({}) as Record<string, number>)
        : ({} as Record<string, number>);
      queues.push({
        queue: name,
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      });
    }
    return { driver: 'bullmq', available, queues };
  }

  /** Starts one worker per queue that has jobs; each with its own blocking connection. */
  startWorkers(): void {
    const env = this.config.env;
    const concurrency: Record<QueueName, number> = {
      events: env.QUEUE_EVENTS_CONCURRENCY,
      webhooks: env.WEBHOOK_CONCURRENCY,
      bulk: env.QUEUE_BULK_CONCURRENCY,
    };
    for (const queue of QUEUE_NAMES) {
      if (!JOB_NAMES.some((n) => JOB_QUEUES[n] === queue)) continue;
      const worker = new Worker(redisQueueName(queue), (job: Job) => this.process(job), {
        connection: {
          url: env.REDIS_URL,
          maxRetriesPerRequest: null,
          retryStrategy: (attempt: number) => backoffWithJitter(attempt, 200, 5_000),
        },
        prefix: bullPrefix(this.config),
        concurrency: concurrency[queue],
        lockDuration: env.QUEUE_LOCK_MS,
        stalledInterval: env.QUEUE_LOCK_MS,
        autorun: true,
      });
      worker.on('error', (err: Error) => this.logRedisError(err, `worker ${queue}`));
      worker.on('failed', (job: Job | undefined, err: Error) => {
        if (!job) return;
        const final = job.attemptsMade >= (job.opts.attempts ?? 1);
        rootLogger()[final ? 'error' : 'warn'](
          { job: job.name, jobId: job.id, attempt: job.attemptsMade, err: err.message },
          final ? 'job failed permanently (kept for inspection)' : 'job failed; retrying',
        );
      });
      this.workers.push(worker);
    }
  }

  private async process(job: Job): Promise<void> {
    const name = job.name as JobName;
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`No handler registered for job ${job.name}`);
    await handler.handle(job.data as JobPayloads[JobName], {
      jobId: job.id ?? '',
      attempt: job.attemptsMade + 1,
    });
  }

  /**
   * Stops the workers. `force` abandons active jobs without waiting (they are picked up again
   * by another worker once their lock expires): what a crash looks like to the rest of the system.
   * A graceful close never waits on Redis forever: with Redis down or paused it would hang
   * shutdown, so after a grace period the workers are forced closed.
   */
  async closeWorkers(force = false): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await withDeadline(
      Promise.allSettled(workers.map((w) => w.close(force))),
      force ? 1_000 : CLOSE_GRACE_MS,
    );
    await withDeadline(Promise.allSettled(workers.map((w) => w.close(true))), 1_000);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.closeWorkers();
  }

  async onApplicationShutdown(): Promise<void> {
    const queues = [...this.queues.values()];
    await withDeadline(Promise.allSettled(queues.map((q) => q.close())), 2_000);
    await Promise.allSettled(queues.map((q) => q.disconnect()));
    if (this.producer.status !== 'end') this.producer.disconnect();
  }

  private logRedisError(err: Error, where: string): void {
    if (Date.now() - this.lastErrorLog < 10_000) return;
    this.lastErrorLog = Date.now();
    rootLogger().warn({ err: err.message, where }, 'queue: redis unavailable');
  }
}
