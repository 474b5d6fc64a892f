import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ExportEntity } from './export.entity';

/** The pg driver answers UPDATE ... RETURNING with [rows, affectedCount]. */
function returned<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]))
    return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}

@Injectable()
export class ExportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  insert(row: Partial<ExportEntity>, em?: EntityManager) {
    const repository = this.em(em).getRepository(ExportEntity);
    return repository.save(repository.create(row));
  }

  find(projectId: string, id: string, em?: EntityManager) {
    return this.em(em).getRepository(ExportEntity).findOneBy({ projectId, id });
  }

  /** For the token-authenticated download: the project comes from the export itself. */
  findById(id: string) {
    return this.em().getRepository(ExportEntity).findOneBy({ id });
  }

  async list(projectId: string, page: { limit: number; offset: number }) {
    const [exports, total] = await this.em()
      .getRepository(ExportEntity)
      .findAndCount({
        where: { projectId },
        order: { createdAt: 'DESC', id: 'DESC' },
        skip: page.offset,
        take: page.limit,
      });
    return { exports, total };
  }

  async remove(projectId: string, id: string, em?: EntityManager): Promise<boolean> {
    const export_ = await this.find(projectId, id, em);
    if (!export_) return false;
    // remove() of the loaded row, so the audit subscriber knows which export went.
    await this.em(em).getRepository(ExportEntity).remove(export_);
    return true;
  }

  /** SCHEDULED (or a retried IN_PROGRESS) → IN_PROGRESS; null when gone or already finished. */
  async start(projectId: string, id: string): Promise<ExportEntity | null> {
    const rows = returned<{ id: string }>(
      await this.em().query(
        `UPDATE exports SET status = 'IN_PROGRESS', updated_at = now()
         WHERE project_id = $1 AND id = $2 AND status IN ('SCHEDULED', 'IN_PROGRESS')
         RETURNING id`,
        [projectId, id],
      ),
    );
    return rows.length ? this.find(projectId, id) : null;
  }

  async finish(projectId: string, id: string, rowCount: string, snapshotAt: Date): Promise<void> {
    await this.em().query(
      `UPDATE exports SET status = 'DONE', row_count = $3, snapshot_at = $4, updated_at = now()
       WHERE project_id = $1 AND id = $2 AND status = 'IN_PROGRESS'`,
      [projectId, id, rowCount, snapshotAt],
    );
  }

  async fail(projectId: string, id: string, error: string): Promise<void> {
    await this.em().query(
      `UPDATE exports SET status = 'ERROR', error = $3, updated_at = now()
       WHERE project_id = $1 AND id = $2 AND status = 'IN_PROGRESS'`,
      [projectId, id, error.slice(0, 1000)],
    );
  }

  async databaseNow(): Promise<Date> {
    const rows = (await this.em().query(`SELECT now() AS now`)) as { now: Date }[];
    return rows[0].now;
  }

  async count(sql: string, params: unknown[]): Promise<string> {
    const rows = (await this.em().query(sql, params)) as { n: string }[];
    return rows[0].n;
  }

  batch(sql: string, params: unknown[]): Promise<Record<string, string | null>[]> {
    return this.em().query(sql, params) as Promise<Record<string, string | null>[]>;
  }
}
