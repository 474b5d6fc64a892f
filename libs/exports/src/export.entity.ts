import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ExportStatus = 'SCHEDULED' | 'IN_PROGRESS' | 'DONE' | 'ERROR';

export interface ExportParameters {
  fields: string[];
  order: string;
  filters: Record<string, unknown>;
}

/** An export request (`exp_`). The CSV itself is streamed from Postgres at download time. */
@Entity({ name: 'exports' })
@Index('ix_exports_project_created', ['projectId', 'createdAt', 'id'])
export class ExportEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ name: 'exported_object', type: 'varchar', length: 40 })
  exportedObject: string;

  @Column({ type: 'jsonb' })
  parameters: ExportParameters;

  @Column({ type: 'varchar', length: 20, default: 'SCHEDULED' })
  status: ExportStatus;

  @Column({ type: 'varchar', length: 20, default: 'API' })
  channel: string;

  /** Capability for the download URL; compared in constant time. */
  @Column({ name: 'download_token', type: 'varchar', length: 64 })
  downloadToken: string;

  /** Rows matching when the job ran (the download streams the rows matching at download time, created up to `snapshot_at`). */
  @Column({ name: 'row_count', type: 'bigint', nullable: true })
  rowCount: string | null;

  @Column({ name: 'snapshot_at', type: 'timestamptz', nullable: true })
  snapshotAt: Date | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt: Date | null;
}
