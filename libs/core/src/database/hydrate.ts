import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

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
