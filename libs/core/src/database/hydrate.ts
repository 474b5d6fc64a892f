import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { returnedRows } from './query-result';

/**
 * An entity from a raw row (`RETURNING *` of a raw statement), with the same conversions and
 * transformers TypeORM applies to what it selects: a write can return its row instead of
 * costing a second round trip to read it.
 */
export function hydrateEntity<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  raw: Record<string, unknown>,
): T {
  const metadata = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  const entity = metadata.create() as T;
  for (const column of metadata.columns)
    if (column.databaseName in raw)
      column.setEntityValue(entity, driver.prepareHydratedValue(raw[column.databaseName], column));
  return entity;
}

const insertStatements = new WeakMap<object, Map<string, string>>();

/**
 * Inserts the entity's given columns with one raw statement (`ON CONFLICT DO NOTHING` when
 * `ignoreConflicts`) and returns the stored entity, or null when a conflict skipped the row.
 * Values go through the same conversions and transformers as TypeORM's own inserts; the SQL is
 * built once per entity and column set, so a hot path skips the query builder.
 */
export async function insertReturningEntity<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  row: Partial<T>,
  options: { ignoreConflicts?: boolean } = {},
): Promise<T | null> {
  const metadata = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  const columns = metadata.columns.filter((c) => c.getEntityValue(row) !== undefined);
  const key = `${options.ignoreConflicts ? 1 : 0}:${columns.map((c) => c.databaseName).join()}`;
  let statements = insertStatements.get(metadata);
  if (!statements) insertStatements.set(metadata, (statements = new Map()));
  let sql = statements.get(key);
  if (!sql) {
    const names = columns.map((c) => `"${c.databaseName}"`).join(', ');
    const params = columns.map((_, i) => `$${i + 1}`).join(', ');
    sql =
      `INSERT INTO "${metadata.tableName}" (${names}) VALUES (${params})` +
      `${options.ignoreConflicts ? ' ON CONFLICT DO NOTHING' : ''} RETURNING *`;
    statements.set(key, sql);
  }
  const values = columns.map((c) => driver.preparePersistentValue(c.getEntityValue(row), c));
  const rows = returnedRows<Record<string, unknown>>(await em.query(sql, values));
  return rows[0] ? hydrateEntity(em, target, rows[0]) : null;
}
