import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { insertReturningEntity } from '@app/core';
import { AuditService, auditColumns } from '@app/audit';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Paging, SortOrder } from '@app/core';
import { OrderEntity } from './order.entity';

export type OrderSortField = 'created_at' | 'updated_at';

export interface OrderListFilter {
  createdBefore?: Date;
  createdAfter?: Date;
  updatedBefore?: Date;
  updatedAfter?: Date;
}

const SORT_COLUMNS: Record<OrderSortField, string> = {
  created_at: 'o.createdAt',
  updated_at: 'o.updatedAt',
};

const lockOption = (lock: boolean) =>
  lock ? { lock: { mode: 'pessimistic_write' as const } } : {};

@Injectable()
export class OrdersRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(OrderEntity);
  }

  findById(projectId: string, id: string, em?: EntityManager, lock = false) {
    return this.repo(em).findOne({ where: { projectId, id }, ...lockOption(lock) });
  }

  findBySourceId(projectId: string, sourceId: string, em?: EntityManager, lock = false) {
    return this.repo(em).findOne({ where: { projectId, sourceId }, ...lockOption(lock) });
  }

  /** By `ord_` id or by source_id; the id wins when a source_id equals another order's id. */
  async findByIdOrSourceId(projectId: string, key: string, em?: EntityManager, lock = false) {
    return (
      (await this.findById(projectId, key, em, lock)) ??
      (await this.findBySourceId(projectId, key, em, lock))
    );
  }

  /**
   * Inserts unless the project already has the row's source_id (a concurrent upsert won the
   * race): the inserted order as stored, or null. Never raises a unique violation for source_id.
   * One raw statement (no query builder): it is on every redemption's path.
   */
  async insertIfAbsent(row: Partial<OrderEntity>, em?: EntityManager): Promise<OrderEntity | null> {
    const manager = em ?? this.dataSource.manager;
    const stored = await insertReturningEntity(manager, OrderEntity, row, {
      ignoreConflicts: true,
    });
    if (!stored) return null;
    await this.audit.record(manager, {
      entityType: 'order',
      entityId: row.id ?? null,
      action: 'create',
      projectId: row.projectId,
      diff: auditColumns(this.repo(em).metadata, row),
    });
    return stored;
  }

  async update(
    projectId: string,
    id: string,
    changes: Partial<OrderEntity>,
    em?: EntityManager,
  ): Promise<void> {
    // jsonb values are bound as parameters; TypeORM's deep-partial type just does not model them.
    // The subscriber would see this update but not its row (the route has no id, or a
    // source_id): it is recorded here, by id, instead.
    await this.repo(em)
      .createQueryBuilder()
      .update()
      .set(changes as QueryDeepPartialEntity<OrderEntity>)
      .where({ projectId, id })
      .callListeners(false)
      .execute();
    await this.audit.record(em ?? this.dataSource.manager, {
      entityType: 'order',
      entityId: id,
      action: 'update',
      projectId,
      diff: auditColumns(this.repo(em).metadata, changes),
    });
  }

  async list(
    projectId: string,
    filter: OrderListFilter,
    sort: SortOrder<OrderSortField>,
    page: Paging,
  ): Promise<{ rows: OrderEntity[]; total: number }> {
    const qb = this.repo()
      .createQueryBuilder('o')
      .where('o.project_id = :projectId', { projectId });
    if (filter.createdBefore) qb.andWhere('o.created_at < :cb', { cb: filter.createdBefore });
    if (filter.createdAfter) qb.andWhere('o.created_at > :ca', { ca: filter.createdAfter });
    if (filter.updatedBefore) qb.andWhere('o.updated_at < :ub', { ub: filter.updatedBefore });
    if (filter.updatedAfter) qb.andWhere('o.updated_at > :ua', { ua: filter.updatedAfter });
    const total = await qb.clone().getCount();
    const rows = await qb
      .orderBy(
        SORT_COLUMNS[sort.field],
        sort.direction,
        sort.direction === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST',
      )
      .addOrderBy('o.id', sort.direction)
      .offset(page.offset)
      .limit(page.limit)
      .getMany();
    return { rows, total };
  }
}
