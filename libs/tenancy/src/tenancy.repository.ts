import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
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

  listKeys(projectId: string, em?: EntityManager) {
    return this.em(em)
      .getRepository(ApiKeyEntity)
      .find({ where: { projectId }, order: { createdAt: 'ASC' } });
  }

  /** The active key for an application id, whatever its kind; revoked keys are not returned. */
  findActiveKeyByAppId(appId: string, em?: EntityManager) {
    return this.em(em).getRepository(ApiKeyEntity).findOneBy({ appId, revokedAt: IsNull() });
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
