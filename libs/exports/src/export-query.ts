import { Errors, FILTER_OPERATORS, FilterOperator, parseListFilters } from '@app/core';
import { ExportableType, ExportColumnType, isoSql } from './export-registry';

export const EXPORT_ORDERS = ['created_at', '-created_at'] as const;
export type ExportOrder = (typeof EXPORT_ORDERS)[number];

const OPERATORS: readonly string[] = [...FILTER_OPERATORS, '$after', '$before'];
type Operator = FilterOperator | '$after' | '$before';

const MAX_FIELDS = 100;
const METADATA_KEY = /^[\w\-. ]{1,100}$/;

const bad = (details: string) => Errors.invalidPayload(details);

/** Collects positional parameters while SQL is built. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

interface ResolvedField {
  sql: string;
  type: ExportColumnType;
}

function resolveField(
  type: ExportableType,
  field: string,
  params: Params,
  path: string,
): ResolvedField {
  const column = Object.prototype.hasOwnProperty.call(type.columns, field)
    ? type.columns[field]
    : undefined;
  if (column) return column;
  if (type.metadata && field.startsWith('metadata.')) {
    const key = field.slice('metadata.'.length);
    if (!METADATA_KEY.test(key)) throw bad(`Property ${path}: invalid metadata key`);
    return { sql: `t.metadata->>${params.add(key)}`, type: 'string' };
  }
  throw bad(
    `Property ${path}: unknown field ${field}; allowed: ${Object.keys(type.columns).join(', ')}${type.metadata ? ', metadata.<key>' : ''}`,
  );
}

/** The fields of an export request: validated names, the defaults when none are given. */
export function exportFields(type: ExportableType, fields: string[] | undefined): string[] {
  const list = fields && fields.length ? fields : type.defaultFields;
  if (list.length > MAX_FIELDS)
    throw bad(`Property .parameters.fields has more than ${MAX_FIELDS} entries`);
  const probe = new Params();
  list.forEach((f, i) => resolveField(type, f, probe, `.parameters.fields[${i}]`));
  if (new Set(list).size !== list.length) throw bad('Property .parameters.fields has duplicates');
  return list;
}

function typedValue(type: ExportColumnType, value: string, path: string): unknown {
  if (type === 'number') {
    if (value.trim() === '' || !Number.isFinite(Number(value)))
      throw bad(`Property ${path} must be a number`);
    return Number(value);
  }
  if (type === 'boolean') {
    if (value !== 'true' && value !== 'false') throw bad(`Property ${path} must be true or false`);
    return value === 'true';
  }
  if (type === 'date') {
    if (Number.isNaN(Date.parse(value))) throw bad(`Property ${path} must be an ISO 8601 date`);
    return new Date(value).toISOString();
  }
  return value;
}

const cast = (type: ExportColumnType) =>
  type === 'number'
    ? '::numeric'
    : type === 'boolean'
      ? '::boolean'
      : type === 'date'
        ? '::timestamptz'
        : '';

const arrayCast = (type: ExportColumnType) => `${cast(type) || '::text'}[]`;

const like = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function conditionSql(
  field: ResolvedField,
  op: Operator,
  values: string[],
  params: Params,
  path: string,
): string {
  const { sql, type } = field;
  if (op === '$has_value') return `${sql} IS NOT NULL`;
  if (op === '$is_unknown') return `${sql} IS NULL`;
  if (values.length === 0) throw bad(`Property ${path} needs a value`);
  if (type === 'json')
    throw bad(`Property ${path}: filter on metadata.<key>, not on the whole object`);
  const typed = values.map((v) => typedValue(type, v, path));
  const one = () => `${params.add(typed[0])}${cast(type)}`;
  switch (op) {
    case '$in':
      return `${sql} = ANY(${params.add(typed)}${arrayCast(type)})`;
    case '$not_in':
      return `(${sql} IS NULL OR NOT (${sql} = ANY(${params.add(typed)}${arrayCast(type)})))`;
    case '$is':
      return `${sql} = ${one()}`;
    case '$is_not':
      return `${sql} IS DISTINCT FROM ${one()}`;
    case '$contains':
    case '$starts_with':
    case '$ends_with': {
      if (type !== 'string') throw bad(`Property ${path}: ${op} needs a text field`);
      const v = like(values[0]);
      const pattern = op === '$contains' ? `%${v}%` : op === '$starts_with' ? `${v}%` : `%${v}`;
      return `${sql} LIKE ${params.add(pattern)}`;
    }
    case '$more_than':
    case '$after':
      return `${sql} > ${one()}`;
    case '$less_than':
    case '$before':
      return `${sql} < ${one()}`;
    case '$more_than_equal':
      return `${sql} >= ${one()}`;
    case '$less_than_equal':
      return `${sql} <= ${one()}`;
  }
}

