import { AppError, Errors, isoOrNull } from '@app/core';
import type { CampaignEntity, VoucherTemplate } from './campaign.entity';
import {
  CodeConfig,
  CodeConfigInput,
  MAX_CODE_LENGTH,
  normalizeCodeConfig,
} from './code-generation';
import type { VoucherTemplateRow } from './vouchers.repository';
import type { VoucherTransactionEntity } from './voucher-transaction.entity';
import type { VoucherEntity } from './voucher.entity';
import { VoucherErrors } from './vouchers.errors';

/** Effects each discount type accepts (the contract's discount table, §4.3); the first is the default. */
export const DISCOUNT_EFFECTS: Record<string, string[]> = {
  AMOUNT: [
    'APPLY_TO_ORDER',
    'APPLY_TO_ITEMS',
    'APPLY_TO_ITEMS_PROPORTIONALLY',
    'APPLY_TO_ITEMS_PROPORTIONALLY_BY_QUANTITY',
    'APPLY_TO_ITEMS_BY_QUANTITY',
  ],
  PERCENT: ['APPLY_TO_ORDER', 'APPLY_TO_ITEMS'],
  FIXED: ['APPLY_TO_ORDER', 'APPLY_TO_ITEMS'],
  UNIT: ['ADD_MISSING_ITEMS', 'ADD_NEW_ITEMS', 'ADD_SAME_ITEMS'],
};

const REQUIRED_DISCOUNT_FIELD: Record<string, string> = {
  AMOUNT: 'amount_off',
  PERCENT: 'percent_off',
  FIXED: 'fixed_amount',
  UNIT: 'unit_off',
};

type Plain = Record<string, unknown>;

function definedOnly(obj: object): Plain {
  const out: Plain = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    out[k] =
      v !== null && typeof v === 'object' && !Array.isArray(v) ? definedOnly(v as object) : v;
  }
  return out;
}

/** Checks a discount against its type and fills the default effect. */
export function normalizeDiscount(discount: object, path = '.discount'): Plain & { type: string } {
  const d = definedOnly(discount) as Plain & { type: string };
  const required = REQUIRED_DISCOUNT_FIELD[d.type];
  if (!required)
    throw Errors.invalidPayload(
      `Property ${path}.type must be one of AMOUNT, PERCENT, FIXED, UNIT`,
    );
  if (d[required] === undefined && d[`${required}_formula`] === undefined)
    throw Errors.invalidPayload(
      `Property ${path}.${required} is required for a ${d.type} discount`,
    );
  if (d.type === 'UNIT' && d.unit_type === undefined)
    throw Errors.invalidPayload(`Property ${path}.unit_type is required for a UNIT discount`);
  const effects = DISCOUNT_EFFECTS[d.type];
  if (d.effect === undefined) d.effect = effects[0];
  else if (!effects.includes(String(d.effect)))
    throw Errors.invalidPayload(
      `Property ${path}.effect must be one of ${effects.join(', ')} for a ${d.type} discount`,
    );
  return d;
}

export interface VoucherInput {
  type?: string | null;
  discount?: object | null;
  gift?: { amount: number; effect?: string } | null;
  loyalty_card?: object | null;
}

/** Resolves the voucher type from the body (explicit, else from which value object is present). */
export function resolveVoucherType(
  input: VoucherInput,
  path = '',
): 'DISCOUNT_VOUCHER' | 'GIFT_VOUCHER' {
  const type =
    input.type ??
    (input.gift ? 'GIFT_VOUCHER' : input.loyalty_card ? 'LOYALTY_CARD' : 'DISCOUNT_VOUCHER');
  if (type === 'LOYALTY_CARD' || type === 'LUCKY_DRAW')
    throw VoucherErrors.invalidVoucher(
      `${type} vouchers are not supported yet; use DISCOUNT_VOUCHER or GIFT_VOUCHER`,
    );
  if (type === 'DISCOUNT_VOUCHER' && !input.discount)
    throw Errors.invalidPayload(`Property ${path}.discount is required for a DISCOUNT_VOUCHER`);
  if (type === 'GIFT_VOUCHER' && !input.gift)
    throw Errors.invalidPayload(`Property ${path}.gift is required for a GIFT_VOUCHER`);
  return type as 'DISCOUNT_VOUCHER' | 'GIFT_VOUCHER';
}

