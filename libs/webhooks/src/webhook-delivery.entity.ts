import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed';

/**
 * One event sent to one endpoint (the envelope's `whs_` id, stable across retries so receivers
 * can dedupe), with the outcome of its latest attempt.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('ux_webhook_deliveries_event', ['projectId', 'webhookId', 'eventId'], { unique: true })
@Index('ix_webhook_deliveries_webhook_created', ['projectId', 'webhookId', 'createdAt'])
// The sweeper's cross-tenant scan of deliveries still due; deliberately not project-scoped.
@Index('ix_webhook_deliveries_due', ['nextAttemptAt'], {
  where: `"status" IN ('pending', 'retrying')`,
})
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ name: 'webhook_id', type: 'varchar', length: 40 })
  webhookId: string;

  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 100 })
  eventType: string;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  status: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'response_status', type: 'int', nullable: true })
  responseStatus: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs: number | null;

  /** When the next attempt is due while pending or retrying; null once settled. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true, default: () => 'now()' })
  nextAttemptAt: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
