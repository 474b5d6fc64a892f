import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Services own transactions: they call `run` and hand the EntityManager to repository methods.
 * Serialization failures and deadlocks are retried a few times; anything else propagates.
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
        // READ COMMITTED is Postgres's default: naming it would cost a SET TRANSACTION round
        // trip on every transaction (one of ~19 statements of a redemption).
        return isolation === 'READ COMMITTED'
          ? await this.dataSource.transaction(work)
          : await this.dataSource.transaction(isolation, work);
      } catch (error) {
        const code = pgErrorCode(error);
        if (attempt >= attempts || !code || !RETRYABLE.has(code)) throw error;
      }
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
