import { Injectable, Optional } from '@nestjs/common';
import {
  DataSource,
  EntityManager,
  QueryFailedError,
  QueryRunner,
  QueryRunnerAlreadyReleasedError,
} from 'typeorm';
import { QueryResult } from 'typeorm/query-runner/QueryResult';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { AppConfig } from '../config/app-config';
import { installWriteBehind, RawQuery, WriteBehindBuffer } from './write-behind';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Services own transactions: they call `run` and hand the EntityManager to repository methods.
 * Serialization failures and deadlocks are retried a few times; anything else propagates.
 * Writes nobody reads back in the transaction (audit rows, outbox events, ledger entries) ride
 * with its next statement instead of costing a round trip each (write-behind.ts).
 */
@Injectable()
export class TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly config?: AppConfig,
  ) {}

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
    let writes: WriteBehindBuffer | undefined;
    let client: PipelinedClient | null = null;
    try {
      if (!this.pipelining) {
        writes = installWriteBehind(runner);
        return await this.unpipelined(runner, work, isolation);
      }
      client = (await runner.connect()) as PipelinedClient;
      writes = installWriteBehind(runner, directQuery(runner, client));
      client.pipeline = true;
      const begun = settle(client.query(beginStatement(isolation)));
      markTransaction(runner, true);
      const result = await work(runner.manager);
      const beginError = await begun;
      if (beginError) throw beginError;
      await commitPipelined(runner, client, writes);
      return result;
    } catch (error) {
      writes?.discard();
      if (runner.isTransactionActive) {
        try {
          await runner.rollbackTransaction();
        } catch {
          // The original error is the one to report; the connection is released either way.
        }
      }
      throw error;
    } finally {
      if (client) client.pipeline = false;
      await runner.release();
    }
  }

  /** TypeORM's own BEGIN and COMMIT, one round trip each (PGlite serves one message at a time). */
  private async unpipelined<T>(
    runner: QueryRunner,
    work: (em: EntityManager) => Promise<T>,
    isolation: IsolationLevel,
  ): Promise<T> {
    // READ COMMITTED is Postgres's default: naming it would cost a SET TRANSACTION round trip.
    await runner.startTransaction(isolation === 'READ COMMITTED' ? undefined : isolation);
    const result = await work(runner.manager);
    // COMMIT first writes what is still queued (WriteBehindBuffer), in its own statement.
    await runner.commitTransaction();
    return result;
  }

  /** Pipelining needs a server that reads ahead; PGlite's socket answers one message at a time. */
  private get pipelining(): boolean {
    return this.config?.embeddedDatabase === false;
  }
}

/**
 * The node-postgres client under a TypeORM query runner. In pipeline mode it sends each query
 * as soon as it is queued (each with its own Sync, so one failing does not swallow the next)
 * and answers them in order.
 */
type PipelinedClient = {
  pipeline: boolean;
  query(sql: string, params?: unknown[]): Promise<PgResult>;
};
type PgResult = { command?: string; rows?: unknown[]; rowCount?: number | null };

function beginStatement(isolation: IsolationLevel): string {
  return isolation === 'READ COMMITTED'
    ? 'BEGIN'
    : `START TRANSACTION ISOLATION LEVEL ${isolation}`;
}

/**
 * The runner's queries straight on its client, shaped as TypeORM's PostgresQueryRunner.query
 * returns them (rows; `[rows, count]` for UPDATE and DELETE; a QueryResult when structured) and
 * failing with its QueryFailedError. What it skips costs ~40 µs a statement and serves nothing
 * here: logging is off and no subscriber listens to query events. Sent synchronously, so the
 * order of the calls is the order on the wire.
 */
function directQuery(runner: QueryRunner, client: PipelinedClient): RawQuery {
  return async (query, parameters, structured = false) => {
    if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    let raw: PgResult;
    try {
      raw = await client.query(query, parameters);
    } catch (error) {
      throw new QueryFailedError(query, parameters, error as Error);
    }
    const result = new QueryResult();
    if (Object.prototype.hasOwnProperty.call(raw, 'rows')) result.records = raw.rows ?? [];
    if (Object.prototype.hasOwnProperty.call(raw, 'rowCount'))
      result.affected = raw.rowCount ?? undefined;
    result.raw =
      raw.command === 'DELETE' || raw.command === 'UPDATE' ? [raw.rows, raw.rowCount] : raw.rows;
    return structured ? result : result.raw;
  };
}

/** What TypeORM's startTransaction / commitTransaction would have recorded on the runner. */
function markTransaction(runner: QueryRunner, active: boolean): void {
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
  state.isTransactionActive = active;
  state.transactionDepth = active ? 1 : 0;
}

/**
 * The queued writes and COMMIT go out together, in this order, straight on the client (TypeORM's
 * query path awaits before it sends, which could let COMMIT overtake the writes). If the writes
 * fail, Postgres answers the COMMIT with ROLLBACK: nothing of the transaction is kept.
 */
async function commitPipelined(
  runner: QueryRunner,
  client: PipelinedClient,
  writes: WriteBehindBuffer,
): Promise<void> {
  const last = writes.takeStatement();
  const [written, committed] = await Promise.allSettled([
    last ? client.query(last.sql, last.params) : undefined,
    client.query('COMMIT'),
  ]);
  markTransaction(runner, false);
  if (written.status === 'rejected') throw written.reason;
  if (committed.status === 'rejected') throw committed.reason;
  // A statement of the work failed and its error was swallowed: Postgres rolled back.
  if (committed.value.command === 'ROLLBACK')
    throw new Error('the transaction was aborted by an earlier error and has been rolled back');
}

/** The error of a promise, or undefined once it resolves (and never an unhandled rejection). */
function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error ?? new Error('query failed'),
  );
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
