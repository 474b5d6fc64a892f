/** Known CSV columns (normalised: lower case, spaces and dashes as underscores). */
const KNOWN = new Set([
  'code',
  'voucher_type',
  'type',
  'value',
  'discount_type',
  'discount_effect',
  'effect',
  'amount_limit',
  'unit_type',
  'category',
  'start_date',
  'expiration_date',
  'redemption_limit',
  'redemption_quantity',
  'active',
  'additional_info',
  'gift_amount',
  'redeemed_quantity',
  'redeemed_amount',
]);

export const normalizeHeader = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

const blank = (v: string | undefined) => v === undefined || v.trim() === '';

function numberOrRaw(v: string): number | string {
  const n = Number(v.trim());
  return v.trim() !== '' && Number.isFinite(n) ? n : v;
}

function booleanOrRaw(v: string): boolean | string {
  const s = v.trim().toLowerCase();
  return s === 'true' || s === '1' || s === 'yes'
    ? true
    : s === 'false' || s === '0' || s === 'no'
      ? false
      : v;
}

/**
 * One CSV record (header → cell) as an import row in the JSON import's shape. Columns follow
 * Voucherify's CSV template (Code, Voucher Type, Value, Discount Type, Category, Start Date,
 * Expiration Date, Redemption Limit, Active, Additional Info); any other column becomes a
 * metadata property (string value). Values stay raw where they do not parse, so the row's
 * validation names the bad property instead of guessing.
 */
export function csvRecordToVoucher(record: Record<string, string>): Record<string, unknown> {
  const cells = new Map<string, string>();
  const metadata: Record<string, string> = {};
  for (const [header, value] of Object.entries(record)) {
    const key = normalizeHeader(header);
    if (KNOWN.has(key)) cells.set(key, value);
    else if (header.trim() !== '' && !blank(value)) metadata[header.trim()] = value;
  }
  const row: Record<string, unknown> = { code: (cells.get('code') ?? '').trim() };
  const type = (cells.get('voucher_type') ?? cells.get('type') ?? '').trim().toUpperCase();
  const value = cells.get('value');
  const giftAmount = cells.get('gift_amount');
  const isGift = type === 'GIFT_VOUCHER' || type === 'GIFT' || (!type && !blank(giftAmount));
  if (isGift) {
    row.type = 'GIFT_VOUCHER';
    const amount = !blank(giftAmount) ? giftAmount! : value;
    row.gift = { amount: blank(amount) ? undefined : numberOrRaw(amount!) };
  } else if (type === 'LOYALTY_CARD') {
    row.type = 'LOYALTY_CARD';
  } else {
    if (type) row.type = type === 'DISCOUNT' ? 'DISCOUNT_VOUCHER' : type;
    const discountType = (cells.get('discount_type') ?? '').trim().toUpperCase();
    if (discountType || !blank(value)) {
      const discount: Record<string, unknown> = { type: discountType || 'AMOUNT' };
      const field =
        { AMOUNT: 'amount_off', PERCENT: 'percent_off', FIXED: 'fixed_amount', UNIT: 'unit_off' }[
          String(discount.type)
        ] ?? 'amount_off';
      if (!blank(value)) discount[field] = numberOrRaw(value!);
      const effect = cells.get('discount_effect') ?? cells.get('effect');
      if (!blank(effect)) discount.effect = effect!.trim().toUpperCase();
      if (!blank(cells.get('amount_limit')))
        discount.amount_limit = numberOrRaw(cells.get('amount_limit')!);
      if (!blank(cells.get('unit_type'))) discount.unit_type = cells.get('unit_type')!.trim();
      row.discount = discount;
    }
  }
  const text = (k: string) => (blank(cells.get(k)) ? undefined : cells.get(k)!.trim());
  if (text('category')) row.category = text('category');
  if (text('start_date')) row.start_date = text('start_date');
  if (text('expiration_date')) row.expiration_date = text('expiration_date');
  const limit = text('redemption_limit') ?? text('redemption_quantity');
  if (limit) row.redemption = { quantity: numberOrRaw(limit) };
  if (text('active')) row.active = booleanOrRaw(text('active')!);
  if (text('additional_info')) row.additional_info = text('additional_info');
  if (Object.keys(metadata).length) row.metadata = metadata;
  return row;
}
