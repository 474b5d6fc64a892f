import { AppError } from '../errors/app-error';

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

export const MAX_FILTER_CONDITIONS = 20;
export const MAX_FILTER_VALUES = 100;

/** One `filters[<field>][conditions][<operator>]` entry, its values as strings. */
export interface ListFilterCondition {
  field: string;
  operator: string;
  values: string[];
  /** The property path error messages name, e.g. `.filters.code.conditions.$in`. */
  path: string;
}

export interface ParsedListFilters<C = ListFilterCondition> {
  junction: 'AND' | 'OR';
  conditions: C[];
}

/** What differs between the endpoints that take the filter syntax; the syntax itself does not. */
export interface ListFilterSyntax<C, F = void> {
  /** Where `filters` sits in the request, as error messages name it (`.filters`). */
  path: string;
  /** The 400 to answer: invalid_query_params for a query string, invalid_payload for a body. */
  error: (details: string) => AppError;
  /** How the junction's error message spells its values (default `AND or OR`). */
  junctionHint?: string;
  /** The operators a field knows. */
  operators: (field: string) => readonly string[];
  unknownOperator: (path: string, operator: string, field: string) => string;
  /** Answer an unknown operator before looking at its values (exports always has). */
  operatorBeforeValues?: boolean;
  /** Checks a field once, before its conditions are read; its result goes to `condition`. */
  field?: (field: string, path: string) => F;
  /**
   * Turns one condition into the caller's form. It runs as each condition is read, so a request
   * with several mistakes is answered about the first one, in request order.
   */
  condition: (condition: ListFilterCondition, field: F) => C;
}

function valuesOf(raw: unknown, path: string, error: (details: string) => AppError): string[] {
  const list = Array.isArray(raw)
    ? raw
    : raw !== null && typeof raw === 'object'
      ? Object.values(raw)
      : [raw];
  if (list.length > MAX_FILTER_VALUES)
    throw error(`Property ${path} has more than ${MAX_FILTER_VALUES} values`);
  return list.map((v) => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw error(`Property ${path} must hold scalar values`);
    return String(v);
  });
}

/**
 * Parses the qs-decoded `filters` object of a list request
 * (`{junction?, <field>: {conditions: {<$op>: value | values}}}`) within the shared bounds.
 */
export function parseListFilters<C, F = void>(
  filters: Record<string, unknown> | undefined,
  syntax: ListFilterSyntax<C, F>,
): ParsedListFilters<C> {
  const { error } = syntax;
  const parsed: ParsedListFilters<C> = { junction: 'AND', conditions: [] };
  if (!filters) return parsed;
  for (const [field, spec] of Object.entries(filters)) {
    if (field === 'junction') {
      const j = String(spec).toUpperCase();
      if (j !== 'AND' && j !== 'OR')
        throw error(
          `Property ${syntax.path}.junction must be ${syntax.junctionHint ?? 'AND or OR'}`,
        );
      parsed.junction = j;
      continue;
    }
    const path = `${syntax.path}.${field}`;
    const checked = syntax.field ? syntax.field(field, path) : (undefined as F);
    const conditions =
      spec !== null && typeof spec === 'object' && 'conditions' in spec
        ? (spec as { conditions: unknown }).conditions
        : undefined;
    if (conditions === null || typeof conditions !== 'object' || Array.isArray(conditions))
      throw error(`Property ${path}.conditions must be an object of operators`);
    const known = syntax.operators(field);
    for (const [operator, raw] of Object.entries(conditions)) {
      const opPath = `${path}.conditions.${operator}`;
      const checkOperator = () => {
        if (!known.includes(operator)) throw error(syntax.unknownOperator(opPath, operator, field));
      };
      if (syntax.operatorBeforeValues) checkOperator();
      const values = valuesOf(raw, opPath, error);
      if (!syntax.operatorBeforeValues) checkOperator();
      parsed.conditions.push(syntax.condition({ field, operator, values, path: opPath }, checked));
      if (parsed.conditions.length > MAX_FILTER_CONDITIONS)
        throw error(`At most ${MAX_FILTER_CONDITIONS} filter conditions are supported`);
    }
  }
  return parsed;
}
