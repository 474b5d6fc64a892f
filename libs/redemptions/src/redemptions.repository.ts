import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { BatchableWrite, hydrateEntity, returnedRows, writeBehind } from '@app/core';
import { AuditService } from '@app/audit';
import { VoucherEntity } from '@app/vouchers';
import { RedemptionEntity, RedemptionKind } from './redemption.entity';

export interface RedemptionListFilter {
  result?: 'SUCCESS' | 'FAILURE';
  /** A customer id or source id. */
  customer?: string;
  /** A campaign name or id. */
  campaign?: string;
  /** A voucher code or id. */
  voucher?: string;
  orderId?: string;
  createdBefore?: Date;
  createdAfter?: Date;
}

export type RedemptionSortField =
  'created_at' | 'id' | 'voucher_code' | 'tracking_id' | 'customer_id';

const SORT_COLUMNS: Record<RedemptionSortField, string> = {
  created_at: 'r.date',
  id: 'r.id',
  voucher_code: 'r.voucherCode',
  tracking_id: 'r.trackingId',
  customer_id: 'r.customerId',
};

const REDEMPTION_COLUMNS = [
  ['id', 'varchar'],
  ['project_id', 'varchar'],
  ['kind', 'varchar'],
  ['result', 'varchar'],
  ['status', 'varchar'],
  ['parent_id', 'varchar'],
  ['redemption_id', 'varchar'],
  ['rollback_id', 'varchar'],
  ['rollback_date', 'timestamptz'],
  ['voucher_id', 'varchar'],
  ['voucher_code', 'varchar'],
  ['campaign_id', 'varchar'],
  ['customer_id', 'varchar'],
  ['order_id', 'varchar'],
  ['tracking_id', 'varchar'],
  ['amount', 'bigint'],
  ['failure_code', 'varchar'],
  ['failure_message', 'text'],
  ['reason', 'text'],
  ['session_key', 'varchar'],
  ['channel_type', 'varchar'],
  ['channel_id', 'varchar'],
  ['metadata', 'jsonb'],
  ['order_snapshot', 'jsonb'],
  ['customer_snapshot', 'jsonb'],
  ['voucher_snapshot', 'jsonb'],
  ['date', 'timestamptz'],
] as const;

export const REDEMPTION_INSERT: BatchableWrite = {
  tables: ['redemptions'],
  sql: `INSERT INTO redemptions (${REDEMPTION_COLUMNS.map(([c]) => c).join(', ')})
        SELECT ${REDEMPTION_COLUMNS.map(([c]) => (c === 'metadata' ? `coalesce(r.metadata, '{}'::jsonb)` : `r.${c}`)).join(', ')}
        FROM jsonb_to_recordset($1::jsonb)
          AS r(${REDEMPTION_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})`,
};

/** The redemption's entries join the order's `redemptions` map; its discount and customer are set. */
export const ORDER_ATTACH: BatchableWrite = {
  tables: ['orders'],
  single: true,
  // One row (single): its fields are read straight off the array, so the planner sees a key it
  // can look up; a join with jsonb_to_recordset would be planned as a scan of every order.
  sql: `UPDATE orders SET redemptions = redemptions || ($1::jsonb -> 0 -> 'entries'),
          discount_amount = ($1::jsonb -> 0 ->> 'discount_amount')::bigint,
          customer_id = coalesce($1::jsonb -> 0 ->> 'customer_id', customer_id),
          updated_at = now()
        WHERE project_id = $1::jsonb -> 0 ->> 'project_id' AND id = $1::jsonb -> 0 ->> 'id'`,
};

