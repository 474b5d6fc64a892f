import { AppError } from '@app/core';
import { parsePublicationFilters, voucherTypeOf } from './publication-filters';

const keyOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as AppError).key;
  }
  return 'no error';
};

describe('parsePublicationFilters', () => {
  it('parses qs-decoded conditions and the junction', () => {
    expect(
      parsePublicationFilters({
        junction: 'or',
        result: { conditions: { $is: ['FAILURE'] } },
        customer_id: { conditions: { $in: { 0: 'cust_1', 1: 'cust_2' } } },
        'metadata.year': { conditions: { $more_than: ['2020'] } },
        failure_code: { conditions: { $has_value: [] } },
      }),
    ).toEqual({
      junction: 'OR',
      conditions: [
        { field: 'result', op: '$is', values: ['FAILURE'] },
        { field: 'customer_id', op: '$in', values: ['cust_1', 'cust_2'] },
        { field: 'metadata', key: 'year', op: '$more_than', values: ['2020'] },
        { field: 'failure_code', op: '$has_value', values: [] },
      ],
    });
  });

  it('maps voucher_type values to the voucher types', () => {
    expect(
      parsePublicationFilters({ voucher_type: { conditions: { $is: 'discount' } } }).conditions,
    ).toEqual([{ field: 'voucher_type', op: '$is', values: ['DISCOUNT_VOUCHER'] }]);
    expect(voucherTypeOf('GIFT')).toBe('GIFT_VOUCHER');
    expect(voucherTypeOf('loyalty_card')).toBe('LOYALTY_CARD');
  });

  it.each([
    [{ nope: { conditions: { $is: 'x' } } }],
    [{ result: { conditions: { $weird: 'x' } } }],
    [{ result: { conditions: { $more_than: '1' } } }],
    [{ result: 'SUCCESS' }],
    [{ result: { conditions: { $is: [] } } }],
    [{ 'metadata.a': { conditions: { $less_than: 'abc' } } }],
    [{ voucher_type: { conditions: { $is: 'coupon' } } }],
    [{ is_referral_code: { conditions: { $is: 'maybe' } } }],
    [{ junction: 'XOR' }],
  ])('rejects %j as invalid_query_params', (filters) => {
    expect(keyOf(() => parsePublicationFilters(filters))).toBe('invalid_query_params');
  });

  it('bounds the number of conditions', () => {
    const many = Object.fromEntries(
      Array.from({ length: 21 }, (_, i) => [`metadata.k${i}`, { conditions: { $is: 'x' } }]),
    );
    expect(keyOf(() => parsePublicationFilters(many))).toBe('invalid_query_params');
  });
});
