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

export interface ResolvedManagementKey {
  keyId: string;
  managementId: string;
  secretHash: string;
}

type Entry = ResolvedKey | ResolvedManagementKey | 'missing';

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
    return (await this.lookup(appId, () => this.load(appId))) as ResolvedKey | null;
  }

  /** Management keys share the cache (and its bound) under their own namespace. */
  async resolveManagement(managementId: string): Promise<ResolvedManagementKey | null> {
    const cacheKey = MANAGEMENT_NS + managementId;
    return (await this.lookup(cacheKey, () =>
      this.loadManagement(cacheKey, managementId),
    )) as ResolvedManagementKey | null;
  }

  invalidate(appId: string): void {
    this.cache.delete(appId);
  }

  invalidateManagement(managementId: string): void {
    this.cache.delete(MANAGEMENT_NS + managementId);
  }

  private async lookup(cacheKey: string, load: () => Promise<Entry>): Promise<Entry | null> {
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return unwrap(cached);
    const pending = this.inflight.get(cacheKey);
    if (pending) return unwrap(await pending);
    const lookup = load();
    if (this.inflight.size < MAX_INFLIGHT) {
      this.inflight.set(cacheKey, lookup);
      void lookup.finally(() => this.inflight.delete(cacheKey)).catch(() => undefined);
    }
    return unwrap(await lookup);
  }

  private async loadManagement(cacheKey: string, managementId: string): Promise<Entry> {
    const key = await this.repository.findActiveManagementKey(managementId);
    if (!key) {
      this.cache.set(cacheKey, 'missing', { ttl: NEGATIVE_TTL_MS });
      return 'missing';
    }
    const entry: ResolvedManagementKey = {
      keyId: key.id,
      managementId: key.managementId,
      secretHash: key.secretHash,
    };
    this.cache.set(cacheKey, entry);
    return entry;
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

const unwrap = (entry: Entry): Exclude<Entry, 'missing'> | null =>
  entry === 'missing' ? null : entry;

/** Application ids are UUIDs: this prefix can never collide with one. */
const MANAGEMENT_NS = 'mgmt:';