function redemptionRecordsetRow(r: Partial<RedemptionEntity>): Record<string, unknown> {
  return {
    id: r.id,
    project_id: r.projectId,
    kind: r.kind,
    result: r.result,
    status: r.status,
    parent_id: r.parentId ?? null,
    redemption_id: r.redemptionId ?? null,
    rollback_id: r.rollbackId ?? null,
    rollback_date: r.rollbackDate ?? null,
    voucher_id: r.voucherId ?? null,
    voucher_code: r.voucherCode ?? null,
    campaign_id: r.campaignId ?? null,
    customer_id: r.customerId ?? null,
    order_id: r.orderId ?? null,
    tracking_id: r.trackingId ?? null,
    amount: r.amount ?? null,
    failure_code: r.failureCode ?? null,
    failure_message: r.failureMessage ?? null,
    reason: r.reason ?? null,
    session_key: r.sessionKey ?? null,
    channel_type: r.channelType,
    channel_id: r.channelId ?? null,
    metadata: r.metadata ?? null,
    order_snapshot: r.orderSnapshot ?? null,
    customer_snapshot: r.customerSnapshot ?? null,
    voucher_snapshot: r.voucherSnapshot ?? null,
    date: r.date,
  };
}

/** Kinds a per-customer counter counts: each voucher use, never the stack's parent. */
const USE_KINDS: RedemptionKind[] = ['single', 'child'];

/**
 * All SQL of redemptions, holds and the redemption engine's counter moves on vouchers.
 * The counter statements live here rather than in the vouchers repository because they also
 * account for `held_quantity` (holds), which only the redemption engine knows about.
 */
@Injectable()
export class RedemptionsRepository {
  /**
   * Redemptions and rollbacks are sealed in the hash-chained ledger; the audit log carries them
   * too (who, which route), one compact row each, recorded here in the same transaction.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  // ---------------------------------------------------------------- vouchers

  /** Live vouchers by code (or `v_` id), read fresh: validation never caches counters. */
  async findVouchers(
    projectId: string,
    keys: string[],
    em?: EntityManager,
  ): Promise<Map<string, VoucherEntity>> {
    if (!keys.length) return new Map();
    // Raw SQL and hydrateEntity: the query builder's aliasing and mapping cost more CPU than
    // the query on this, the hottest read of validate and redeem.
    const manager = this.em(em);
    const raw = (await manager.query(
      `SELECT * FROM vouchers
       WHERE project_id = $1 AND (code = ANY($2) OR id = ANY($2)) AND deleted_at IS NULL`,
      [projectId, keys],
    )) as Record<string, unknown>[];
    const rows = raw.map((r) => hydrateEntity(manager, VoucherEntity, r));
    const byKey = new Map<string, VoucherEntity>();
    for (const key of keys) {
      const row = rows.find((r) => r.code === key) ?? rows.find((r) => r.id === key);
      if (row) byKey.set(key, row);
    }
    return byKey;
  }

  /**
   * Row locks in one stable order (campaigns by id, then vouchers by id), so transactions that
   * lock overlapping sets queue behind each other instead of deadlocking.
   */
  async lockInOrder(
    projectId: string,
    campaignIds: string[],
    voucherIds: string[],
    em: EntityManager,
  ): Promise<void> {
    if (campaignIds.length) {
      await em.query(
        `SELECT id FROM campaigns WHERE project_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE`,
        [projectId, [...new Set(campaignIds)].sort()],
      );
    }
    if (voucherIds.length) {
      await em.query(
        `SELECT id FROM vouchers WHERE project_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE`,
        [projectId, [...new Set(voucherIds)].sort()],
      );
    }
  }

  /**
   * Takes one use if redeemed + held stays within the quantity, atomically.
   * Returns the new redeemed_quantity, or null when the limit is reached.
   */
  async takeUse(projectId: string, voucherId: string, em: EntityManager): Promise<number | null> {
    const rows = returnedRows<{ redeemed_quantity: number }>(
      await em.query(
        `UPDATE vouchers SET redeemed_quantity = redeemed_quantity + 1, updated_at = now()
         WHERE project_id = $1 AND id = $2 AND deleted_at IS NULL
           AND (redemption_quantity IS NULL
                OR redeemed_quantity + held_quantity < redemption_quantity)
         RETURNING redeemed_quantity`,
        [projectId, voucherId],
      ),
    );
    return rows.length ? rows[0].redeemed_quantity : null;
  }

