import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ProjectRateLimitEntity } from './rate-limit.entity';

@Injectable()
export class RateLimitRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(ProjectRateLimitEntity);
  }

  findOverride(projectId: string, em?: EntityManager): Promise<ProjectRateLimitEntity | null> {
    return this.repo(em).findOneBy({ projectId });
  }

  async upsertOverride(
    row: Omit<ProjectRateLimitEntity, 'updatedAt'>,
    em?: EntityManager,
  ): Promise<void> {
    await this.repo(em).upsert(row, ['projectId']);
  }

  async deleteOverride(projectId: string, em?: EntityManager): Promise<boolean> {
    const result = await this.repo(em).delete({ projectId });
    return (result.affected ?? 0) > 0;
  }

  async projectExists(projectId: string, em?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await (em ?? this.dataSource.manager).query(
      'SELECT 1 FROM projects WHERE id = $1',
      [projectId],
    );
    return rows.length > 0;
  }
}
