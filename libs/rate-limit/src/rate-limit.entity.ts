import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A project's rate-limit override; a project without a row gets the default plan. */
@Entity({ name: 'project_rate_limits' })
export class ProjectRateLimitEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar', length: 40 })
  projectId: string;

  @Column({ type: 'varchar', length: 20, default: 'default' })
  plan: string;

  @Column({ name: 'per_minute', type: 'integer', nullable: true })
  perMinute: number | null;

  @Column({ type: 'integer', nullable: true })
  burst: number | null;

  @Column({ name: 'inflight_max', type: 'integer', nullable: true })
  inflightMax: number | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
