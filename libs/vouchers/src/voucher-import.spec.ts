import { csvRecordToVoucher } from './voucher-import';

describe('csvRecordToVoucher', () => {
  it('maps the Voucherify CSV template and turns unknown columns into metadata', () => {
    expect(
      csvRecordToVoucher({
        Code: 'A1',
        'Voucher Type': 'DISCOUNT_VOUCHER',
        Value: '15',
        'Discount Type': 'PERCENT',
        Category: 'spring',
        'Start Date': '2025-01-01T00:00:00Z',
        'Redemption Limit': '5',
        Active: 'false',
        Region: 'EU',
        Empty: '',
      }),
    ).toEqual({
      code: 'A1',
      type: 'DISCOUNT_VOUCHER',
      discount: { type: 'PERCENT', percent_off: 15 },
      category: 'spring',
      start_date: '2025-01-01T00:00:00Z',
      redemption: { quantity: 5 },
      active: false,
      metadata: { Region: 'EU' },
    });
  });

  it('maps gift cards and keeps unparseable values raw for validation to name', () => {
    expect(csvRecordToVoucher({ code: 'G1', type: 'GIFT_VOUCHER', value: '3000' })).toEqual({
      code: 'G1',
      type: 'GIFT_VOUCHER',
      gift: { amount: 3000 },
    });
    expect(csvRecordToVoucher({ code: 'B', value: 'ten' })).toMatchObject({
      discount: { type: 'AMOUNT', amount_off: 'ten' },
    });
  });
});
