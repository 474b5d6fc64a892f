import { Injectable } from '@nestjs/common';
import { isoOrNull } from '@app/core';
import { ProjectPolicy, RateLimitPolicyService, RateLimitService } from '@app/rate-limit';
import type { UpdateRateLimitPolicyDto } from './rate-limit-admin.dto';

function policyBody(projectId: string, p: ProjectPolicy) {
  return {
    object: 'rate_limit_policy',
    project_id: projectId,
    plan: p.plan,
    per_minute: p.perMinute,
    burst: p.burst,
    inflight_max: p.inflightMax,
    overridden: p.overridden,
  };
}

/** The operators' view of the limiter: a project's policy, and who is limited right now. */
@Injectable()
export class RateLimitAdminService {
  constructor(
    private readonly limits: RateLimitService,
    private readonly policies: RateLimitPolicyService,
  ) {}

  async policy(projectId: string) {
    return policyBody(projectId, await this.policies.show(projectId));
  }

  async updatePolicy(projectId: string, body: UpdateRateLimitPolicyDto) {
    await this.policies.set(projectId, {
      plan: body.plan,
      perMinute: body.per_minute,
      burst: body.burst,
      inflightMax: body.inflight_max,
    });
    // `set` resolves without the stored flag; show() reads it back as the CLI does.
    return this.policy(projectId);
  }

  async status(limit: number) {
    const now = Date.now();
    const metric = await this.limits.metrics.decisions.get();
    const decisions: Record<string, Record<string, number>> = {};
    for (const v of metric.values) {
      const cls = String(v.labels.class);
      (decisions[cls] ??= {})[String(v.labels.outcome)] = v.value;
    }
    const tracker = this.limits.limitedProjects;
    return {
      object: 'rate_limit_status',
      generated_at: new Date(now).toISOString(),
      enabled: this.limits.enabled,
      window_seconds: Math.round(tracker.windowMs / 1000),
      shed_level: this.limits.monitor.level,
      redis_breaker: this.limits.limiter.breaker.current,
      blocked_keys: this.limits.blocks.size,
      decisions,
      projects: tracker.top(limit, now).map((p) => ({
        project_id: p.projectId,
        limited: p.limited,
        concurrency_limited: p.concurrencyLimited,
        blocked_early: p.blockedEarly,
        total: p.total,
        last_rejected_at: new Date(p.lastRejectedAt).toISOString(),
        blocked_until: p.blockedUntil ? isoOrNull(new Date(p.blockedUntil)) : null,
        limit_name: p.limitName,
      })),
    };
  }
}
