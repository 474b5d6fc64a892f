import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A project's webhook endpoint: where events of the subscribed types are POSTed, signed. */
@Entity({ name: 'webhook_endpoints' })
@Index('ix_webhook_endpoints_project_created', ['projectId', 'createdAt'])
export class WebhookEndpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ name: 'target_url', type: 'varchar', length: 2048 })
  targetUrl: string;

  /** Subscribed event types, or ['*'] for all. */
  @Column({ type: 'jsonb' })
  events: string[];

  /** HMAC key; kept in clear because signing needs it. Shown only on create and rotation. */
  @Column({ type: 'varchar', length: 80 })
  secret: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 200, nullable: true })
  disabledReason: string | null;

  @Column({ name: 'consecutive_failures', type: 'int', default: 0 })
  consecutiveFailures: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
