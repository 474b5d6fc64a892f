import { Errors } from '@app/core';

/** Operators of the contract's `filters[<field>][conditions][$op][i]=value` (§2.4). */
export const FILTER_OPERATORS = [
  '$in',
  '$not_in',
  '$is',
  '$is_not',
  '$has_value',
  '$is_unknown',
  '$contains',
  '$starts_with',
  '$ends_with',
  '$more_than',
  '$less_than',
  '$more_than_equal',
  '$less_than_equal',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Voucher-state operators of `filters[active]`. */
export const ACTIVE_STATE_OPERATORS = ['$active', '$expired', '$enabled', '$disabled'] as const;
export type ActiveState = (typeof ACTIVE_STATE_OPERATORS)[number];

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

const MAX_CONDITIONS = 20;
const MAX_VALUES = 100;
const NUMERIC_OPS = new Set<FilterOperator>([
  '$more_than',
  '$less_than',
  '$more_than_equal',
  '$less_than_equal',
]);

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
  const parsed: ParsedFilters = { junction: 'AND', conditions: [] };
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
      const values = valuesOf(raw, opPath);
      parsed.conditions.push(condition(field, op, values, opPath));
      if (parsed.conditions.length > MAX_CONDITIONS)
        throw bad(`At most ${MAX_CONDITIONS} filter conditions are supported`);
    }
  }
  return parsed;
}

function condition(field: string, op: string, values: string[], path: string): FilterCondition {
  if (field === 'active') {
    if ((ACTIVE_STATE_OPERATORS as readonly string[]).includes(op))
      return { field, op: op as ActiveState, value: parseBoolean(values[0] ?? 'true', path) };
    if (op === '$is' || op === '$is_not')
      return { field, op, value: parseBoolean(values[0] ?? '', path) };
    throw bad(
      `Property ${path}: active supports $is, $is_not, $active, $expired, $enabled, $disabled`,
    );
  }
  if (!(FILTER_OPERATORS as readonly string[]).includes(op))
    throw bad(`Property ${path}: unknown operator ${op}`);
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
