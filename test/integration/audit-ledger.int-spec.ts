import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditRepository, AuditService, LedgerEntry, runWithAuditContext } from '@app/audit';
import { randomBase62, TransactionRunner } from '@app/core';
import { CustomerEntity } from '@app/customers';
import { createTestProject } from '../factories/project.factory';
import { createTestApp, TestApp } from '../utils/test-app';

describe('audit ledger and same-transaction audit rows (integration)', () => {
  let t: TestApp;
  let audit: AuditService;
  let tx: TransactionRunner;
  let ds: DataSource;

  beforeAll(async () => {
    // The worker's sealer stays out of the way: these tests seal when they mean to.
    t = await createTestApp({ env: { LEDGER_SEAL_INTERVAL_MS: '3600000' } });
    audit = t.app.get(AuditService);
    tx = t.app.get(TransactionRunner);
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const entry = (voucherId: string, i: number, delta = 1): LedgerEntry => ({
    type: delta > 0 ? 'redemption' : 'rollback',
    redemption_id: `r_${i}`,
    voucher_id: voucherId,
    quantity_delta: delta,
    amount_delta: delta * 250,
  });

  it('chains concurrent appends of one project without gaps or forks, sealed by concurrent sealers', async () => {
    const projectId = `proj_ledger_${randomBase62(6)}`;
    const n = 40;
    // Appends and sealers interleave: every committed entry ends up chained exactly once.
    const sealed = await Promise.all([
      ...Array.from({ length: n }, (_, i) =>
        tx.run((em) => audit.appendToLedger(em, projectId, entry('v_x', i))).then(() => 0),
      ),
      ...Array.from({ length: 5 }, () => audit.sealLedger(projectId, 7)),
    ]);
    const rest = await audit.sealLedger(projectId);
    // Other test files' workers share this database and their sealers chain every project's
    // pending entries, so ours may have sealed fewer than n; never more (nothing sealed twice).
    expect(sealed.reduce((a, b) => a + b, 0) + rest).toBeLessThanOrEqual(n);
    const rows: { seq: string; redemption_id: string }[] = await ds.query(
      `SELECT seq::text AS seq, entry->>'redemption_id' AS redemption_id
       FROM audit_ledger l WHERE project_id = $1 ORDER BY l.seq`,
      [projectId],
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.redemption_id)).size).toBe(n);
    expect(
      await ds.query(`SELECT 1 FROM audit_ledger_pending WHERE project_id = $1`, [projectId]),
    ).toEqual([]);
    const report = await audit.verify(projectId);
    expect(report).toMatchObject({ entries: n, chain_ok: true, problems: [] });
  });

  it('verify counts a pending entry against the counters before and after sealing', async () => {
    const p = await createTestProject(t.app);
    const voucher = await request(t.app.getHttpServer())
      .post('/v1/vouchers')
      .set(p.headers)
      .send({ type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 100 } })
      .expect(200);
    const voucherId = voucher.body.id as string;
    await tx.run(async (em) => {
      await em.query(
        `UPDATE vouchers SET redeemed_quantity = redeemed_quantity + 1 WHERE project_id = $1 AND id = $2`,
        [p.projectId, voucherId],
      );
      await audit.appendToLedger(em, p.projectId, entry(voucherId, 1));
    });
    const [pending] = (await ds.query(
      `SELECT count(*)::int AS n FROM audit_ledger_pending WHERE project_id = $1`,
      [p.projectId],
    )) as { n: number }[];
    expect(pending.n).toBe(1);
    // Committed but not chained: the counter check already counts it.
    expect(await t.app.get(AuditRepository).counterMismatches(p.projectId, 10)).toEqual([]);
    const report = await audit.verify(p.projectId);
    expect(report).toMatchObject({ ok: true, entries: 1, counter_mismatches: [] });
  });

  it('refuses an append outside a transaction', async () => {
    await expect(audit.appendToLedger(ds.manager, 'proj_x', entry('v_x', 1))).rejects.toThrow(
      /inside a transaction/,
    );
  });

  it('a rolled-back append leaves no trace and the chain stays valid', async () => {
    const projectId = `proj_ledger_${randomBase62(6)}`;
    await tx.run((em) => audit.appendToLedger(em, projectId, entry('v_a', 1)));
    await expect(
      tx.run(async (em) => {
        await audit.appendToLedger(em, projectId, entry('v_a', 2));
        throw new Error('redemption failed after the append');
      }),
    ).rejects.toThrow(/redemption failed/);
    await tx.run((em) => audit.appendToLedger(em, projectId, entry('v_a', 3)));
    expect(await audit.verify(projectId)).toMatchObject({ entries: 2, chain_ok: true });
  });

  it('audit:verify detects a tampered entry and a counter that disagrees with the ledger', async () => {
    const p = await createTestProject(t.app);
    const voucher = await request(t.app.getHttpServer())
      .post('/v1/vouchers')
      .set(p.headers)
      .send({ type: 'DISCOUNT_VOUCHER', discount: { type: 'AMOUNT', amount_off: 500 } })
      .expect(200);
    const voucherId = voucher.body.id as string;
    for (const [i, delta] of [1, 1, 1, -1].entries())
      await tx.run(async (em) => {
        await em.query(
          `UPDATE vouchers SET redeemed_quantity = redeemed_quantity + $3 WHERE project_id = $1 AND id = $2`,
          [p.projectId, voucherId, delta],
        );
        await audit.appendToLedger(em, p.projectId, entry(voucherId, i, delta));
      });
    const clean = await audit.verify(p.projectId);
    expect(clean).toMatchObject({ ok: true, entries: 4, counters_checked: true });
    expect(clean.counter_mismatches).toEqual([]);

    // Someone with owner rights edits the counter: the ledger disagrees.
    await ds.query(`UPDATE vouchers SET redeemed_quantity = 5 WHERE id = $1`, [voucherId]);
    const counter = await audit.verify(p.projectId);
    expect(counter.ok).toBe(false);
    expect(counter.chain_ok).toBe(true);
    expect(counter.counter_mismatches).toEqual([
      { voucher_id: voucherId, redeemed_quantity: 5, ledger_quantity: 2 },
    ]);

    // ... and then the ledger too, bypassing the append-only trigger: the chain breaks there.
    await ds.query(`ALTER TABLE audit_ledger DISABLE TRIGGER trg_audit_ledger_append_only`);
    try {
      await ds.query(
        `UPDATE audit_ledger SET entry = jsonb_set(entry, '{quantity_delta}', '3')
         WHERE project_id = $1 AND seq = 2`,
        [p.projectId],
      );
    } finally {
      await ds.query(`ALTER TABLE audit_ledger ENABLE TRIGGER trg_audit_ledger_append_only`);
    }
    const tampered = await audit.verify(p.projectId);
    expect(tampered.chain_ok).toBe(false);
    expect(tampered.problems).toEqual([
      { seq: '2', problem: expect.stringMatching(/hash does not match/) },
    ]);
    await expect(
      ds.query(`UPDATE audit_ledger SET hash = hash WHERE project_id = $1`, [p.projectId]),
    ).rejects.toThrow(/append-only/);
  });

  it('writes the audit row in the transaction of the change: a rollback removes both', async () => {
    const projectId = `proj_tx_${randomBase62(6)}`;
    const id = `cust_${randomBase62(10)}`;
    const context = {
      actorType: 'api_key' as const,
      actorId: 'key_test',
      projectId,
      route: 'POST /v1/customers',
      requestId: 'v-test',
      params: {},
      closed: false,
    };
    await expect(
      runWithAuditContext(context, () =>
        tx.run(async (em) => {
          await em
            .getRepository(CustomerEntity)
            .insert({ id, projectId, name: 'Gone', createdAt: new Date() });
          const inside = (await em.query(`SELECT 1 FROM audit_log WHERE entity_id = $1`, [
            id,
          ])) as unknown[];
          expect(inside).toHaveLength(1);
          throw new Error('abort');
        }),
      ),
    ).rejects.toThrow('abort');
    expect(await ds.query(`SELECT 1 FROM audit_log WHERE entity_id = $1`, [id])).toEqual([]);
  });

  it('AuditService.record writes an explicit row (raw SQL changes)', async () => {
    const projectId = `proj_rec_${randomBase62(6)}`;
    await tx.run((em) =>
      audit.record(em, {
        projectId,
        entityType: 'voucher',
        entityId: 'v_raw',
        action: 'update',
        diff: { redeemed_quantity: [1, 2] },
      }),
    );
    const { entries } = await audit.list(projectId, {}, { limit: 10, offset: 0 });
    expect(entries).toEqual([
      expect.objectContaining({
        actor: { type: 'system', id: null },
        entity_id: 'v_raw',
        diff: { redeemed_quantity: [1, 2] },
      }),
    ]);
  });
});
