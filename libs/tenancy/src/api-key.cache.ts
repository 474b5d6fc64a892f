import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '@app/core';
import { ApiKeyKind } from './api-key.entity';
import { TenancyRepository } from './tenancy.repository';

export interface ResolvedKey {
  keyId: string;
  projectId: string;
  appId: string;
  kind: ApiKeyKind;
  secretHash: string;
  allowedOrigins: string[];
}

type Entry = ResolvedKey | 'missing';

const NEGATIVE_TTL_MS = 5_000;
const MAX_INFLIGHT = 1_000;

/**
 * Bounded (size cap + TTL) cache of API keys in front of Postgres. Unknown application ids are
 * cached too (briefly), so a flood of forged keys costs one lookup per id, not one per request.
 * Revocation and rotation take effect at once on this replica and within the TTL on others.
 */
@Injectable()
export class ApiKeyCache {
  private readonly cache: LRUCache<string, Entry>;
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(
    config: AppConfig,
    private readonly repository: TenancyRepository,
  ) {
    this.cache = new LRUCache<string, Entry>({
      max: config.env.AUTH_CACHE_MAX,
      ttl: Math.max(1, config.env.AUTH_CACHE_TTL_MS),
      ttlAutopurge: false,
    });
  }

  get size(): number {
    return this.cache.size;
  }

  async resolve(appId: string): Promise<ResolvedKey | null> {
    const cached = this.cache.get(appId);
    if (cached !== undefined) return cached === 'missing' ? null : cached;
    const pending = this.inflight.get(appId);
    if (pending) return unwrap(await pending);
    const lookup = this.load(appId);
    if (this.inflight.size < MAX_INFLIGHT) {
      this.inflight.set(appId, lookup);
      void lookup.finally(() => this.inflight.delete(appId)).catch(() => undefined);
    }
    return unwrap(await lookup);
  }

  invalidate(appId: string): void {
    this.cache.delete(appId);
  }

  clear(): void {
    this.cache.clear();
  }

  private async load(appId: string): Promise<Entry> {
    const key = await this.repository.findActiveKeyByAppId(appId);
    if (!key) {
      this.cache.set(appId, 'missing', { ttl: NEGATIVE_TTL_MS });
      return 'missing';
    }
    const entry: ResolvedKey = {
      keyId: key.id,
      projectId: key.projectId,
      appId: key.appId,
      kind: key.kind,
      secretHash: key.secretHash,
      allowedOrigins: key.allowedOrigins ?? [],
    };
    this.cache.set(appId, entry);
    return entry;
  }
}

const unwrap = (entry: Entry): ResolvedKey | null => (entry === 'missing' ? null : entry);
