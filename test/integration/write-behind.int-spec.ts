import { DataSource, QueryFailedError } from 'typeorm';
import { AuditService } from '@app/audit';
import { BatchableWrite, randomBase62, TransactionRunner, writeBehind } from '@app/core';
import { EventsService } from '@app/queue';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * Write-behind on real Postgres: queued writes ride with later statements, yet the transaction
 * reads its own writes, keeps their order, and a rollback leaves nothing.
 */
describe('write-behind in TransactionRunner (integration)', () => {
  let t: TestApp;
  let tx: TransactionRunner;
  let ds: DataSource;
  let audit: AuditService;
  let events: EventsService;

  beforeAll(async () => {
    // No worker: the event written here stays in the outbox instead of being processed.
    t = await createTestApp({ env: { ROLE: 'api' } });
    tx = t.app.get(TransactionRunner);
    ds = t.app.get(DataSource);
    audit = t.app.get(AuditService);
    events = t.app.get(EventsService);
  });
  afterAll(() => t.close());

  const record = (projectId: string, entityId: string) => ({
    projectId,
    entityType: 'voucher',
    entityId,
    action: 'update',
    diff: {},
  });

  it('a statement that reads a queued table sees the queued rows, in the order queued', async () => {
    const projectId = `proj_wb_${randomBase62(6)}`;
    const seen = await tx.run(async (em) => {
      for (const id of ['a', 'b', 'c']) await audit.record(em, record(projectId, id));
      // Carried by this statement (it names none of the queued tables)...
      await em.query(`SELECT 1 FROM vouchers WHERE project_id = $1`, [projectId]);
      await audit.record(em, record(projectId, 'd'));
      // ...and this one waits for the write, then reads it.
      return (await em.query(
        `SELECT entity_id FROM audit_log WHERE project_id = $1 ORDER BY created_at, id`,
        [projectId],
      )) as { entity_id: string }[];
    });
    expect(seen.map((r) => r.entity_id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('commits what is still queued at the end of the transaction', async () => {
    const projectId = `proj_wb_${randomBase62(6)}`;
    const eventId = await tx.run(async (em) => {
      await audit.record(em, record(projectId, 'last'));
      return events.record(em, {
        projectId,
        type: 'voucher.updated',
        entityId: 'v_x',
        data: {},
        source: { channel: 'API' },
      });
    });
    expect(
      await ds.query(`SELECT entity_id FROM audit_log WHERE project_id = $1`, [projectId]),
    ).toEqual([{ entity_id: 'last' }]);
    expect(await ds.query(`SELECT id FROM events WHERE id = $1`, [eventId])).toEqual([
      { id: eventId },
    ]);
  });

  it('a rolled-back transaction leaves none of its queued or carried writes', async () => {
    const projectId = `proj_wb_${randomBase62(6)}`;
    await expect(
      tx.run(async (em) => {
        await audit.record(em, record(projectId, 'carried'));
        await em.query(`SELECT 1 FROM vouchers WHERE project_id = $1`, [projectId]);
        await audit.record(em, record(projectId, 'queued'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await ds.query(`SELECT 1 FROM audit_log WHERE project_id = $1`, [projectId])).toEqual(
      [],
    );
  });

  it('a failing statement that carried writes fails the transaction as a whole', async () => {
    const projectId = `proj_wb_${randomBase62(6)}`;
    await expect(
      tx.run(async (em) => {
        await audit.record(em, record(projectId, 'carried'));
        await em.query(`SELECT 1 / 0 FROM vouchers`);
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await ds.query(`SELECT 1 FROM audit_log WHERE project_id = $1`, [projectId])).toEqual(
      [],
    );
  });

  it('outside a transaction a batchable write runs at once', async () => {
    const projectId = `proj_wb_${randomBase62(6)}`;
    await audit.record(ds.manager, record(projectId, 'now'));
    expect(
      await ds.query(`SELECT entity_id FROM audit_log WHERE project_id = $1`, [projectId]),
    ).toEqual([{ entity_id: 'now' }]);
  });

  describe('pipelined BEGIN and COMMIT', () => {
    const insertAudit = (projectId: string, entityId: string) =>
      `INSERT INTO audit_log (id, project_id, actor_type, entity_type, entity_id, action, diff)
       VALUES ('aud_${randomBase62(12)}', '${projectId}', 'system', 'voucher', '${entityId}', 'update', '{}')`;
    const auditOf = (projectId: string) =>
      ds.query(`SELECT entity_id FROM audit_log WHERE project_id = $1`, [projectId]);
    const clients = () =>
      (ds.driver as unknown as { master: { _clients: { pipeline: boolean }[] } }).master._clients;

    it('the first statement runs inside the transaction its BEGIN was sent with', async () => {
      const [first, second] = await tx.run(async (em) => {
        const a = (await em.query(`SELECT pg_current_xact_id()::text AS x`)) as { x: string }[];
        const b = (await em.query(`SELECT pg_current_xact_id()::text AS x`)) as { x: string }[];
        return [a[0].x, b[0].x];
      });
      expect(first).toBe(second);
      const projectId = `proj_wb_${randomBase62(6)}`;
      await expect(
        tx.run(async (em) => {
          await em.query(insertAudit(projectId, 'first'));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await auditOf(projectId)).toEqual([]);
    });

    it('a queued write that fails next to COMMIT fails the transaction, and nothing is kept', async () => {
      const projectId = `proj_wb_${randomBase62(6)}`;
      const failing: BatchableWrite = {
        tables: ['audit_log'],
        sql: `INSERT INTO audit_log (id) SELECT r.id FROM jsonb_to_recordset($1::jsonb) AS r(id varchar)`,
      };
      await expect(
        tx.run(async (em) => {
          await em.query(insertAudit(projectId, 'direct'));
          await audit.record(em, record(projectId, 'queued'));
          await writeBehind(em, failing, [{ id: 'aud_broken' }]);
        }),
      ).rejects.toMatchObject({ code: '23502' });
      expect(await auditOf(projectId)).toEqual([]);
    });

    it('a statement error the work swallowed fails the commit instead of passing for one', async () => {
      const projectId = `proj_wb_${randomBase62(6)}`;
      await expect(
        tx.run(async (em) => {
          await em.query(insertAudit(projectId, 'before'));
          await em.query(`SELECT 1 / 0`).catch(() => undefined);
        }),
      ).rejects.toThrow(/rolled back/);
      expect(await auditOf(projectId)).toEqual([]);
    });

    it("answers in TypeORM's shapes and fails with its QueryFailedError", async () => {
      const seen: unknown[] = [];
      // The failed statement aborts the transaction, so its commit fails too (as tested above).
      await expect(
        tx.run(async (em) => {
          seen.push(await em.query(`SELECT 1 AS one`));
          seen.push(
            await em.query(`UPDATE vouchers SET updated_at = now() WHERE false RETURNING id`),
          );
          seen.push(await em.queryRunner!.query(`SELECT 2 AS two`, [], true));
          seen.push(await em.query(`SELECT 1 FROM no_such_table`).catch((e: unknown) => e));
        }),
      ).rejects.toThrow(/rolled back/);
      const [selected, updated, structured, failure] = seen;
      expect(selected).toEqual([{ one: 1 }]);
      expect(updated).toEqual([[], 0]);
      expect(structured).toMatchObject({ records: [{ two: 2 }], affected: 1 });
      expect(failure).toBeInstanceOf(QueryFailedError);
      expect(failure).toMatchObject({ code: '42P01' });
    });

    it('sends the isolation level with BEGIN', async () => {
      const level = await tx.run(
        async (em) =>
          ((await em.query(`SHOW transaction_isolation`)) as { transaction_isolation: string }[])[0]
            .transaction_isolation,
        'SERIALIZABLE',
      );
      expect(level).toBe('serializable');
    });

    it('hands connections back to the pool out of pipeline mode, after success and failure', async () => {
      await tx.run((em) => em.query(`SELECT 1`));
      await expect(tx.run((em) => em.query(`SELECT 1 / 0`))).rejects.toThrow(/division/);
      expect(clients().length).toBeGreaterThan(0);
      expect(clients().filter((c) => c.pipeline)).toEqual([]);
    });
  });
});
