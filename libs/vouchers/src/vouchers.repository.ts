import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '@app/core';
import { AuditService } from '@app/audit';
import { VoucherTransactionEntity } from './voucher-transaction.entity';
import { VoucherEntity } from './voucher.entity';
import type { FilterCondition, ParsedFilters } from './voucher-filters';

/** A voucher row to insert, in column names (jsonb fields as JS values). */
export interface VoucherInsertRow {
  id: string;
  code: string;
  campaign_id: string | null;
  type: string;
  discount: unknown;
  gift_amount: number | null;
  gift_subtracted: number | null;
  gift_balance: number | null;
  gift_effect: string | null;
  category: string | null;
  start_date: string | null;
  expiration_date: string | null;
  validity_timeframe: unknown;
  validity_day_of_week: unknown;
  validity_hours: unknown;
  active: boolean;
  additional_info: string | null;
  metadata: Record<string, unknown>;
  redemption_quantity: number | null;
  publish_count: number;
  holder_id: string | null;
  is_referral_code: boolean;
  validation_rules: string[];
}

/** The template half of a generated voucher: everything but id and code. */
export type VoucherTemplateRow = Omit<VoucherInsertRow, 'id' | 'code'>;

const RECORD_COLUMNS = `
  id varchar, code varchar, campaign_id varchar, type varchar, discount jsonb,
  gift_amount bigint, gift_subtracted bigint, gift_balance bigint, gift_effect varchar,
  category varchar, start_date timestamptz, expiration_date timestamptz,
  validity_timeframe jsonb, validity_day_of_week jsonb, validity_hours jsonb, active boolean,
  additional_info text, metadata jsonb, redemption_quantity int, publish_count int,
  holder_id varchar, is_referral_code boolean, validation_rules jsonb`;

const TEMPLATE_COLUMNS = RECORD_COLUMNS.replace('id varchar, code varchar,', '');

const INSERT_COLUMNS = `id, project_id, code, campaign_id, type, discount, gift_amount,
  gift_subtracted, gift_balance, gift_effect, category, start_date, expiration_date,
  validity_timeframe, validity_day_of_week, validity_hours, active, additional_info, metadata,
  redemption_quantity, publish_count, holder_id, is_referral_code, validation_rules, created_at`;

const SELECT_FROM = (alias: string, id: string, code: string) => `${id}, $1, ${code},
  ${alias}.campaign_id, ${alias}.type, ${alias}.discount, ${alias}.gift_amount,
  ${alias}.gift_subtracted, ${alias}.gift_balance, ${alias}.gift_effect, ${alias}.category,
  ${alias}.start_date, ${alias}.expiration_date, ${alias}.validity_timeframe,
  ${alias}.validity_day_of_week, ${alias}.validity_hours, coalesce(${alias}.active, true),
  ${alias}.additional_info, coalesce(${alias}.metadata, '{}'::jsonb), ${alias}.redemption_quantity,
  coalesce(${alias}.publish_count, 0), ${alias}.holder_id, coalesce(${alias}.is_referral_code, false),
  coalesce(${alias}.validation_rules, '[]'::jsonb), now()`;

export interface VoucherListFilter {
  campaignId?: string;
  category?: string;
  holderIds?: string[];
  code?: string;
  ids?: string[];
  createdAt?: { before?: Date; after?: Date };
  updatedAt?: { before?: Date; after?: Date };
  filters: ParsedFilters;
}

export type VoucherOrderField = 'created_at' | 'updated_at' | 'code';

export interface BalanceChange {
  voucherId: string;
  campaignId: string | null;
  balance: number;
  total: number;
}

