import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@app/audit';
import type { Paging, SortOrder } from '@app/core';
import type { PublicationResult } from './publication.entity';
import type { PublicationRecord, PublishedCode } from './publication.mapping';
import type { ParsedPublicationFilters, PublicationCondition } from './publication-filters';

export const SOURCE_ID_INDEX = 'ux_publications_project_source';
export const JOIN_ONCE_INDEX = 'ux_publications_project_join_once';

export type PublicationSortField =
  'id' | 'voucher_code' | 'tracking_id' | 'customer_id' | 'created_at' | 'channel';

export interface PublicationInsert {
  id: string;
  campaignId: string | null;
  customerId: string | null;
  trackingId: string | null;
  sourceId: string | null;
  channel: string;
  metadata: Record<string, unknown>;
  result: PublicationResult;
  failureCode: string | null;
  failureMessage: string | null;
  joinOnce: boolean;
  voucherCode: string | null;
  voucherType: string | null;
  isReferralCode: boolean | null;
}

export interface PublicationListFilter {
  campaign?: string;
  customer?: string;
  voucher?: string;
  result?: PublicationResult;
  voucherType?: string;
  isReferralCode?: boolean;
  sourceId?: string;
  filters: ParsedPublicationFilters;
}

const SELECT = `
  SELECT p.id, p.campaign_id, c.name AS campaign_name, p.customer_id, p.tracking_id,
         p.source_id, p.channel, p.metadata, p.result, p.failure_code, p.failure_message,
         p.join_once, p.voucher_code, p.created_at,
         cu.id AS cu_id, cu.name AS cu_name, cu.email AS cu_email,
         cu.source_id AS cu_source_id, cu.metadata AS cu_metadata
  FROM publications p
  LEFT JOIN campaigns c ON c.project_id = p.project_id AND c.id = p.campaign_id
  LEFT JOIN customers cu ON cu.project_id = p.project_id AND cu.id = p.customer_id`;

interface Row {
  id: string;
  campaign_id: string | null;
  campaign_name: string | null;
  customer_id: string | null;
  tracking_id: string | null;
  source_id: string | null;
  channel: string;
  metadata: Record<string, unknown>;
  result: PublicationResult;
  failure_code: string | null;
  failure_message: string | null;
  join_once: boolean;
  voucher_code: string | null;
  created_at: Date;
  cu_id: string | null;
  cu_name: string | null;
  cu_email: string | null;
  cu_source_id: string | null;
  cu_metadata: Record<string, unknown> | null;
}

const SORT_COLUMNS: Record<PublicationSortField, string> = {
  id: 'p.id',
  voucher_code: 'p.voucher_code',
  tracking_id: 'p.tracking_id',
  customer_id: 'p.customer_id',
  created_at: 'p.created_at',
  channel: 'p.channel',
};

/** Columns of `publications` a filter condition compares. */
const PUBLICATION_COLUMNS: Record<string, string> = {
  failure_code: 'p.failure_code',
  result: 'p.result',
  customer_id: 'p.customer_id',
  campaign_name: 'c.name',
  parent_object_id: 'p.campaign_id',
  source_id: 'p.source_id',
  channel: 'p.channel',
  tracking_id: 'p.tracking_id',
  voucher_type: 'p.voucher_type',
  is_referral_code: 'p.is_referral_code::text',
};

/** Voucher-level fields: a publication matches when one of its codes does. */
const VOUCHER_COLUMNS: Record<string, string> = {
  voucher_code: 'pv.voucher_code',
  related_object_id: 'pv.voucher_id',
};

