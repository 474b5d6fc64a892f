import { createHash } from 'node:crypto';
import {
  CompiledRuleSet,
  CustomerContext,
  evaluateRuleSet,
  evaluateValidity,
  Metadata,
  OrderInput,
  orderAmountOf,
  RedemptionCounters,
  ValidityWindow,
} from '@app/validations';

/**
 * The pure half of validation and redemption: given a voucher's state (read by the caller),
 * the request and the rule sets, decide whether the voucher applies and why not.
 * The redemption engine re-decides the counters atomically in SQL; this only explains.
 */

export interface VoucherState {
  id: string;
  code: string;
  type: 'DISCOUNT_VOUCHER' | 'GIFT_VOUCHER' | 'LOYALTY_CARD';
  active: boolean;
  redemptionQuantity: number | null;
  redeemedQuantity: number;
  heldQuantity: number;
  giftBalance: number | null;
  window: ValidityWindow;
}

export interface AssignedRules {
  ruleId: string;
  ruleSet: CompiledRuleSet;
  /** Counters for the object the rule is assigned to (voucher or campaign). */
  counters?: RedemptionCounters;
}

export interface CheckInput {
  voucher: VoucherState;
  now: Date;
  order?: OrderInput | null;
  customer?: CustomerContext | null;
  metadata?: Metadata | null;
  /** Gift credits the caller asked to use (`gift.credits`). */
  giftCredits?: number | null;
  /** The request's session key owns a live hold on this voucher (it may use the held unit). */
  ownsHold?: boolean;
  rules: AssignedRules[];
}

export interface CheckFailure {
  key: string;
  message: string;
  /** The contract's optional `error.message` (a rule's custom message). */
  errorMessage?: string;
  details?: string;
}

export const FAILURE_MESSAGES: Record<string, string> = {
  not_found: 'Resource not found',
  voucher_disabled: 'voucher is disabled',
  voucher_not_active: 'voucher not active',
  voucher_expired: 'voucher expired',
  voucher_not_active_now: 'voucher not active now',
  quantity_exceeded: 'quantity exceeded',
  gift_amount_exceeded: 'gift amount exceeded',
  missing_amount: 'missing amount',
  missing_customer: 'missing customer',
  invalid_voucher: 'voucher type not supported',
};

export function failure(key: string, details?: string, errorMessage?: string): CheckFailure {
  return { key, message: FAILURE_MESSAGES[key] ?? key, details, errorMessage };
}

/** A redemption reports an unknown voucher with the contract's failure code `resource_not_found`. */
export function asRedemptionFailure(f: CheckFailure): CheckFailure {
  if (f.key !== 'not_found') return f;
  return { ...f, key: 'resource_not_found', message: 'voucher with given code does not exist' };
}

/** Whether one more use fits: redeemed plus held (by others) stays under the quantity. */
export function quantityAvailable(v: VoucherState, ownsHold = false): boolean {
  if (v.redemptionQuantity === null) return true;
  if (ownsHold) return v.redeemedQuantity < v.redemptionQuantity;
  return v.redeemedQuantity + v.heldQuantity < v.redemptionQuantity;
}

/** The first reason the voucher does not apply, in the order the contract reports them. */
export function checkVoucher(input: CheckInput): CheckFailure | null {
  const { voucher: v } = input;
  if (!v.active) return failure('voucher_disabled', v.code);
  const validity = evaluateValidity(v.window, input.now);
  if (validity !== 'ok') return failure(validity, v.code);
  if (v.type === 'LOYALTY_CARD')
    return failure('invalid_voucher', `Loyalty card ${v.code} cannot be redeemed here`);
  if (!quantityAvailable(v, input.ownsHold)) return failure('quantity_exceeded', v.code);
  for (const rules of input.rules) {
    const outcome = evaluateRuleSet(rules.ruleSet, {
      order: input.order,
      customer: input.customer,
      metadata: input.metadata,
      redemptions: rules.counters,
    });
    if (!outcome.passed) {
      const violation = outcome.violation;
      if (violation.missingCustomer)
        return failure('missing_customer', 'Customer is required to validate rules');
      return {
        key: violation.key,
        message: violation.message,
        errorMessage: violation.errorMessage,
        details: `${v.code} cannot be redeemed because of violated validation rules: ${rules.ruleId}`,
      };
    }
  }
  if (v.type === 'GIFT_VOUCHER') return checkGift(v, input.order, input.giftCredits);
  return null;
}

