import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintMoney } from '@app/core';

/**
 * A customer of a project. The summary lives in plain counter columns so the side-effect
 * processor can maintain it with single atomic `UPDATE ... SET x = x + $n` statements.
 */
@Entity({ name: 'customers' })
@Index('ux_customers_project_source', ['projectId', 'sourceId'], {
  unique: true,
  where: '"source_id" IS NOT NULL',
})
@Index('ix_customers_project_created', ['projectId', 'createdAt', 'id'])
@Index('ix_customers_project_updated', ['projectId', 'updatedAt'])
@Index('ix_customers_project_email', ['projectId', 'email'])
export class CustomerEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ name: 'source_id', type: 'varchar', length: 255, nullable: true })
  sourceId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** YYYY-MM-DD; kept as a string so no time zone ever shifts it. */
  @Column({ type: 'date', nullable: true })
  birthdate: string | null;

  @Column({ name: 'address_city', type: 'varchar', length: 255, nullable: true })
  addressCity: string | null;

  @Column({ name: 'address_state', type: 'varchar', length: 255, nullable: true })
  addressState: string | null;

  @Column({ name: 'address_line_1', type: 'varchar', length: 255, nullable: true })
  addressLine1: string | null;

  @Column({ name: 'address_line_2', type: 'varchar', length: 255, nullable: true })
  addressLine2: string | null;

  @Column({ name: 'address_country', type: 'varchar', length: 255, nullable: true })
  addressCountry: string | null;

  @Column({ name: 'address_postal_code', type: 'varchar', length: 64, nullable: true })
  addressPostalCode: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  metadata: Record<string, unknown>;

  @Column({ name: 'redemptions_total_redeemed', type: 'int', default: 0 })
  redemptionsTotalRedeemed: number;

  @Column({ name: 'redemptions_total_failed', type: 'int', default: 0 })
  redemptionsTotalFailed: number;

  @Column({ name: 'redemptions_total_succeeded', type: 'int', default: 0 })
  redemptionsTotalSucceeded: number;

  @Column({ name: 'redemptions_total_rolled_back', type: 'int', default: 0 })
  redemptionsTotalRolledBack: number;

  @Column({ name: 'redemptions_total_rollback_failed', type: 'int', default: 0 })
  redemptionsTotalRollbackFailed: number;

  @Column({ name: 'redemptions_total_rollback_succeeded', type: 'int', default: 0 })
  redemptionsTotalRollbackSucceeded: number;

  @Column({ name: 'gift_redeemed_amount', type: 'bigint', default: 0, transformer: bigintMoney })
  giftRedeemedAmount: number;

  @Column({ name: 'gift_amount_to_go', type: 'bigint', default: 0, transformer: bigintMoney })
  giftAmountToGo: number;

  @Column({ name: 'loyalty_redeemed_points', type: 'bigint', default: 0, transformer: bigintMoney })
  loyaltyRedeemedPoints: number;

  @Column({ name: 'loyalty_points_to_go', type: 'bigint', default: 0, transformer: bigintMoney })
  loyaltyPointsToGo: number;

  /** Orders with status PAID or FULFILLED only (the contract's definition). */
  @Column({ name: 'orders_total_amount', type: 'bigint', default: 0, transformer: bigintMoney })
  ordersTotalAmount: number;

  @Column({ name: 'orders_total_count', type: 'int', default: 0 })
  ordersTotalCount: number;

  @Column({ name: 'orders_last_amount', type: 'bigint', default: 0, transformer: bigintMoney })
  ordersLastAmount: number;

  @Column({ name: 'orders_last_date', type: 'timestamptz', nullable: true })
  ordersLastDate: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt: Date | null;
}
