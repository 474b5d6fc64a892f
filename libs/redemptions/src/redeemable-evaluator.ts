import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { EntityManager } from 'typeorm';
import { AppConfig } from '@app/core';
import {
  CustomerContext,
  Metadata,
  OrderInput,
  ruleSetNeedsCounters,
  ValidationRulesRepository,
  ValidationRulesService,
} from '@app/validations';
import { CampaignsRepository, VoucherEntity } from '@app/vouchers';
import { AssignedRules, CheckFailure, checkVoucher, VoucherState } from './redeemable-checks';
import { RedemptionsRepository } from './redemptions.repository';

/** A rule set with where it is assigned (counters are per that object). */
interface CachedRule {
  ruleId: string;
  object: { voucherId?: string; campaignId?: string };
  ruleSet: AssignedRules['ruleSet'];
  needsCounters: boolean;
}

/** What is cached per voucher definition: never a counter. */
export interface VoucherDefinition {
  campaignName: string | null;
  rules: CachedRule[];
}

export interface EvaluationContext {
  projectId: string;
  now: Date;
  order?: OrderInput | null;
  customer?: CustomerContext | null;
  /** The stored customer's id (for per-customer counters); null for anonymous requests. */
  customerId: string | null;
  metadata?: Metadata | null;
  sessionKey?: string | null;
}

export function voucherState(v: VoucherEntity): VoucherState {
  return {
    id: v.id,
    code: v.code,
    type: v.type,
    active: v.active,
    redemptionQuantity: v.redemptionQuantity,
    redeemedQuantity: v.redeemedQuantity,
    heldQuantity: v.heldQuantity ?? 0,
    giftBalance: v.giftBalance,
    window: {
      start_date: v.startDate,
      expiration_date: v.expirationDate,
      validity_day_of_week: v.validityDayOfWeek,
      validity_timeframe: v.validityTimeframe,
      validity_hours: v.validityHours as VoucherState['window']['validity_hours'],
    },
  };
}

/**
 * Decides whether one voucher applies to a request. Voucher rows are always read fresh by the
 * caller; only definitions that change rarely (assigned rule sets, the campaign's name) are
 * cached here, bounded in size and for a few seconds.
 */
@Injectable()
export class RedeemableEvaluator {
  private readonly cache: LRUCache<string, VoucherDefinition>;

  constructor(
    config: AppConfig,
    private readonly rules: ValidationRulesService,
    private readonly rulesRepository: ValidationRulesRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly repository: RedemptionsRepository,
  ) {
    this.cache = new LRUCache({
      max: config.env.VALIDATION_CACHE_MAX,
      ttl: Math.max(config.env.VALIDATION_CACHE_TTL_MS, 1),
    });
  }

  async definition(projectId: string, v: VoucherEntity): Promise<VoucherDefinition> {
    const key = `${projectId}\u0000${v.id}\u0000${v.campaignId ?? ''}\u0000${(v.validationRules ?? []).join(',')}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const objects: { type: 'voucher' | 'campaign'; id: string }[] = [{ type: 'voucher', id: v.id }];
    if (v.campaignId) objects.push({ type: 'campaign', id: v.campaignId });
    const [assigned, names] = await Promise.all([
      this.rules.rulesFor(projectId, objects),
      v.campaignId
        ? this.campaigns.namesByIds(projectId, [v.campaignId])
        : Promise.resolve(new Map<string, string>()),
    ]);
    const rules: CachedRule[] = assigned.map((a) => ({
      ruleId: a.ruleId,
      object:
        a.relatedObjectType === 'campaign'
          ? { campaignId: a.relatedObjectId }
          : { voucherId: v.id },
      ruleSet: a.ruleSet,
      needsCounters: ruleSetNeedsCounters(a.ruleSet),
    }));
    // Rules listed on the voucher itself (`validation_rules` at creation) count as assigned.
    const extra = (v.validationRules ?? []).filter((id) => !rules.some((r) => r.ruleId === id));
    if (extra.length) {
      for (const rule of await this.rulesRepository.findRulesByIds(projectId, extra)) {
        const ruleSet = this.rules.compileOrThrow(rule.rules, rule.error);
        rules.push({
          ruleId: rule.id,
          object: { voucherId: v.id },
          ruleSet,
          needsCounters: ruleSetNeedsCounters(ruleSet),
        });
      }
    }
    const definition = {
      campaignName: v.campaignId ? (names.get(v.campaignId) ?? null) : null,
      rules,
    };
    this.cache.set(key, definition);
    return definition;
  }

  /** Campaigns whose per-customer counters a redemption must serialize on (rules on campaigns). */
  counterCampaigns(definition: VoucherDefinition): string[] {
    return definition.rules
      .filter((r) => r.needsCounters && r.object.campaignId)
      .map((r) => r.object.campaignId as string);
  }

  needsCounters(definition: VoucherDefinition): boolean {
    return definition.rules.some((r) => r.needsCounters);
  }

  /**
   * The first reason `v` does not apply, or null. Counters for per-customer rules are counted
   * with `em` (inside the redemption's transaction, after the caller locked the voucher row).
   */
  async evaluate(
    ctx: EvaluationContext,
    v: VoucherEntity,
    definition: VoucherDefinition,
    giftCredits: number | null | undefined,
    em?: EntityManager,
  ): Promise<CheckFailure | null> {
    const rules: AssignedRules[] = [];
    for (const r of definition.rules) {
      let counters;
      if (r.needsCounters && ctx.customerId) {
        const n = await this.repository.countUses(ctx.projectId, ctx.customerId, r.object, em);
        counters = { perCustomer: n.total, perCustomerToday: n.today };
      } else if (r.needsCounters) {
        counters = { perCustomer: 0, perCustomerToday: 0 };
      }
      rules.push({ ruleId: r.ruleId, ruleSet: r.ruleSet, counters });
    }
    const ownsHold = ctx.sessionKey
      ? await this.repository.hasLiveHold(ctx.projectId, v.id, ctx.sessionKey, em)
      : false;
    return checkVoucher({
      voucher: voucherState(v),
      now: ctx.now,
      order: ctx.order,
      customer: ctx.customer,
      metadata: ctx.metadata,
      giftCredits,
      ownsHold,
      rules,
    });
  }
}
