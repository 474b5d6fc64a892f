import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A validation session of type LOCK: one reserved use of a voucher until `expires_at`.
 * Each live row is counted in `vouchers.held_quantity`; rows and counter only change under
 * the voucher's row lock (see docs/redemptions.md, "Holds").
 */
@Entity({ name: 'voucher_sessions' })
@Index('ix_voucher_sessions_expiry', ['projectId', 'voucherId', 'expiresAt'])
export class VoucherSessionEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @PrimaryColumn({ name: 'voucher_id', type: 'varchar', length: 40 })
  voucherId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
