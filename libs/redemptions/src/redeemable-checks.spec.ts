import { compileRuleSet, CompiledRuleSet } from '@app/validations';
import {
  applyStackingRules,
  asRedemptionFailure,
  checkVoucher,
  CheckInput,
  DEFAULT_SESSION_TTL_MS,
  MAX_SESSION_TTL_MS,
  quantityAvailable,
  sessionTtlMs,
  trackingIdOf,
  VoucherState,
} from './redeemable-checks';

const NOW = new Date('2026-06-15T12:00:00Z');

function voucher(overrides: Partial<VoucherState> = {}): VoucherState {
  return {
    id: 'v_1',
    code: 'CODE',
    type: 'DISCOUNT_VOUCHER',
    active: true,
    redemptionQuantity: null,
    redeemedQuantity: 0,
    heldQuantity: 0,
    giftBalance: null,
    window: {},
    ...overrides,
  };
}

function ruleSet(rules: unknown, error?: unknown): CompiledRuleSet {
  const result = compileRuleSet(rules, error);
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.ruleSet;
}

const check = (input: Partial<CheckInput>) =>
  checkVoucher({ voucher: voucher(), now: NOW, rules: [], ...input });

describe('checkVoucher', () => {
  it('passes an active voucher with no limits', () => {
    expect(check({})).toBeNull();
  });

  it('reports disabled, not active yet, expired and not active now, with the code as details', () => {
    expect(check({ voucher: voucher({ active: false }) })).toMatchObject({
      key: 'voucher_disabled',
      message: 'voucher is disabled',
      details: 'CODE',
    });
    expect(
      check({ voucher: voucher({ window: { start_date: '2026-07-01T00:00:00Z' } }) }),
    ).toMatchObject({ key: 'voucher_not_active', message: 'voucher not active' });
    expect(
      check({ voucher: voucher({ window: { expiration_date: '2026-06-01T00:00:00Z' } }) }),
    ).toMatchObject({ key: 'voucher_expired', message: 'voucher expired' });
    // 2026-06-15 is a Monday (1)
    expect(check({ voucher: voucher({ window: { validity_day_of_week: [0, 6] } }) })).toMatchObject(
      { key: 'voucher_not_active_now' },
    );
  });

  it('disabled wins over expired (the order the contract reports them in)', () => {
    const v = voucher({ active: false, window: { expiration_date: '2020-01-01T00:00:00Z' } });
    expect(check({ voucher: v })?.key).toBe('voucher_disabled');
  });

  it('counts holds of others against the quantity, but not the caller own hold', () => {
    const full = voucher({ redemptionQuantity: 2, redeemedQuantity: 1, heldQuantity: 1 });
    expect(check({ voucher: full })).toMatchObject({ key: 'quantity_exceeded' });
    expect(check({ voucher: full, ownsHold: true })).toBeNull();
    expect(quantityAvailable(voucher({ redemptionQuantity: 1, redeemedQuantity: 1 }), true)).toBe(
      false,
    );
    expect(quantityAvailable(voucher({ redemptionQuantity: null, redeemedQuantity: 99 }))).toBe(
      true,
    );
  });

  it('names the violated rule and carries its custom message', () => {
    const set = ruleSet(
      { '1': { name: 'order.amount', conditions: { $more_than: [5000] } }, logic: '1' },
      { message: 'Spend more than 50' },
    );
    const f = check({ order: { amount: 1000 }, rules: [{ ruleId: 'val_1', ruleSet: set }] });
    expect(f).toMatchObject({
      key: 'order_rules_violated',
      message: 'order does not match validation rules',
      errorMessage: 'Spend more than 50',
    });
    expect(f?.details).toContain('val_1');
    expect(
      check({ order: { amount: 6000 }, rules: [{ ruleId: 'val_1', ruleSet: set }] }),
    ).toBeNull();
  });

  it('per-customer counters decide redemption.count.per_customer', () => {
    const set = ruleSet({
      '1': { name: 'redemption.count.per_customer', conditions: { $less_than_equal: [1] } },
      logic: '1',
    });
    const customer = { source_id: 'c1' };
    expect(
      check({ customer, rules: [{ ruleId: 'val_1', ruleSet: set, counters: { perCustomer: 0 } }] }),
    ).toBeNull();
    expect(
      check({ customer, rules: [{ ruleId: 'val_1', ruleSet: set, counters: { perCustomer: 1 } }] }),
    ).toMatchObject({ key: 'redemption_rules_violated' });
  });

  it('asks for a customer when a customer rule has none', () => {
    const set = ruleSet({
      '1': { name: 'customer.metadata', property: 'tier', conditions: { $is: ['VIP'] } },
      logic: '1',
    });
    expect(check({ rules: [{ ruleId: 'val_1', ruleSet: set }] })).toMatchObject({
      key: 'missing_customer',
    });
  });

  it('gift cards: exceeded balance, empty balance, missing amount', () => {
    const gift = voucher({ type: 'GIFT_VOUCHER', giftBalance: 1000 });
    expect(check({ voucher: gift, order: { amount: 5000 } })).toBeNull();
    expect(check({ voucher: gift, order: { amount: 5000 }, giftCredits: 1000 })).toBeNull();
    expect(check({ voucher: gift, order: { amount: 5000 }, giftCredits: 1001 })).toMatchObject({
      key: 'gift_amount_exceeded',
    });
    expect(check({ voucher: gift })).toMatchObject({ key: 'missing_amount' });
    expect(
      check({ voucher: voucher({ type: 'GIFT_VOUCHER', giftBalance: 0 }), order: { amount: 1 } }),
    ).toMatchObject({ key: 'gift_amount_exceeded' });
  });

  it('maps an unknown voucher to the redemption failure code resource_not_found', () => {
    expect(asRedemptionFailure({ key: 'not_found', message: 'x' })).toMatchObject({
      key: 'resource_not_found',
    });
    const other = { key: 'voucher_expired', message: 'voucher expired' };
    expect(asRedemptionFailure(other)).toBe(other);
  });
});

