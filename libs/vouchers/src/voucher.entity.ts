import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintMoney } from '@app/core';

export type VoucherType = 'DISCOUNT_VOUCHER' | 'GIFT_VOUCHER' | 'LOYALTY_CARD';

/** The discount as the API carries it (AMOUNT / PERCENT / FIXED / UNIT and their fields). */
export type Discount = Record<string, unknown> & { type: string };

export interface ValidityTimeframe {
  interval?: string;
  duration?: string;
}

/**
 * A voucher. The code is unique per project through a full (not partial) unique index: a voucher
 * in the bin keeps its code taken; a force delete removes the row and frees it.
 * Counters change only through conditional UPDATEs, backed by CHECK constraints.
 */
@Entity({ name: 'vouchers' })
@Index('ux_vouchers_project_code', ['projectId', 'code'], { unique: true })
@Index('ix_vouchers_project_campaign', ['projectId', 'campaignId'])
@Index('ix_vouchers_project_created', ['projectId', 'createdAt'])
// Publications pick free codes of a campaign; without it each pick rescans the taken ones.
@Index('ix_vouchers_project_campaign_free', ['projectId', 'campaignId'], {
  where: '"holder_id" IS NULL AND "deleted_at" IS NULL',
})
@Check(
  'ck_vouchers_redeemed_quantity',
  '"redemption_quantity" IS NULL OR "redeemed_quantity" <= "redemption_quantity"',
)
@Check('ck_vouchers_redeemed_nonneg', '"redeemed_quantity" >= 0')
@Check('ck_vouchers_gift_balance', '"gift_balance" IS NULL OR "gift_balance" >= 0')
@Check('ck_vouchers_held_nonneg', '"held_quantity" >= 0')
export class VoucherEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ type: 'varchar', length: 100 })
  code: string;

  @Column({ name: 'campaign_id', type: 'varchar', length: 40, nullable: true })
  campaignId: string | null;

  @Column({ type: 'varchar', length: 20 })
  type: VoucherType;

  @Column({ type: 'jsonb', nullable: true })
  discount: Discount | null;

  /** Lifetime credited gift amount (initial amount plus additions), cents. */
  @Column({ name: 'gift_amount', type: 'bigint', nullable: true, transformer: bigintMoney })
  giftAmount: number | null;

  /** Gift amount removed through the balance endpoint, cents. */
  @Column({ name: 'gift_subtracted', type: 'bigint', nullable: true, transformer: bigintMoney })
  giftSubtracted: number | null;

  /** Current gift balance, cents; never negative (CHECK). */
  @Column({ name: 'gift_balance', type: 'bigint', nullable: true, transformer: bigintMoney })
  giftBalance: number | null;

  @Column({ name: 'gift_effect', type: 'varchar', length: 40, nullable: true })
  giftEffect: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  category: string | null;

  @Column({ name: 'start_date', type: 'timestamptz', nullable: true })
  startDate: Date | null;

  @Column({ name: 'expiration_date', type: 'timestamptz', nullable: true })
  expirationDate: Date | null;

  @Column({ name: 'validity_timeframe', type: 'jsonb', nullable: true })
  validityTimeframe: ValidityTimeframe | null;

  @Column({ name: 'validity_day_of_week', type: 'jsonb', nullable: true })
  validityDayOfWeek: number[] | null;

  @Column({ name: 'validity_hours', type: 'jsonb', nullable: true })
  validityHours: Record<string, unknown> | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'additional_info', type: 'text', nullable: true })
  additionalInfo: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  /** null = unlimited */
  @Column({ name: 'redemption_quantity', type: 'int', nullable: true })
  redemptionQuantity: number | null;

  @Column({ name: 'redeemed_quantity', type: 'int', default: 0 })
  redeemedQuantity: number;

  @Column({ name: 'redeemed_amount', type: 'bigint', default: 0, transformer: bigintMoney })
  redeemedAmount: number;

  @Column({ name: 'publish_count', type: 'int', default: 0 })
  publishCount: number;

  @Column({ name: 'holder_id', type: 'varchar', length: 40, nullable: true })
  holderId: string | null;

  @Column({ name: 'is_referral_code', type: 'boolean', default: false })
  isReferralCode: boolean;

  /** Legacy: always empty; assignments live in validation_rules_assignments (drop in a migration). */
  @Column({ name: 'validation_rules', type: 'jsonb', default: () => "'[]'" })
  validationRules: string[];

  /** Set when the voucher is in the bin (soft delete). */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** null until the first update, as in the contract's example. */
  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt: Date | null;

  // ---- Owned by libs/redemptions (holds): uses reserved by live LOCK validation sessions,
  // counted against redemption_quantity by the redemption engine's conditional UPDATEs.
  @Column({ name: 'held_quantity', type: 'int', default: 0 })
  heldQuantity: number;
}
