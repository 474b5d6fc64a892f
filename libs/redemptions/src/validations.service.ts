import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError, newId, TransactionRunner } from '@app/core';
import type { AuthContext } from '@app/tenancy';
import {
  calculateOrder,
  CalculationResult,
  CustomerContext,
  DiscountDefinition,
  OrderInput,
  StackEntry,
} from '@app/validations';
import { VoucherEntity } from '@app/vouchers';
import {
  applyStackingRules,
  ApplicationMode,
  CheckFailure,
  failure,
  sessionTtlMs,
  SKIP_MESSAGES,
  StackDecision,
  trackingIdOf,
} from './redeemable-checks';
import { CodeLookup } from './code-lookup';
import { EvaluationContext, RedeemableEvaluator, VoucherDefinition } from './redeemable-evaluator';
import {
  ClientValidateQueryDto,
  RedeemableDto,
  RedemptionContextDto,
  StackableRequestDto,
  VoucherRequestDto,
} from './redemptions.dto';
import { RedemptionErrors } from './redemptions.errors';
import { RedemptionsRepository } from './redemptions.repository';

export const DEFAULT_APPLICABLE_LIMIT = 5;
const EMPTY_LIST = { object: 'list', data_ref: 'data', data: [], total: 0 } as const;

/** One requested redeemable after evaluation and the stacking rules. */
export interface PlannedRedeemable {
  input: RedeemableDto;
  voucher: VoucherEntity | null;
  definition: VoucherDefinition | null;
  failure: CheckFailure | null;
  decision: StackDecision;
  /** Index in the calculation's stack (applicable items only). */
  stackIndex: number | null;
}

export interface StackPlan {
  valid: boolean;
  items: PlannedRedeemable[];
  /** The applicable items, in request order, with the calculation over all of them. */
  applicable: PlannedRedeemable[];
  calculation: CalculationResult;
}

export function orderInputOf(dto: RedemptionContextDto): OrderInput {
  return (dto.order ?? {}) as OrderInput;
}

export function stackingOf(dto: StackableRequestDto): { mode: ApplicationMode; limit: number } {
  return {
    mode: dto.stacking_rules?.redeemables_application_mode ?? 'ALL',
    limit: dto.stacking_rules?.applicable_redeemables_limit ?? DEFAULT_APPLICABLE_LIMIT,
  };
}

export function stackingRulesBody(mode: ApplicationMode, limit: number) {
  return {
    redeemables_limit: 30,
    applicable_redeemables_limit: limit,
    applicable_redeemables_per_category_limit: 1,
    applicable_exclusive_redeemables_limit: 1,
    applicable_exclusive_redeemables_per_category_limit: 1,
    exclusive_categories: [],
    joint_categories: [],
    redeemables_application_mode: mode,
    redeemables_sorting_rule: 'REQUESTED_ORDER',
    redeemables_products_application_mode: 'STACK',
    redeemables_no_effect_rule: 'REDEEM_ANYWAY',
    redeemables_rollback_order_mode: 'WITH_ORDER',
  };
}

/** Throws 400 duplicated_redeemables when the same object and id appear twice. */
export function assertNoDuplicates(redeemables: RedeemableDto[]): void {
  const seen = new Set<string>();
  for (const r of redeemables) {
    const key = `${r.object}\u0000${r.id}`;
    if (seen.has(key)) throw RedemptionErrors.duplicatedRedeemables(r.id);
    seen.add(key);
  }
  if (redeemables.some((r) => r.object === 'promotion_stack') && redeemables.length > 1)
    throw RedemptionErrors.invalidRedeemables('A promotion_stack must be the only redeemable');
}

export function stackEntryOf(item: PlannedRedeemable): StackEntry {
  const v = item.voucher as VoucherEntity;
  if (v.type === 'GIFT_VOUCHER')
    return { gift: { balance: v.giftBalance ?? 0, credits: item.input.gift?.credits } };
  return {
    discount: (v.discount ?? { type: 'AMOUNT', amount_off: 0 }) as unknown as DiscountDefinition,
  };
}

/** The calculated order as the contract shows it. */
export function orderBody(calc: CalculationResult, extra: Record<string, unknown> = {}) {
  return { ...calc.order, ...extra, object: 'order' };
}

/**
 * Validations: read-only decisions over fresh voucher rows (the only writes are LOCK holds,
 * which a caller asks for explicitly).
 */