@Injectable()
export class VouchersRepository {
  /**
   * Every write here is raw SQL, which the audit subscriber never sees: each one records its
   * change explicitly through `audit`, on the same manager (so in the same transaction).
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  private vouchers(em?: EntityManager) {
    return this.em(em).getRepository(VoucherEntity);
  }

  /**
   * Inserts rows; a row whose code already exists in the project is skipped, never an error.
   * Returns the codes that were inserted (the caller reports the others as duplicates).
   */
  async insertMany(
    projectId: string,
    rows: VoucherInsertRow[],
    em?: EntityManager,
  ): Promise<string[]> {
    if (rows.length === 0) return [];
    const result = (await this.em(em).query(
      `INSERT INTO vouchers (${INSERT_COLUMNS})
       SELECT ${SELECT_FROM('r', 'r.id', 'r.code')}
       FROM jsonb_to_recordset($2::jsonb) AS r(${RECORD_COLUMNS})
       ON CONFLICT (project_id, code) DO NOTHING
       RETURNING id, code`,
      [projectId, JSON.stringify(rows)],
    )) as { id: string; code: string }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    await this.audit.recordMany(
      this.em(em),
      result.map((r) => ({
        entityType: 'voucher',
        entityId: r.id,
        action: 'create',
        projectId,
        diff: { ...byId.get(r.id) },
      })),
    );
    return result.map((r) => r.code);
  }

  /**
   * The generator's hot path: one multi-row INSERT of `codes` sharing one template, from two
   * unnested arrays. Collisions are skipped by the unique index; returns how many went in.
   */
  async insertGenerated(
    projectId: string,
    template: VoucherTemplateRow,
    ids: string[],
    codes: string[],
    em?: EntityManager,
  ): Promise<number> {
    // The CTE turns the INSERT's row count into one row (pg reports no count for INSERT here).
    const [row] = (await this.em(em).query(
      `WITH inserted AS (
         INSERT INTO vouchers (${INSERT_COLUMNS})
         SELECT ${SELECT_FROM('t', 'u.id', 'u.code')}
         FROM unnest($2::varchar[], $3::varchar[]) AS u(id, code)
         CROSS JOIN jsonb_to_record($4::jsonb) AS t(${TEMPLATE_COLUMNS})
         ON CONFLICT (project_id, code) DO NOTHING
         RETURNING 1
       ) SELECT count(*)::int AS n FROM inserted`,
      [projectId, ids, codes, JSON.stringify(template)],
    )) as { n: number }[];
    // One row per generated batch, not per code: generation is the campaign's change, and
    // its vouchers share one template (the diff).
    if (row.n > 0)
      await this.audit.record(this.em(em), {
        entityType: 'campaign',
        entityId: template.campaign_id,
        action: 'generate_vouchers',
        projectId,
        diff: { vouchers_added: row.n, ...template },
      });
    return row.n;
  }

  /** A live voucher by code, else by `v_` id (a code wins when both match). */
  async findLive(projectId: string, codeOrId: string, em?: EntityManager, lock = false) {
    const qb = this.vouchers(em)
      .createQueryBuilder('v')
      .where('v.project_id = :projectId', { projectId })
      .andWhere('(v.code = :key OR v.id = :key)', { key: codeOrId })
      .andWhere('v.deleted_at IS NULL');
    if (lock) qb.setLock('pessimistic_write');
    return preferCode(await qb.getMany(), codeOrId);
  }

  /** Any voucher, including those in the bin (for a force delete). */
  async findAny(projectId: string, codeOrId: string, em?: EntityManager) {
    const rows = await this.vouchers(em)
      .createQueryBuilder('v')
      .where('v.project_id = :projectId', { projectId })
      .andWhere('(v.code = :key OR v.id = :key)', { key: codeOrId })
      .getMany();
    return preferCode(rows, codeOrId);
  }

