import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AuditActorType = 'api_key' | 'management_key' | 'system';
export type AuditAction = 'create' | 'update' | 'delete' | 'soft_delete' | string;

/**
 * One change made through the API or the management API, written in the transaction of the
 * change. Append-only: a trigger (migration DashboardBackend) rejects UPDATE, DELETE and TRUNCATE.
 */
@Entity({ name: 'audit_log' })
@Index('ix_audit_log_project_created', ['projectId', 'createdAt', 'id'])
@Index('ix_audit_log_project_entity', ['projectId', 'entityType', 'entityId'])
@Index('ix_audit_log_project_actor', ['projectId', 'actorId'])
export class AuditLogEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  /** The project the changed entity belongs to; null only for operator-level entities. */
  @Column({ name: 'project_id', type: 'varchar', length: 40, nullable: true })
  projectId: string | null;

  @Column({ name: 'actor_type', type: 'varchar', length: 20 })
  actorType: AuditActorType;

  /** The key id (`key_…` or `mk_…`) that made the change. */
  @Column({ name: 'actor_id', type: 'varchar', length: 40, nullable: true })
  actorId: string | null;

  /** `METHOD /route/:template`. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  route: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 40, nullable: true })
  requestId: string | null;

  @Column({ name: 'entity_type', type: 'varchar', length: 60 })
  entityType: string;

  /** Null when TypeORM cannot tell which row a query-builder update or delete touched. */
  @Column({ name: 'entity_id', type: 'varchar', length: 120, nullable: true })
  entityId: string | null;

  @Column({ type: 'varchar', length: 30 })
  action: AuditAction;

  /** Changed columns only (`{column: [before, after]}` when known, else `{column: after}`); secrets redacted. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  diff: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
