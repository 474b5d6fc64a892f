import type { EntityManager, QueryRunner } from 'typeorm';

/**
 * A write whose result nobody reads inside the transaction (an audit row, an outbox event, a
 * ledger entry...), as ONE statement over the JSON array of its rows bound to `$1`, e.g.
 * `INSERT INTO t (a, b) SELECT r.a, r.b FROM jsonb_to_recordset($1::jsonb) WITH ORDINALITY AS r(a text, b int, ord bigint)`.
 * Declare one per statement shape, as a module constant: queued rows are grouped by it.
 */
export interface BatchableWrite {
  readonly sql: string;
  /** Tables the statement writes: a later statement naming one of them waits for the write. */
  readonly tables: readonly string[];
  /** At most one queued row (UPDATEs: two updates of one row in one statement would conflict). */
  readonly single?: boolean;
}

export type RawQuery = (
  query: string,
  parameters?: unknown[],
  structured?: boolean,
) => Promise<unknown>;

const BUFFERS = new WeakMap<QueryRunner, WriteBehindBuffer>();
const MENTIONS = new WeakMap<BatchableWrite, RegExp[]>();
const MERGEABLE = /^\s*(insert|update|delete|select)\b/i;
const WITH_PREFIX = /^\s*with\s+(?!recursive\b)/i;
const ENDS_TRANSACTION = /^\s*(commit|release|savepoint|prepare)\b/i;
const ROLLS_BACK = /^\s*rollback\b/i;

/**
 * Write-behind for one transaction: `writeBehind` queues batchable writes instead of running
 * them, and the transaction's next statement carries them. A statement that cannot see them
 * missing (it names none of their tables) gets them as data-modifying CTEs in front of it, in
 * the same round trip; any other statement, and COMMIT, is preceded by one statement with all of
 * them. Nothing changes for the database but the number of round trips: the rows are written
 * in the order queued, before anything that could read them, inside the same transaction.
 */
export class WriteBehindBuffer {
  private readonly queued = new Map<BatchableWrite, unknown[]>();

  constructor(private readonly run: RawQuery) {}

  get empty(): boolean {
    return this.queued.size === 0;
  }

  async add(write: BatchableWrite, rows: unknown[]): Promise<void> {
    if (write.single && this.queued.has(write)) await this.flush();
    const list = this.queued.get(write);
    if (list) list.push(...rows);
    else this.queued.set(write, [...rows]);
  }

  discard(): void {
    this.queued.clear();
  }

  /** Runs what is queued as one statement. */
  async flush(): Promise<void> {
    if (this.empty) return;
    const taken = this.take();
    try {
      const { sql, params } = this.statementOf(taken);
      await this.run(sql, params);
    } catch (error) {
      this.restore(taken);
      throw error;
    }
  }

  /**
   * Takes what is queued as one statement for the caller to send (e.g. pipelined with COMMIT);
   * null when nothing is queued. The caller owns it: a failure is the transaction's.
   */
  takeStatement(): { sql: string; params: unknown[] } | null {
    return this.empty ? null : this.statementOf(this.take());
  }

  private statementOf(taken: Taken): { sql: string; params: unknown[] } {
    const { ctes, params } = this.render(taken, 0);
    const sql =
      ctes.length === 1 ? ctes[0].body : `WITH ${ctes.map((c) => c.text).join(', ')} SELECT 1`;
    return { sql, params };
  }

  /** Hook for the query runner: what to send instead of `query`, flushing first when needed. */
  async before(
    query: string,
    parameters: unknown[] | undefined,
  ): Promise<{ sql: string; params: unknown[] | undefined; carried?: Taken }> {
    if (this.empty) return { sql: query, params: parameters };
    if (ROLLS_BACK.test(query)) {
      this.discard();
      return { sql: query, params: parameters };
    }
    if (!ENDS_TRANSACTION.test(query)) {
      const merged = this.mergeable(query) ? this.carry(query, parameters ?? []) : null;
      if (merged) return merged;
    }
    await this.flush();
    return { sql: query, params: parameters };
  }

  /** Puts carried writes back when the statement carrying them failed. */
  failed(carried: Taken | undefined): void {
    if (carried) this.restore(carried);
  }

  private mergeable(query: string): boolean {
    if (query.includes(';')) return false;
    if (!WITH_PREFIX.test(query) && !MERGEABLE.test(query)) return false;
    const lower = query.toLowerCase();
    for (const write of this.queued.keys())
      for (const mention of mentionsOf(write)) if (mention.test(lower)) return false;
    return true;
  }

  private carry(
    query: string,
    parameters: unknown[],
  ): { sql: string; params: unknown[]; carried: Taken } {
    const taken = this.take();
    const { ctes, params } = this.render(taken, parameters.length);
    const prefix = ctes.map((c) => c.text).join(', ');
    const withPrefix = WITH_PREFIX.exec(query);
    const sql = withPrefix
      ? `WITH ${prefix}, ${query.slice(withPrefix[0].length)}`
      : `WITH ${prefix} ${query}`;
    return { sql, params: [...parameters, ...params], carried: taken };
  }

  private take(): Taken {
    const taken: Taken = [...this.queued.entries()];
    this.queued.clear();
    return taken;
  }

  private restore(taken: Taken): void {
    const later = [...this.queued.entries()];
    this.queued.clear();
    for (const [write, rows] of [...taken, ...later]) {
      const list = this.queued.get(write);
      if (list) list.push(...rows);
      else this.queued.set(write, rows);
    }
  }

  private render(taken: Taken, firstParam: number) {
    const params: unknown[] = [];
    const ctes = taken.map(([write, rows], i) => {
      params.push(JSON.stringify(rows));
      const body = write.sql.replace(/\$1\b/g, `$${firstParam + params.length}`);
      return { body, text: `write_behind_${i} AS (${body})` };
    });
    return { ctes, params };
  }
}

type Taken = [BatchableWrite, unknown[]][];

/** A table name as a word of a lower-cased statement (quoted or not). */
function mentionsOf(write: BatchableWrite): RegExp[] {
  let mentions = MENTIONS.get(write);
  if (!mentions) {
    mentions = write.tables.map(
      (t) => new RegExp(`(^|[^a-z0-9_])${t.toLowerCase()}([^a-z0-9_]|$)`),
    );
    MENTIONS.set(write, mentions);
  }
  return mentions;
}

/**
 * Runs `write` for `rows` now, or, inside a transaction of TransactionRunner, queues it to ride
 * with the transaction's next statement (see WriteBehindBuffer).
 */
export async function writeBehind(
  em: EntityManager,
  write: BatchableWrite,
  rows: unknown[],
): Promise<void> {
  if (!rows.length) return;
  const buffer = em.queryRunner ? BUFFERS.get(em.queryRunner) : undefined;
  if (buffer) return buffer.add(write, rows);
  await em.query(write.sql, [JSON.stringify(rows)]);
}

/** Gives `runner` a write-behind buffer: its statements carry (or flush) the queued writes. */
export function installWriteBehind(
  runner: QueryRunner,
  original: RawQuery = runner.query.bind(runner) as RawQuery,
): WriteBehindBuffer {
  const buffer = new WriteBehindBuffer(original);
  BUFFERS.set(runner, buffer);
  runner.query = (async (query: string, parameters?: unknown[], structured?: boolean) => {
    if (buffer.empty) return original(query, parameters, structured);
    const next = await buffer.before(query, parameters);
    try {
      return await original(next.sql, next.params, structured);
    } catch (error) {
      buffer.failed(next.carried);
      throw error;
    }
  }) as QueryRunner['query'];
  return buffer;
}