  /** Applies column changes to a live voucher; returns false when none matched. */
  async update(
    projectId: string,
    id: string,
    changes: Partial<Record<string, unknown>>,
    em?: EntityManager,
  ): Promise<boolean> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    const params: unknown[] = [projectId, id];
    const sets = entries.map(([column, value]) => {
      params.push(isJsonColumn(column) ? JSON.stringify(value) : value);
      return `"${column}" = $${params.length}${isJsonColumn(column) ? '::jsonb' : ''}`;
    });
    sets.push('updated_at = now()');
    const result = (await this.em(em).query(
      `UPDATE vouchers SET ${sets.join(', ')}
       WHERE project_id = $1 AND id = $2 AND deleted_at IS NULL`,
      params,
    )) as unknown;
    if (affectedRows(result) === 0) return false;
    await this.audit.record(this.em(em), {
      entityType: 'voucher',
      entityId: id,
      action: 'update',
      projectId,
      diff: Object.fromEntries(entries),
    });
    return true;
  }

  async softDelete(projectId: string, id: string, em?: EntityManager): Promise<void> {
    const result = (await this.em(em).query(
      `UPDATE vouchers SET deleted_at = now() WHERE project_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [projectId, id],
    )) as unknown;
    if (affectedRows(result) > 0)
      await this.audit.record(this.em(em), {
        entityType: 'voucher',
        entityId: id,
        action: 'soft_delete',
        projectId,
      });
  }

  async hardDelete(projectId: string, id: string, em?: EntityManager): Promise<void> {
    await this.em(em).query(
      `DELETE FROM voucher_transactions WHERE project_id = $1 AND voucher_id = $2`,
      [projectId, id],
    );
    const result = (await this.em(em).query(
      `DELETE FROM vouchers WHERE project_id = $1 AND id = $2`,
      [projectId, id],
    )) as unknown;
    if (affectedRows(result) > 0)
      await this.audit.record(this.em(em), {
        entityType: 'voucher',
        entityId: id,
        action: 'delete',
        projectId,
      });
  }

  /** Moves up to `limit` of a campaign's vouchers to the bin; returns how many. */
  async softDeleteCampaignBatch(
    projectId: string,
    campaignId: string,
    limit: number,
    em?: EntityManager,
  ) {
    const rows = returnedRows<{ id: string }>(
      (await this.em(em).query(
        `UPDATE vouchers SET deleted_at = now()
         WHERE id IN (SELECT id FROM vouchers WHERE project_id = $1 AND campaign_id = $2
                      AND deleted_at IS NULL LIMIT $3)
         RETURNING id`,
        [projectId, campaignId, limit],
      )) as unknown,
    );
    await this.audit.recordMany(
      this.em(em),
      rows.map((r) => ({
        entityType: 'voucher',
        entityId: r.id,
        action: 'soft_delete',
        projectId,
      })),
    );
    return rows.length;
  }

  /**
   * Permanently deletes up to `limit` of a campaign's vouchers (and their transactions);
   * returns their ids (the caller removes what other modules keep about them).
   */
  async hardDeleteCampaignBatch(
    projectId: string,
    campaignId: string,
    limit: number,
    em?: EntityManager,
  ): Promise<string[]> {
    const rows = (await this.em(em).query(
      `WITH doomed AS (
         SELECT id FROM vouchers WHERE project_id = $1 AND campaign_id = $2 LIMIT $3
       ), tx AS (
         DELETE FROM voucher_transactions t USING doomed d
         WHERE t.project_id = $1 AND t.voucher_id = d.id
       ), gone AS (
         DELETE FROM vouchers v USING doomed d WHERE v.project_id = $1 AND v.id = d.id
         RETURNING v.id
       )
       SELECT id FROM gone`,
      [projectId, campaignId, limit],
    )) as { id: string }[];
    await this.audit.recordMany(
      this.em(em),
      rows.map((r) => ({ entityType: 'voucher', entityId: r.id, action: 'delete', projectId })),
    );
    return rows.map((r) => r.id);
  }

  /** Copies campaign-level settings onto the campaign's vouchers. */
  async applyCampaignSettings(
    projectId: string,
    campaignId: string,
    changes: Partial<Record<string, unknown>>,
    em?: EntityManager,
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    const params: unknown[] = [projectId, campaignId];
    const sets = entries.map(([column, value]) => {
      params.push(isJsonColumn(column) ? JSON.stringify(value) : value);
      return `"${column}" = $${params.length}${isJsonColumn(column) ? '::jsonb' : ''}`;
    });
    const rows = returnedRows<{ id: string }>(
      (await this.em(em).query(
        `UPDATE vouchers SET ${sets.join(', ')}, updated_at = now()
         WHERE project_id = $1 AND campaign_id = $2 AND deleted_at IS NULL
         RETURNING id`,
        params,
      )) as unknown,
    );
    const diff = Object.fromEntries(entries);
    await this.audit.recordMany(
      this.em(em),
      rows.map((r) => ({
        entityType: 'voucher',
        entityId: r.id,
        action: 'update',
        projectId,
        diff,
      })),
    );
  }

  /** Codes of this project that match a LIKE pattern (the keyspace check counts them). */
  async countCodesLike(projectId: string, like: string, em?: EntityManager): Promise<number> {
    const [row] = (await this.em(em).query(
      `SELECT count(*)::int AS n FROM vouchers WHERE project_id = $1 AND code LIKE $2`,
      [projectId, like],
    )) as { n: number }[];
    return row.n;
  }

  async list(
    projectId: string,
    filter: VoucherListFilter,
    order: { field: VoucherOrderField; direction: 'ASC' | 'DESC' },
    page: { limit: number; offset: number },
  ): Promise<{ vouchers: VoucherEntity[]; total: number }> {
    const qb = this.vouchers()
      .createQueryBuilder('v')
      .where('v.project_id = :projectId', { projectId })
      .andWhere('v.deleted_at IS NULL');
    if (filter.campaignId !== undefined) qb.andWhere('v.campaign_id = :campaignId', filter);
    if (filter.category !== undefined) qb.andWhere('v.category = :category', filter);
    if (filter.holderIds !== undefined) qb.andWhere('v.holder_id IN (:...holderIds)', filter);
    if (filter.code !== undefined) qb.andWhere('v.code = :code', filter);
    if (filter.ids !== undefined) qb.andWhere('v.id IN (:...ids)', filter);
    if (filter.createdAt?.before)
      qb.andWhere('v.created_at < :cb', { cb: filter.createdAt.before });
    if (filter.createdAt?.after) qb.andWhere('v.created_at > :ca', { ca: filter.createdAt.after });
    if (filter.updatedAt?.before)
      qb.andWhere('v.updated_at < :ub', { ub: filter.updatedAt.before });
    if (filter.updatedAt?.after) qb.andWhere('v.updated_at > :ua', { ua: filter.updatedAt.after });
    if (filter.filters.conditions.length) {
      const params: Record<string, unknown> = {};
      const parts = filter.filters.conditions.map((c, i) => conditionSql(c, `f${i}`, params));
      qb.andWhere(`(${parts.join(filter.filters.junction === 'OR' ? ' OR ' : ' AND ')})`, params);
    }
    const column = { created_at: 'v.createdAt', updated_at: 'v.updatedAt', code: 'v.code' }[
      order.field
    ];
    qb.orderBy(column, order.direction, order.direction === 'DESC' ? 'NULLS LAST' : 'NULLS FIRST')
      .addOrderBy('v.id', order.direction)
      .offset(page.offset)
      .limit(page.limit);
    const [vouchers, total] = await qb.getManyAndCount();
    return { vouchers, total };
  }

  /**
   * For the redemption engine: takes one redemption if the quantity allows it, atomically.
   * Returns the new redeemed_quantity, or null when the limit is reached (or no such voucher).
   */
  async incrementRedeemedQuantity(
    projectId: string,
    voucherId: string,
    em?: EntityManager,
  ): Promise<number | null> {
    const rows = (await this.em(em).query(
      `UPDATE vouchers SET redeemed_quantity = redeemed_quantity + 1, updated_at = now()
       WHERE project_id = $1 AND id = $2 AND deleted_at IS NULL
         AND (redemption_quantity IS NULL OR redeemed_quantity < redemption_quantity)
       RETURNING redeemed_quantity`,
      [projectId, voucherId],
    )) as [{ redeemed_quantity: number }[], number] | { redeemed_quantity: number }[];
    const list = returnedRows<{ redeemed_quantity: number }>(rows);
    return list.length ? list[0].redeemed_quantity : null;
  }

  /** For rollbacks: gives one redemption back (never below zero). */
  async decrementRedeemedQuantity(projectId: string, voucherId: string, em?: EntityManager) {
    const rows = (await this.em(em).query(
      `UPDATE vouchers SET redeemed_quantity = redeemed_quantity - 1, updated_at = now()
       WHERE project_id = $1 AND id = $2 AND redeemed_quantity > 0
       RETURNING redeemed_quantity`,
      [projectId, voucherId],
    )) as unknown;
    const list = returnedRows<{ redeemed_quantity: number }>(rows);
    return list.length ? list[0].redeemed_quantity : null;
  }

  /**
   * For the redemption engine: spends `amount` cents of a gift balance if it suffices.
   * Returns the balance afterwards, or null when it does not suffice (nothing changes).
   */
  async decrementGiftBalance(
    projectId: string,
    voucherId: string,
    amount: number,
    em?: EntityManager,
  ): Promise<number | null> {
    const rows = (await this.em(em).query(
      `UPDATE vouchers SET gift_balance = gift_balance - $3,
              redeemed_amount = redeemed_amount + $3, updated_at = now()
       WHERE project_id = $1 AND id = $2 AND deleted_at IS NULL AND gift_balance >= $3
       RETURNING gift_balance`,
      [projectId, voucherId, amount],
    )) as unknown;
    const list = returnedRows<{ gift_balance: string }>(rows);
    return list.length ? Number(list[0].gift_balance) : null;
  }

  /**
   * Adds (positive) or removes (negative) gift balance in one conditional UPDATE: a removal
   * that would go below zero matches no row; the CHECK constraint backs it up.
   */
  async changeGiftBalance(
    projectId: string,
    voucherId: string,
    amount: number,
    em?: EntityManager,
  ): Promise<BalanceChange | null> {
    const rows = (await this.em(em).query(
      `UPDATE vouchers SET gift_balance = gift_balance + $3,
              gift_amount = gift_amount + greatest($3, 0),
              gift_subtracted = coalesce(gift_subtracted, 0) + greatest(-$3, 0),
              updated_at = now()
       WHERE project_id = $1 AND id = $2 AND deleted_at IS NULL AND type = 'GIFT_VOUCHER'
         AND gift_balance + $3 >= 0
       RETURNING id, campaign_id, gift_balance, gift_amount`,
      [projectId, voucherId, amount],
    )) as unknown;
    const list = returnedRows<{
      id: string;
      campaign_id: string | null;
      gift_balance: string;
      gift_amount: string;
    }>(rows);
    if (!list.length) return null;
    await this.audit.record(this.em(em), {
      entityType: 'voucher',
      entityId: list[0].id,
      action: 'update',
      projectId,
      diff: { gift_balance_change: amount, gift_balance: list[0].gift_balance },
    });
    return {
      voucherId: list[0].id,
      campaignId: list[0].campaign_id,
      balance: Number(list[0].gift_balance),
      total: Number(list[0].gift_amount),
    };
  }

  insertTransaction(tx: Partial<VoucherTransactionEntity>, em?: EntityManager) {
    const repo = this.em(em).getRepository(VoucherTransactionEntity);
    return repo.save(repo.create(tx));
  }

  /** Cursor page of a voucher's transactions, `limit + 1` rows to tell has_more. */
  async listTransactions(
    projectId: string,
    voucherId: string,
    limit: number,
    direction: 'ASC' | 'DESC',
    startingAfterId?: string,
  ): Promise<VoucherTransactionEntity[]> {
    const qb = this.em()
      .getRepository(VoucherTransactionEntity)
      .createQueryBuilder('t')
      .where('t.project_id = :projectId AND t.voucher_id = :voucherId', { projectId, voucherId });
    if (startingAfterId) {
      qb.andWhere(
        `t.seq ${direction === 'ASC' ? '>' : '<'} (SELECT s.seq FROM voucher_transactions s
          WHERE s.project_id = :projectId AND s.voucher_id = :voucherId AND s.id = :after)`,
        { after: startingAfterId },
      );
    }
    return qb
      .orderBy('t.seq', direction)
      .limit(limit + 1)
      .getMany();
  }
}

/** At most two rows match code-or-id: the one whose code matches wins. */
function preferCode(rows: VoucherEntity[], key: string): VoucherEntity | null {
  return rows.find((r) => r.code === key) ?? rows[0] ?? null;
}

const JSON_COLUMNS = new Set([
  'discount',
  'metadata',
  'validity_timeframe',
  'validity_day_of_week',
  'validity_hours',
  'validation_rules',
]);
function isJsonColumn(column: string): boolean {
  return JSON_COLUMNS.has(column);
}

/** pg returns [rows, count] for UPDATE/DELETE through TypeORM, and rows for INSERT. */
function affectedRows(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number')
    return result[1];
  const r = result as { rowCount?: number; affected?: number } | undefined;
  return r?.rowCount ?? r?.affected ?? (Array.isArray(result) ? result.length : 0);
}

const COMPARATORS: Record<string, string> = {
  $more_than: '>',
  $less_than: '<',
  $more_than_equal: '>=',
  $less_than_equal: '<=',
};

/** One parsed filter condition as SQL with named parameters (values are never inlined). */
function conditionSql(c: FilterCondition, p: string, params: Record<string, unknown>): string {
  if (c.field === 'active') {
    const now = 'now()';
    switch (c.op) {
      case '$is':
        params[p] = c.value;
        return `v.active = :${p}`;
      case '$is_not':
        params[p] = c.value;
        return `v.active <> :${p}`;
      case '$enabled':
      case '$disabled': {
        params[p] = c.op === '$enabled' ? c.value : !c.value;
        return `v.active = :${p}`;
      }
      case '$expired': {
        const expired = `(v.expiration_date IS NOT NULL AND v.expiration_date < ${now})`;
        return c.value ? expired : `NOT ${expired}`;
      }
      case '$active': {
        const live = `(v.active AND (v.start_date IS NULL OR v.start_date <= ${now}) AND (v.expiration_date IS NULL OR v.expiration_date >= ${now}))`;
        return c.value ? live : `NOT ${live}`;
      }
    }
  }
  let text: string;
  let numeric: string;
  if (c.field === 'metadata') {
    params[`${p}k`] = c.key;
    text = `(v.metadata ->> :${p}k)`;
    numeric = `(CASE WHEN jsonb_typeof(v.metadata -> :${p}k) = 'number' THEN (v.metadata ->> :${p}k)::numeric END)`;
  } else if (c.field === 'redeemed_quantity') {
    text = 'v.redeemed_quantity::text';
    numeric = 'v.redeemed_quantity';
  } else {
    text = `v.${c.field}`;
    numeric = `NULL::numeric`;
  }
  const values = c.values.map(String);
  params[p] = values[0];
  params[`${p}s`] = values;
  switch (c.op) {
    case '$is':
      return `${text} = :${p}`;
    case '$is_not':
      return `${text} IS DISTINCT FROM :${p}`;
    case '$in':
      return `${text} IN (:...${p}s)`;
    case '$not_in':
      return `(${text} IS NULL OR ${text} NOT IN (:...${p}s))`;
    case '$has_value':
      return `${text} IS NOT NULL`;
    case '$is_unknown':
      return `${text} IS NULL`;
    case '$contains':
      params[p] = `%${escapeLike(values[0])}%`;
      return `${text} LIKE :${p}`;
    case '$starts_with':
      params[p] = `${escapeLike(values[0])}%`;
      return `${text} LIKE :${p}`;
    case '$ends_with':
      params[p] = `%${escapeLike(values[0])}`;
      return `${text} LIKE :${p}`;
    default:
      params[p] = Number(values[0]);
      return `${numeric} ${COMPARATORS[c.op]} :${p}`;
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
