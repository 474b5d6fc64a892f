import { Errors } from '@app/core';
import { FILTER_OPERATORS, FilterOperator } from '@app/vouchers';

/** Fields of `filters[...]` on GET /v1/publications, and where each lives. */
export const PUBLICATION_FILTER_FIELDS = [
  'failure_code',
  'result',
  'customer_id',
  'campaign_name',
  'parent_object_id',
  'source_id',
  'channel',
  'tracking_id',
  'voucher_code',
  'voucher_type',
  'is_referral_code',
  'related_object_id',
] as const;
export type PublicationFilterField = (typeof PUBLICATION_FILTER_FIELDS)[number];

export type PublicationCondition =
  | { field: PublicationFilterField; op: FilterOperator; values: string[] }
  | { field: 'metadata'; key: string; op: FilterOperator; values: string[] };

export interface ParsedPublicationFilters {
  junction: 'AND' | 'OR';
  conditions: PublicationCondition[];
}

const MAX_CONDITIONS = 20;
const MAX_VALUES = 100;
const NUMERIC_OPS = new Set<string>([
  '$more_than',
  '$less_than',
  '$more_than_equal',
  '$less_than_equal',
]);

/**
 * `voucher_type` values, case-insensitive: the spec's (`discount`, `loyalty`, `lucky_draw`),
 * the SDK type's (`DISCOUNT`, `GIFT`, `LOYALTY_CARD`, `LUCKY_DRAW`) and the voucher's own.
 */
const VOUCHER_TYPES: Record<string, string> = {
  DISCOUNT: 'DISCOUNT_VOUCHER',
  GIFT: 'GIFT_VOUCHER',
  LOYALTY: 'LOYALTY_CARD',
  LOYALTY_CARD: 'LOYALTY_CARD',
  LUCKY_DRAW: 'LUCKY_DRAW',
  DISCOUNT_VOUCHER: 'DISCOUNT_VOUCHER',
  GIFT_VOUCHER: 'GIFT_VOUCHER',
};

export function voucherTypeOf(value: string): string {
  const type = VOUCHER_TYPES[value.toUpperCase()];
  if (!type)
    throw Errors.invalidQueryParams(
      `voucher_type must be one of ${Object.keys(VOUCHER_TYPES).join(', ')} (any case)`,
    );
  return type;
}

const bad = (details: string) => Errors.invalidQueryParams(details);

function valuesOf(raw: unknown, path: string): string[] {
  const list = Array.isArray(raw)
    ? raw
    : raw !== null && typeof raw === 'object'
      ? Object.values(raw)
      : [raw];
  if (list.length > MAX_VALUES) throw bad(`Property ${path} has more than ${MAX_VALUES} values`);
  return list.map((v) => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw bad(`Property ${path} must hold scalar values`);
    return String(v);
  });
}

/** Parses the qs-decoded `filters` object of GET /v1/publications into conditions. */
export function parsePublicationFilters(
  filters: Record<string, unknown> | undefined,
): ParsedPublicationFilters {
  const parsed: ParsedPublicationFilters = { junction: 'AND', conditions: [] };
  if (!filters) return parsed;
  for (const [field, spec] of Object.entries(filters)) {
    if (field === 'junction') {
      const j = String(spec).toUpperCase();
      if (j !== 'AND' && j !== 'OR') throw bad('Property .filters.junction must be AND or OR');
      parsed.junction = j;
      continue;
    }
    const path = `.filters.${field}`;
    const conditions =
      spec !== null && typeof spec === 'object' && 'conditions' in spec
        ? (spec as { conditions: unknown }).conditions
        : undefined;
    if (conditions === null || typeof conditions !== 'object' || Array.isArray(conditions))
      throw bad(`Property ${path}.conditions must be an object of operators`);
    for (const [op, raw] of Object.entries(conditions)) {
      const opPath = `${path}.conditions.${op}`;
      parsed.conditions.push(condition(field, op, valuesOf(raw, opPath), opPath));
      if (parsed.conditions.length > MAX_CONDITIONS)
        throw bad(`At most ${MAX_CONDITIONS} filter conditions are supported`);
    }
  }
  return parsed;
}

function condition(
  field: string,
  op: string,
  values: string[],
  path: string,
): PublicationCondition {
  if (!(FILTER_OPERATORS as readonly string[]).includes(op))
    throw bad(`Property ${path}: unknown operator ${op}`);
  const operator = op as FilterOperator;
  if (operator !== '$has_value' && operator !== '$is_unknown' && values.length === 0)
    throw bad(`Property ${path} needs a value`);
  if (field.startsWith('metadata.')) {
    const key = field.slice('metadata.'.length);
    if (!/^[\w\-. ]{1,100}$/.test(key)) throw bad(`Property ${path}: invalid metadata key`);
    if (
      NUMERIC_OPS.has(operator) &&
      values.some((v) => v.trim() === '' || !Number.isFinite(Number(v)))
    )
      throw bad(`Property ${path} must be a number`);
    return { field: 'metadata', key, op: operator, values };
  }
  if (!(PUBLICATION_FILTER_FIELDS as readonly string[]).includes(field))
    throw bad(
      `Property .filters.${field} is not supported; use ${PUBLICATION_FILTER_FIELDS.join(', ')} or metadata.<key>`,
    );
  if (NUMERIC_OPS.has(operator))
    throw bad(`Property ${path}: ${operator} applies to metadata.<key> only`);
  if (field === 'voucher_type') values = values.map(voucherTypeOf);
  if (field === 'is_referral_code' && values.some((v) => v !== 'true' && v !== 'false'))
    throw bad(`Property ${path} must be true or false`);
  return { field: field as PublicationFilterField, op: operator, values };
}
