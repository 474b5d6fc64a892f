import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AppConfig,
  isoOrNull,
  newId,
  randomBase62,
  rootLogger,
  TransactionRunner,
} from '@app/core';
import { JobQueue } from '@app/queue';
import { csvLine } from './csv';
import { ExportEntity, ExportParameters } from './export.entity';
import {
  batchQuery,
  countQuery,
  ExportCursor,
  ExportOrder,
  EXPORT_ORDERS,
  exportFields,
  ExportQueryInput,
  validateFilters,
} from './export-query';
import { EXPORTABLE, exportableType, ExportableType } from './export-registry';
import { ExportErrors } from './exports.errors';
import { ExportsRepository } from './exports.repository';
import { Errors } from '@app/core';

/** Rows per keyset batch of a download: memory stays at one batch whatever the export's size. */
export const EXPORT_BATCH_ROWS = 1000;

export interface CreateExportInput {
  exported_object: string;
  parameters?: { fields?: string[]; order?: string; filters?: Record<string, unknown> };
}

@Injectable()
export class ExportsService {
  constructor(
    private readonly repository: ExportsRepository,
    private readonly transactions: TransactionRunner,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async create(projectId: string, channel: string, input: CreateExportInput) {
    const type = this.typeOf(input.exported_object);
    const order = (input.parameters?.order ?? '-created_at') as ExportOrder;
    if (!EXPORT_ORDERS.includes(order))
      throw Errors.invalidPayload(
        `Property .parameters.order must be one of ${EXPORT_ORDERS.join(', ')}`,
      );
    const parameters: ExportParameters = {
      fields: exportFields(type, input.parameters?.fields),
      order,
      filters: input.parameters?.filters ?? {},
    };
    validateFilters(type, parameters.filters);
    const created = await this.transactions.run((em) =>
      this.repository.insert(
        {
          id: newId('export'),
          projectId,
          exportedObject: input.exported_object,
          parameters,
          status: 'SCHEDULED',
          channel,
          downloadToken: randomBase62(40),
        },
        em,
      ),
    );
    // After the commit, so the job always finds the row (the outbox will make this atomic).
    await this.queue.enqueue(
      'exports.run',
      { projectId, exportId: created.id },
      { jobId: `exports.run-${created.id}` },
    );
    return this.view(created);
  }

  async get(projectId: string, id: string) {
    const found = await this.repository.find(projectId, id);
    if (!found) throw ExportErrors.notFound(id);
    return this.view(found);
  }

  async list(projectId: string, page: { limit: number; offset: number }) {
    const { exports, total } = await this.repository.list(projectId, page);
    return { exports: exports.map((e) => this.view(e)), total };
  }

  async remove(projectId: string, id: string): Promise<void> {
    const removed = await this.transactions.run((em) => this.repository.remove(projectId, id, em));
    if (!removed) throw ExportErrors.notFound(id);
  }

  /**
   * The job: fixes the snapshot instant and counts the rows. The CSV itself is produced at
   * download time, streamed from Postgres, so no file has to be shared between the worker
   * and the API replicas.
   */
  async run(projectId: string, exportId: string): Promise<void> {
    const started = await this.repository.start(projectId, exportId);
    if (!started) return;
    try {
      const snapshotAt = await this.repository.databaseNow();
      const q = countQuery(
        this.typeOf(started.exportedObject),
        this.queryInput(started, snapshotAt),
      );
      const rows = await this.repository.count(q.sql, q.params);
      await this.repository.finish(projectId, exportId, rows, snapshotAt);
    } catch (error) {
      rootLogger().error({ exportId, err: (error as Error).message }, 'export failed');
      await this.repository.fail(projectId, exportId, (error as Error).message);
    }
  }

  /** Checks the download token; the returned stream pulls one batch at a time as the client reads. */
  async download(id: string, token: string, batchRows = EXPORT_BATCH_ROWS) {
    const found = await this.repository.findById(id);
    if (!found || !tokenMatches(token, found.downloadToken)) throw ExportErrors.notFound(id);
    if (found.status !== 'DONE') throw ExportErrors.notReady(id, found.status);
    return {
      filename: `${found.exportedObject}-${found.id}.csv`,
      stream: Readable.from(this.csv(found, batchRows)),
    };
  }

  private async *csv(found: ExportEntity, batchRows: number): AsyncGenerator<string> {
    const type = this.typeOf(found.exportedObject);
    const input = this.queryInput(found, found.snapshotAt);
    yield csvLine(input.fields);
    let cursor: ExportCursor | null = null;
    for (;;) {
      const q = batchQuery(type, input, cursor, batchRows);
      const rows = await this.repository.batch(q.sql, q.params);
      if (rows.length === 0) return;
      let chunk = '';
      for (const row of rows) chunk += csvLine(input.fields.map((_, i) => row[`f${i}`]));
      yield chunk;
      const last = rows[rows.length - 1];
      cursor = { createdAt: last.cursor_created_at!, id: last.cursor_id! };
      if (rows.length < batchRows) return;
    }
  }

  private queryInput(found: ExportEntity, createdUpTo: Date | null): ExportQueryInput {
    return {
      projectId: found.projectId,
      fields: found.parameters.fields,
      filters: found.parameters.filters,
      order: found.parameters.order as ExportOrder,
      createdUpTo,
    };
  }

  private typeOf(name: string): ExportableType {
    const type = exportableType(name);
    if (!type) throw ExportErrors.unknownObject(name, Object.keys(EXPORTABLE));
    return type;
  }

  private view(e: ExportEntity) {
    const path = `/v1/exports/${e.id}/download?token=${e.downloadToken}`;
    return {
      id: e.id,
      object: 'export' as const,
      created_at: isoOrNull(e.createdAt),
      status: e.status,
      channel: e.channel,
      exported_object: e.exportedObject,
      parameters: e.parameters,
      result:
        e.status === 'DONE'
          ? { url: `${this.config.env.PUBLIC_URL ?? ''}${path}`, row_count: Number(e.rowCount) }
          : e.status === 'ERROR'
            ? { error: { message: e.error ?? 'export failed' } }
            : null,
      user_id: null,
    };
  }
}

function tokenMatches(presented: string, stored: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}
