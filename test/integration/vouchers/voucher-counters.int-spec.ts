import { DataSource } from 'typeorm';
import { isCheckViolation, TransactionRunner } from '@app/core';
import { VouchersRepository, VouchersService } from '@app/vouchers';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

/** The atomic counters the redemption engine builds on, under real parallel load. */
describe('voucher counters (integration, real Postgres)', () => {
  let t: TestApp;
  let a: TestProject;
  let repo: VouchersRepository;
  let tx: TransactionRunner;
  let service: VouchersService;

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestProject(t.app);
    repo = t.app.get(VouchersRepository);
    tx = t.app.get(TransactionRunner);
    service = t.app.get(VouchersService);
  });
  afterAll(() => t.close());

  it('50 parallel increments on quantity 10: exactly 10 succeed', async () => {
    const v = await service.create(a.projectId, 'LIMITED10', {
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 100 },
      redemption: { quantity: 10 },
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        tx.run((em) => repo.incrementRedeemedQuantity(a.projectId, v.id, em)),
      ),
    );
    const won = results.filter((r) => r !== null);
    expect(won).toHaveLength(10);
    expect(won.sort((x, y) => x! - y!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await service.get(a.projectId, 'LIMITED10')).redemption.redeemed_quantity).toBe(10);
  });

  it('unlimited vouchers (quantity null) always take the increment', async () => {
    const v = await service.create(a.projectId, 'UNLIMITED', {
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 1 },
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => repo.incrementRedeemedQuantity(a.projectId, v.id)),
    );
    expect(results.every((r) => r !== null)).toBe(true);
    expect((await service.get(a.projectId, v.id)).redemption.redeemed_quantity).toBe(20);
  });

  it('parallel gift decrements never take the balance below zero', async () => {
    const v = await service.create(a.projectId, 'GIFT-PAR', {
      type: 'GIFT_VOUCHER',
      gift: { amount: 1000 },
    });
    const results = await Promise.all(
      Array.from({ length: 25 }, () =>
        tx.run((em) => repo.decrementGiftBalance(a.projectId, v.id, 100, em)),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(10);
    const after = await service.get(a.projectId, v.id);
    expect(after.gift).toMatchObject({ balance: 0 });
    expect(after.redemption).toMatchObject({ redeemed_amount: 1000 });
  });

  it('the database itself refuses a negative balance or redeemed above quantity (CHECK constraints)', async () => {
    const ds = t.app.get(DataSource);
    const gift = await service.create(a.projectId, 'GIFT-CHECK', {
      type: 'GIFT_VOUCHER',
      gift: { amount: 5 },
    });
    const negative = await ds
      .query(`UPDATE vouchers SET gift_balance = -1 WHERE id = $1`, [gift.id])
      .catch((e: unknown) => e);
    expect(isCheckViolation(negative, 'ck_vouchers_gift_balance')).toBe(true);
    const limited = await service.create(a.projectId, 'QTY-CHECK', {
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'AMOUNT', amount_off: 1 },
      redemption: { quantity: 1 },
    });
    const over = await ds
      .query(`UPDATE vouchers SET redeemed_quantity = 2 WHERE id = $1`, [limited.id])
      .catch((e: unknown) => e);
    expect(isCheckViolation(over, 'ck_vouchers_redeemed_quantity')).toBe(true);
  });

  it('balance changes through the service are serialised too: parallel removals stop at zero', async () => {
    await service.create(a.projectId, 'GIFT-SVC', { type: 'GIFT_VOUCHER', gift: { amount: 500 } });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        service.changeBalance(a.projectId, 'GIFT-SVC', { amount: -100 }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    const tx1 = await service.listTransactions(a.projectId, 'GIFT-SVC', { limit: 100 });
    expect((tx1.data as unknown[]).length).toBe(5);
    expect((await service.get(a.projectId, 'GIFT-SVC')).gift).toMatchObject({
      balance: 0,
      subtracted_amount: 500,
    });
  });
});
