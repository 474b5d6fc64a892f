import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditService, auditColumns } from '@app/audit';
import { CampaignEntity } from './campaign.entity';

@Injectable()
export class CampaignsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(CampaignEntity);
  }

  insert(campaign: Partial<CampaignEntity>, em?: EntityManager) {
    return this.repo(em).save(this.repo(em).create(campaign));
  }

  /** A live campaign by `camp_` id or by name (the id wins when both match). */
  async findLive(projectId: string, idOrName: string, em?: EntityManager, lock = false) {
    const qb = this.repo(em)
      .createQueryBuilder('c')
      .where('c.project_id = :projectId', { projectId })
      .andWhere('(c.id = :key OR c.name = :key)', { key: idOrName })
      .andWhere('c.deleted_at IS NULL');
    if (lock) qb.setLock('pessimistic_write');
    const rows = await qb.getMany();
    return rows.find((r) => r.id === idOrName) ?? rows[0] ?? null;
  }

  /** Including campaigns in the bin (the deletion job still needs them). */
  findById(projectId: string, id: string, em?: EntityManager) {
    return this.repo(em).findOneBy({ projectId, id });
  }

  async namesByIds(
    projectId: string,
    ids: string[],
    em?: EntityManager,
  ): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.repo(em).find({
      select: { id: true, name: true },
      where: { projectId, id: In(ids) },
    });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async update(
    projectId: string,
    id: string,
    changes: Partial<CampaignEntity>,
    em?: EntityManager,
  ): Promise<void> {
    // jsonb values are bound as parameters; TypeORM's deep-partial type does not model them.
    // The subscriber would see this update but not its row (a campaign is addressed by name
    // too): it is recorded here, by id, instead.
    await this.repo(em)
      .createQueryBuilder()
      .update()
      .set({ ...changes, updatedAt: new Date() } as QueryDeepPartialEntity<CampaignEntity>)
      .where({ projectId, id })
      .callListeners(false)
      .execute();
    await this.audit.record(em ?? this.dataSource.manager, {
      entityType: 'campaign',
      entityId: id,
      action: changes.deletedAt ? 'soft_delete' : 'update',
      projectId,
      diff: auditColumns(this.repo(em).metadata, changes),
    });
  }

  async addVouchersCount(projectId: string, id: string, delta: number, em?: EntityManager) {
    if (delta === 0) return;
    await (em ?? this.dataSource.manager).query(
      `UPDATE campaigns SET vouchers_count = greatest(vouchers_count + $3, 0) WHERE project_id = $1 AND id = $2`,
      [projectId, id, delta],
    );
  }

  /** Runs in the deletion job: recorded explicitly (as `system` there), by id. */
  async hardDelete(projectId: string, id: string, em?: EntityManager) {
    await this.repo(em)
      .createQueryBuilder()
      .delete()
      .where({ projectId, id })
      .callListeners(false)
      .execute();
    await this.audit.record(em ?? this.dataSource.manager, {
      entityType: 'campaign',
      entityId: id,
      action: 'delete',
      projectId,
    });
  }

  async list(
    projectId: string,
    filter: { campaignType?: string },
    order: { field: 'created_at' | 'updated_at' | 'name'; direction: 'ASC' | 'DESC' },
    page: { limit: number; offset: number },
  ) {
    const qb = this.repo()
      .createQueryBuilder('c')
      .where('c.project_id = :projectId', { projectId })
      .andWhere('c.deleted_at IS NULL');
    if (filter.campaignType) qb.andWhere('c.campaign_type = :t', { t: filter.campaignType });
    qb.orderBy(
      { created_at: 'c.createdAt', updated_at: 'c.updatedAt', name: 'c.name' }[order.field],
      order.direction,
      order.direction === 'DESC' ? 'NULLS LAST' : 'NULLS FIRST',
    )
      .addOrderBy('c.id', order.direction)
      .offset(page.offset)
      .limit(page.limit);
    const [campaigns, total] = await qb.getManyAndCount();
    return { campaigns, total };
  }
}
