import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintMoney } from '@app/core';

/** single = one voucher (legacy endpoint); parent/child = a stacked redemption; rollback = rr_/rrf_. */
export type RedemptionKind = 'single' | 'parent' | 'child' | 'rollback' | 'parent_rollback';
export type RedemptionResult = 'SUCCESS' | 'FAILURE';
export type RedemptionStatus = 'SUCCEEDED' | 'FAILED' | 'ROLLED_BACK';

/**
 * Redemptions (`r_`), failed redemptions (`rf_`), rollbacks (`rr_`) and failed rollbacks (`rrf_`)
 * in one table: GET /v1/redemptions/:id and a voucher's redemption_entries return any of them.
 * The voucher, customer and computed order are stored as they were at that moment (the
 * contract returns them that way), so reads never join.
 */
@Entity({ name: 'redemptions' })
@Index('ix_redemptions_project_date', ['projectId', 'date', 'id'])
@Index('ix_redemptions_project_voucher', ['projectId', 'voucherId', 'date'])
@Index('ix_redemptions_project_customer', ['projectId', 'customerId', 'voucherId'])
@Index('ix_redemptions_project_campaign', ['projectId', 'campaignId', 'customerId'])
@Index('ix_redemptions_project_parent', ['projectId', 'parentId'])
// A redemption is rolled back at most once, whatever the application does.
@Index('ux_redemptions_one_rollback', ['projectId', 'redemptionId'], {
  unique: true,
  where: `"kind" IN ('rollback', 'parent_rollback') AND "result" = 'SUCCESS'`,
})
export class RedemptionEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ type: 'varchar', length: 20 })
  kind: RedemptionKind;

  @Column({ type: 'varchar', length: 10 })
  result: RedemptionResult;

  @Column({ type: 'varchar', length: 12 })
  status: RedemptionStatus;

  /** Children: the parent redemption; rollbacks of children: the parent rollback. */
  @Column({ name: 'parent_id', type: 'varchar', length: 40, nullable: true })
  parentId: string | null;

  /** Rollbacks: the redemption rolled back. */
  @Column({ name: 'redemption_id', type: 'varchar', length: 40, nullable: true })
  redemptionId: string | null;

  /** Redemptions: the rollback that undid it. */
  @Column({ name: 'rollback_id', type: 'varchar', length: 40, nullable: true })
  rollbackId: string | null;

  @Column({ name: 'rollback_date', type: 'timestamptz', nullable: true })
  rollbackDate: Date | null;

  @Column({ name: 'voucher_id', type: 'varchar', length: 40, nullable: true })
  voucherId: string | null;

  @Column({ name: 'voucher_code', type: 'varchar', length: 100, nullable: true })
  voucherCode: string | null;

  @Column({ name: 'campaign_id', type: 'varchar', length: 40, nullable: true })
  campaignId: string | null;

  @Column({ name: 'customer_id', type: 'varchar', length: 40, nullable: true })
  customerId: string | null;

  @Column({ name: 'order_id', type: 'varchar', length: 40, nullable: true })
  orderId: string | null;

  @Column({ name: 'tracking_id', type: 'varchar', length: 255, nullable: true })
  trackingId: string | null;

  /** Gift credits used (redemption) or returned (rollback, negative), cents. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintMoney })
  amount: number | null;

  @Column({ name: 'failure_code', type: 'varchar', length: 60, nullable: true })
  failureCode: string | null;

  @Column({ name: 'failure_message', type: 'text', nullable: true })
  failureMessage: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'session_key', type: 'varchar', length: 255, nullable: true })
  sessionKey: string | null;

  @Column({ name: 'channel_type', type: 'varchar', length: 20 })
  channelType: string;

  @Column({ name: 'channel_id', type: 'varchar', length: 60, nullable: true })
  channelId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  @Column({ name: 'order_snapshot', type: 'jsonb', nullable: true })
  orderSnapshot: Record<string, unknown> | null;

  @Column({ name: 'customer_snapshot', type: 'jsonb', nullable: true })
  customerSnapshot: Record<string, unknown> | null;

  @Column({ name: 'voucher_snapshot', type: 'jsonb', nullable: true })
  voucherSnapshot: Record<string, unknown> | null;

  @Column({ type: 'timestamptz' })
  date: Date;
}
