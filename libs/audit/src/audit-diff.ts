import { createHash } from 'node:crypto';

export const REDACTED = '[redacted]';
/** A value whose JSON is longer than this is replaced by a marker: the log stays compact. */
export const MAX_VALUE_CHARS = 2000;
export const GENESIS_HASH = '0'.repeat(64);

/** Plain JSON for a column value (dates as ISO strings, bigints as strings, long values cut). */
export function auditValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function') return null;
  if (value !== null && typeof value === 'object') {
    const json = JSON.stringify(value);
    if (json.length > MAX_VALUE_CHARS) return `[${json.length} characters]`;
    return JSON.parse(json) as unknown;
  }
  if (typeof value === 'string' && value.length > MAX_VALUE_CHARS)
    return `[${value.length} characters]`;
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The compact diff of a change: for an insert every non-null column (`{col: value}`), for an
 * update the changed columns only (`{col: [before, after]}` when the row was loaded, else
 * `{col: after}`), for a delete nothing (`{}`). Redacted columns show `[redacted]`.
 */
export function compactDiff(
  action: 'create' | 'update' | 'delete',
  after: Record<string, unknown> | undefined,
  before: Record<string, unknown> | undefined,
  redact: readonly string[] = [],
  ignore: readonly string[] = ['updated_at'],
): Record<string, unknown> {
  const diff: Record<string, unknown> = {};
  if (action === 'delete' || !after) return diff;
  for (const [column, raw] of Object.entries(after)) {
    if (raw === undefined || ignore.includes(column)) continue;
    const value = auditValue(raw);
    if (action === 'create') {
      if (value === null) continue;
      diff[column] = redact.includes(column) ? REDACTED : value;
      continue;
    }
    if (before && column in before) {
      const previous = auditValue(before[column]);
      if (same(previous, value)) continue;
      diff[column] = redact.includes(column) ? [REDACTED, REDACTED] : [previous, value];
    } else {
      diff[column] = redact.includes(column) ? REDACTED : value;
    }
  }
  return diff;
}

/** JSON with object keys sorted at every level: one byte string per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new Error('canonicalJson: non-finite number');
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  return `{${Object.keys(object)
    .filter((k) => object[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`)
    .join(',')}}`;
}

/** `sha256(prev_hash || canonical_json(entry))`, hex. */
export function ledgerHash(prevHash: string, entry: unknown): string {
  return createHash('sha256')
    .update(prevHash, 'utf8')
    .update(canonicalJson(entry), 'utf8')
    .digest('hex');
}