export interface VoucherFieldsInput extends VoucherInput {
  category?: string | null;
  start_date?: string | null;
  expiration_date?: string | null;
  validity_timeframe?: object | null;
  validity_day_of_week?: number[] | null;
  validity_hours?: object | null;
  active?: boolean;
  additional_info?: string | null;
  metadata?: Record<string, unknown> | null;
  redemption?: { quantity?: number | null };
  publish?: { count?: number };
  holder_id?: string | null;
  validation_rules?: string[];
  is_referral_code?: boolean;
}

export function checkDates(
  start: string | Date | null | undefined,
  end: string | Date | null | undefined,
  timeframe: unknown,
) {
  if (start && end && new Date(start).getTime() > new Date(end).getTime())
    throw Errors.invalidPayload('Property .expiration_date must not be before .start_date');
  if (timeframe && !start)
    throw Errors.invalidPayload(
      'Property .start_date is required when .validity_timeframe is used',
    );
}

/**
 * Builds the stored row (all but id and code) of a voucher from a request, on top of a
 * campaign's template and settings when the voucher belongs to one.
 */
export function buildVoucherTemplateRow(
  input: VoucherFieldsInput,
  campaign?: CampaignEntity | null,
): VoucherTemplateRow {
  const template = campaign?.voucher;
  const merged: VoucherInput = campaign
    ? {
        type: input.type ?? template?.type,
        discount: input.discount ?? template?.discount ?? null,
        gift: input.gift ?? template?.gift ?? null,
      }
    : input;
  const type = resolveVoucherType(merged);
  if (campaign && template && type !== template.type)
    throw VoucherErrors.invalidVoucher(
      `Campaign ${campaign.name} holds ${template.type} vouchers, not ${type}`,
    );
  const discount = type === 'DISCOUNT_VOUCHER' ? normalizeDiscount(merged.discount!) : null;
  const gift = type === 'GIFT_VOUCHER' ? merged.gift! : null;
  const startDate = pick(input.start_date, campaign ? isoOrNull(campaign.startDate) : null);
  const expirationDate = pick(
    input.expiration_date,
    campaign ? isoOrNull(campaign.expirationDate) : null,
  );
  const timeframe = pick(input.validity_timeframe, campaign?.validityTimeframe ?? null);
  checkDates(startDate, expirationDate, timeframe);
  const quantity =
    input.redemption && 'quantity' in input.redemption && input.redemption.quantity !== undefined
      ? input.redemption.quantity
      : (template?.redemption?.quantity ?? null);
  return {
    campaign_id: campaign?.id ?? null,
    type,
    discount,
    gift_amount: gift ? gift.amount : null,
    gift_subtracted: gift ? 0 : null,
    gift_balance: gift ? gift.amount : null,
    gift_effect: gift ? (gift.effect ?? 'APPLY_TO_ORDER') : null,
    category: pick(input.category, campaign?.category ?? null),
    start_date: startDate,
    expiration_date: expirationDate,
    validity_timeframe: timeframe ? definedOnly(timeframe) : null,
    validity_day_of_week: pick(input.validity_day_of_week, campaign?.validityDayOfWeek ?? null),
    validity_hours: pickObject(input.validity_hours, campaign?.validityHours ?? null),
    active: input.active ?? true,
    additional_info: input.additional_info ?? null,
    metadata: input.metadata ?? {},
    redemption_quantity: quantity ?? null,
    publish_count: input.publish?.count ?? 0,
    holder_id: input.holder_id ?? null,
    is_referral_code: input.is_referral_code ?? template?.is_referral_code ?? false,
    // Rules live in validation_rules_assignments; the legacy column stays empty.
    validation_rules: [],
  };
}

