import { AppError } from '@app/core';
import { parseVoucherFilters } from './voucher-filters';

describe('parseVoucherFilters', () => {
  it('parses active states, metadata and redeemed quantity with a junction', () => {
    const parsed = parseVoucherFilters({
      junction: 'or',
      active: { conditions: { $is: ['true'], $expired: ['false'] } },
      'metadata.seq_number': { conditions: { $more_than: ['1'] } },
      'redemption.redeemed_quantity': { conditions: { $is: ['0'] } },
    });
    expect(parsed.junction).toBe('OR');
    expect(parsed.conditions).toEqual([
      { field: 'active', op: '$is', value: true },
      { field: 'active', op: '$expired', value: false },
      { field: 'metadata', key: 'seq_number', op: '$more_than', values: ['1'] },
      { field: 'redeemed_quantity', op: '$is', values: [0] },
    ]);
  });

  it('accepts a scalar instead of an indexed list', () => {
    expect(parseVoucherFilters({ code: { conditions: { $in: 'A' } } }).conditions).toEqual([
      { field: 'code', op: '$in', values: ['A'] },
    ]);
  });

  it.each([
    [{ junction: 'XOR' }, 'junction'],
    [{ active: { conditions: { $is: ['maybe'] } } }, 'true or false'],
    [{ 'metadata.x': { conditions: { $regex: ['a'] } } }, 'unknown operator'],
    [{ 'metadata.x': { conditions: { $more_than: ['abc'] } } }, 'number'],
    [{ holder: { conditions: { $is: ['a'] } } }, 'not supported'],
    [{ code: 'x' }, 'conditions'],
    [{ code: { conditions: { $is: [{ a: 1 }] } } }, 'scalar'],
  ])('rejects %j with a 400 naming the problem', (filters, text) => {
    try {
      parseVoucherFilters(filters as Record<string, unknown>);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).details).toContain(text);
    }
  });
});