@Injectable()
export class ValidationsService {
  constructor(
    private readonly repository: RedemptionsRepository,
    private readonly evaluator: RedeemableEvaluator,
    private readonly tx: TransactionRunner,
    private readonly codes: CodeLookup,
  ) {}

  /**
   * Vouchers read as `found`; those whose only obstacle may be expired holds (held units
   * fill the quantity) get their expired holds released under the voucher's lock and are
   * read again. Expiry is lazy: this is where it happens for validations and redemptions.
   */
  async withExpiredHoldsReleased(
    projectId: string,
    keys: string[],
    found: Map<string, VoucherEntity>,
  ): Promise<Map<string, VoucherEntity>> {
    const blocked = [...found.values()].filter(
      (v) =>
        v.heldQuantity > 0 &&
        v.redemptionQuantity !== null &&
        v.redeemedQuantity < v.redemptionQuantity &&
        v.redeemedQuantity + v.heldQuantity >= v.redemptionQuantity,
    );
    if (!blocked.length) return found;
    const ids = blocked.map((v) => v.id).sort();
    await this.tx.run(async (em) => {
      await this.repository.lockInOrder(projectId, [], ids, em);
      for (const id of ids) await this.repository.releaseExpiredHolds(projectId, id, em);
    });
    return this.repository.findVouchers(projectId, keys);
  }

  /** Loads, evaluates and applies the stacking rules to the requested redeemables. */
  async plan(
    ctx: EvaluationContext,
    redeemables: RedeemableDto[],
    vouchers: Map<string, VoucherEntity>,
    mode: ApplicationMode,
    limit: number,
    em?: EntityManager,
    definitions?: Map<string, VoucherDefinition>,
  ): Promise<StackPlan> {
    const evaluated: Omit<PlannedRedeemable, 'decision' | 'stackIndex'>[] = [];
    for (const input of redeemables) {
      if (input.object !== 'voucher') {
        evaluated.push({
          input,
          voucher: null,
          definition: null,
          failure: { ...failure('not_found', `Cannot find ${input.object} with id ${input.id}`) },
        });
        continue;
      }
      const voucher = vouchers.get(input.id) ?? null;
      if (!voucher) {
        evaluated.push({
          input,
          voucher: null,
          definition: null,
          failure: failure('not_found', `Cannot find voucher with id ${input.id}`),
        });
        continue;
      }
      // Inside a transaction the definitions come pre-loaded: a second pool connection
      // taken while this one holds row locks could starve the pool.
      const definition =
        definitions?.get(voucher.id) ?? (await this.evaluator.definition(ctx.projectId, voucher));
      const f = await this.evaluator.evaluate(ctx, voucher, definition, input.gift?.credits, em);
      evaluated.push({ input, voucher, definition, failure: f });
    }
    const { valid, decisions } = applyStackingRules(
      evaluated.map((e) => e.failure === null),
      mode,
      limit,
    );
    let next = 0;
    const items: PlannedRedeemable[] = evaluated.map((e, i) => ({
      ...e,
      decision: decisions[i],
      stackIndex: decisions[i].status === 'APPLICABLE' ? next++ : null,
    }));
    const applicable = items.filter((i) => i.decision.status === 'APPLICABLE');
    const calculation = calculateOrder(ctx.order ?? {}, valid ? applicable.map(stackEntryOf) : []);
    return { valid, items, applicable, calculation };
  }

  async context(
    projectId: string,
    dto: RedemptionContextDto,
    customerOverride?: {
      id: string;
      source_id: string | null;
      metadata: Record<string, unknown> | null;
    },
  ): Promise<EvaluationContext> {
    let customer: CustomerContext | null = null;
    let customerId: string | null = null;
    const given = dto.customer;
    const stored =
      customerOverride ??
      (given && (given.id || given.source_id)
        ? await this.repository.findCustomer(projectId, (given.id ?? given.source_id) as string)
        : null);
    if (stored) {
      customerId = stored.id;
      customer = {
        id: stored.id,
        source_id: stored.source_id,
        metadata: { ...(stored.metadata ?? {}), ...(given?.metadata ?? {}) },
      };
    } else if (given) {
      customer = { id: given.id, source_id: given.source_id, metadata: given.metadata ?? {} };
    }
    return {
      projectId,
      now: new Date(),
      order: orderInputOf(dto),
      customer,
      customerId,
      metadata: dto.metadata ?? null,
      sessionKey: dto.session?.key ?? null,
    };
  }

