import {
  Errors,
  FILTER_OPERATORS,
  FilterOperator,
  ListFilterCondition,
  parseListFilters,
} from '@app/core';

export { FILTER_OPERATORS } from '@app/core';
export type { FilterOperator } from '@app/core';

/** Voucher-state operators of `filters[active]`. */
export const ACTIVE_STATE_OPERATORS = ['$active', '$expired', '$enabled', '$disabled'] as const;
export type ActiveState = (typeof ACTIVE_STATE_OPERATORS)[number];
const ACTIVE_OPERATORS: readonly string[] = ['$is', '$is_not', ...ACTIVE_STATE_OPERATORS];

export type FilterCondition =
  | { field: 'active'; op: '$is' | '$is_not'; value: boolean }
  | { field: 'active'; op: ActiveState; value: boolean }
  | { field: 'metadata'; key: string; op: FilterOperator; values: string[] }
  | { field: 'redeemed_quantity'; op: FilterOperator; values: number[] }
  | { field: 'code' | 'category'; op: FilterOperator; values: string[] };

export interface ParsedFilters {
  junction: 'AND' | 'OR';
  conditions: FilterCondition[];
}

const NUMERIC_OPS = new Set<FilterOperator>([
  '$more_than',
  '$less_than',
  '$more_than_equal',
  '$less_than_equal',
]);

const bad = (details: string) => Errors.invalidQueryParams(details);

function parseBoolean(value: string, path: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw bad(`Property ${path} must be true or false`);
}

/**
 * Parses the qs-decoded `filters` object of GET /v1/vouchers into conditions. Supported fields:
 * `active` ($is/$is_not true|false, and the states $active/$expired/$enabled/$disabled),
 * `metadata.<key>`, `redemption.redeemed_quantity`, `code`, `category`.
 */
export function parseVoucherFilters(filters: Record<string, unknown> | undefined): ParsedFilters {
  return parseListFilters(filters, {
    path: '.filters',
    error: bad,
    operators: (field) => (field === 'active' ? ACTIVE_OPERATORS : FILTER_OPERATORS),
    unknownOperator: (path, op, field) =>
      field === 'active'
        ? `Property ${path}: active supports $is, $is_not, $active, $expired, $enabled, $disabled`
        : `Property ${path}: unknown operator ${op}`,
    condition,
  });
}

function condition({ field, operator: op, values, path }: ListFilterCondition): FilterCondition {
  if (field === 'active') {
    if (op === '$is' || op === '$is_not')
      return { field, op, value: parseBoolean(values[0] ?? '', path) };
    return { field, op: op as ActiveState, value: parseBoolean(values[0] ?? 'true', path) };
  }
  const operator = op as FilterOperator;
  const needsValue = operator !== '$has_value' && operator !== '$is_unknown';
  if (needsValue && values.length === 0) throw bad(`Property ${path} needs a value`);
  if (
    NUMERIC_OPS.has(operator) &&
    values.some((v) => !Number.isFinite(Number(v)) || v.trim() === '')
  )
    throw bad(`Property ${path} must be a number`);
  if (field === 'redemption.redeemed_quantity') {
    const numbers = values.map(Number);
    if (numbers.some((n) => !Number.isInteger(n))) throw bad(`Property ${path} must be an integer`);
    return { field: 'redeemed_quantity', op: operator, values: numbers };
  }
  if (field.startsWith('metadata.')) {
    const key = field.slice('metadata.'.length);
    if (!/^[\w\-. ]{1,100}$/.test(key)) throw bad(`Property ${path}: invalid metadata key`);
    return { field: 'metadata', key, op: operator, values };
  }
  if (field === 'code' || field === 'category') return { field, op: operator, values };
  throw bad(
    `Property .filters.${field} is not supported; use active, code, category, metadata.<key> or redemption.redeemed_quantity`,
  );
}
