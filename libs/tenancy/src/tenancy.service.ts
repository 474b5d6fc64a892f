import { Injectable } from '@nestjs/common';
import { AppError, Errors, newId, TransactionRunner } from '@app/core';
import { ApiKeyEntity, ApiKeyKind } from './api-key.entity';
import { ApiKeyCache } from './api-key.cache';
import { hashSecret, newAppId, newSecretToken } from './secrets';
import { TenancyRepository } from './tenancy.repository';

export interface IssuedKey {
  id: string;
  kind: ApiKeyKind;
  app_id: string;
  /** Shown once; only its hash is stored. */
  app_token: string;
}

export interface CreatedProject {
  project_id: string;
  name: string;
  app_id: string;
  app_token: string;
  client_app_id: string;
  client_token: string;
}

@Injectable()
export class TenancyService {
  constructor(
    private readonly repository: TenancyRepository,
    private readonly transactions: TransactionRunner,
    private readonly keyCache: ApiKeyCache,
  ) {}

  async createProject(name: string, allowedOrigins: string[] = ['*']): Promise<CreatedProject> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200)
      throw Errors.invalidPayload('Property .name must be 1-200 characters');
    return this.transactions.run(async (em) => {
      const project = await this.repository.insertProject(
        { id: newId('project'), name: trimmed },
        em,
      );
      const server = await this.issueKey(project.id, 'server', 'default server key', [], em);
      const client = await this.issueKey(
        project.id,
        'client',
        'default client key',
        allowedOrigins,
        em,
      );
      return {
        project_id: project.id,
        name: project.name,
        app_id: server.app_id,
        app_token: server.app_token,
        client_app_id: client.app_id,
        client_token: client.app_token,
      };
    });
  }

  async createKey(
    projectId: string,
    kind: ApiKeyKind,
    name = '',
    allowedOrigins: string[] = [],
  ): Promise<IssuedKey> {
    const project = await this.repository.findLiveProject(projectId);
    if (!project) throw Errors.notFound('project', projectId);
    return this.issueKey(projectId, kind, name, allowedOrigins);
  }

  private async issueKey(
    projectId: string,
    kind: ApiKeyKind,
    name: string,
    allowedOrigins: string[],
    em?: Parameters<TenancyRepository['insertKey']>[1],
  ): Promise<IssuedKey> {
    const token = newSecretToken();
    const key = await this.repository.insertKey(
      {
        id: newId('apiKey'),
        projectId,
        kind,
        appId: newAppId(),
        secretHash: hashSecret(token),
        secretHint: token.slice(-4),
        name,
        allowedOrigins,
      },
      em,
    );
    return { id: key.id, kind, app_id: key.appId, app_token: token };
  }

  listProjects() {
    return this.repository.listProjects();
  }

  countProjects() {
    return this.repository.countProjects();
  }

  listKeys(projectId: string): Promise<ApiKeyEntity[]> {
    return this.repository.listKeys(projectId);
  }

  /** New secret for the same application id; the old secret stops working at once on this replica, within the cache TTL elsewhere. */
  async rotateKey(appId: string): Promise<IssuedKey> {
    const key = await this.repository.findActiveKeyByAppId(appId);
    if (!key) throw keyNotFound(appId);
    const token = newSecretToken();
    await this.repository.replaceSecret(appId, hashSecret(token), token.slice(-4));
    this.keyCache.invalidate(appId);
    return { id: key.id, kind: key.kind, app_id: appId, app_token: token };
  }

  async revokeKey(appId: string): Promise<void> {
    const revoked = await this.repository.revoke(appId);
    if (!revoked) throw keyNotFound(appId);
    this.keyCache.invalidate(appId);
  }
}

const keyNotFound = (appId: string): AppError => Errors.notFound('api_key', appId);
