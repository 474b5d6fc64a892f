import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DailyDelta, Granularity, HourlyDelta, PROJECT_TOTAL } from './reports.logic';

export interface Range {
  start: Date;
  end: Date;
}

export interface RollupTotals {
  succeeded: number;
  failed: number;
  rolledBack: number;
  discountAmount: number;
  giftAmount: number;
  rolledBackDiscountAmount: number;
  rolledBackGiftAmount: number;
}

export interface SeriesRow {
  bucket: string;
  succeeded: number;
  failed: number;
  rolledBack: number;
}

export interface TopRow {
  id: string;
  label: string | null;
  succeeded: number;
  failed: number;
  rolledBack: number;
}

const n = (v: unknown): number => Number(v ?? 0);

/**
 * All SQL of the reports: writes to the rollup tables (by atomic `x = x + excluded.x` upserts in
 * the caller's transaction, the one that holds the processed-events marker) and reads of the
 * rollups plus cheap indexed counts of other modules' tables (vouchers, publications, campaigns).
 */
@Injectable()
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async addHourly(em: EntityManager, projectId: string, d: HourlyDelta): Promise<void> {
    await em.query(
      `INSERT INTO redemption_rollups_hourly AS t
         (project_id, campaign_id, hour, succeeded, failed, rolled_back, discount_amount,
          gift_amount, rolled_back_discount_amount, rolled_back_gift_amount, failures_by_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
       ON CONFLICT (project_id, campaign_id, hour) DO UPDATE SET
         succeeded = t.succeeded + excluded.succeeded,
         failed = t.failed + excluded.failed,
         rolled_back = t.rolled_back + excluded.rolled_back,
         discount_amount = t.discount_amount + excluded.discount_amount,
         gift_amount = t.gift_amount + excluded.gift_amount,
         rolled_back_discount_amount =
           t.rolled_back_discount_amount + excluded.rolled_back_discount_amount,
         rolled_back_gift_amount = t.rolled_back_gift_amount + excluded.rolled_back_gift_amount,
         failures_by_code = CASE WHEN excluded.failures_by_code = '{}'::jsonb
           THEN t.failures_by_code
           ELSE (SELECT jsonb_object_agg(k, s) FROM (
                   SELECT k, SUM(v::bigint) AS s FROM (
                     SELECT key AS k, value AS v FROM jsonb_each_text(t.failures_by_code)
                     UNION ALL
                     SELECT key, value FROM jsonb_each_text(excluded.failures_by_code)) a
                   GROUP BY k) b)
           END`,
      [
        projectId,
        d.campaignId,
        d.hour,
        d.succeeded,
        d.failed,
        d.rolledBack,
        d.discountAmount,
        d.giftAmount,
        d.rolledBackDiscountAmount,
        d.rolledBackGiftAmount,
        JSON.stringify(d.failuresByCode),
      ],
    );
  }

  async addDaily(em: EntityManager, projectId: string, d: DailyDelta): Promise<void> {
    await em.query(
      `INSERT INTO redemption_rollups_daily AS t
         (project_id, dimension, dimension_id, day, campaign_id, succeeded, failed, rolled_back)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (project_id, dimension, dimension_id, day, campaign_id) DO UPDATE SET
         succeeded = t.succeeded + excluded.succeeded,
         failed = t.failed + excluded.failed,
         rolled_back = t.rolled_back + excluded.rolled_back`,
      [
        projectId,
        d.dimension,
        d.dimensionId,
        d.day,
        d.campaignId,
        d.succeeded,
        d.failed,
        d.rolledBack,
      ],
    );
  }

  async findCampaign(
    projectId: string,
    idOrName: string,
  ): Promise<{ id: string; name: string } | null> {
    const rows: { id: string; name: string }[] = await this.manager().query(
      `SELECT id, name FROM campaigns
        WHERE project_id = $1 AND (id = $2 OR name = $2) AND deleted_at IS NULL
        ORDER BY (id = $2) DESC LIMIT 1`,
      [projectId, idOrName],
    );
    return rows[0] ?? null;
  }

  async totals(projectId: string, campaignId: string, range: Range): Promise<RollupTotals> {
    const [row]: Record<string, string | null>[] = await this.manager().query(
      `SELECT SUM(succeeded) AS succeeded, SUM(failed) AS failed, SUM(rolled_back) AS rolled_back,
              SUM(discount_amount) AS discount, SUM(gift_amount) AS gift,
              SUM(rolled_back_discount_amount) AS rb_discount,
              SUM(rolled_back_gift_amount) AS rb_gift
         FROM redemption_rollups_hourly
        WHERE project_id = $1 AND campaign_id = $2 AND hour >= $3 AND hour < $4`,
      [projectId, campaignId, range.start, range.end],
    );
    return {
      succeeded: n(row?.succeeded),
      failed: n(row?.failed),
      rolledBack: n(row?.rolled_back),
      discountAmount: n(row?.discount),
      giftAmount: n(row?.gift),
      rolledBackDiscountAmount: n(row?.rb_discount),
      rolledBackGiftAmount: n(row?.rb_gift),
    };
  }

  async failuresByCode(
    projectId: string,
    campaignId: string,
    range: Range,
  ): Promise<Record<string, number>> {
    const rows: { code: string; count: string }[] = await this.manager().query(
      `SELECT f.key AS code, SUM(f.value::bigint) AS count
         FROM redemption_rollups_hourly r, jsonb_each_text(r.failures_by_code) f
        WHERE r.project_id = $1 AND r.campaign_id = $2 AND r.hour >= $3 AND r.hour < $4
          AND r.failed > 0
        GROUP BY f.key ORDER BY f.key`,
      [projectId, campaignId, range.start, range.end],
    );
    return Object.fromEntries(rows.map((r) => [r.code, n(r.count)]));
  }

  async countCodes(projectId: string, campaignId: string, range: Range): Promise<number> {
    const [row]: { count: string }[] = await this.manager().query(
      `SELECT count(*) AS count FROM vouchers
        WHERE project_id = $1 AND campaign_id = $2 AND created_at >= $3 AND created_at < $4`,
      [projectId, campaignId, range.start, range.end],
    );
    return n(row?.count);
  }

  /** Codes handed out by successful publications of the campaign in the range. */
  async countPublished(projectId: string, campaignId: string, range: Range): Promise<number> {
    const [row]: { count: string }[] = await this.manager().query(
      `SELECT count(*) AS count
         FROM publications p
         JOIN publication_vouchers pv ON pv.project_id = p.project_id AND pv.publication_id = p.id
        WHERE p.project_id = $1 AND p.campaign_id = $2 AND p.result = 'SUCCESS'
          AND p.created_at >= $3 AND p.created_at < $4`,
      [projectId, campaignId, range.start, range.end],
    );
    return n(row?.count);
  }

  async series(
    projectId: string,
    campaignId: string | null,
    granularity: Granularity,
    range: Range,
  ): Promise<SeriesRow[]> {
    const rows: Record<string, string | Date>[] = await this.manager().query(
      `SELECT date_trunc($2, hour, 'UTC') AS bucket, SUM(succeeded) AS succeeded,
              SUM(failed) AS failed, SUM(rolled_back) AS rolled_back
         FROM redemption_rollups_hourly
        WHERE project_id = $1 AND campaign_id = $5 AND hour >= $3 AND hour < $4
        GROUP BY 1 ORDER BY 1`,
      [projectId, granularity, range.start, range.end, campaignId ?? PROJECT_TOTAL],
    );
    return rows.map((r) => ({
      bucket: new Date(r.bucket).toISOString(),
      succeeded: n(r.succeeded),
      failed: n(r.failed),
      rolledBack: n(r.rolled_back),
    }));
  }

  async top(
    projectId: string,
    dimension: 'voucher' | 'customer',
    campaignId: string | null,
    range: Range,
    limit: number,
  ): Promise<TopRow[]> {
    const label =
      dimension === 'voucher'
        ? `(SELECT v.code FROM vouchers v WHERE v.project_id = $1 AND v.id = t.dimension_id)`
        : `(SELECT c.source_id FROM customers c WHERE c.project_id = $1 AND c.id = t.dimension_id)`;
    const rows: Record<string, string | null>[] = await this.manager().query(
      `SELECT t.dimension_id AS id, ${label} AS label, t.succeeded, t.failed, t.rolled_back
         FROM (SELECT dimension_id, SUM(succeeded) AS succeeded, SUM(failed) AS failed,
                      SUM(rolled_back) AS rolled_back
                 FROM redemption_rollups_daily
                WHERE project_id = $1 AND dimension = $2 AND day >= $3::date AND day <= $4::date
                  AND ($5::varchar IS NULL OR campaign_id = $5)
                GROUP BY dimension_id
                ORDER BY SUM(succeeded) DESC, dimension_id
                LIMIT $6) t
        ORDER BY t.succeeded DESC, t.dimension_id`,
      [
        projectId,
        dimension,
        range.start.toISOString().slice(0, 10),
        new Date(range.end.getTime() - 1).toISOString().slice(0, 10),
        campaignId,
        limit,
      ],
    );
    return rows.map((r) => ({
      id: r.id as string,
      label: r.label,
      succeeded: n(r.succeeded),
      failed: n(r.failed),
      rolledBack: n(r.rolled_back),
    }));
  }
}
