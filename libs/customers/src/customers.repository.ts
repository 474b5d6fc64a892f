import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, auditColumns } from '@app/audit';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { hydrateEntity } from '@app/core';
import type { Paging, SortOrder } from '@app/core';
import { CustomerEntity } from './customer.entity';
import type { CustomerChanges } from './customer.mapping';

export type CustomerSortField = 'created_at' | 'updated_at' | 'source_id';

export interface CustomerListFilter {
  email?: string;
  name?: string;
  city?: string;
  createdBefore?: Date;
  createdAfter?: Date;
  updatedBefore?: Date;
  updatedAfter?: Date;
  /** The scroll cursor: created_at strictly after (ASC) or before (DESC) this instant. */
  cursor?: { createdAt: Date; direction: 'ASC' | 'DESC' };
}

const SORT_COLUMNS: Record<CustomerSortField, string> = {
  created_at: 'c.createdAt',
  updated_at: 'c.updatedAt',
  source_id: 'c.sourceId',
};

@Injectable()
export class CustomersRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(CustomerEntity);
  }

  private column(property: string): string {
    const column = this.dataSource.getMetadata(CustomerEntity).findColumnWithPropertyName(property);
    if (!column) throw new Error(`customers has no column for property ${property}`);
    return column.databaseName;
  }

  /** By `cust_` id or by source_id; the id wins when a source_id happens to equal another's id. */
  async findByIdOrSourceId(
    projectId: string,
    key: string,
    em?: EntityManager,
    lock = false,
  ): Promise<CustomerEntity | null> {
    const options = lock ? { lock: { mode: 'pessimistic_write' as const } } : {};
    return (
      (await this.repo(em).findOne({ where: { projectId, id: key }, ...options })) ??
      (await this.repo(em).findOne({ where: { projectId, sourceId: key }, ...options }))
    );
  }

  findById(
    projectId: string,
    id: string,
    em?: EntityManager,
    lock = false,
  ): Promise<CustomerEntity | null> {
    return this.repo(em).findOne({
      where: { projectId, id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  async insert(
    row: Pick<CustomerEntity, 'id' | 'projectId' | 'sourceId' | 'createdAt'> & CustomerChanges,
    em?: EntityManager,
  ): Promise<void> {
    // jsonb values are bound as parameters; TypeORM's deep-partial type just does not model them.
    await this.repo(em).insert(row as QueryDeepPartialEntity<CustomerEntity>);
  }

  /**
   * One statement, safe under concurrency: inserts the customer or, when the project already
   * has this source_id, applies only the given changes to it.
   */
  async upsertBySourceId(
    projectId: string,
    sourceId: string,
    newId: string,
    now: Date,
    changes: CustomerChanges,
    em?: EntityManager,
  ): Promise<{ customer: CustomerEntity; inserted: boolean }> {
    const entries = Object.entries(changes) as [string, unknown][];
    const columns = [
      'id',
      'project_id',
      'source_id',
      'created_at',
      ...entries.map(([p]) => this.column(p)),
    ];
    const values: unknown[] = [
      newId,
      projectId,
      sourceId,
      now,
      ...entries.map(([p, v]) => (p === 'metadata' ? JSON.stringify(v) : v)),
    ];
    const updates = entries.length
      ? [
          ...entries.map(([p]) => `"${this.column(p)}" = EXCLUDED."${this.column(p)}"`),
          `"updated_at" = EXCLUDED."created_at"`,
        ]
      : ['"source_id" = EXCLUDED."source_id"'];
    const rows = (await (em ?? this.dataSource.manager).query(
      `INSERT INTO "customers" (${columns.map((c) => `"${c}"`).join(', ')})
       VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT ("project_id", "source_id") WHERE "source_id" IS NOT NULL
       DO UPDATE SET ${updates.join(', ')}
       RETURNING *, (xmax = 0) AS "inserted"`,
      values,
    )) as ({ id: string; inserted: boolean } & Record<string, unknown>)[];
    // Raw SQL: the audit subscriber does not see it, so the change is recorded here.
    const diff = Object.fromEntries(entries.map(([p, v]) => [this.column(p), v]));
    await this.audit.record(em ?? this.dataSource.manager, {
      entityType: 'customer',
      entityId: rows[0].id,
      action: rows[0].inserted ? 'create' : 'update',
      projectId,
      diff: rows[0].inserted ? { source_id: sourceId, ...diff } : diff,
    });
    return {
      customer: hydrateEntity(em ?? this.dataSource.manager, CustomerEntity, rows[0]),
      inserted: rows[0].inserted,
    };
  }

  async update(
    projectId: string,
    id: string,
    changes: CustomerChanges & { sourceId?: string; updatedAt: Date },
    em?: EntityManager,
  ): Promise<void> {
    // The subscriber would see this update but not its row (the route's :id may be a
    // source_id): it is recorded here, by id, instead.
    await this.repo(em)
      .createQueryBuilder()
      .update()
      .set(changes as QueryDeepPartialEntity<CustomerEntity>)
      .where({ projectId, id })
      .callListeners(false)
      .execute();
    await this.audit.record(em ?? this.dataSource.manager, {
      entityType: 'customer',
      entityId: id,
      action: 'update',
      projectId,
      diff: auditColumns(this.repo(em).metadata, changes),
    });
  }

  async delete(projectId: string, id: string, em?: EntityManager): Promise<boolean> {
    const result = await this.repo(em)
      .createQueryBuilder()
      .delete()
      .where({ projectId, id })
      .callListeners(false)
      .execute();
    if (!result.affected) return false;
    await this.audit.record(em ?? this.dataSource.manager, {
      entityType: 'customer',
      entityId: id,
      action: 'delete',
      projectId,
    });
    return true;
  }

  async list(
    projectId: string,
    filter: CustomerListFilter,
    sort: SortOrder<CustomerSortField>,
    page: Paging,
  ): Promise<{ rows: CustomerEntity[]; total: number; hasMore: boolean }> {
    const qb = this.repo()
      .createQueryBuilder('c')
      .where('c.project_id = :projectId', { projectId });
    if (filter.email !== undefined) qb.andWhere('c.email = :email', { email: filter.email });
    if (filter.name !== undefined) qb.andWhere('c.name = :name', { name: filter.name });
    if (filter.city !== undefined) qb.andWhere('c.address_city = :city', { city: filter.city });
    if (filter.createdBefore) qb.andWhere('c.created_at < :cb', { cb: filter.createdBefore });
    if (filter.createdAfter) qb.andWhere('c.created_at > :ca', { ca: filter.createdAfter });
    if (filter.updatedBefore) qb.andWhere('c.updated_at < :ub', { ub: filter.updatedBefore });
    if (filter.updatedAfter) qb.andWhere('c.updated_at > :ua', { ua: filter.updatedAfter });
    if (filter.cursor) {
      const op = filter.cursor.direction === 'ASC' ? '>' : '<';
      qb.andWhere(`c.created_at ${op} :cursor`, { cursor: filter.cursor.createdAt });
    }
    const total = await qb.clone().getCount();
    const nulls = sort.direction === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST';
    const rows = await qb
      .orderBy(SORT_COLUMNS[sort.field], sort.direction, nulls)
      .addOrderBy('c.id', sort.direction)
      .offset(page.offset)
      .limit(page.limit + 1)
      .getMany();
    const hasMore = rows.length > page.limit;
    return { rows: rows.slice(0, page.limit), total, hasMore };
  }
}
