import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per (event, side effect) applied. Inserted in the same transaction as the side effect,
 * so a redelivered event finds the row and skips, and a crashed attempt leaves no row.
 */
@Entity({ name: 'processed_events' })
export class ProcessedEventEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;

  @PrimaryColumn({ type: 'varchar', length: 60 })
  handler: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt: Date;
}
