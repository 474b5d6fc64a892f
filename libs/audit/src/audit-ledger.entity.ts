import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The per-project hash chain of redemptions and rollbacks:
 * `hash = sha256(prev_hash || canonical_json({seq, entry}))`. Append-only (trigger).
 */
@Entity({ name: 'audit_ledger' })
@Index('ix_audit_ledger_project_voucher', ['projectId', 'voucherId'])
export class AuditLedgerEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'varchar', length: 20 })
  type: string;

  /** Denormalised from the entry for the per-voucher recount of audit:verify. */
  @Column({ name: 'voucher_id', type: 'varchar', length: 40, nullable: true })
  voucherId: string | null;

  @Column({ type: 'jsonb' })
  entry: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}

/** The head of each project's chain, locked FOR UPDATE by every append so appends serialise. */
@Entity({ name: 'audit_ledger_heads' })
export class AuditLedgerHeadEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ type: 'bigint', default: 0 })
  seq: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}

/**
 * Ledger entries committed by redemptions and rollbacks, not yet chained. Appending here takes
 * no lock, so redemptions of one project do not queue behind each other; the sealer
 * (LedgerSealer, worker role) moves them into `audit_ledger` in id order, chaining each batch.
 */
@Entity({ name: 'audit_ledger_pending' })
@Index('ix_audit_ledger_pending_project', ['projectId', 'id'])
export class AuditLedgerPendingEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ type: 'varchar', length: 20 })
  type: string;

  @Column({ name: 'voucher_id', type: 'varchar', length: 40, nullable: true })
  voucherId: string | null;

  @Column({ type: 'jsonb' })
  entry: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
