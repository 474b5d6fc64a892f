import { Injectable } from '@nestjs/common';
import { isoOrNull, TransactionRunner } from '@app/core';
import {
  ApiKeyCache,
  ApiKeyEntity,
  ApiKeyKind,
  hashSecret,
  newSecretToken,
  ProjectEntity,
  TenancyRepository,
  TenancyService,
} from '@app/tenancy';
import { ManagementErrors } from './management.errors';

export function projectView(p: ProjectEntity) {
  return {
    id: p.id,
    object: 'project' as const,
    name: p.name,
    created_at: isoOrNull(p.createdAt)!,
    updated_at: isoOrNull(p.updatedAt)!,
  };
}

export function keyView(k: ApiKeyEntity) {
  return {
    id: k.id,
    object: 'api_key' as const,
    project_id: k.projectId,
    kind: k.kind,
    name: k.name,
    app_id: k.appId,
    secret_hint: `…${k.secretHint}`,
    allowed_origins: k.allowedOrigins ?? [],
    created_at: isoOrNull(k.createdAt)!,
    rotated_at: isoOrNull(k.rotatedAt),
    revoked_at: isoOrNull(k.revokedAt),
  };
}

/**
 * Projects and their keys for the management API. Every change invalidates the affected
 * keys in the ApiKeyCache: at once on this replica, within AUTH_CACHE_TTL_MS on the others.
 */
@Injectable()
export class ManagementService {
  constructor(
    private readonly repository: TenancyRepository,
    private readonly tenancy: TenancyService,
    private readonly transactions: TransactionRunner,
    private readonly keyCache: ApiKeyCache,
  ) {}

  async createProject(name: string, clientOrigins: string[] = ['*']) {
    const created = await this.tenancy.createProject(name, clientOrigins);
    const project = await this.liveProject(created.project_id);
    const keys = await this.repository.listKeys(project.id);
    const secrets = new Map([
      [created.app_id, created.app_token],
      [created.client_app_id, created.client_token],
    ]);
    return {
      ...projectView(project),
      api_keys: keys.map((k) => ({ ...keyView(k), secret: secrets.get(k.appId) ?? '' })),
    };
  }

  async listProjects(page: { limit: number; offset: number }) {
    const { projects, total } = await this.repository.listLiveProjects(page);
    return { projects: projects.map(projectView), total };
  }

  async getProject(id: string) {
    return projectView(await this.liveProject(id));
  }

  async renameProject(id: string, name: string) {
    return this.transactions.run(async (em) => {
      const project = await this.liveProject(id, em);
      project.name = name.trim();
      return projectView(await this.repository.saveProject(project, em));
    });
  }

  /** Soft delete: the project's rows stay (audit, exports), its keys stop authenticating. */
  async deleteProject(id: string): Promise<void> {
    const keys = await this.transactions.run(async (em) => {
      const project = await this.liveProject(id, em);
      project.deletedAt = new Date();
      await this.repository.saveProject(project, em);
      return this.repository.listKeys(id, em);
    });
    for (const key of keys) this.keyCache.invalidate(key.appId);
  }

  async createKey(projectId: string, kind: ApiKeyKind, name = '', allowedOrigins: string[] = []) {
    const issued = await this.tenancy.createKey(
      projectId,
      kind,
      name,
      kind === 'client' ? allowedOrigins : [],
    );
    const key = await this.repository.findKey(projectId, issued.id);
    return { ...keyView(key!), secret: issued.app_token };
  }

  async listKeys(projectId: string) {
    await this.liveProject(projectId);
    return (await this.repository.listKeys(projectId)).map(keyView);
  }

  async revokeKey(projectId: string, keyId: string): Promise<void> {
    const key = await this.transactions.run(async (em) => {
      const key = await this.activeKey(projectId, keyId, em);
      key.revokedAt = new Date();
      return this.repository.saveKey(key, em);
    });
    this.keyCache.invalidate(key.appId);
  }

  /** New secret, same app id; the old secret stops working as soon as the cache entry goes. */
  async rotateKey(projectId: string, keyId: string) {
    const token = newSecretToken();
    const key = await this.transactions.run(async (em) => {
      const key = await this.activeKey(projectId, keyId, em);
      key.secretHash = hashSecret(token);
      key.secretHint = token.slice(-4);
      key.rotatedAt = new Date();
      return this.repository.saveKey(key, em);
    });
    this.keyCache.invalidate(key.appId);
    return { ...keyView(key), secret: token };
  }

  private async liveProject(id: string, em?: Parameters<TenancyRepository['findLiveProject']>[1]) {
    const project = await this.repository.findLiveProject(id, em);
    if (!project) throw ManagementErrors.projectNotFound(id);
    return project;
  }

  private async activeKey(
    projectId: string,
    keyId: string,
    em: Parameters<TenancyRepository['findKey']>[2],
  ) {
    await this.liveProject(projectId, em);
    const key = await this.repository.findKey(projectId, keyId, em);
    if (!key || key.revokedAt) throw ManagementErrors.keyNotFound(keyId);
    return key;
  }
}
