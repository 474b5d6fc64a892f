import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An operator's key for the management API (`/management/v1`). Not tenant data: a management
 * key manages every project. Stored like project keys: only the SHA-256 of the token.
 */
@Entity({ name: 'management_keys' })
@Index('ux_management_keys_management_id', ['managementId'], { unique: true })
export class ManagementKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  /** The public half, sent as X-Management-Id. */
  @Column({ name: 'management_id', type: 'varchar', length: 64 })
  managementId: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash: string;

  @Column({ name: 'secret_hint', type: 'varchar', length: 8 })
  secretHint: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
