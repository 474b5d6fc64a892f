import { AppError } from '../errors/app-error';
import { listEnvelope, paging, parseOrder } from './list';

describe('list helpers', () => {
  it('defaults to limit 10, page 1', () => {
    expect(paging({})).toEqual({ limit: 10, page: 1, offset: 0 });
    expect(paging({ limit: 25, page: 3 })).toEqual({ limit: 25, page: 3, offset: 50 });
  });

  it('refuses pages past the listing limit with page_over_limit', () => {
    expect(() => paging({ page: 1001 })).toThrow(AppError);
    try {
      paging({ page: 1001 });
    } catch (e) {
      expect((e as AppError).key).toBe('page_over_limit');
    }
  });

  it('parses order with a minus for descending, against an allow-list', () => {
    const fallback = { field: 'created_at' as const, direction: 'DESC' as const };
    expect(parseOrder(undefined, ['created_at', 'code'], fallback)).toEqual(fallback);
    expect(parseOrder('-code', ['created_at', 'code'], fallback)).toEqual({
      field: 'code',
      direction: 'DESC',
    });
    expect(parseOrder('code', ['created_at', 'code'], fallback)).toEqual({
      field: 'code',
      direction: 'ASC',
    });
    expect(() => parseOrder('password', ['created_at', 'code'], fallback)).toThrow(
      expect.objectContaining({
        key: 'invalid_query_params',
        details: expect.stringContaining('.order'),
      }),
    );
  });

  it('builds the contract envelope', () => {
    expect(listEnvelope('vouchers', [{ a: 1 }], 7)).toEqual({
      object: 'list',
      data_ref: 'vouchers',
      vouchers: [{ a: 1 }],
      total: 7,
    });
    expect(listEnvelope('data', [], undefined, { has_more: false })).toEqual({
      object: 'list',
      data_ref: 'data',
      data: [],
      has_more: false,
    });
  });
});