/**
 * `{junction?: 'and'|'or', <field>: {conditions: {$op: [values]}}}` — the list endpoints'
 * filter shape — into one SQL condition over the registry's columns ('' when empty).
 */
export function filtersSql(
  type: ExportableType,
  filters: Record<string, unknown> | undefined,
  params: Params,
): string {
  const { junction, conditions } = parseListFilters(filters, {
    path: '.parameters.filters',
    error: bad,
    junctionHint: 'and or or',
    operators: () => OPERATORS,
    unknownOperator: (path) => `Property ${path}: unknown operator`,
    operatorBeforeValues: true,
    field: (field, path) => resolveField(type, field, params, path),
    condition: ({ operator, values, path }, resolved) =>
      conditionSql(resolved, operator as Operator, values, params, path),
  });
  return conditions.length ? `(${conditions.join(` ${junction} `)})` : '';
}

export interface ExportCursor {
  /** created_at as Postgres text (microseconds kept: a JS Date would lose them). */
  createdAt: string;
  id: string;
}

export interface ExportQueryInput {
  projectId: string;
  fields: string[];
  filters: Record<string, unknown>;
  order: ExportOrder;
  /** Only rows created up to this instant (the export's snapshot). */
  createdUpTo: Date | null;
}

const createdColumn = (type: ExportableType) => type.createdAt ?? 't.created_at';

function whereSql(type: ExportableType, input: ExportQueryInput, params: Params): string {
  const where = [`t.project_id = ${params.add(input.projectId)}`];
  if (type.where) where.push(type.where);
  if (input.createdUpTo)
    where.push(
      `${createdColumn(type)} <= ${params.add(input.createdUpTo.toISOString())}::timestamptz`,
    );
  const filters = filtersSql(type, input.filters, params);
  if (filters) where.push(filters);
  return where.join(' AND ');
}

/** One keyset batch: the fields as text columns f0..fn, plus the cursor columns. */
export function batchQuery(
  type: ExportableType,
  input: ExportQueryInput,
  after: ExportCursor | null,
  limit: number,
): { sql: string; params: unknown[] } {
  const params = new Params();
  const select = input.fields.map((f, i) => {
    const field = resolveField(type, f, params, `.parameters.fields[${i}]`);
    const sql =
      field.type === 'date'
        ? isoSql(field.sql)
        : field.type === 'json'
          ? `(${field.sql})::text`
          : field.sql;
    return `${sql} AS "f${i}"`;
  });
  let where = whereSql(type, input, params);
  const created = createdColumn(type);
  const descending = input.order === '-created_at';
  if (after) {
    where += ` AND (${created}, t.id) ${descending ? '<' : '>'} (${params.add(after.createdAt)}::timestamptz, ${params.add(after.id)})`;
  }
  const direction = descending ? 'DESC' : 'ASC';
  return {
    sql: `SELECT ${select.join(', ')}, ${created}::text AS "cursor_created_at", t.id AS "cursor_id"
          FROM ${type.table} t WHERE ${where}
          ORDER BY ${created} ${direction}, t.id ${direction} LIMIT ${params.add(limit)}`,
    params: params.values,
  };
}

export function countQuery(
  type: ExportableType,
  input: ExportQueryInput,
): { sql: string; params: unknown[] } {
  const params = new Params();
  const where = whereSql(type, input, params);
  return {
    sql: `SELECT count(*)::text AS n FROM ${type.table} t WHERE ${where}`,
    params: params.values,
  };
}

/** Validates filters without running them (POST answers 400 for a bad filter, not a failed job). */
export function validateFilters(
  type: ExportableType,
  filters: Record<string, unknown> | undefined,
): void {
  filtersSql(type, filters, new Params());
}