  /** POST /v1/vouchers/:code/validate — 200 valid or 200 valid:false; unknown code → 404. */
  async validateVoucher(
    auth: AuthContext,
    code: string,
    dto: VoucherRequestDto,
    requestId: string,
    ip: string,
  ) {
    const vouchers = await this.withExpiredHoldsReleased(
      auth.projectId,
      [code],
      await this.codes.find(auth.projectId, ip, [code], () =>
        this.repository.findVouchers(auth.projectId, [code]),
      ),
    );
    const voucher = vouchers.get(code);
    if (!voucher) throw RedemptionErrors.voucherNotFound(code);
    const ctx = await this.context(auth.projectId, dto);
    const input: RedeemableDto = { object: 'voucher', id: code, gift: dto.gift };
    const plan = await this.plan(ctx, [input], vouchers, 'ALL', 1);
    const item = plan.items[0];
    const definition = item.definition as VoucherDefinition;
    const trackingId = trackingIdOf(dto.tracking_id, ctx.customer?.source_id);
    const invalid = (f: CheckFailure) => ({
      valid: false,
      code: voucher.code,
      reason: f.message,
      error: RedemptionErrors.inapplicable(f).toBody(requestId),
      tracking_id: trackingId,
      metadata: voucher.metadata ?? {},
    });
    if (item.failure) return invalid(item.failure);
    let session: Record<string, unknown> | undefined;
    if (dto.session?.type === 'LOCK') {
      const held = await this.hold(auth.projectId, [voucher.id], dto.session);
      if (!held.ok) return invalid(failure('quantity_exceeded', voucher.code));
      session = held.session;
    }
    const application = plan.calculation.applications[0];
    const body: Record<string, unknown> = {
      valid: true,
      code: voucher.code,
      applicable_to: EMPTY_LIST,
      inapplicable_to: EMPTY_LIST,
      campaign: definition.campaignName,
      campaign_id: voucher.campaignId,
      metadata: voucher.metadata ?? {},
    };
    if (voucher.type === 'GIFT_VOUCHER') {
      body.gift = {
        amount: voucher.giftAmount ?? 0,
        balance: voucher.giftBalance ?? 0,
        effect: voucher.giftEffect,
        credits: application?.gift_credits ?? 0,
      };
    } else {
      body.discount = voucher.discount;
    }
    Object.assign(body, {
      order: orderBody(plan.calculation),
      ...(session ? { session } : {}),
      start_date: voucher.startDate?.toISOString() ?? null,
      expiration_date: voucher.expirationDate?.toISOString() ?? null,
      tracking_id: trackingId,
    });
    return body;
  }

  /** GET /client/v1/validate: the client SDK's query string turned into the legacy body. */
  validateFromQuery(
    auth: AuthContext,
    query: ClientValidateQueryDto,
    requestId: string,
    ip: string,
  ) {
    const items = (query.item ?? []).map((raw) =>
      numericFields(raw, ['quantity', 'price', 'amount']),
    );
    const order: Record<string, unknown> = {};
    if (query.amount !== undefined) order.amount = query.amount;
    if (items.length) order.items = items;
    const dto: VoucherRequestDto = {
      order: Object.keys(order).length ? (order as VoucherRequestDto['order']) : undefined,
      customer: query.customer as VoucherRequestDto['customer'],
      metadata: query.metadata,
      tracking_id: query.tracking_id,
    };
    return this.validateVoucher(auth, query.code, dto, requestId, ip);
  }

  /** POST /v1/validations — per-redeemable statuses in a 200. */
  async validateStackable(
    auth: AuthContext,
    dto: StackableRequestDto,
    requestId: string,
    ip: string,
  ) {
    assertNoDuplicates(dto.redeemables);
    const { mode, limit } = stackingOf(dto);
    const keys = dto.redeemables.filter((r) => r.object === 'voucher').map((r) => r.id);
    const vouchers = await this.withExpiredHoldsReleased(
      auth.projectId,
      keys,
      await this.codes.find(auth.projectId, ip, keys, () =>
        this.repository.findVouchers(auth.projectId, keys),
      ),
    );
    const ctx = await this.context(auth.projectId, dto);
    const plan = await this.plan(ctx, dto.redeemables, vouchers, mode, limit);
    let session: Record<string, unknown> | undefined;
    let valid = plan.valid;
    const items = plan.items;
    if (valid && dto.session?.type === 'LOCK') {
      const held = await this.hold(
        auth.projectId,
        plan.applicable.map((i) => (i.voucher as VoucherEntity).id),
        dto.session,
      );
      if (held.ok) session = held.session;
      else {
        valid = false;
        for (const i of plan.applicable) {
          if ((i.voucher as VoucherEntity).id !== held.failedVoucherId) continue;
          i.failure = failure('quantity_exceeded', (i.voucher as VoucherEntity).code);
          i.decision = { status: 'INAPPLICABLE' };
        }
      }
    }
    const redeemables = items.map((i) => this.redeemableBody(i, plan.calculation, requestId));
    const body: Record<string, unknown> = {
      valid,
      id: newId('validation'),
      redeemables,
      skipped_redeemables: redeemables.filter((r) => r.status === 'SKIPPED'),
      inapplicable_redeemables: redeemables.filter((r) => r.status === 'INAPPLICABLE'),
      order: orderBody(valid ? plan.calculation : calculateOrder(ctx.order ?? {}, [])),
      tracking_id: trackingIdOf(dto.tracking_id, ctx.customer?.source_id),
      stacking_rules: stackingRulesBody(mode, limit),
    };
    if (session) body.session = session;
    return body;
  }

