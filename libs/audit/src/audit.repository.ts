import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { newId } from '@app/core';
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

export interface CounterMismatch {
  voucher_id: string;
  redeemed_quantity: number;
  ledger_quantity: number;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /**
   * Raw INSERT on purpose: an audit row must never itself go through the entity subscribers.
   * `clock_timestamp()`, not the column default `now()` (the transaction's start): the changes
   * of one transaction then list in the order they were made.
   */
  async insert(row: AuditRow, em: EntityManager): Promise<void> {
    await em.query(
      `INSERT INTO audit_log (id, project_id, actor_type, actor_id, route, request_id,
         entity_type, entity_id, action, diff, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, clock_timestamp())`,
      [
        newId('audit'),
        row.projectId,
        row.actorType,
        row.actorId,
        row.route?.slice(0, 300) ?? null,
        row.requestId,
        row.entityType,
        row.entityId?.slice(0, 120) ?? null,
        row.action,
        JSON.stringify(row.diff),
      ],
    );
  }

  /** Many rows in one statement (bulk writes: imports, campaign batches). */
  async insertMany(rows: AuditRow[], em: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    await em.query(
      `INSERT INTO audit_log (id, project_id, actor_type, actor_id, route, request_id,
         entity_type, entity_id, action, diff, created_at)
       SELECT r.id, r.project_id, r.actor_type, r.actor_id, r.route, r.request_id,
              r.entity_type, r.entity_id, r.action, coalesce(r.diff, '{}'::jsonb),
              clock_timestamp()
       FROM jsonb_to_recordset($1::jsonb) AS r(id varchar, project_id varchar,
         actor_type varchar, actor_id varchar, route varchar, request_id varchar,
         entity_type varchar, entity_id varchar, action varchar, diff jsonb)`,
      [
        JSON.stringify(
          rows.map((row) => ({
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
          })),
        ),
      ],
    );
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

  /** Locks the project's chain head (creating it at genesis first): appends serialise here. */
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

  async appendLedger(projectId: string, row: LedgerRow, em: EntityManager): Promise<void> {
    await em.query(
      `INSERT INTO audit_ledger (project_id, seq, type, voucher_id, entry, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
      [
        projectId,
        row.seq,
        row.type,
        row.voucherId,
        JSON.stringify(row.entry),
        row.prevHash,
        row.hash,
      ],
    );
    await em.query(`UPDATE audit_ledger_heads SET seq = $2, hash = $3 WHERE project_id = $1`, [
      projectId,
      row.seq,
      row.hash,
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
         FROM audit_ledger
         WHERE project_id = $1 AND type IN ('redemption', 'rollback') AND voucher_id IS NOT NULL
         GROUP BY voucher_id
       ) l ON l.voucher_id = v.id
       WHERE v.project_id = $1 AND v.redeemed_quantity <> coalesce(l.quantity, 0)
       ORDER BY v.id LIMIT $2`,
      [projectId, limit],
    ) as Promise<CounterMismatch[]>;
  }
}