function pick<T>(value: T | null | undefined, fallback: T | null): T | null {
  return value === undefined ? fallback : value;
}

function pickObject(
  value: object | null | undefined,
  fallback: object | null,
): Record<string, unknown> | null {
  const chosen = value === undefined ? fallback : value;
  return chosen ? definedOnly(chosen) : null;
}

/** Validates a code given by the caller (path or body). */
export function checkCode(code: string, path = '.code'): string {
  if (!/^[^\p{C}]{1,100}$/u.test(code) || [...code].length > MAX_CODE_LENGTH)
    throw Errors.invalidPayload(`Property ${path} must be 1-100 printable characters`);
  return code;
}

/** The campaign's template from a create request. */
export function buildCampaignTemplate(
  campaignType: string,
  voucher:
    | (VoucherInput & {
        redemption?: { quantity?: number | null };
        code_config?: CodeConfigInput;
        is_referral_code?: boolean;
      })
    | undefined,
): VoucherTemplate {
  if (campaignType !== 'DISCOUNT_COUPONS' && campaignType !== 'GIFT_VOUCHERS')
    throw new AppError({
      status: 400,
      key: 'invalid_campaign',
      message: 'Invalid campaign',
      details: `campaign_type ${campaignType} is not supported yet; use DISCOUNT_COUPONS or GIFT_VOUCHERS`,
    });
  const expected = campaignType === 'DISCOUNT_COUPONS' ? 'DISCOUNT_VOUCHER' : 'GIFT_VOUCHER';
  const input: VoucherInput = { ...(voucher ?? {}), type: voucher?.type ?? expected };
  const type = resolveVoucherType(input, '.voucher');
  if (type !== expected)
    throw Errors.invalidPayload(
      `Property .voucher.type must be ${expected} for a ${campaignType} campaign`,
    );
  const config: CodeConfig = normalizeCodeConfig(voucher?.code_config);
  return {
    type,
    ...(type === 'DISCOUNT_VOUCHER'
      ? { discount: normalizeDiscount(input.discount!, '.voucher.discount') }
      : {}),
    ...(type === 'GIFT_VOUCHER'
      ? { gift: { amount: input.gift!.amount, effect: input.gift!.effect ?? 'APPLY_TO_ORDER' } }
      : {}),
    redemption: { quantity: voucher?.redemption?.quantity ?? null },
    code_config: config,
    is_referral_code: voucher?.is_referral_code ?? false,
  };
}

/** A `validation_rules_assignment` as the validation-rules module serializes it (§4.3). */
export interface SerializedAssignment {
  id: string;
  rule_id: string;
  related_object_id: string;
  related_object_type: string;
  created_at: string | null;
  object: 'validation_rules_assignment';
}

const listUrl = (code: string, what: string) =>
  `/v1/vouchers/${encodeURIComponent(code)}/${what}?page=1&limit=10`;

/** The contract's voucher object (§4.3). Assets are omitted (no image service). */
export function serializeVoucher(
  v: VoucherEntity,
  campaignName: string | null,
  assignments: SerializedAssignment[] = [],
) {
  const gift =
    v.type === 'GIFT_VOUCHER'
      ? {
          amount: v.giftAmount ?? 0,
          subtracted_amount: v.giftSubtracted ?? 0,
          balance: v.giftBalance ?? 0,
          effect: v.giftEffect,
        }
      : null;
  return {
    id: v.id,
    code: v.code,
    campaign: campaignName,
    campaign_id: v.campaignId,
    category: v.category,
    category_id: null,
    categories: [],
    type: v.type,
    discount: v.discount,
    gift,
    loyalty_card: null,
    start_date: isoOrNull(v.startDate),
    expiration_date: isoOrNull(v.expirationDate),
    validity_timeframe: v.validityTimeframe,
    validity_day_of_week: v.validityDayOfWeek,
    validity_hours: v.validityHours,
    active: v.active,
    additional_info: v.additionalInfo,
    metadata: v.metadata ?? {},
    is_referral_code: v.isReferralCode,
    holder_id: v.holderId,
    referrer_id: null,
    publish: { object: 'list', count: v.publishCount, url: listUrl(v.code, 'publications') },
    redemption: {
      object: 'list',
      quantity: v.redemptionQuantity,
      redeemed_quantity: v.redeemedQuantity,
      ...(v.type === 'GIFT_VOUCHER' ? { redeemed_amount: v.redeemedAmount } : {}),
      url: listUrl(v.code, 'redemptions'),
    },
    validation_rules_assignments: {
      object: 'list',
      data_ref: 'data',
      data: assignments,
      total: assignments.length,
    },
    created_at: isoOrNull(v.createdAt),
    updated_at: isoOrNull(v.updatedAt),
    object: 'voucher',
  };
}

