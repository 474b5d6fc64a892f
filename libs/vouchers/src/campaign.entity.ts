import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type CampaignType = 'DISCOUNT_COUPONS' | 'GIFT_VOUCHERS';
export type CampaignKind = 'AUTO_UPDATE' | 'STATIC' | 'STANDALONE';
export type GenerationStatus = 'IN_PROGRESS' | 'DONE' | 'FAILED';

/** The voucher template a campaign generates from (the request's `voucher`, normalised). */
export interface VoucherTemplate {
  type: 'DISCOUNT_VOUCHER' | 'GIFT_VOUCHER';
  discount?: Record<string, unknown> & { type: string };
  gift?: { amount: number; effect?: string };
  redemption?: { quantity: number | null };
  code_config: {
    length: number;
    charset: string;
    prefix: string;
    postfix: string;
    pattern: string | null;
  };
  is_referral_code?: boolean;
}

/** A campaign. The name is unique per project (a campaign in the bin keeps its name). */
@Entity({ name: 'campaigns' })
@Index('ux_campaigns_project_name', ['projectId', 'name'], { unique: true })
@Index('ix_campaigns_project_created', ['projectId', 'createdAt'])
export class CampaignEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'campaign_type', type: 'varchar', length: 30 })
  campaignType: CampaignType;

  @Column({ type: 'varchar', length: 20 })
  type: CampaignKind;

  @Column({ type: 'jsonb' })
  voucher: VoucherTemplate;

  /** Vouchers that exist in the campaign (maintained with each generated batch). */
  @Column({ name: 'vouchers_count', type: 'int', default: 0 })
  vouchersCount: number;

  @Column({ name: 'join_once', type: 'boolean', default: false })
  joinOnce: boolean;

  @Column({ name: 'auto_join', type: 'boolean', default: false })
  autoJoin: boolean;

  @Column({ name: 'use_voucher_metadata_schema', type: 'boolean', default: false })
  useVoucherMetadataSchema: boolean;

  @Column({
    name: 'activity_duration_after_publishing',
    type: 'varchar',
    length: 40,
    nullable: true,
  })
  activityDurationAfterPublishing: string | null;

  @Column({ name: 'start_date', type: 'timestamptz', nullable: true })
  startDate: Date | null;

  @Column({ name: 'expiration_date', type: 'timestamptz', nullable: true })
  expirationDate: Date | null;

  @Column({ name: 'validity_timeframe', type: 'jsonb', nullable: true })
  validityTimeframe: Record<string, unknown> | null;

  @Column({ name: 'validity_day_of_week', type: 'jsonb', nullable: true })
  validityDayOfWeek: number[] | null;

  @Column({ name: 'validity_hours', type: 'jsonb', nullable: true })
  validityHours: Record<string, unknown> | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'varchar', length: 200, nullable: true })
  category: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  /** Legacy: always empty; assignments live in validation_rules_assignments (drop in a migration). */
  @Column({ name: 'validation_rules', type: 'jsonb', default: () => "'[]'" })
  validationRules: string[];

  @Column({ name: 'generation_status', type: 'varchar', length: 20, default: 'DONE' })
  generationStatus: GenerationStatus;

  @Column({ name: 'generation_failure', type: 'text', nullable: true })
  generationFailure: string | null;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt: Date | null;
}
