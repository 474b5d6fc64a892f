import { BatchableWrite, WriteBehindBuffer } from './write-behind';

const AUDIT: BatchableWrite = {
  tables: ['audit_log'],
  sql: 'INSERT INTO audit_log SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(a int)',
};
const EVENTS: BatchableWrite = {
  tables: ['events'],
  sql: 'INSERT INTO events SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(b int)',
};
const ORDER_UPDATE: BatchableWrite = {
  tables: ['orders'],
  single: true,
  sql: 'UPDATE orders o SET x = r.x FROM jsonb_to_recordset($1::jsonb) AS r(x int)',
};

function buffer() {
  const sent: { sql: string; params?: unknown[] }[] = [];
  const b = new WriteBehindBuffer((sql, params) => {
    sent.push({ sql, params });
    return Promise.resolve([]);
  });
  return { b, sent };
}

describe('WriteBehindBuffer (statement assembly)', () => {
  it('carries queued writes as CTEs in front of a statement that names none of their tables', async () => {
    const { b, sent } = buffer();
    await b.add(AUDIT, [{ a: 1 }]);
    await b.add(EVENTS, [{ b: 2 }]);
    await b.add(AUDIT, [{ a: 3 }]);
    const next = await b.before('UPDATE vouchers SET n = n + 1 WHERE id = $1 RETURNING n', ['v_1']);
    expect(sent).toEqual([]);
    expect(next.sql).toBe(
      'WITH write_behind_0 AS (INSERT INTO audit_log SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(a int)), ' +
        'write_behind_1 AS (INSERT INTO events SELECT * FROM jsonb_to_recordset($3::jsonb) AS r(b int)) ' +
        'UPDATE vouchers SET n = n + 1 WHERE id = $1 RETURNING n',
    );
    // Rows of one write keep the order they were queued in.
    expect(next.params).toEqual(['v_1', '[{"a":1},{"a":3}]', '[{"b":2}]']);
    expect(b.empty).toBe(true);
  });

  it('joins the CTE list of a statement that has one', async () => {
    const { b } = buffer();
    await b.add(AUDIT, [{ a: 1 }]);
    const next = await b.before(
      'WITH s AS (DELETE FROM sessions RETURNING 1) SELECT count(*) FROM s',
      [],
    );
    expect(next.sql).toBe(
      'WITH write_behind_0 AS (INSERT INTO audit_log SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(a int)), ' +
        's AS (DELETE FROM sessions RETURNING 1) SELECT count(*) FROM s',
    );
  });

  it.each([
    ['a statement that reads a queued table', 'SELECT * FROM "audit_log" WHERE id = $1'],
    ['COMMIT', 'COMMIT'],
    ['a recursive CTE', 'WITH RECURSIVE t AS (SELECT 1) SELECT * FROM t'],
    ['a statement that is not DML', 'SET LOCAL statement_timeout = 100'],
    ['several statements', 'SELECT 1; SELECT 2'],
  ])('writes first, in a statement of their own, before %s', async (_, query) => {
    const { b, sent } = buffer();
    await b.add(AUDIT, [{ a: 1 }]);
    await b.add(EVENTS, [{ b: 2 }]);
    const next = await b.before(query, []);
    expect(next.sql).toBe(query);
    expect(sent).toHaveLength(1);
    expect(sent[0].sql).toMatch(
      /^WITH write_behind_0 AS \(INSERT INTO audit_log .*\), write_behind_1 AS \(INSERT INTO events .*\) SELECT 1$/,
    );
  });

  it('a table name inside another word does not count as a mention', async () => {
    const { b, sent } = buffer();
    await b.add(EVENTS, [{ b: 1 }]);
    const next = await b.before('SELECT 1 FROM processed_events', []);
    expect(sent).toEqual([]);
    expect(next.sql).toMatch(/^WITH write_behind_0/);
  });

  it('runs a single write alone without a CTE', async () => {
    const { b, sent } = buffer();
    await b.add(AUDIT, [{ a: 1 }]);
    await b.flush();
    expect(sent).toEqual([
      {
        sql: 'INSERT INTO audit_log SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(a int)',
        params: ['[{"a":1}]'],
      },
    ]);
  });

  it('a second queued row of a single-row write first flushes the first', async () => {
    const { b, sent } = buffer();
    await b.add(ORDER_UPDATE, [{ x: 1 }]);
    await b.add(ORDER_UPDATE, [{ x: 2 }]);
    expect(sent.map((s) => s.params)).toEqual([['[{"x":1}]']]);
    await b.flush();
    expect(sent.map((s) => s.params)).toEqual([['[{"x":1}]'], ['[{"x":2}]']]);
  });

  it('ROLLBACK discards what is queued; a failed carrier puts its writes back in front', async () => {
    const { b, sent } = buffer();
    await b.add(AUDIT, [{ a: 1 }]);
    await b.before('ROLLBACK', undefined);
    expect(b.empty).toBe(true);
    expect(sent).toEqual([]);

    await b.add(AUDIT, [{ a: 2 }]);
    const next = await b.before('UPDATE vouchers SET n = 1', []);
    await b.add(AUDIT, [{ a: 3 }]);
    b.failed(next.carried);
    await b.flush();
    expect(sent[0].params).toEqual(['[{"a":2},{"a":3}]']);
  });
});