/** Positional parameters for hand-written SQL; values are never inlined. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

@Injectable()
export class PublicationsRepository {
  /** Raw SQL, unseen by the audit subscriber: a publication records itself through `audit`. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /** A plain INSERT: unique violations (source_id, join_once) surface to the caller. */
  async insert(projectId: string, row: PublicationInsert, em: EntityManager): Promise<void> {
    await em.query(
      `INSERT INTO publications (id, project_id, campaign_id, customer_id, tracking_id, source_id,
         channel, metadata, result, failure_code, failure_message, join_once, voucher_code,
         voucher_type, is_referral_code, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, now())`,
      [
        row.id,
        projectId,
        row.campaignId,
        row.customerId,
        row.trackingId,
        row.sourceId,
        row.channel,
        JSON.stringify(row.metadata),
        row.result,
        row.failureCode,
        row.failureMessage,
        row.joinOnce,
        row.voucherCode,
        row.voucherType,
        row.isReferralCode,
      ],
    );
    await this.audit.record(em, {
      entityType: 'publication',
      entityId: row.id,
      action: 'create',
      projectId,
      diff: {
        campaign_id: row.campaignId,
        customer_id: row.customerId,
        source_id: row.sourceId,
        channel: row.channel,
        result: row.result,
        failure_code: row.failureCode,
        voucher_code: row.voucherCode,
        join_once: row.joinOnce,
      },
    });
  }

  /** Records the codes of a publication and its first code (for sorting). */
  async addCodes(
    projectId: string,
    publicationId: string,
    codes: PublishedCode[],
    em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO publication_vouchers (project_id, publication_id, position, voucher_id, voucher_code)
       SELECT $1, $2, u.ord::int - 1, u.voucher_id, u.code
       FROM unnest($3::varchar[], $4::varchar[]) WITH ORDINALITY AS u(voucher_id, code, ord)`,
      [projectId, publicationId, codes.map((c) => c.voucherId), codes.map((c) => c.code)],
    );
    await em.query(`UPDATE publications SET voucher_code = $3 WHERE project_id = $1 AND id = $2`, [
      projectId,
      publicationId,
      codes[0]?.code ?? null,
    ]);
    await this.audit.record(em, {
      entityType: 'publication',
      entityId: publicationId,
      action: 'update',
      projectId,
      diff: { vouchers: codes.map((c) => c.code) },
    });
  }

  async findById(projectId: string, id: string, em?: EntityManager) {
    return this.one(`${SELECT} WHERE p.project_id = $1 AND p.id = $2`, [projectId, id], em);
  }

  /** The successful publication holding this source_id, if any. */
  async findBySourceId(projectId: string, sourceId: string, em?: EntityManager) {
    return this.one(
      `${SELECT} WHERE p.project_id = $1 AND p.source_id = $2 AND p.result = 'SUCCESS'`,
      [projectId, sourceId],
      em,
    );
  }

  /** The customer's earliest successful publication from the campaign (join_once answers it). */
  async findSuccessFor(
    projectId: string,
    campaignId: string,
    customerId: string,
    em?: EntityManager,
  ) {
    return this.one(
      `${SELECT} WHERE p.project_id = $1 AND p.campaign_id = $2 AND p.customer_id = $3
         AND p.result = 'SUCCESS'
       ORDER BY p.created_at, p.id LIMIT 1`,
      [projectId, campaignId, customerId],
      em,
    );
  }

  /** The codes of the given publications, in publication order. */
  async codesOf(
    projectId: string,
    publicationIds: string[],
    em?: EntityManager,
  ): Promise<Map<string, PublishedCode[]>> {
    const byPublication = new Map<string, PublishedCode[]>();
    if (!publicationIds.length) return byPublication;
    const rows = (await this.em(em).query(
      `SELECT publication_id, voucher_id, voucher_code FROM publication_vouchers
       WHERE project_id = $1 AND publication_id = ANY($2::varchar[])
       ORDER BY publication_id, position`,
      [projectId, publicationIds],
    )) as { publication_id: string; voucher_id: string; voucher_code: string }[];
    for (const r of rows) {
      const list = byPublication.get(r.publication_id) ?? [];
      list.push({ voucherId: r.voucher_id, code: r.voucher_code });
      byPublication.set(r.publication_id, list);
    }
    return byPublication;
  }

  async list(
    projectId: string,
    filter: PublicationListFilter,
    sort: SortOrder<PublicationSortField>,
    page: Paging,
  ): Promise<{ rows: PublicationRecord[]; total: number }> {
    const params = new Params();
    // $1 is the project id; subqueries below refer to it.
    const where = [`p.project_id = ${params.add(projectId)}`];
    // Keys resolve through non-correlated subqueries (hashed once), never an OR across a join.
    if (filter.campaign !== undefined) {
      const key = params.add(filter.campaign);
      where.push(
        `p.campaign_id IN (SELECT id FROM campaigns WHERE project_id = $1 AND (id = ${key} OR name = ${key}))`,
      );
    }
    if (filter.customer !== undefined) {
      const key = params.add(filter.customer);
      where.push(
        `p.customer_id IN (SELECT id FROM customers WHERE project_id = $1 AND (id = ${key} OR source_id = ${key}))`,
      );
    }
    if (filter.voucher !== undefined) {
      const code = params.add(filter.voucher);
      where.push(
        `(p.voucher_code = ${code} OR p.id IN (SELECT publication_id FROM publication_vouchers
           WHERE project_id = $1 AND voucher_code = ${code}))`,
      );
    }
    if (filter.result !== undefined) where.push(`p.result = ${params.add(filter.result)}`);
    if (filter.sourceId !== undefined) where.push(`p.source_id = ${params.add(filter.sourceId)}`);
    if (filter.voucherType !== undefined)
      where.push(`p.voucher_type = ${params.add(filter.voucherType)}`);
    if (filter.isReferralCode !== undefined)
      where.push(`p.is_referral_code = ${params.add(filter.isReferralCode)}`);
    if (filter.filters.conditions.length) {
      const parts = filter.filters.conditions.map((c) => conditionSql(c, params));
      where.push(`(${parts.join(filter.filters.junction === 'OR' ? ' OR ' : ' AND ')})`);
    }
    const from = `${SELECT} WHERE ${where.join(' AND ')}`;
    const [{ total }] = (await this.em().query(
      `SELECT count(*)::int AS total FROM (${from}) counted`,
      params.values,
    )) as { total: number }[];
    const nulls = sort.direction === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST';
    const rows = (await this.em().query(
      `${from} ORDER BY ${SORT_COLUMNS[sort.field]} ${sort.direction} ${nulls}, p.id ${sort.direction}
       LIMIT ${params.add(page.limit)} OFFSET ${params.add(page.offset)}`,
      params.values,
    )) as Row[];
    return { rows: rows.map(toRecord), total };
  }

  private async one(sql: string, params: unknown[], em?: EntityManager) {
    const rows = (await this.em(em).query(sql, params)) as Row[];
    return rows.length ? toRecord(rows[0]) : null;
  }
}

/** Publications with a code matching `condition` (on pv); `$1` is the project id. */
function voucherExists(condition: string): string {
  return `p.id IN (SELECT pv.publication_id FROM publication_vouchers pv
    WHERE pv.project_id = $1 AND ${condition})`;
}

function conditionSql(c: PublicationCondition, params: Params): string {
  let column: string;
  if (c.field === 'metadata') {
    const key = params.add(c.key);
    if (['$more_than', '$less_than', '$more_than_equal', '$less_than_equal'].includes(c.op)) {
      const numeric = `(CASE WHEN jsonb_typeof(p.metadata -> ${key}) = 'number' THEN (p.metadata ->> ${key})::numeric END)`;
      const cmp = {
        $more_than: '>',
        $less_than: '<',
        $more_than_equal: '>=',
        $less_than_equal: '<=',
      }[c.op as '$more_than'];
      return `${numeric} ${cmp} ${params.add(Number(c.values[0]))}`;
    }
    column = `(p.metadata ->> ${key})`;
  } else if (c.field in VOUCHER_COLUMNS) {
    return voucherExists(comparison(VOUCHER_COLUMNS[c.field], c.op, c.values, params));
  } else {
    column = PUBLICATION_COLUMNS[c.field];
  }
  return comparison(column, c.op, c.values, params);
}

function comparison(column: string, op: string, values: string[], params: Params): string {
  switch (op) {
    case '$is':
      return `${column} = ${params.add(values[0])}`;
    case '$is_not':
      return `${column} IS DISTINCT FROM ${params.add(values[0])}`;
    case '$in':
      return `${column} = ANY(${params.add(values)}::text[])`;
    case '$not_in':
      return `(${column} IS NULL OR NOT (${column} = ANY(${params.add(values)}::text[])))`;
    case '$has_value':
      return `${column} IS NOT NULL`;
    case '$is_unknown':
      return `${column} IS NULL`;
    case '$contains':
      return `${column} LIKE ${params.add(`%${escapeLike(values[0])}%`)}`;
    case '$starts_with':
      return `${column} LIKE ${params.add(`${escapeLike(values[0])}%`)}`;
    case '$ends_with':
      return `${column} LIKE ${params.add(`%${escapeLike(values[0])}`)}`;
    default:
      // The parser admits comparison operators on metadata only, handled by the caller.
      throw new Error(`unsupported operator ${op} on ${column}`);
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

function toRecord(r: Row): PublicationRecord {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    customerId: r.customer_id,
    trackingId: r.tracking_id,
    sourceId: r.source_id,
    channel: r.channel,
    metadata: r.metadata ?? {},
    result: r.result,
    failureCode: r.failure_code,
    failureMessage: r.failure_message,
    joinOnce: r.join_once,
    voucherCode: r.voucher_code,
    createdAt: r.created_at,
    customer: r.cu_id
      ? {
          id: r.cu_id,
          name: r.cu_name,
          email: r.cu_email,
          source_id: r.cu_source_id,
          metadata: r.cu_metadata ?? {},
        }
      : null,
  };
}
