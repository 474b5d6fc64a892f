import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, LessThanOrEqual } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AsyncActionEntity } from './async-action.entity';

@Injectable()
export class AsyncActionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(AsyncActionEntity);
  }

  insert(action: Partial<AsyncActionEntity>, em?: EntityManager) {
    return this.repo(em).save(this.repo(em).create(action));
  }

  find(projectId: string, id: string, em?: EntityManager) {
    return this.repo(em).findOneBy({ projectId, id });
  }

  /** Only the worker that owns an action updates it; scoped by project all the same. */
  async update(
    projectId: string,
    id: string,
    changes: Partial<AsyncActionEntity>,
    em?: EntityManager,
  ): Promise<void> {
    // jsonb values are bound as parameters; TypeORM's deep-partial type just does not model them.
    await this.repo(em).update({ projectId, id }, changes as QueryDeepPartialEntity<AsyncActionEntity>);
  }

  list(projectId: string, limit: number, endDate?: Date) {
    return this.repo().find({
      where: endDate ? { projectId, createdAt: LessThanOrEqual(endDate) } : { projectId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }
}
