/**
 * `EntityManager.query` answers UPDATE/DELETE through TypeORM on Postgres as `[rows, count]`,
 * and SELECT/INSERT as the rows: the rows of either.
 */
export function returnedRows<T = unknown>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    typeof result[1] === 'number' &&
    Array.isArray(result[0])
  )
    return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}
