import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { installWriteBehind } from './write-behind';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Services own transactions: they call `run` and hand the EntityManager to repository methods.
 * Serialization failures and deadlocks are retried a few times; anything else propagates.
 * Writes nobody reads back in the transaction (audit rows, outbox events, ledger entries) ride
 * with its next statement instead of costing a round trip each (write-behind.ts).
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async run<T>(
    work: (em: EntityManager) => Promise<T>,
    isolation: IsolationLevel = 'READ COMMITTED',
    attempts = 3,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(work, isolation);
      } catch (error) {
        const code = pgErrorCode(error);
        if (attempt >= attempts || !code || !RETRYABLE.has(code)) throw error;
      }
    }
  }

  private async once<T>(
    work: (em: EntityManager) => Promise<T>,
    isolation: IsolationLevel,
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const writes = installWriteBehind(runner);
    try {
      // READ COMMITTED is Postgres's default: naming it would cost a SET TRANSACTION round trip.
      await runner.startTransaction(isolation === 'READ COMMITTED' ? undefined : isolation);
      const result = await work(runner.manager);
      // COMMIT first writes what is still queued (WriteBehindBuffer), in its own statement.
      await runner.commitTransaction();
      return result;
    } catch (error) {
      writes.discard();
      try {
        await runner.rollbackTransaction();
      } catch {
        // The original error is the one to report; the connection is released either way.
      }
      throw error;
    } finally {
      await runner.release();
    }
  }
}

export function pgErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

export function pgConstraint(error: unknown): string | undefined {
  const e = error as { constraint?: unknown; driverError?: { constraint?: unknown } };
  const c = e?.driverError?.constraint ?? e?.constraint;
  return typeof c === 'string' ? c : undefined;
}

export const isUniqueViolation = (error: unknown, constraint?: string) =>
  pgErrorCode(error) === '23505' &&
  (constraint === undefined || pgConstraint(error) === constraint);
export const isCheckViolation = (error: unknown, constraint?: string) =>
  pgErrorCode(error) === '23514' &&
  (constraint === undefined || pgConstraint(error) === constraint);
