import {
  Errors,
  FILTER_OPERATORS,
  FilterOperator,
  ListFilterCondition,
  parseListFilters,
} from '@app/core';

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

/** Parses the qs-decoded `filters` object of GET /v1/publications into conditions. */
export function parsePublicationFilters(
  filters: Record<string, unknown> | undefined,
): ParsedPublicationFilters {
  return parseListFilters(filters, {
    path: '.filters',
    error: bad,
    operators: () => FILTER_OPERATORS,
    unknownOperator: (path, op) => `Property ${path}: unknown operator ${op}`,
    condition,
  });
}

function condition({
  field,
  operator: op,
  values,
  path,
}: ListFilterCondition): PublicationCondition {
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
