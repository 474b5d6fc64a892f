import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type ApiKeyKind = 'server' | 'client';

@Entity({ name: 'api_keys' })
@Index('ux_api_keys_app_id', ['appId'], { unique: true })
@Index('ix_api_keys_project', ['projectId'])
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ type: 'varchar', length: 10 })
  kind: ApiKeyKind;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  /** SHA-256 of the secret token. Tokens carry ~238 bits of entropy, so a slow hash adds nothing. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash: string;

  @Column({ name: 'secret_hint', type: 'varchar', length: 8 })
  secretHint: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  name: string;

  @Column({ name: 'allowed_origins', type: 'jsonb', default: () => "'[]'" })
  allowedOrigins: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
