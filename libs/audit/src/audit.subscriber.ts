import {
  EntityMetadata,
  EntitySubscriberInterface,
  InsertEvent,
  ObjectLiteral,
  RemoveEvent,
  SoftRemoveEvent,
  UpdateEvent,
} from 'typeorm';
import { AuditContext, currentAuditContext } from './audit-context';
import { compactDiff } from './audit-diff';
import { auditedTable } from './audit-registry';
import { AuditRepository } from './audit.repository';

type Action = 'create' | 'update' | 'delete' | 'soft_delete';

/**
 * Entity values by column name (what the SQL and the API call the field). Also turns a partial
 * entity (the changes of an explicit `AuditService.record`) into a diff by column.
 */
export function columnValues(
  metadata: EntityMetadata,
  entity: ObjectLiteral | undefined,
): Record<string, unknown> | undefined {
  if (!entity) return undefined;
  const values: Record<string, unknown> = {};
  for (const column of metadata.columns) {
    const value = column.getEntityValue(entity) as unknown;
    if (value !== undefined) values[column.databaseName] = value;
  }
  return values;
}

function primaryId(metadata: EntityMetadata, ...candidates: (ObjectLiteral | undefined)[]) {
  const column = metadata.primaryColumns.find((c) => c.databaseName !== 'project_id');
  if (!column) return null;
  for (const candidate of candidates) {
    const value = candidate ? (column.getEntityValue(candidate) as unknown) : undefined;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return null;
}

/**
 * Writes an audit row for every insert, update and delete of an audited table made during an
 * API request, through `event.manager`: the same connection, so the same transaction as the
 * change (TypeORM's save/remove always open one; a bare query-builder update runs in
 * autocommit, and so does its audit row). Raw SQL never reaches subscribers: services call
 * AuditService.record for that.
 */
export class AuditSubscriber implements EntitySubscriberInterface {
  constructor(private readonly repository: AuditRepository) {}

  afterInsert(event: InsertEvent<ObjectLiteral>): Promise<void> | void {
    const values = columnValues(event.metadata, event.entity);
    return this.write(event.metadata, event.manager, 'create', values, undefined, [event.entity]);
  }

  afterUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> | void {
    const entity = event.entity as ObjectLiteral | undefined;
    let after = columnValues(event.metadata, entity);
    if (event.databaseEntity && event.updatedColumns.length) {
      // save(): TypeORM knows exactly which columns changed.
      after = {};
      for (const column of event.updatedColumns)
        after[column.databaseName] = entity ? (column.getEntityValue(entity) as unknown) : null;
    }
    const before = columnValues(event.metadata, event.databaseEntity);
    return this.write(event.metadata, event.manager, 'update', after, before, [
      entity,
      event.databaseEntity,
    ]);
  }

  afterRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> | void {
    const byId = event.entityId !== undefined ? { id: event.entityId as unknown } : undefined;
    return this.write(event.metadata, event.manager, 'delete', undefined, undefined, [
      event.entity,
      event.databaseEntity,
      byId as ObjectLiteral | undefined,
    ]);
  }

  afterSoftRemove(event: SoftRemoveEvent<ObjectLiteral>): Promise<void> | void {
    return this.write(event.metadata, event.manager, 'soft_delete', undefined, undefined, [
      event.entity,
      event.databaseEntity,
    ]);
  }

  private write(
    metadata: EntityMetadata,
    manager: InsertEvent<ObjectLiteral>['manager'],
    action: Action,
    after: Record<string, unknown> | undefined,
    before: Record<string, unknown> | undefined,
    candidates: (ObjectLiteral | undefined)[],
  ): Promise<void> | void {
    const spec = auditedTable(metadata.tableName);
    const context = currentAuditContext();
    if (!spec || !context) return;
    const diff = compactDiff(
      action === 'create' ? 'create' : action === 'update' ? 'update' : 'delete',
      after,
      before,
      spec.redact,
    );
    if (action === 'update' && Object.keys(diff).length === 0) return;
    // Setting deleted_at is how soft-deletable rows (projects, vouchers) are deleted.
    const deletedAt = diff.deleted_at;
    if (
      action === 'update' &&
      deletedAt != null &&
      !(Array.isArray(deletedAt) && deletedAt[1] == null)
    )
      action = 'soft_delete';
    return this.repository.insert(
      {
        projectId: projectOf(metadata, context, after, before),
        actorType: context.actorType,
        actorId: context.actorId,
        route: context.route,
        requestId: context.requestId,
        entityType: spec.entityType,
        entityId: primaryId(metadata, ...candidates) ?? fallbackId(context),
        action,
        diff,
      },
      manager,
    );
  }
}

function projectOf(
  metadata: EntityMetadata,
  context: AuditContext,
  after: Record<string, unknown> | undefined,
  before: Record<string, unknown> | undefined,
): string | null {
  if (metadata.tableName === 'projects') {
    const id = after?.id ?? before?.id ?? context.params.id;
    return typeof id === 'string' ? id : null;
  }
  const own = after?.project_id ?? before?.project_id;
  return typeof own === 'string' ? own : (context.projectId ?? context.params.id ?? null);
}

/** A query-builder update or delete does not say which row: the route's parameter does. */
function fallbackId(context: AuditContext): string | null {
  const values = Object.values(context.params);
  return values.length ? values[values.length - 1] : null;
}
