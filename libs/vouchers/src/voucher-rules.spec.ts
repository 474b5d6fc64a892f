import { AppError } from '@app/core';
import {
  buildCampaignTemplate,
  buildVoucherTemplateRow,
  normalizeDiscount,
  resolveVoucherType,
} from './voucher-rules';

const fails = (fn: () => unknown, key: string, text: string) => {
  try {
    fn();
    throw new Error('expected a failure');
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).key).toBe(key);
    expect((error as AppError).details).toContain(text);
  }
};

describe('voucher rules', () => {
  it('fills the default effect and checks required fields and effects per discount type', () => {
    expect(
      normalizeDiscount({ type: 'PERCENT', percent_off: 10, amount_limit: undefined }),
    ).toEqual({
      type: 'PERCENT',
      percent_off: 10,
      effect: 'APPLY_TO_ORDER',
    });
    fails(() => normalizeDiscount({ type: 'AMOUNT' }), 'invalid_payload', '.discount.amount_off');
    fails(() => normalizeDiscount({ type: 'UNIT', unit_off: 1 }), 'invalid_payload', 'unit_type');
    fails(
      () => normalizeDiscount({ type: 'FIXED', fixed_amount: 1, effect: 'ADD_NEW_ITEMS' }),
      'invalid_payload',
      '.discount.effect',
    );
    expect(normalizeDiscount({ type: 'UNIT', unit_off: 1, unit_type: 'prod_1' }).effect).toBe(
      'ADD_MISSING_ITEMS',
    );
  });

  it('infers the voucher type and refuses loyalty cards clearly', () => {
    expect(resolveVoucherType({ gift: { amount: 1 } })).toBe('GIFT_VOUCHER');
    expect(resolveVoucherType({ discount: { type: 'AMOUNT' } })).toBe('DISCOUNT_VOUCHER');
    fails(
      () => resolveVoucherType({ type: 'LOYALTY_CARD' }),
      'invalid_voucher',
      'not supported yet',
    );
    fails(() => resolveVoucherType({ type: 'GIFT_VOUCHER' }), 'invalid_payload', '.gift');
  });

  it('builds a gift row whose balance starts at the amount, and checks dates', () => {
    const row = buildVoucherTemplateRow({ type: 'GIFT_VOUCHER', gift: { amount: 500 } });
    expect(row).toMatchObject({
      type: 'GIFT_VOUCHER',
      gift_amount: 500,
      gift_balance: 500,
      gift_subtracted: 0,
      discount: null,
    });
    fails(
      () =>
        buildVoucherTemplateRow({
          discount: { type: 'AMOUNT', amount_off: 1 },
          start_date: '2025-02-01',
          expiration_date: '2025-01-01',
        }),
      'invalid_payload',
      '.expiration_date',
    );
    fails(
      () =>
        buildVoucherTemplateRow({
          discount: { type: 'AMOUNT', amount_off: 1 },
          validity_timeframe: { interval: 'P1D' },
        }),
      'invalid_payload',
      '.start_date',
    );
  });

  it('builds campaign templates only for supported campaign types', () => {
    const template = buildCampaignTemplate('GIFT_VOUCHERS', { gift: { amount: 100 } });
    expect(template).toMatchObject({
      type: 'GIFT_VOUCHER',
      gift: { amount: 100, effect: 'APPLY_TO_ORDER' },
      code_config: { length: 8 },
    });
    fails(
      () => buildCampaignTemplate('LOYALTY_PROGRAM', {}),
      'invalid_campaign',
      'not supported yet',
    );
    fails(
      () =>
        buildCampaignTemplate('DISCOUNT_COUPONS', { type: 'GIFT_VOUCHER', gift: { amount: 1 } }),
      'invalid_payload',
      '.voucher.type',
    );
  });
});
