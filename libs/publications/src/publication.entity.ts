import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type PublicationResult = 'SUCCESS' | 'FAILURE';

/**
 * A publication: codes handed to a customer (SUCCESS), or a recorded attempt that failed
 * (FAILURE, with its error key and message). Two partial unique indexes make the guarantees
 * the database's: a successful publication's source_id is unique in the project, and a
 * join_once publication is unique per (campaign, customer).
 */
@Entity({ name: 'publications' })
@Index('ix_publications_project_created', ['projectId', 'createdAt', 'id'])
@Index('ix_publications_project_customer', ['projectId', 'customerId'])
@Index('ix_publications_project_campaign_customer', ['projectId', 'campaignId', 'customerId'])
@Index('ux_publications_project_source', ['projectId', 'sourceId'], {
  unique: true,
  where: `"source_id" IS NOT NULL AND "result" = 'SUCCESS'`,
})
@Index('ux_publications_project_join_once', ['projectId', 'campaignId', 'customerId'], {
  unique: true,
  where: `"join_once" AND "result" = 'SUCCESS'`,
})
export class PublicationEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ name: 'campaign_id', type: 'varchar', length: 40, nullable: true })
  campaignId: string | null;

  /** Null only for a failure recorded before the customer could be resolved. */
  @Column({ name: 'customer_id', type: 'varchar', length: 40, nullable: true })
  customerId: string | null;

  /** The customer's source_id at publication time (the contract's tracking_id). */
  @Column({ name: 'tracking_id', type: 'varchar', length: 255, nullable: true })
  trackingId: string | null;

  @Column({ name: 'source_id', type: 'varchar', length: 255, nullable: true })
  sourceId: string | null;

  @Column({ type: 'varchar', length: 100 })
  channel: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  @Column({ type: 'varchar', length: 10 })
  result: PublicationResult;

  @Column({ name: 'failure_code', type: 'varchar', length: 100, nullable: true })
  failureCode: string | null;

  @Column({ name: 'failure_message', type: 'text', nullable: true })
  failureMessage: string | null;

  /** Whether the publication was made under join_once (request flag or the campaign's). */
  @Column({ name: 'join_once', type: 'boolean', default: false })
  joinOnce: boolean;

  /** The first published code, or the code a failed specific-voucher request named (sorting). */
  @Column({ name: 'voucher_code', type: 'varchar', length: 100, nullable: true })
  voucherCode: string | null;

  /** The type of the codes handed out (a campaign's codes share one), for list filters. */
  @Column({ name: 'voucher_type', type: 'varchar', length: 20, nullable: true })
  voucherType: string | null;

  @Column({ name: 'is_referral_code', type: 'boolean', nullable: true })
  isReferralCode: boolean | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/**
 * The codes of a successful publication, in order. The unique (project_id, voucher_id) index
 * is the last line of the "a code goes to at most one customer, ever" guarantee.
 */
@Entity({ name: 'publication_vouchers' })
@Index('ux_publication_vouchers_project_voucher', ['projectId', 'voucherId'], { unique: true })
@Index('ix_publication_vouchers_project_code', ['projectId', 'voucherCode'])
export class PublicationVoucherEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @PrimaryColumn({ name: 'publication_id', type: 'varchar', length: 40 })
  publicationId: string;

  @PrimaryColumn({ type: 'int' })
  position: number;

  @Column({ name: 'voucher_id', type: 'varchar', length: 40 })
  voucherId: string;

  @Column({ name: 'voucher_code', type: 'varchar', length: 100 })
  voucherCode: string;
}
