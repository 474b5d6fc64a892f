import { DataSource } from 'typeorm';
import { insertReturningEntity, newId, randomBase62, TransactionRunner } from '@app/core';
import { OrderEntity } from '@app/orders';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * insertReturningEntity on real Postgres: the raw insert of the redemption path stores what
 * TypeORM's own insert would (transformers, jsonb), returns the stored entity, and answers null
 * when a conflict skipped the row.
 */
describe('insertReturningEntity (integration)', () => {
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await createTestApp({ env: { ROLE: 'api' } });
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const order = (projectId: string, sourceId: string): Partial<OrderEntity> => ({
    id: newId('order'),
    projectId,
    sourceId,
    status: 'PAID',
    amount: 12_345,
    initialAmount: 12_345,
    discountAmount: 0,
    items: [{ product_id: 'prod_1', quantity: 2, amount: 12_345 } as never],
    customerId: null,
    referrerId: null,
    metadata: { channel: 'web', nested: { a: 1 } },
    redemptions: {},
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    updatedAt: null,
  });

  it('stores and returns the entity as TypeORM reads it back', async () => {
    const projectId = `proj_ins_${randomBase62(6)}`;
    const row = order(projectId, 'src-1');
    const stored = await insertReturningEntity(ds.manager, OrderEntity, row, {
      ignoreConflicts: true,
    });
    const reread = await ds.getRepository(OrderEntity).findOneByOrFail({ id: row.id });
    expect(stored).toBeInstanceOf(OrderEntity);
    expect(stored).toEqual(reread);
    // bigint money comes back as a number, jsonb as objects, timestamps as Dates.
    expect(reread.amount).toBe(12_345);
    expect(reread.metadata).toEqual({ channel: 'web', nested: { a: 1 } });
    expect(reread.items).toEqual(row.items);
    expect(reread.createdAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
  });

  it('answers null when the conflict skipped the row, and leaves the first row as it was', async () => {
    const projectId = `proj_ins_${randomBase62(6)}`;
    const first = await insertReturningEntity(ds.manager, OrderEntity, order(projectId, 'dup'), {
      ignoreConflicts: true,
    });
    const second = await insertReturningEntity(
      ds.manager,
      OrderEntity,
      { ...order(projectId, 'dup'), amount: 1 },
      { ignoreConflicts: true },
    );
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    const rows = await ds.getRepository(OrderEntity).findBy({ projectId });
    expect(rows.map((r) => [r.id, r.amount])).toEqual([[first!.id, 12_345]]);
  });

  it('raises the unique violation when conflicts are not ignored, and writes nothing', async () => {
    const projectId = `proj_ins_${randomBase62(6)}`;
    const tx = t.app.get(TransactionRunner);
    await insertReturningEntity(ds.manager, OrderEntity, order(projectId, 'once'));
    await expect(
      tx.run((em) => insertReturningEntity(em, OrderEntity, order(projectId, 'once'))),
    ).rejects.toThrow(/duplicate key|unique/i);
    expect(await ds.getRepository(OrderEntity).countBy({ projectId })).toBe(1);
  });
});
