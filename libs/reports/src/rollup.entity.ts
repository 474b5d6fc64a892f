import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintMoney } from '@app/core';

/**
 * Redemption counters per project, campaign and hour, maintained by the `reports.rollup`
 * subscriber. `campaign_id` is '' for redemptions outside a campaign (a key column cannot be
 * null) and `*` for the project's total of the hour (PROJECT_TOTAL), so a project-wide series
 * reads one row per hour instead of one per campaign and hour. Summaries and series sum these
 * rows instead of scanning `redemptions`.
 */
@Entity({ name: 'redemption_rollups_hourly' })
export class RedemptionRollupHourlyEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @PrimaryColumn({ name: 'campaign_id', type: 'varchar', length: 40 })
  campaignId: string;

  @PrimaryColumn({ type: 'timestamptz' })
  hour: Date;

  @Column({ type: 'int', default: 0 })
  succeeded: number;

  @Column({ type: 'int', default: 0 })
  failed: number;

  @Column({ name: 'rolled_back', type: 'int', default: 0 })
  rolledBack: number;

  @Column({ name: 'discount_amount', type: 'bigint', default: 0, transformer: bigintMoney })
  discountAmount: number;

  @Column({ name: 'gift_amount', type: 'bigint', default: 0, transformer: bigintMoney })
  giftAmount: number;

  @Column({
    name: 'rolled_back_discount_amount',
    type: 'bigint',
    default: 0,
    transformer: bigintMoney,
  })
  rolledBackDiscountAmount: number;

  @Column({ name: 'rolled_back_gift_amount', type: 'bigint', default: 0, transformer: bigintMoney })
  rolledBackGiftAmount: number;

  /** Failure key → count, e.g. `{"voucher_expired": 3}`. */
  @Column({ name: 'failures_by_code', type: 'jsonb', default: () => "'{}'" })
  failuresByCode: Record<string, number>;
}

/**
 * Redemption counters per project, voucher or customer, and day: the source of the top-vouchers
 * and top-customers reports. `dimension` is `voucher` or `customer`.
 */
@Entity({ name: 'redemption_rollups_daily' })
@Index('ix_redemption_rollups_daily_project_dimension_day', ['projectId', 'dimension', 'day'])
export class RedemptionRollupDailyEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  dimension: string;

  @PrimaryColumn({ name: 'dimension_id', type: 'varchar', length: 40 })
  dimensionId: string;

  @PrimaryColumn({ type: 'date' })
  day: string;

  /** Part of the key: a customer redeems in several campaigns. */
  @PrimaryColumn({ name: 'campaign_id', type: 'varchar', length: 40 })
  campaignId: string;

  @Column({ type: 'int', default: 0 })
  succeeded: number;

  @Column({ type: 'int', default: 0 })
  failed: number;

  @Column({ name: 'rolled_back', type: 'int', default: 0 })
  rolledBack: number;
}
