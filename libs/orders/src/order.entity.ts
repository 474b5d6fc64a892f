import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintMoney } from '@app/core';
import type { StoredOrderItem } from './order-items';

export type OrderStatus = 'CREATED' | 'PAID' | 'CANCELED' | 'FULFILLED';
export const ORDER_STATUSES: readonly OrderStatus[] = ['CREATED', 'PAID', 'CANCELED', 'FULFILLED'];

/**
 * An order. Its items are a jsonb array: they are always written and read with their order,
 * replaced wholesale on update, and bounded (≤ 500), so a child table would only add joins
 * and delete-and-reinsert churn on every upsert.
 */
@Entity({ name: 'orders' })
@Index('ux_orders_project_source', ['projectId', 'sourceId'], {
  unique: true,
  where: '"source_id" IS NOT NULL',
})
@Index('ix_orders_project_created', ['projectId', 'createdAt', 'id'])
@Index('ix_orders_project_customer', ['projectId', 'customerId'])
export class OrderEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ name: 'source_id', type: 'varchar', length: 255, nullable: true })
  sourceId: string | null;

  @Column({ type: 'varchar', length: 20, default: 'CREATED' })
  status: OrderStatus;

  /** Before discounts; the sum of item amounts when items were given without an amount. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintMoney })
  amount: number | null;

  @Column({ name: 'initial_amount', type: 'bigint', nullable: true, transformer: bigintMoney })
  initialAmount: number | null;

  /** Order-level discount; maintained by redemptions (zero until then). */
  @Column({ name: 'discount_amount', type: 'bigint', default: 0, transformer: bigintMoney })
  discountAmount: number;

  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  items: StoredOrderItem[];

  /** No foreign key: an order outlives the deletion of its customer, as in the contract. */
  @Column({ name: 'customer_id', type: 'varchar', length: 40, nullable: true })
  customerId: string | null;

  @Column({ name: 'referrer_id', type: 'varchar', length: 40, nullable: true })
  referrerId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  metadata: Record<string, unknown>;

  /** `{ r_…: {date, related_object_type, related_object_id} }`, maintained by redemptions. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  redemptions: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt: Date | null;
}
