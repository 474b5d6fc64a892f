import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BatchableWrite, newId, returnedRows, writeBehind } from '@app/core';
import { AuditLogEntity, AuditActorType } from './audit-log.entity';
import { GENESIS_HASH } from './audit-diff';

export interface AuditRow {
  projectId: string | null;
  actorType: AuditActorType;
  actorId: string | null;
  route: string | null;
  requestId: string | null;
  entityType: string;
  entityId: string | null;
  action: string;
  diff: Record<string, unknown>;
}

export interface AuditListFilter {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  createdBefore?: Date;
  createdAfter?: Date;
}

export interface LedgerRow {
  seq: string;
  type: string;
  voucherId: string | null;
  entry: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface PendingLedgerRow {
  id: string;
  type: string;
  voucherId: string | null;
  entry: Record<string, unknown>;
}

export interface CounterMismatch {
  voucher_id: string;
  redeemed_quantity: number;
  ledger_quantity: number;
}

export const AUDIT_INSERT: BatchableWrite = {
  tables: ['audit_log'],
  sql: `INSERT INTO audit_log (id, project_id, actor_type, actor_id, route, request_id,
          entity_type, entity_id, action, diff, created_at)
        SELECT r.id, r.project_id, r.actor_type, r.actor_id, r.route, r.request_id,
               r.entity_type, r.entity_id, r.action, coalesce(r.diff, '{}'::jsonb),
               clock_timestamp() + r.ord * interval '1 microsecond'
        FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id varchar, project_id varchar,
          actor_type varchar, actor_id varchar, route varchar, request_id varchar,
          entity_type varchar, entity_id varchar, action varchar, diff jsonb))
          WITH ORDINALITY AS r(id, project_id, actor_type, actor_id, route, request_id,
            entity_type, entity_id, action, diff, ord)`,
};

export const LEDGER_PENDING_INSERT: BatchableWrite = {
  tables: ['audit_ledger_pending'],
  sql: `INSERT INTO audit_ledger_pending (project_id, type, voucher_id, entry)
        SELECT r.project_id, r.type, r.voucher_id, r.entry
        FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (project_id varchar, type varchar,
          voucher_id varchar, entry jsonb)) WITH ORDINALITY AS r(project_id, type, voucher_id, entry, ord)
        ORDER BY r.ord`,
};

function auditRecordsetRow(row: AuditRow) {
  return {
    id: newId('audit'),
    project_id: row.projectId,
    actor_type: row.actorType,
    actor_id: row.actorId,
    route: row.route?.slice(0, 300) ?? null,
    request_id: row.requestId,
    entity_type: row.entityType,
    entity_id: row.entityId?.slice(0, 120) ?? null,
    action: row.action,
    diff: row.diff,
  };
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /**
   * Raw INSERT on purpose: an audit row must never itself go through the entity subscribers.
   * Rides with the transaction's next statement (writeBehind). `clock_timestamp()` plus the
   * row's position, not the column default `now()` (the transaction's start): the changes of one
   * transaction then list in the order they were made.
   */
  async insert(row: AuditRow, em: EntityManager): Promise<void> {
    await writeBehind(em, AUDIT_INSERT, [auditRecordsetRow(row)]);
  }

  /** Many rows in one statement (bulk writes: imports, campaign batches). */
  async insertMany(rows: AuditRow[], em: EntityManager): Promise<void> {
    await writeBehind(em, AUDIT_INSERT, rows.map(auditRecordsetRow));
  }

  async list(
    projectId: string,
    filter: AuditListFilter,
    page: { limit: number; offset: number },
  ): Promise<{ rows: AuditLogEntity[]; total: number }> {
    const qb = this.em()
      .getRepository(AuditLogEntity)
      .createQueryBuilder('a')
      .where('a.project_id = :projectId', { projectId });
    if (filter.entityType) qb.andWhere('a.entity_type = :entityType', filter);
    if (filter.entityId) qb.andWhere('a.entity_id = :entityId', filter);
    if (filter.actorId) qb.andWhere('a.actor_id = :actorId', filter);
    if (filter.createdBefore) qb.andWhere('a.created_at < :createdBefore', filter);
    if (filter.createdAfter) qb.andWhere('a.created_at > :createdAfter', filter);
    qb.orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .offset(page.offset)
      .limit(page.limit);
    const [rows, total] = await qb.getManyAndCount();
    return { rows, total };
  }

  /** Queues an entry for the chain: no lock, so concurrent redemptions never wait on each other. */
  async appendPending(
    projectId: string,
    entry: { type: string; voucherId: string | null; entry: Record<string, unknown> },
    em: EntityManager,
  ): Promise<void> {
    await writeBehind(em, LEDGER_PENDING_INSERT, [
      { project_id: projectId, type: entry.type, voucher_id: entry.voucherId, entry: entry.entry },
    ]);
  }

  /** Projects with entries waiting to be chained (a bounded batch of them). */
  async projectsWithPending(limit: number): Promise<string[]> {
    const rows = (await this.em().query(
      `SELECT DISTINCT project_id FROM audit_ledger_pending LIMIT $1`,
      [limit],
    )) as { project_id: string }[];
    return rows.map((r) => r.project_id);
  }

  /** Locks the project's chain head (creating it at genesis first): sealers serialise here. */
  async lockLedgerHead(
    projectId: string,
    em: EntityManager,
  ): Promise<{ seq: string; hash: string }> {
    await em.query(
      `INSERT INTO audit_ledger_heads (project_id, seq, hash) VALUES ($1, 0, $2)
       ON CONFLICT (project_id) DO NOTHING`,
      [projectId, GENESIS_HASH],
    );
    const rows = (await em.query(
      `SELECT seq::text AS seq, hash FROM audit_ledger_heads WHERE project_id = $1 FOR UPDATE`,
      [projectId],
    )) as { seq: string; hash: string }[];
    return rows[0];
  }

  /**
   * Takes the oldest committed pending entries of a project off the queue, in id order. The
   * caller holds the chain head's lock, so no other sealer takes the same rows.
   */
  async takePending(
    projectId: string,
    limit: number,
    em: EntityManager,
  ): Promise<PendingLedgerRow[]> {
    const rows = returnedRows<PendingLedgerRow>(
      await em.query(
        `DELETE FROM audit_ledger_pending
         WHERE project_id = $1 AND id IN (
           SELECT id FROM audit_ledger_pending WHERE project_id = $1 ORDER BY id LIMIT $2)
         RETURNING id::text AS id, type, voucher_id AS "voucherId", entry`,
        [projectId, limit],
      ),
    );
    return rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** Appends chained rows and moves the head to the last one, in two statements. */
  async appendLedger(projectId: string, rows: LedgerRow[], em: EntityManager): Promise<void> {
    if (!rows.length) return;
    await em.query(
      `INSERT INTO audit_ledger (project_id, seq, type, voucher_id, entry, prev_hash, hash)
       SELECT $1, r.seq, r.type, r.voucher_id, r.entry, r.prev_hash, r.hash
       FROM jsonb_to_recordset($2::jsonb)
         AS r(seq bigint, type varchar, voucher_id varchar, entry jsonb, prev_hash char(64), hash char(64))`,
      [
        projectId,
        JSON.stringify(
          rows.map((r) => ({
            seq: r.seq,
            type: r.type,
            voucher_id: r.voucherId,
            entry: r.entry,
            prev_hash: r.prevHash,
            hash: r.hash,
          })),
        ),
      ],
    );
    const last = rows[rows.length - 1];
    await em.query(`UPDATE audit_ledger_heads SET seq = $2, hash = $3 WHERE project_id = $1`, [
      projectId,
      last.seq,
      last.hash,
    ]);
  }

  findLedgerHead(projectId: string): Promise<{ seq: string; hash: string } | undefined> {
    return (
      this.em().query(
        `SELECT seq::text AS seq, hash FROM audit_ledger_heads WHERE project_id = $1`,
        [projectId],
      ) as Promise<{ seq: string; hash: string }[]>
    ).then((rows) => rows[0]);
  }

  /** One batch of the chain after `afterSeq`, in order (keyset on the primary key). */
  ledgerBatch(projectId: string, afterSeq: string, limit: number): Promise<LedgerRow[]> {
    return this.em().query(
      `SELECT seq::text AS seq, type, voucher_id AS "voucherId", entry, prev_hash AS "prevHash", hash
       FROM audit_ledger l WHERE l.project_id = $1 AND l.seq > $2::bigint ORDER BY l.seq LIMIT $3`,
      [projectId, afterSeq, limit],
    ) as Promise<LedgerRow[]>;
  }

  async hasVoucherCounters(): Promise<boolean> {
    const rows = (await this.em().query(
      `SELECT 1 FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'vouchers' AND column_name = 'redeemed_quantity'`,
    )) as unknown[];
    return rows.length > 0;
  }

  /** Vouchers whose redeemed_quantity differs from the sum of their ledger quantity deltas. */
  counterMismatches(projectId: string, limit: number): Promise<CounterMismatch[]> {
    return this.em().query(
      `SELECT v.id AS voucher_id, v.redeemed_quantity::int AS redeemed_quantity,
              coalesce(l.quantity, 0)::int AS ledger_quantity
       FROM vouchers v
       LEFT JOIN (
         SELECT voucher_id, sum((entry->>'quantity_delta')::bigint) AS quantity
         FROM (
           SELECT voucher_id, type, entry FROM audit_ledger WHERE project_id = $1
           UNION ALL
           SELECT voucher_id, type, entry FROM audit_ledger_pending WHERE project_id = $1
         ) e
         WHERE type IN ('redemption', 'rollback') AND voucher_id IS NOT NULL
         GROUP BY voucher_id
       ) l ON l.voucher_id = v.id
       WHERE v.project_id = $1 AND v.redeemed_quantity <> coalesce(l.quantity, 0)
       ORDER BY v.id LIMIT $2`,
      [projectId, limit],
    ) as Promise<CounterMismatch[]>;
  }
}
