import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Errors, isoOrNull, newId } from '@app/core';
import { AsyncActionEntity } from './async-action.entity';
import { AsyncActionsRepository } from './async-actions.repository';

/**
 * Long-running work (imports, code generation, bulk updates) is answered with 202
 * `{async_action_id}`; the job that does the work reports its status and progress here.
 */
@Injectable()
export class AsyncActionsService {
  constructor(private readonly repository: AsyncActionsRepository) {}

  /** Create inside the caller's transaction, so the action exists iff the work was accepted. */
  create(
    projectId: string,
    type: string,
    requestId: string | null,
    em?: EntityManager,
  ): Promise<AsyncActionEntity> {
    return this.repository.insert(
      {
        id: newId('asyncAction'),
        projectId,
        type,
        status: 'ENQUEUED',
        progress: 0,
        result: null,
        requestId,
      },
      em,
    );
  }

  start(projectId: string, id: string): Promise<void> {
    return this.repository.update(projectId, id, { status: 'IN_PROGRESS', startedAt: new Date() });
  }

  /** `result` carries partial results (counts so far); `em` lets a job report in its batch's transaction. */
  progress(
    projectId: string,
    id: string,
    progress: number,
    result?: Record<string, unknown>,
    em?: EntityManager,
  ): Promise<void> {
    return this.repository.update(
      projectId,
      id,
      {
        progress: Math.max(0, Math.min(100, Math.floor(progress))),
        ...(result !== undefined ? { result } : {}),
      },
      em,
    );
  }

  succeed(
    projectId: string,
    id: string,
    result: Record<string, unknown>,
    em?: EntityManager,
  ): Promise<void> {
    return this.repository.update(
      projectId,
      id,
      { status: 'DONE', progress: 100, result, finishedAt: new Date() },
      em,
    );
  }

  fail(
    projectId: string,
    id: string,
    result: Record<string, unknown>,
    em?: EntityManager,
  ): Promise<void> {
    return this.repository.update(
      projectId,
      id,
      { status: 'FAILED', result, finishedAt: new Date() },
      em,
    );
  }

  async get(projectId: string, id: string) {
    const action = await this.repository.find(projectId, id);
    if (!action) throw Errors.notFound('async_action', id);
    return serializeAsyncAction(action);
  }

  async list(projectId: string, limit: number, endDate?: Date) {
    return (await this.repository.list(projectId, limit, endDate)).map(serializeAsyncAction);
  }
}

export function serializeAsyncAction(a: AsyncActionEntity) {
  const processingTime =
    a.startedAt && a.finishedAt ? a.finishedAt.getTime() - a.startedAt.getTime() : null;
  return {
    id: a.id,
    type: a.type,
    status: a.status,
    operation_status:
      a.status === 'DONE' ? 'SUCCESS' : a.status === 'FAILED' ? 'FAILED' : 'UNKNOWN',
    result: a.result,
    progress: a.progress,
    processing_time: processingTime,
    request_id: a.requestId,
    created_at: isoOrNull(a.createdAt),
    updated_at: isoOrNull(a.updatedAt),
    object: 'async_action',
  };
}
