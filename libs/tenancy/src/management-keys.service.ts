import { Injectable } from '@nestjs/common';
import { Errors, newId } from '@app/core';
import { ApiKeyCache } from './api-key.cache';
import { hashSecret, newAppId, newSecretToken } from './secrets';
import { TenancyRepository } from './tenancy.repository';

export interface IssuedManagementKey {
  id: string;
  name: string;
  management_id: string;
  /** Shown once; only its hash is stored. */
  management_token: string;
}

/** Operator keys for /management/v1, created and revoked with the operator CLI only. */
@Injectable()
export class ManagementKeysService {
  constructor(
    private readonly repository: TenancyRepository,
    private readonly keyCache: ApiKeyCache,
  ) {}

  async create(name: string): Promise<IssuedManagementKey> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200)
      throw Errors.invalidPayload('Property .name must be 1-200 characters');
    const token = newSecretToken();
    const key = await this.repository.insertManagementKey({
      id: newId('managementKey'),
      managementId: newAppId(),
      secretHash: hashSecret(token),
      secretHint: token.slice(-4),
      name: trimmed,
    });
    return { id: key.id, name: key.name, management_id: key.managementId, management_token: token };
  }

  async list() {
    return (await this.repository.listManagementKeys()).map((k) => ({
      id: k.id,
      name: k.name,
      management_id: k.managementId,
      hint: `…${k.secretHint}`,
      created_at: k.createdAt.toISOString(),
      revoked_at: k.revokedAt?.toISOString() ?? null,
    }));
  }

  /** Takes effect at once on this process, within AUTH_CACHE_TTL_MS on other replicas. */
  async revoke(idOrManagementId: string): Promise<{ id: string; revoked: true }> {
    const key = await this.repository.revokeManagementKey(idOrManagementId);
    if (!key) throw Errors.notFound('management_key', idOrManagementId);
    this.keyCache.invalidateManagement(key.managementId);
    return { id: key.id, revoked: true };
  }
}