function checkGift(
  v: VoucherState,
  order: OrderInput | null | undefined,
  credits: number | null | undefined,
): CheckFailure | null {
  const balance = v.giftBalance ?? 0;
  if (balance <= 0) return failure('gift_amount_exceeded', v.code);
  if (credits !== undefined && credits !== null && credits > balance)
    return failure('gift_amount_exceeded', v.code);
  // Credits pay for an order: without an amount there is nothing to pay (the contract's
  // "Amount is required when redeeming a GIFT_VOUCHER").
  if (!(orderAmountOf(order) ?? 0)) return failure('missing_amount', v.code);
  return null;
}

// ---------------------------------------------------------------- stacking

export type StackStatus = 'APPLICABLE' | 'INAPPLICABLE' | 'SKIPPED';
export type ApplicationMode = 'ALL' | 'PARTIAL';

export interface StackDecision {
  status: StackStatus;
  /** SKIPPED: why. */
  skipKey?: 'applicable_redeemables_limit_exceeded' | 'preceding_validation_failed';
}

/**
 * Applies the stacking rules to per-redeemable outcomes (in request order):
 * at most `limit` applicable ones (later ones SKIPPED); in ALL mode any inapplicable one
 * makes the whole request invalid and the applicable ones SKIPPED.
 */
export function applyStackingRules(
  applicable: boolean[],
  mode: ApplicationMode,
  limit: number,
): { valid: boolean; decisions: StackDecision[] } {
  let taken = 0;
  const decisions: StackDecision[] = applicable.map((ok) => {
    if (!ok) return { status: 'INAPPLICABLE' };
    if (taken >= limit)
      return { status: 'SKIPPED', skipKey: 'applicable_redeemables_limit_exceeded' };
    taken++;
    return { status: 'APPLICABLE' };
  });
  const anyInapplicable = applicable.some((ok) => !ok);
  if (mode === 'ALL' && anyInapplicable) {
    return {
      valid: false,
      decisions: decisions.map((d) =>
        d.status === 'APPLICABLE'
          ? { status: 'SKIPPED', skipKey: 'preceding_validation_failed' }
          : d,
      ),
    };
  }
  return { valid: taken > 0, decisions };
}

export const SKIP_MESSAGES: Record<string, string> = {
  applicable_redeemables_limit_exceeded: 'Applicable redeemables limit exceeded',
  preceding_validation_failed: 'Redeemable cannot be applied due to preceding validation failure',
};

// ---------------------------------------------------------------- sessions

export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const UNIT_MS: Record<string, number> = {
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};
export const SESSION_TTL_UNITS = Object.keys(UNIT_MS);
/** Longest hold accepted (a hold blocks a use of the code until it ends). */
export const MAX_SESSION_TTL_MS = 30 * 86_400_000;

/** A session's lifetime: `ttl` in `ttl_unit` (default 7 days), capped at 30 days. */
export function sessionTtlMs(ttl?: number | null, unit?: string | null): number {
  if (ttl === undefined || ttl === null) return DEFAULT_SESSION_TTL_MS;
  const ms = ttl * (UNIT_MS[unit ?? 'DAYS'] ?? UNIT_MS.DAYS);
  return Math.min(Math.max(ms, 1), MAX_SESSION_TTL_MS);
}

/** `track_` + a hash of the customer's source id (stable per customer), or the caller's own. */
export function trackingIdOf(
  given: string | null | undefined,
  customerSourceId: string | null | undefined,
): string | null {
  if (given) return given;
  if (!customerSourceId) return null;
  return `track_${createHash('sha256').update(customerSourceId).digest('base64').slice(0, 24)}`;
}