/** The contract's campaign object (§5.3). */
export function serializeCampaign(c: CampaignEntity, assignments: SerializedAssignment[] = []) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    campaign_type: c.campaignType,
    type: c.type,
    voucher: {
      type: c.voucher.type,
      ...(c.voucher.discount ? { discount: c.voucher.discount } : {}),
      ...(c.voucher.gift
        ? { gift: { amount: c.voucher.gift.amount, effect: c.voucher.gift.effect } }
        : {}),
      redemption: { quantity: c.voucher.redemption?.quantity ?? null },
      code_config: c.voucher.code_config,
      is_referral_code: c.voucher.is_referral_code ?? false,
      start_date: isoOrNull(c.startDate),
      expiration_date: isoOrNull(c.expirationDate),
      validity_timeframe: c.validityTimeframe,
      validity_day_of_week: c.validityDayOfWeek,
    },
    auto_join: c.autoJoin,
    join_once: c.joinOnce,
    use_voucher_metadata_schema: c.useVoucherMetadataSchema,
    validity_timeframe: c.validityTimeframe,
    validity_day_of_week: c.validityDayOfWeek,
    validity_hours: c.validityHours,
    activity_duration_after_publishing: c.activityDurationAfterPublishing,
    vouchers_count: c.vouchersCount,
    start_date: isoOrNull(c.startDate),
    expiration_date: isoOrNull(c.expirationDate),
    active: c.active,
    metadata: c.metadata ?? {},
    created_at: isoOrNull(c.createdAt),
    updated_at: isoOrNull(c.updatedAt),
    category: c.category,
    category_id: null,
    categories: [],
    creation_status: c.generationStatus,
    vouchers_generation_status: c.generationStatus,
    ...(c.generationFailure ? { vouchers_generation_failure: c.generationFailure } : {}),
    protected: false,
    readonly: false,
    validation_rules_assignments: {
      object: 'list',
      data_ref: 'data',
      data: assignments,
      total: assignments.length,
    },
    object: 'campaign',
  };
}

/** The balance object (§4.4). */
export function serializeBalance(
  amount: number,
  total: number,
  balance: number,
  voucherId: string,
) {
  return {
    amount,
    total,
    balance,
    type: 'gift_voucher',
    operation_type: 'MANUAL',
    object: 'balance',
    related_object: { type: 'voucher', id: voucherId },
  };
}

/** A voucher transaction (§4.5). */
export function serializeTransaction(t: VoucherTransactionEntity) {
  return {
    id: t.id,
    source_id: t.sourceId,
    voucher_id: t.voucherId,
    campaign_id: t.campaignId,
    source: t.source,
    reason: t.reason,
    type: t.type,
    details: {
      balance: {
        type: 'gift_voucher',
        total: t.total,
        amount: t.amount,
        object: 'balance',
        balance: t.balance,
        related_object: { id: t.voucherId, type: 'voucher' },
      },
    },
    related_transaction_id: t.relatedTransactionId,
    created_at: isoOrNull(t.createdAt),
  };
}
