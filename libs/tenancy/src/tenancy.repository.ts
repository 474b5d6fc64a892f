import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { ManagementKeyEntity } from './management-key.entity';
import { ProjectEntity } from './project.entity';

@Injectable()
export class TenancyRepository {
  constructor(private readonly dataSource: DataSource) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  insertProject(project: Partial<ProjectEntity>, em?: EntityManager) {
    return this.em(em)
      .getRepository(ProjectEntity)
      .save(this.em(em).getRepository(ProjectEntity).create(project));
  }

  insertKey(key: Partial<ApiKeyEntity>, em?: EntityManager) {
    return this.em(em)
      .getRepository(ApiKeyEntity)
      .save(this.em(em).getRepository(ApiKeyEntity).create(key));
  }

  findProject(id: string, em?: EntityManager) {
    return this.em(em).getRepository(ProjectEntity).findOneBy({ id });
  }

  listProjects(em?: EntityManager) {
    return this.em(em)
      .getRepository(ProjectEntity)
      .find({ order: { createdAt: 'ASC' } });
  }

  countProjects(em?: EntityManager) {
    return this.em(em).getRepository(ProjectEntity).count();
  }

  /** Every key of a project, revoked ones included (for listing and cache invalidation). */
  listKeys(projectId: string, em?: EntityManager) {
    return this.em(em)
      .getRepository(ApiKeyEntity)
      .find({ where: { projectId }, order: { createdAt: 'ASC' } });
  }

  /**
   * The active key for an application id, whatever its kind; revoked keys and keys of a
   * deleted project are not returned.
   */
  findActiveKeyByAppId(appId: string, em?: EntityManager) {
    return this.em(em)
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .innerJoin(ProjectEntity, 'p', 'p.id = k.project_id AND p.deleted_at IS NULL')
      .where('k.app_id = :appId AND k.revoked_at IS NULL', { appId })
      .getOne();
  }

  findLiveProject(id: string, em?: EntityManager) {
    return this.em(em).getRepository(ProjectEntity).findOneBy({ id, deletedAt: IsNull() });
  }

  async listLiveProjects(
    page: { limit: number; offset: number },
    em?: EntityManager,
  ): Promise<{ projects: ProjectEntity[]; total: number }> {
    const [projects, total] = await this.em(em)
      .getRepository(ProjectEntity)
      .findAndCount({
        where: { deletedAt: IsNull() },
        // The contract's lists are newest first.
        order: { createdAt: 'DESC', id: 'DESC' },
        skip: page.offset,
        take: page.limit,
      });
    return { projects, total };
  }

  /** Saves a loaded project (so the audit subscriber sees its id and the changed columns). */
  saveProject(project: ProjectEntity, em?: EntityManager) {
    return this.em(em).getRepository(ProjectEntity).save(project);
  }

  findKey(projectId: string, id: string, em?: EntityManager) {
    return this.em(em).getRepository(ApiKeyEntity).findOneBy({ projectId, id });
  }

  /** Saves a loaded key (rotation, revocation) so the change is audited with the key's id. */
  saveKey(key: ApiKeyEntity, em?: EntityManager) {
    return this.em(em).getRepository(ApiKeyEntity).save(key);
  }

  insertManagementKey(key: Partial<ManagementKeyEntity>, em?: EntityManager) {
    const repository = this.em(em).getRepository(ManagementKeyEntity);
    return repository.save(repository.create(key));
  }

  listManagementKeys(em?: EntityManager) {
    return this.em(em)
      .getRepository(ManagementKeyEntity)
      .find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findActiveManagementKey(managementId: string, em?: EntityManager) {
    return this.em(em)
      .getRepository(ManagementKeyEntity)
      .findOneBy({ managementId, revokedAt: IsNull() });
  }

  /** Revokes by key id (`mk_…`) or management id; returns the revoked key, or null. */
  async revokeManagementKey(
    idOrManagementId: string,
    em?: EntityManager,
  ): Promise<ManagementKeyEntity | null> {
    const result: unknown = await this.em(em).query(
      `UPDATE management_keys SET revoked_at = now()
       WHERE (id = $1 OR management_id = $1) AND revoked_at IS NULL
       RETURNING id, management_id AS "managementId"`,
      [idOrManagementId],
    );
    // The pg driver answers an UPDATE ... RETURNING with [rows, affectedCount].
    const rows = Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as unknown[]) : [];
    return (rows[0] as ManagementKeyEntity | undefined) ?? null;
  }

  findKeyByAppId(appId: string, em?: EntityManager) {
    return this.em(em).getRepository(ApiKeyEntity).findOneBy({ appId });
  }

  async replaceSecret(
    appId: string,
    secretHash: string,
    secretHint: string,
    em?: EntityManager,
  ): Promise<boolean> {
    const result = await this.em(em)
      .getRepository(ApiKeyEntity)
      .update({ appId, revokedAt: IsNull() }, { secretHash, secretHint, rotatedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }

  async revoke(appId: string, em?: EntityManager): Promise<boolean> {
    const result = await this.em(em)
      .getRepository(ApiKeyEntity)
      .update({ appId, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }
}
