import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AsyncActionsService } from '@app/async-actions';
import { AppError, describeValidationErrors, rootLogger, TransactionRunner } from '@app/core';
import { JobPayloads, JobQueue } from '@app/queue';
import { CreateOrderDto, MAX_IMPORT_ORDERS } from './orders.dto';
import { OrderErrors } from './orders.errors';
import { OrdersService } from './orders.service';

export const ORDERS_IMPORT = 'ORDERS.IMPORT';
const PROGRESS_EVERY = 100;

export interface ImportRowFailure {
  index: number;
  source_id: string | null;
  code: number;
  key: string;
  message: string;
  details: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * POST /v1/orders/import: the request checks only the envelope (an array of 1–2000 objects)
 * and queues a job; the job validates and upserts each order in its own transaction, so a
 * bad row is reported in the async action's result and never leaves a half-written order.
 */
@Injectable()
export class OrdersImportService {
  constructor(
    private readonly orders: OrdersService,
    private readonly asyncActions: AsyncActionsService,
    private readonly queue: JobQueue,
    private readonly tx: TransactionRunner,
  ) {}

  async start(projectId: string, body: unknown, requestId: string | null) {
    if (!Array.isArray(body) || body.length === 0 || body.length > MAX_IMPORT_ORDERS) {
      throw OrderErrors.importNotAnArray();
    }
    const rows = body.map((row: unknown, index) => {
      if (!isPlainObject(row)) throw OrderErrors.importRowNotAnObject(index);
      return row;
    });
    const action = await this.asyncActions.create(projectId, ORDERS_IMPORT, requestId);
    await this.queue.enqueue(
      'orders.import',
      { projectId, asyncActionId: action.id, orders: rows },
      { jobId: `orders.import:${action.id}` },
    );
    return { async_action_id: action.id };
  }

  async run({ projectId, asyncActionId, orders }: JobPayloads['orders.import']): Promise<void> {
    const action = await this.asyncActions.get(projectId, asyncActionId);
    // A retried job must not import twice what a finished run already imported.
    if (action.status === 'DONE' || action.status === 'FAILED') return;
    await this.asyncActions.start(projectId, asyncActionId);
    const failed: ImportRowFailure[] = [];
    for (const [index, row] of orders.entries()) {
      const failure = await this.importRow(projectId, row, index);
      if (failure) failed.push(failure);
      if ((index + 1) % PROGRESS_EVERY === 0) {
        await this.asyncActions.progress(
          projectId,
          asyncActionId,
          ((index + 1) / orders.length) * 100,
        );
      }
    }
    await this.asyncActions.succeed(projectId, asyncActionId, {
      done_count: orders.length - failed.length,
      failed_count: failed.length,
      failed,
    });
  }

  private async importRow(
    projectId: string,
    row: Record<string, unknown>,
    index: number,
  ): Promise<ImportRowFailure | null> {
    const sourceId = typeof row.source_id === 'string' ? row.source_id : null;
    try {
      const dto = plainToInstance(CreateOrderDto, row);
      const errors = await validate(dto, {
        whitelist: true,
        validationError: { target: false, value: false },
      });
      if (errors.length) {
        throw new AppError({
          status: 400,
          key: 'invalid_payload',
          message: 'Invalid payload',
          details: describeValidationErrors(errors, `[${index}]`).join('; '),
        });
      }
      await this.tx.run((em) => this.orders.upsert(projectId, dto, em));
      return null;
    } catch (error) {
      if (error instanceof AppError) {
        return {
          index,
          source_id: sourceId,
          code: error.status,
          key: error.key,
          message: error.message,
          details: error.details ?? error.message,
        };
      }
      rootLogger().error(
        { err: error, projectId, index },
        'orders import: row failed unexpectedly',
      );
      return {
        index,
        source_id: sourceId,
        code: 500,
        key: 'internal_error',
        message: 'Internal server error',
        details: 'The row could not be imported',
      };
    }
  }
}