  /**
   * Turns a live hold of `key` into a use: the session row is deleted and the held unit
   * becomes a redeemed one in one statement. null when there is no live hold with that key.
   */
  async takeHeldUse(
    projectId: string,
    voucherId: string,
    key: string,
    em: EntityManager,
  ): Promise<number | null> {
    const rows = returnedRows<{ redeemed_quantity: number }>(
      await em.query(
        `WITH s AS (
           DELETE FROM voucher_sessions
           WHERE project_id = $1 AND voucher_id = $2 AND key = $3 AND expires_at > now()
           RETURNING 1)
         UPDATE vouchers SET redeemed_quantity = redeemed_quantity + 1,
                held_quantity = held_quantity - 1, updated_at = now()
         WHERE project_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM s)
         RETURNING redeemed_quantity`,
        [projectId, voucherId, key],
      ),
    );
    return rows.length ? rows[0].redeemed_quantity : null;
  }

  /** Whether `key` holds a live session on the voucher. */
  async hasLiveHold(projectId: string, voucherId: string, key: string, em?: EntityManager) {
    const rows = (await this.em(em).query(
      `SELECT 1 FROM voucher_sessions
       WHERE project_id = $1 AND voucher_id = $2 AND key = $3 AND expires_at > now()`,
      [projectId, voucherId, key],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Deletes the voucher's expired sessions and gives their units back. The caller holds the
   * voucher's row lock (so sessions and the counter change together, in one order).
   */
  async releaseExpiredHolds(projectId: string, voucherId: string, em: EntityManager) {
    await em.query(
      `WITH gone AS (
         DELETE FROM voucher_sessions
         WHERE project_id = $1 AND voucher_id = $2 AND expires_at <= now() RETURNING 1)
       UPDATE vouchers SET held_quantity = held_quantity - (SELECT count(*) FROM gone)
       WHERE project_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM gone)`,
      [projectId, voucherId],
    );
  }

  /**
   * Places (or extends) a hold. The caller holds the voucher's row lock and has released the
   * expired holds. Returns false when no unit is left to hold.
   */
  async placeHold(
    projectId: string,
    voucherId: string,
    key: string,
    expiresAt: Date,
    em: EntityManager,
  ): Promise<boolean> {
    const extended = returnedRows(
      await em.query(
        `UPDATE voucher_sessions SET expires_at = $4
         WHERE project_id = $1 AND voucher_id = $2 AND key = $3 RETURNING 1`,
        [projectId, voucherId, key, expiresAt],
      ),
    );
    if (extended.length) return true;
    const taken = returnedRows(
      await em.query(
        `UPDATE vouchers SET held_quantity = held_quantity + 1
         WHERE project_id = $1 AND id = $2 AND deleted_at IS NULL
           AND (redemption_quantity IS NULL
                OR redeemed_quantity + held_quantity < redemption_quantity)
         RETURNING 1`,
        [projectId, voucherId],
      ),
    );
    if (!taken.length) return false;
    await em.query(
      `INSERT INTO voucher_sessions (project_id, voucher_id, key, expires_at) VALUES ($1, $2, $3, $4)`,
      [projectId, voucherId, key, expiresAt],
    );
    return true;
  }

  /** Ends a hold (live or expired); true when there was one. Caller holds the voucher lock. */
  async releaseHold(projectId: string, voucherId: string, key: string, em: EntityManager) {
    const rows = returnedRows(
      await em.query(
        `WITH s AS (
           DELETE FROM voucher_sessions WHERE project_id = $1 AND voucher_id = $2 AND key = $3
           RETURNING 1)
         UPDATE vouchers SET held_quantity = held_quantity - 1
         WHERE project_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM s) RETURNING 1`,
        [projectId, voucherId, key],
      ),
    );
    return rows.length > 0;
  }

  /** Rollback of a gift redemption: the credits go back on the balance. */
  async refundGift(projectId: string, voucherId: string, amount: number, em: EntityManager) {
    const rows = returnedRows<{
      gift_balance: string;
      gift_amount: string;
      campaign_id: string | null;
    }>(
      await em.query(
        `UPDATE vouchers SET gift_balance = gift_balance + $3,
                redeemed_amount = greatest(redeemed_amount - $3, 0), updated_at = now()
         WHERE project_id = $1 AND id = $2
         RETURNING gift_balance, gift_amount, campaign_id`,
        [projectId, voucherId, amount],
      ),
    );
    if (!rows.length) return null;
    return {
      balance: Number(rows[0].gift_balance),
      total: Number(rows[0].gift_amount),
      campaignId: rows[0].campaign_id,
    };
  }

  // ---------------------------------------------------------------- customers (read-only)

  /** A stored customer by id or source id, for rule evaluation during a read-only validation. */
  async findCustomer(projectId: string, idOrSourceId: string) {
    const rows = (await this.em().query(
      `SELECT id, source_id, metadata FROM customers
       WHERE project_id = $1 AND (id = $2 OR source_id = $2) LIMIT 1`,
      [projectId, idOrSourceId],
    )) as { id: string; source_id: string | null; metadata: Record<string, unknown> | null }[];
    return rows[0] ?? null;
  }

  // ---------------------------------------------------------------- counters for rules

  /** This customer's successful, not rolled back uses of a voucher or of a campaign's vouchers. */
  async countUses(
    projectId: string,
    customerId: string,
    object: { voucherId?: string; campaignId?: string },
    em?: EntityManager,
  ): Promise<{ total: number; today: number }> {
    const column = object.voucherId !== undefined ? 'voucher_id' : 'campaign_id';
    const [row] = (await this.em(em).query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE date >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::int AS today
       FROM redemptions
       WHERE project_id = $1 AND customer_id = $2 AND ${column} = $3
         AND kind = ANY($4) AND result = 'SUCCESS' AND status = 'SUCCEEDED'`,
      [projectId, customerId, object.voucherId ?? object.campaignId, USE_KINDS],
    )) as { total: number; today: number }[];
    return row;
  }

  // ---------------------------------------------------------------- redemptions

  /** Rides with the transaction's next statement (writeBehind), like its audit rows. */
  async insert(rows: Partial<RedemptionEntity>[], em: EntityManager): Promise<void> {
    if (!rows.length) return;
    await writeBehind(em, REDEMPTION_INSERT, rows.map(redemptionRecordsetRow));
    // The snapshots stay out of the diff: the redemption itself keeps them.
    await this.audit.recordMany(
      em,
      rows.map((r) => ({
        entityType: 'redemption',
        entityId: r.id ?? null,
        action: 'create',
        projectId: r.projectId,
        diff: {
          kind: r.kind,
          result: r.result,
          status: r.status,
          parent_id: r.parentId,
          redemption_id: r.redemptionId,
          voucher_id: r.voucherId,
          voucher_code: r.voucherCode,
          customer_id: r.customerId,
          order_id: r.orderId,
          amount: r.amount,
          failure_code: r.failureCode,
        },
      })),
    );
  }

  async findById(projectId: string, id: string, em?: EntityManager) {
    return this.em(em).getRepository(RedemptionEntity).findOneBy({ projectId, id });
  }

  async findChildren(projectId: string, parentId: string, em?: EntityManager) {
    return this.em(em)
      .getRepository(RedemptionEntity)
      .find({ where: { projectId, parentId }, order: { voucherId: 'ASC', id: 'ASC' } });
  }

  async findByIds(projectId: string, ids: string[], em?: EntityManager) {
    if (!ids.length) return [];
    return this.em(em)
      .getRepository(RedemptionEntity)
      .find({ where: { projectId, id: In(ids) }, order: { voucherId: 'ASC', id: 'ASC' } });
  }

  /**
   * The exactly-once gate of a rollback: flips SUCCEEDED to ROLLED_BACK for the given kinds.
   * Of concurrent rollbacks exactly one gets the row back.
   */
  async markRolledBack(
    projectId: string,
    id: string,
    kinds: RedemptionKind[],
    rollbackId: string,
    at: Date,
    em: EntityManager,
  ): Promise<boolean> {
    const rows = returnedRows(
      await em.query(
        `UPDATE redemptions SET status = 'ROLLED_BACK', rollback_id = $3, rollback_date = $4
         WHERE project_id = $1 AND id = $2 AND kind = ANY($5)
           AND result = 'SUCCESS' AND status = 'SUCCEEDED'
         RETURNING 1`,
        [projectId, id, rollbackId, at, kinds],
      ),
    );
    if (rows.length === 0) return false;
    await this.audit.record(em, {
      entityType: 'redemption',
      entityId: id,
      action: 'update',
      projectId,
      diff: { status: 'ROLLED_BACK', rollback_id: rollbackId },
    });
    return true;
  }

  async list(
    projectId: string,
    filter: RedemptionListFilter,
    sort: { field: RedemptionSortField; direction: 'ASC' | 'DESC' },
    page: { limit: number; offset: number },
  ): Promise<{ rows: RedemptionEntity[]; total: number }> {
    const qb = this.em()
      .getRepository(RedemptionEntity)
      .createQueryBuilder('r')
      .where('r.project_id = :projectId', { projectId });
    if (filter.result) qb.andWhere('r.result = :result', { result: filter.result });
    if (filter.voucher !== undefined)
      qb.andWhere('(r.voucher_code = :voucher OR r.voucher_id = :voucher)', {
        voucher: filter.voucher,
      });
    if (filter.orderId) qb.andWhere('r.order_id = :orderId', { orderId: filter.orderId });
    if (filter.customer !== undefined) {
      qb.andWhere(
        new Brackets((w) =>
          w.where('r.customer_id = :customer').orWhere(
            `r.customer_id IN (SELECT c.id FROM customers c
                 WHERE c.project_id = :projectId AND c.source_id = :customer)`,
          ),
        ),
        { customer: filter.customer },
      );
    }
    if (filter.campaign !== undefined) {
      qb.andWhere(
        `r.campaign_id IN (SELECT k.id FROM campaigns k
           WHERE k.project_id = :projectId AND (k.id = :campaign OR k.name = :campaign))`,
        { campaign: filter.campaign },
      );
    }
    if (filter.createdBefore) qb.andWhere('r.date < :before', { before: filter.createdBefore });
    if (filter.createdAfter) qb.andWhere('r.date > :after', { after: filter.createdAfter });
    qb.orderBy(
      SORT_COLUMNS[sort.field],
      sort.direction,
      sort.direction === 'DESC' ? 'NULLS LAST' : 'NULLS FIRST',
    )
      .addOrderBy('r.id', sort.direction)
      .offset(page.offset)
      .limit(page.limit);
    const [rows, total] = await qb.getManyAndCount();
    return { rows, total };
  }

  // ---------------------------------------------------------------- orders

  /**
   * Records the redemption on its order, sets the order's discount (owned by redemptions) and
   * links the redeeming customer when there is one.
   */
  async attachToOrder(
    projectId: string,
    orderId: string,
    entries: Record<string, unknown>,
    discountAmount: number,
    customerId: string | null,
    em: EntityManager,
  ) {
    await writeBehind(em, ORDER_ATTACH, [
      {
        project_id: projectId,
        id: orderId,
        entries,
        discount_amount: discountAmount,
        customer_id: customerId,
      },
    ]);
  }

  /** Marks a redemption on its order as rolled back. */
  async markOrderRollback(
    projectId: string,
    orderId: string,
    redemptionId: string,
    rollback: { rollback_id: string; rollback_date: string },
    em: EntityManager,
  ) {
    await em.query(
      `UPDATE orders SET redemptions = jsonb_set(redemptions, ARRAY[$3::text],
                coalesce(redemptions -> $3::text, '{}'::jsonb) || $4::jsonb),
              updated_at = now()
       WHERE project_id = $1 AND id = $2 AND (redemptions -> $3::text) IS NOT NULL`,
      [projectId, orderId, redemptionId, JSON.stringify(rollback)],
    );
  }
}
