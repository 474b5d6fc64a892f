import { Column, CreateDateColumn, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { bigintMoney } from '@app/core';

export type VoucherTransactionType =
  'CREDITS_ADDITION' | 'CREDITS_REMOVAL' | 'CREDITS_REDEMPTION' | 'CREDITS_REFUND';

/**
 * One change of a gift balance. `seq` orders the cursor list (`order=id|-id`): `vtx_` ids are
 * random, so the sequence stands in for "id order" and keeps it chronological.
 */
@Entity({ name: 'voucher_transactions' })
@Index('ix_voucher_transactions_voucher', ['projectId', 'voucherId', 'seq'])
export class VoucherTransactionEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'bigint' })
  @Generated('increment')
  seq: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ name: 'voucher_id', type: 'varchar', length: 40 })
  voucherId: string;

  @Column({ name: 'campaign_id', type: 'varchar', length: 40, nullable: true })
  campaignId: string | null;

  @Column({ name: 'source_id', type: 'varchar', length: 200, nullable: true })
  sourceId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  source: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 40 })
  type: VoucherTransactionType;

  /** Signed delta, cents. */
  @Column({ type: 'bigint', transformer: bigintMoney })
  amount: number;

  /** Balance after the change, cents. */
  @Column({ type: 'bigint', transformer: bigintMoney })
  balance: number;

  /** Lifetime credited amount after the change, cents. */
  @Column({ type: 'bigint', transformer: bigintMoney })
  total: number;

  @Column({ name: 'related_transaction_id', type: 'varchar', length: 40, nullable: true })
  relatedTransactionId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
