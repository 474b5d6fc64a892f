import { Injectable } from '@nestjs/common';
import { AppConfig, backoffWithJitter, rootLogger, TransactionRunner } from '@app/core';
import { JobQueue } from '../job-queue';
import { EventsRepository } from './events.repository';
import { nextIdleDelay, RELAY_MIN_IDLE_MS } from './relay-schedule';

/**
 * Moves committed outbox events into the queue, oldest first, in batches: lock a batch
 * (FOR UPDATE SKIP LOCKED), enqueue it with job id = event id, mark it relayed, commit. A crash
 * between enqueue and commit re-relays the batch, which the deterministic job ids dedupe.
 * When the queue is unavailable the transaction rolls back and the events wait in Postgres.
 * Runs in processes whose role runs the worker (the embedded default included).
 */
@Injectable()
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private sleepTimer?: NodeJS.Timeout;
  private idleMs = RELAY_MIN_IDLE_MS;
  private failures = 0;
  private lastFailureLog = 0;
  private backingOff = false;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: EventsRepository,
    private readonly transactions: TransactionRunner,
    private readonly queue: JobQueue,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.interruptSleep();
    await this.loop;
    this.loop = undefined;
  }

  /**
   * New events are about to commit: poll soon. Cheap; called on every record(). It never cuts
   * short a backoff after a failure, or every write during a Redis outage would cost a relay
   * attempt.
   */
  nudge(): void {
    this.idleMs = RELAY_MIN_IDLE_MS;
    if (!this.backingOff) this.interruptSleep();
  }

  private interruptSleep(): void {
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.sleepTimer = undefined;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
    });
  }

  private async run(): Promise<void> {
    const batchSize = this.config.env.OUTBOX_BATCH_SIZE;
    if (!this.queue.durable) await this.recoverLostJobs();
    while (this.running) {
      let moved: number;
      try {
        moved = await this.relayBatch(batchSize);
        this.failures = 0;
      } catch (error) {
        this.failures++;
        this.logFailure(error);
        this.backingOff = true;
        await this.sleep(backoffWithJitter(this.failures, 100, 5_000));
        this.backingOff = false;
        continue;
      }
      if (moved === batchSize) continue;
      this.idleMs = nextIdleDelay(this.idleMs, moved, this.config.env.OUTBOX_POLL_MAX_MS);
      await this.sleep(this.idleMs);
    }
  }

  /** The previous process's in-memory jobs died with it: relay their events again. */
  private async recoverLostJobs(): Promise<void> {
    try {
      const count = await this.repository.unrelayUnprocessed();
      if (count)
        rootLogger().info(
          { count },
          'outbox: re-relaying events a previous process never finished',
        );
    } catch (error) {
      rootLogger().warn({ err: (error as Error).message }, 'outbox: could not recover lost jobs');
    }
  }

  /** Relays one batch; returns how many events it moved. */
  async relayBatch(limit = this.config.env.OUTBOX_BATCH_SIZE): Promise<number> {
    let lockedIds: string[] = [];
    try {
      const moved = await this.transactions.run(async (em) => {
        const events = await this.repository.lockUnrelayed(limit, em);
        if (events.length === 0) return 0;
        lockedIds = events.map((e) => e.id);
        await this.queue.enqueueMany(
          events.map((event) => ({
            name: 'event.process' as const,
            payload: { eventId: event.id, projectId: event.projectId, type: event.type },
            options: { jobId: event.id },
          })),
        );
        await this.repository.markRelayed(lockedIds, em);
        return events.length;
      });
      return moved;
    } catch (error) {
      if (lockedIds.length)
        await this.repository
          .countRelayFailure(lockedIds)
          .catch((e: Error) =>
            rootLogger().warn({ err: e.message }, 'outbox: could not count a relay failure'),
          );
      throw error;
    }
  }

  private logFailure(error: unknown): void {
    if (Date.now() - this.lastFailureLog < 10_000) return;
    this.lastFailureLog = Date.now();
    rootLogger().warn(
      { err: (error as Error).message, failures: this.failures },
      'outbox relay: cannot relay yet; events wait in Postgres',
    );
  }
}
