import { AppError } from '@app/core';
import {
  MAX_PUBLICATION_COUNT,
  normalizePublishRequest,
  repeatsPublication,
  StoredPublicationKey,
} from './publication-request';

const options = { defaultChannel: 'API', maxCount: MAX_PUBLICATION_COUNT };
const keyOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as AppError).key;
  }
  return 'no error';
};

describe('normalizePublishRequest', () => {
  it('accepts a campaign as a plain name or as {name, count}', () => {
    expect(normalizePublishRequest({ campaign: 'Camp', customer: {} }, options).campaign).toEqual({
      key: 'Camp',
      count: 1,
    });
    expect(
      normalizePublishRequest({ campaign: { name: 'Camp', count: 3 }, customer: {} }, options)
        .campaign,
    ).toEqual({ key: 'Camp', count: 3 });
    // Query strings carry numbers as strings.
    expect(
      normalizePublishRequest({ campaign: { name: 'Camp', count: '2' }, customer: {} }, options)
        .campaign,
    ).toEqual({ key: 'Camp', count: 2 });
  });

  it('lets a voucher win over a campaign', () => {
    const input = normalizePublishRequest(
      { voucher: 'CODE1', campaign: { name: 'Camp', count: 99 }, customer: {} },
      options,
    );
    expect(input.voucher).toBe('CODE1');
    expect(input.campaign).toBeUndefined();
  });

  it('answers missing_vouchers without a campaign or a voucher', () => {
    expect(keyOf(() => normalizePublishRequest({ customer: {} }, options))).toBe(
      'missing_vouchers',
    );
    expect(keyOf(() => normalizePublishRequest({ campaign: '', customer: {} }, options))).toBe(
      'missing_vouchers',
    );
  });

  it.each([
    [42],
    [['Camp']],
    [{ count: 1 }],
    [{ name: 'Camp', count: 0 }],
    [{ name: 'Camp', count: MAX_PUBLICATION_COUNT + 1 }],
    [{ name: 'Camp', count: 1.5 }],
    [{ name: 'x'.repeat(201) }],
  ])('rejects campaign %j as invalid_payload', (campaign) => {
    expect(keyOf(() => normalizePublishRequest({ campaign, customer: {} }, options))).toBe(
      'invalid_payload',
    );
  });

  it('answers too_many_vouchers_requested above the route maximum (GET create)', () => {
    expect(
      keyOf(() =>
        normalizePublishRequest(
          { campaign: { name: 'Camp', count: 2 }, customer: {} },
          { ...options, maxCount: 1 },
        ),
      ),
    ).toBe('too_many_vouchers_requested');
  });

  it('takes join_once from the body or the query, and defaults channel and metadata', () => {
    const plain = normalizePublishRequest({ campaign: 'C', customer: {} }, options);
    expect(plain).toMatchObject({ joinOnce: false, channel: 'API', metadata: {} });
    expect(
      normalizePublishRequest({ campaign: 'C', customer: {}, join_once: true }, options).joinOnce,
    ).toBe(true);
    expect(
      normalizePublishRequest({ campaign: 'C', customer: {} }, { ...options, queryJoinOnce: true })
        .joinOnce,
    ).toBe(true);
    expect(
      normalizePublishRequest({ campaign: 'C', customer: {}, channel: 'crm' }, options).channel,
    ).toBe('crm');
  });
});

describe('repeatsPublication', () => {
  const stored: StoredPublicationKey = {
    customerId: 'cust_1',
    customerSourceId: 'c1',
    campaignId: 'camp_1',
    campaignName: 'Camp',
    codes: ['A1'],
  };
  const input = (customer: object, target: object) =>
    normalizePublishRequest({ customer, ...target }, options);

  it('matches the same customer (by id or source_id) and the same campaign (by name or id)', () => {
    expect(repeatsPublication(stored, input({ source_id: 'c1' }, { campaign: 'Camp' }))).toBe(true);
    expect(repeatsPublication(stored, input({ id: 'cust_1' }, { campaign: 'camp_1' }))).toBe(true);
    expect(repeatsPublication(stored, input({ source_id: 'c1' }, { voucher: 'A1' }))).toBe(true);
  });

  it('does not match another customer, campaign or code', () => {
    expect(repeatsPublication(stored, input({ source_id: 'c2' }, { campaign: 'Camp' }))).toBe(
      false,
    );
    expect(repeatsPublication(stored, input({ id: 'cust_2' }, { campaign: 'Camp' }))).toBe(false);
    expect(repeatsPublication(stored, input({}, { campaign: 'Camp' }))).toBe(false);
    expect(repeatsPublication(stored, input({ source_id: 'c1' }, { campaign: 'Other' }))).toBe(
      false,
    );
    expect(repeatsPublication(stored, input({ source_id: 'c1' }, { voucher: 'B2' }))).toBe(false);
  });
});
