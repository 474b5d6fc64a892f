import { PublicationRecord, serializePublication } from './publication.mapping';

const record: PublicationRecord = {
  id: 'pub_1',
  campaignId: 'camp_1',
  campaignName: 'Camp',
  customerId: 'cust_1',
  trackingId: 'c1',
  sourceId: null,
  channel: 'API',
  metadata: { a: 1 },
  result: 'SUCCESS',
  failureCode: null,
  failureMessage: null,
  joinOnce: false,
  voucherCode: 'A1',
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  customer: { id: 'cust_1', name: null, email: null, source_id: 'c1', metadata: {} },
};

describe('serializePublication', () => {
  it('embeds the voucher object for one code', () => {
    const body = serializePublication(record, [{ voucherId: 'v_1', code: 'A1' }], (id, code) => ({
      id,
      code,
      object: 'voucher',
    }));
    expect(body).toEqual({
      id: 'pub_1',
      object: 'publication',
      created_at: '2026-01-02T03:04:05.678Z',
      customer_id: 'cust_1',
      tracking_id: 'c1',
      metadata: { a: 1 },
      channel: 'API',
      source_id: null,
      result: 'SUCCESS',
      customer: {
        id: 'cust_1',
        name: null,
        email: null,
        source_id: 'c1',
        metadata: {},
        object: 'customer',
      },
      vouchers_id: ['v_1'],
      voucher: { id: 'v_1', code: 'A1', object: 'voucher' },
    });
  });

  it('lists the codes for several', () => {
    const body = serializePublication(
      record,
      [
        { voucherId: 'v_1', code: 'A1' },
        { voucherId: 'v_2', code: 'A2' },
      ],
      () => {
        throw new Error('not used for several codes');
      },
    );
    expect(body.vouchers).toEqual(['A1', 'A2']);
    expect(body.vouchers_id).toEqual(['v_1', 'v_2']);
    expect(body).not.toHaveProperty('voucher');
  });

  it('carries failure_code and failure_message for a failure', () => {
    const body = serializePublication(
      {
        ...record,
        result: 'FAILURE',
        failureCode: 'voucher_already_published',
        failureMessage: "Voucher 'v_1' has already been published",
      },
      [],
      () => null,
    );
    expect(body).toMatchObject({
      result: 'FAILURE',
      failure_code: 'voucher_already_published',
      failure_message: "Voucher 'v_1' has already been published",
      voucher: { code: 'A1', object: 'voucher' },
      vouchers_id: [],
    });
  });
});
