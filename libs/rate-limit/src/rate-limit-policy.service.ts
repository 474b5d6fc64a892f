import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig, rootLogger } from '@app/core';
import {
  isPlanName,
  PLAN_NAMES,
  PlanName,
  PolicyDefaults,
  PolicyOverride,
  ProjectPolicy,
  resolvePolicy,
} from './policy';
import { RateLimitErrors } from './rate-limit.errors';
import { RateLimitRepository } from './rate-limit.repository';

export interface PolicyChange {
  plan?: string;
  perMinute?: number | null;
  burst?: number | null;
  inflightMax?: number | null;
}

const POLICY_CACHE_MAX = 10_000;

/**
 * Per-project limits: the plan defaults plus the override stored in Postgres, cached briefly
 * (RATE_LIMIT_POLICY_CACHE_TTL_MS) so a change applies on every replica without a restart.
 * Only authenticated projects are ever looked up, so the cache cannot be filled with forged ids.
 */
@Injectable()
export class RateLimitPolicyService {
  private readonly cache: LRUCache<string, ProjectPolicy>;
  private readonly loading = new Map<string, Promise<ProjectPolicy>>();
  readonly defaults: PolicyDefaults;

  constructor(
    config: AppConfig,
    private readonly repository: RateLimitRepository,
  ) {
    this.defaults = {
      perMinute: config.env.RATE_LIMIT_DEFAULT_PER_MINUTE,
      burst: config.env.RATE_LIMIT_DEFAULT_BURST,
      inflightMax: config.env.RATE_LIMIT_INFLIGHT_PER_PROJECT,
    };
    this.cache = new LRUCache<string, ProjectPolicy>({
      max: POLICY_CACHE_MAX,
      ttl: Math.max(1, config.env.RATE_LIMIT_POLICY_CACHE_TTL_MS),
    });
  }

  /** The cached policy, or undefined when it must be loaded (lets the hot path stay synchronous). */
  cached(projectId: string): ProjectPolicy | undefined {
    return this.cache.get(projectId);
  }

  async get(projectId: string): Promise<ProjectPolicy> {
    const hit = this.cache.get(projectId);
    if (hit) return hit;
    const pending = this.loading.get(projectId);
    if (pending) return pending;
    const load = this.load(projectId).finally(() => this.loading.delete(projectId));
    // The map holds only loads in progress (bounded by concurrent requests of distinct projects).
    if (this.loading.size < POLICY_CACHE_MAX) this.loading.set(projectId, load);
    return load;
  }

  private async load(projectId: string): Promise<ProjectPolicy> {
    try {
      const row = await this.repository.findOverride(projectId);
      const policy = resolvePolicy(this.defaults, row ? toOverride(row) : null);
      this.cache.set(projectId, policy);
      return policy;
    } catch (error) {
      // Postgres trouble must not turn into a limiter outage: apply the defaults, retry soon.
      rootLogger().warn(
        { err: (error as Error).message, projectId },
        'rate-limit policy lookup failed; using defaults',
      );
      const policy = resolvePolicy(this.defaults, null);
      this.cache.set(projectId, policy, { ttl: 1_000 });
      return policy;
    }
  }

  /** Sets (merges) a project's override; null fields fall back to the plan. */
  async set(projectId: string, change: PolicyChange): Promise<ProjectPolicy> {
    if (!(await this.repository.projectExists(projectId)))
      throw RateLimitErrors.projectNotFound(projectId);
    const current = await this.repository.findOverride(projectId);
    const plan = change.plan ?? current?.plan ?? 'default';
    if (!isPlanName(plan)) throw RateLimitErrors.invalidPlan(plan, PLAN_NAMES);
    const pick = (field: 'perMinute' | 'burst' | 'inflightMax'): number | null => {
      const value = change[field] === undefined ? (current?.[field] ?? null) : change[field];
      if (value !== null && (!Number.isInteger(value) || value < 1))
        throw RateLimitErrors.invalidNumber(field);
      return value;
    };
    const row = {
      projectId,
      plan,
      perMinute: pick('perMinute'),
      burst: pick('burst'),
      inflightMax: pick('inflightMax'),
    };
    await this.repository.upsertOverride(row);
    this.cache.delete(projectId);
    return resolvePolicy(this.defaults, toOverride(row));
  }

  async reset(projectId: string): Promise<ProjectPolicy> {
    await this.repository.deleteOverride(projectId);
    this.cache.delete(projectId);
    return resolvePolicy(this.defaults, null);
  }

  async show(projectId: string): Promise<ProjectPolicy> {
    if (!(await this.repository.projectExists(projectId)))
      throw RateLimitErrors.projectNotFound(projectId);
    const row = await this.repository.findOverride(projectId);
    return resolvePolicy(this.defaults, row ? toOverride(row) : null);
  }
}

function toOverride(row: {
  plan: string;
  perMinute: number | null;
  burst: number | null;
  inflightMax: number | null;
}): PolicyOverride {
  return {
    plan: (isPlanName(row.plan) ? row.plan : 'default') as PlanName,
    perMinute: row.perMinute,
    burst: row.burst,
    inflightMax: row.inflightMax,
  };
}
