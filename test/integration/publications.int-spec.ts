import { isUniqueViolation, newId, randomBase62, TransactionRunner } from '@app/core';
import { PublicationsRepository } from '@app/publications';
import { createTestApp, TestApp } from '../utils/test-app';

/** The database constraints behind the publication guarantees, hit directly (integration). */
describe('publication constraints on real Postgres (integration)', () => {
  let t: TestApp;
  let repository: PublicationsRepository;
  let tx: TransactionRunner;
  const projectId = `proj_int_${randomBase62(8)}`;

  const row = (overrides: Partial<Parameters<PublicationsRepository['insert']>[1]> = {}) => ({
    id: newId('publication'),
    campaignId: 'camp_int',
    customerId: 'cust_int',
    trackingId: null,
    sourceId: null,
    channel: 'API',
    metadata: {},
    result: 'SUCCESS' as const,
    failureCode: null,
    failureMessage: null,
    joinOnce: false,
    voucherCode: null,
    voucherType: 'DISCOUNT_VOUCHER',
    isReferralCode: false,
    ...overrides,
  });

  const insert = (r: ReturnType<typeof row>) => tx.run((em) => repository.insert(projectId, r, em));

  beforeAll(async () => {
    t = await createTestApp();
    repository = t.app.get(PublicationsRepository);
    tx = t.app.get(TransactionRunner);
  });
  afterAll(() => t.close());

  it('a code can be recorded in one publication only, ever', async () => {
    const first = row();
    const second = row({ customerId: 'cust_other' });
    await insert(first);
    await insert(second);
    const code = [{ voucherId: 'v_int_1', code: 'INT-1' }];
    await tx.run((em) => repository.addCodes(projectId, first.id, code, em));
    const error = await tx
      .run((em) => repository.addCodes(projectId, second.id, code, em))
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error, 'ux_publication_vouchers_project_voucher')).toBe(true);
  });

  it('one successful publication per source_id; failures do not hold it', async () => {
    await insert(row({ sourceId: 'src-int', result: 'FAILURE', failureCode: 'x' }));
    await insert(row({ sourceId: 'src-int' }));
    const error = await insert(row({ sourceId: 'src-int' })).catch((e: unknown) => e);
    expect(isUniqueViolation(error, 'ux_publications_project_source')).toBe(true);
    // Another project may use the same source_id.
    await tx.run((em) => repository.insert(`${projectId}_b`, row({ sourceId: 'src-int' }), em));
  });

  it('one join_once publication per (campaign, customer)', async () => {
    await insert(row({ campaignId: 'camp_jo', joinOnce: true }));
    const error = await insert(row({ campaignId: 'camp_jo', joinOnce: true })).catch(
      (e: unknown) => e,
    );
    expect(isUniqueViolation(error, 'ux_publications_project_join_once')).toBe(true);
    // Without join_once the same pair may publish again.
    await insert(row({ campaignId: 'camp_jo' }));
    const found = await repository.findSuccessFor(projectId, 'camp_jo', 'cust_int');
    expect(found?.joinOnce).toBe(true);
  });
});
