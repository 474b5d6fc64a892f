import { Injectable } from '@nestjs/common';
import { AppError, rootLogger } from '@app/core';
import { IdempotencyErrors, ReplayedError } from './idempotency.errors';
import { IdempotencyRepository } from './idempotency.repository';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a duplicate waits for the first request's response before answering 409. */
const WAIT_FOR_FIRST_MS = 15_000;
const POLL_MS = 20;
/** Every this many claims, one bounded sweep of expired keys. */
const SWEEP_EVERY = 1000;

export interface IdempotentRequest {
  projectId: string;
  key: string;
  hash: string;
  requestId: string;
}

/** The outcome the first request produced, as it must be replayed. */
export type Outcome<T> = { kind: 'fresh'; value: T } | { kind: 'replay'; body: unknown };

/**
 * Runs a request at most once per (project, key) within 24 hours. The key row is inserted
 * first, on its own (autocommit), so of concurrent duplicates exactly one runs; the others
 * poll until its response is stored and replay it. A different request under the same key is
 * 422 `idempotency_key_reused`. An unexpected (500) failure frees the key for a retry; a
 * contract error (4xx) is stored and replayed like a success.
 */
@Injectable()
export class IdempotencyService {
  private claims = 0;

  constructor(private readonly repository: IdempotencyRepository) {}

  async run<T>(req: IdempotentRequest, work: () => Promise<T>): Promise<Outcome<T>> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      if (await this.repository.claim(req.projectId, req.key, req.hash)) {
        this.maybeSweep();
        return { kind: 'fresh', value: await this.execute(req, work) };
      }
      const stored = await this.repository.find(req.projectId, req.key);
      if (!stored) continue; // freed between our INSERT and SELECT: claim again
      if (Date.now() - stored.createdAt.getTime() > IDEMPOTENCY_TTL_MS) {
        await this.repository.deleteIfOlderThan(
          req.projectId,
          req.key,
          new Date(Date.now() - IDEMPOTENCY_TTL_MS),
        );
        continue;
      }
      if (stored.requestHash !== req.hash) throw IdempotencyErrors.reused(req.key);
      if (stored.statusCode !== null) {
        if (stored.statusCode >= 400)
          throw new ReplayedError(stored.statusCode, stored.response as Record<string, unknown>);
        return { kind: 'replay', body: stored.response };
      }
      if (Date.now() > deadline) throw IdempotencyErrors.inProgress(req.key);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async execute<T>(req: IdempotentRequest, work: () => Promise<T>): Promise<T> {
    let value: T;
    try {
      value = await work();
    } catch (error) {
      if (error instanceof AppError && error.status < 500) {
        await this.repository.complete(
          req.projectId,
          req.key,
          error.status,
          error.toBody(req.requestId),
        );
      } else {
        await this.repository.release(req.projectId, req.key);
      }
      throw error;
    }
    await this.repository.complete(req.projectId, req.key, 200, value);
    return value;
  }

  private maybeSweep() {
    this.claims = (this.claims + 1) % SWEEP_EVERY;
    if (this.claims !== 0) return;
    this.repository
      .sweep(new Date(Date.now() - IDEMPOTENCY_TTL_MS))
      .catch((error: unknown) => rootLogger().warn({ err: error }, 'idempotency key sweep failed'));
  }
}