describe('applyStackingRules', () => {
  it('ALL: every redeemable applicable → valid', () => {
    expect(applyStackingRules([true, true], 'ALL', 5)).toEqual({
      valid: true,
      decisions: [{ status: 'APPLICABLE' }, { status: 'APPLICABLE' }],
    });
  });

  it('ALL: one inapplicable → invalid, the applicable ones SKIPPED', () => {
    expect(applyStackingRules([true, false], 'ALL', 5)).toEqual({
      valid: false,
      decisions: [
        { status: 'SKIPPED', skipKey: 'preceding_validation_failed' },
        { status: 'INAPPLICABLE' },
      ],
    });
  });

  it('PARTIAL: valid with at least one applicable; the limit skips later ones', () => {
    expect(applyStackingRules([false, true, true, true], 'PARTIAL', 2)).toEqual({
      valid: true,
      decisions: [
        { status: 'INAPPLICABLE' },
        { status: 'APPLICABLE' },
        { status: 'APPLICABLE' },
        { status: 'SKIPPED', skipKey: 'applicable_redeemables_limit_exceeded' },
      ],
    });
    expect(applyStackingRules([false, false], 'PARTIAL', 5).valid).toBe(false);
  });
});

describe('sessions and tracking ids', () => {
  it('session TTL: default 7 days, units, capped at 30 days', () => {
    expect(sessionTtlMs()).toBe(DEFAULT_SESSION_TTL_MS);
    expect(sessionTtlMs(2, 'HOURS')).toBe(7_200_000);
    expect(sessionTtlMs(30, 'SECONDS')).toBe(30_000);
    expect(sessionTtlMs(3)).toBe(3 * 86_400_000);
    expect(sessionTtlMs(365, 'DAYS')).toBe(MAX_SESSION_TTL_MS);
  });

  it('tracking id: the caller own, else a stable hash of the source id, else null', () => {
    expect(trackingIdOf('mine', 'c1')).toBe('mine');
    expect(trackingIdOf(undefined, 'c1')).toMatch(/^track_/);
    expect(trackingIdOf(undefined, 'c1')).toBe(trackingIdOf(null, 'c1'));
    expect(trackingIdOf(undefined, 'c2')).not.toBe(trackingIdOf(undefined, 'c1'));
    expect(trackingIdOf(undefined, null)).toBeNull();
  });
});