  redeemableBody(item: PlannedRedeemable, calc: CalculationResult | undefined, requestId: string) {
    const v = item.voucher;
    const base: Record<string, unknown> = {
      status: item.decision.status,
      id: item.input.id,
      object: item.input.object,
      metadata: v?.metadata ?? {},
      categories: [],
    };
    if (v) {
      base.campaign_id = v.campaignId;
      base.campaign_name = item.definition?.campaignName ?? null;
    }
    if (item.decision.status === 'INAPPLICABLE' && item.failure) {
      const resource = v ? undefined : { id: item.input.id, type: item.input.object };
      base.result = {
        error: RedemptionErrors.inapplicable(item.failure, resource).toBody(requestId),
        details: { key: item.failure.key, message: item.failure.message },
      };
    } else if (item.decision.status === 'SKIPPED') {
      const key = item.decision.skipKey as string;
      base.result = { details: { key, message: SKIP_MESSAGES[key] } };
    } else if (v) {
      const application =
        item.stackIndex !== null ? calc?.applications[item.stackIndex] : undefined;
      base.applicable_to = EMPTY_LIST;
      base.inapplicable_to = EMPTY_LIST;
      base.result =
        v.type === 'GIFT_VOUCHER'
          ? { gift: { credits: application?.gift_credits ?? 0, balance: v.giftBalance ?? 0 } }
          : { discount: v.discount };
      base.order = {
        applied_discount_amount: application?.order_discount_amount ?? 0,
        items_applied_discount_amount: application?.items_discount_amount ?? 0,
        total_applied_discount_amount: application?.total_discount_amount ?? 0,
      };
    }
    return base;
  }

  /**
   * Places LOCK holds on the given vouchers under their row locks (taken in id order); all or
   * none. Each lock releases the voucher's expired holds first.
   */
  async hold(
    projectId: string,
    voucherIds: string[],
    session: { key?: string; ttl?: number; ttl_unit?: string },
  ): Promise<
    { ok: true; session: Record<string, unknown> } | { ok: false; failedVoucherId: string }
  > {
    const key = session.key ?? newId('session', 32);
    const ttlMs = sessionTtlMs(session.ttl, session.ttl_unit);
    const expiresAt = new Date(Date.now() + ttlMs);
    const sorted = [...new Set(voucherIds)].sort();
    try {
      await this.tx.run(async (em) => {
        await this.repository.lockInOrder(projectId, [], sorted, em);
        for (const id of sorted) {
          await this.repository.releaseExpiredHolds(projectId, id, em);
          if (!(await this.repository.placeHold(projectId, id, key, expiresAt, em)))
            throw new HoldRefused(id);
        }
      });
    } catch (error) {
      if (error instanceof HoldRefused) return { ok: false, failedVoucherId: error.voucherId };
      throw error;
    }
    return {
      ok: true,
      session: {
        key,
        type: 'LOCK',
        ttl: session.ttl ?? 7,
        ttl_unit: session.ttl !== undefined ? (session.ttl_unit ?? 'DAYS') : 'DAYS',
      },
    };
  }
}

class HoldRefused extends AppError {
  constructor(readonly voucherId: string) {
    super({ status: 400, key: 'quantity_exceeded', message: 'quantity exceeded' });
  }
}

function numericFields(raw: Record<string, unknown>, fields: string[]) {
  const out: Record<string, unknown> = { ...raw };
  for (const f of fields) {
    if (typeof out[f] === 'string' && out[f] !== '') out[f] = Number(out[f]);
  }
  return out;
}
