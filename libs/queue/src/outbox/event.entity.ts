import { Column, CreateDateColumn, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import type { EventSource } from './event-types';

/**
 * The transactional outbox: modules insert rows in the transaction of the change they describe;
 * the relay moves committed rows to the queue. The relay's partial index is deliberately not
 * project-scoped: relaying is one ordered stream across all tenants.
 */
@Entity({ name: 'events' })
@Index('ix_events_unrelayed', ['seq'], { where: '"relayed_at" IS NULL' })
@Index('ix_events_project_created', ['projectId', 'createdAt'])
export class EventEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  /** Insertion order (ties within one transaction included), which the relay follows. */
  @Column({ type: 'bigint', select: true })
  @Generated('increment')
  seq: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ type: 'varchar', length: 100 })
  type: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 100, nullable: true })
  entityId: string | null;

  @Column({ name: 'group_id', type: 'varchar', length: 64, nullable: true })
  groupId: string | null;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  source: EventSource;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt: Date | null;

  /** Set once every subscriber succeeded; lets an in-process queue recover after a restart. */
  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  /** Failed relay attempts (Redis away): visible to operators, never blocks the row. */
  @Column({ type: 'int', default: 0 })
  attempts: number;
}
