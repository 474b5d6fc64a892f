import {
  ItemReference,
  ItemSelector,
  itemMatches,
  Metadata,
  OrderInput,
  OrderItemInput,
} from './order-items';

/**
 * Discount maths: integer cents in, integer cents out, no I/O. The order fields follow the
 * contract's section 6.4; the stacking order and rounding are documented in
 * docs/validation-rules.md ("Discount maths").
 */

export type ItemsEffect =
  'APPLY_TO_ITEMS' | 'APPLY_TO_ITEMS_PROPORTIONALLY' | 'APPLY_TO_ITEMS_BY_QUANTITY';

export interface AmountDiscount {
  type: 'AMOUNT';
  amount_off: number;
  effect?: 'APPLY_TO_ORDER' | ItemsEffect | null;
  /** Items an APPLY_TO_ITEMS* effect reaches; empty or absent = every item. */
  applicable_to?: ItemSelector[] | null;
}

export interface PercentDiscount {
  type: 'PERCENT';
  /** 0–100, up to 4 decimals. */
  percent_off: number;
  /** Cap in cents on the whole discount (all items together for APPLY_TO_ITEMS). */
  amount_limit?: number | null;
  effect?: 'APPLY_TO_ORDER' | 'APPLY_TO_ITEMS' | null;
  applicable_to?: ItemSelector[] | null;
}

export interface FixedDiscount {
  type: 'FIXED';
  /** The new price: of the order (APPLY_TO_ORDER) or of each unit of each item (APPLY_TO_ITEMS). */
  fixed_amount: number;
  effect?: 'APPLY_TO_ORDER' | 'APPLY_TO_ITEMS' | null;
  applicable_to?: ItemSelector[] | null;
}

export type UnitEffect = 'ADD_MISSING_ITEMS' | 'ADD_NEW_ITEMS';

export interface UnitSpec {
  unit_off: number;
  /** Product id (or SKU id) of the free unit. */
  unit_type?: string | null;
  effect?: UnitEffect | null;
  product?: ItemReference | null;
  sku?: ItemReference | null;
}

export interface UnitDiscount extends Omit<Partial<UnitSpec>, 'effect'> {
  type: 'UNIT';
  effect?: UnitEffect | 'ADD_MANY_ITEMS' | null;
  /** For ADD_MANY_ITEMS. */
  units?: UnitSpec[] | null;
}

export type DiscountDefinition = AmountDiscount | PercentDiscount | FixedDiscount | UnitDiscount;

export interface GiftDefinition {
  /** Remaining balance of the gift card, cents. */
  balance: number;
  /** Credits the caller asked to use; absent = as much as the order needs. */
  credits?: number | null;
}

export type StackEntry = { discount: DiscountDefinition } | { gift: GiftDefinition };

export interface OrderItemResult extends OrderItemInput {
  quantity: number;
  price: number | null;
  amount: number;
  initial_quantity: number;
  initial_amount: number;
  /** Units a UNIT discount made free on this line. */
  discount_quantity: number;
  discount_amount: number;
  applied_discount_amount: number;
  subtotal_amount: number;
}

export interface OrderResult {
  id?: string | null;
  source_id?: string | null;
  status?: string | null;
  metadata?: Metadata | null;
  amount: number;
  initial_amount: number;
  discount_amount: number;
  items_discount_amount: number;
  total_discount_amount: number;
  total_amount: number;
  applied_discount_amount: number;
  items_applied_discount_amount: number;
  total_applied_discount_amount: number;
  items: OrderItemResult[];
}

/** What one stack entry contributed, in input order. */
export interface StackApplication {
  index: number;
  kind: 'discount' | 'gift';
  order_discount_amount: number;
  items_discount_amount: number;
  total_discount_amount: number;
  /** Per result item index, what this entry took off that line (only non-zero lines). */
  items: { index: number; discount_amount: number }[];
  /** Gift entries: the credits used. */
  gift_credits?: number;
}

export interface CalculationResult {
  order: OrderResult;
  applications: StackApplication[];
}

// ---------------------------------------------------------------- rounding

export const PERCENT_SCALE = 10_000; // percent_off precision: 4 decimals

/**
 * `base × percent / 100`, rounded half up to the cent, in exact integer arithmetic (BigInt),
 * so 12.5% of 1 cent is 0 and of 4 cents is 1 (0.5 rounds up).
 */
export function percentOf(base: number, percent: number): number {
  if (!(base > 0) || !(percent > 0)) return 0;
  const p = BigInt(Math.round(Math.min(percent, 100) * PERCENT_SCALE));
  const denominator = BigInt(100 * PERCENT_SCALE);
  return Number((BigInt(base) * p * 2n + denominator) / (2n * denominator));
}

/** Non-negative integer cents; anything else (negative, NaN, fractional noise) is sanitised. */
export function cents(value: number | null | undefined): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return 0;
  return Math.round(value);
}

function quantityOf(value: number | null | undefined): number {
  if (value === null || value === undefined) return 1;
  if (!Number.isFinite(value) || value <= 0) return 0;
  return Math.floor(value);
}

// ---------------------------------------------------------------- working state

interface Line {
  src: OrderItemInput;
  quantity: number;
  price: number | null;
  amount: number;
  initialQuantity: number;
  initialAmount: number;
  prior: number;
  applied: number;
  discountQuantity: number;
}

class Calculation {
  readonly lines: Line[];
  amount: number;
  readonly initialAmount: number;
  readonly priorOrder: number;
  appliedOrder = 0;

  constructor(order: OrderInput) {
    this.lines = (order.items ?? []).map((src) => {
      const quantity = quantityOf(src.quantity);
      const rawPrice = src.price ?? src.sku?.price ?? src.product?.price;
      const price = rawPrice === null || rawPrice === undefined ? null : cents(rawPrice);
      const amount = price !== null ? price * quantity : cents(src.amount);
      return {
        src,
        quantity,
        price,
        amount,
        initialQuantity: quantity,
        initialAmount: amount,
        prior: Math.min(cents(src.discount_amount), amount),
        applied: 0,
        discountQuantity: 0,
      };
    });
    const explicit = order.amount;
    this.amount =
      explicit !== null && explicit !== undefined
        ? cents(explicit)
        : this.lines.reduce((sum, l) => sum + l.amount, 0);
    this.initialAmount =
      order.initial_amount !== null && order.initial_amount !== undefined
        ? cents(order.initial_amount)
        : this.amount;
    // Earlier discounts that claim more than the order is worth are trimmed, so totals add up.
    let budget = this.amount;
    for (const line of this.lines) {
      line.prior = Math.min(line.prior, budget);
      budget -= line.prior;
    }
    this.priorOrder = Math.min(cents(order.discount_amount), budget);
  }

  itemsDiscount(): number {
    return this.lines.reduce((sum, l) => sum + l.prior + l.applied, 0);
  }

  /** What is left to pay; every discount is capped by it, so the total never goes negative. */
  remainingTotal(): number {
    return Math.max(0, this.amount - this.priorOrder - this.appliedOrder - this.itemsDiscount());
  }

  lineRemaining(line: Line): number {
    return Math.max(0, line.amount - line.prior - line.applied);
  }

  /** Takes up to `wanted` off a line; returns what was actually taken. */
  takeFromLine(line: Line, wanted: number): number {
    const d = Math.min(cents(wanted), this.lineRemaining(line), this.remainingTotal());
    line.applied += d;
    return d;
  }

  takeFromOrder(wanted: number): number {
    const d = Math.min(cents(wanted), this.remainingTotal());
    this.appliedOrder += d;
    return d;
  }
}

// ---------------------------------------------------------------- discounts

function applicableLines(calc: Calculation, selectors: ItemSelector[] | null | undefined): Line[] {
  if (!selectors || selectors.length === 0) return calc.lines;
  return calc.lines.filter((line) => selectors.some((s) => itemMatches(line.src, s)));
}

type Taken = { order: number; items: Map<Line, number> };

function addTaken(taken: Taken, line: Line, amount: number) {
  if (amount > 0) taken.items.set(line, (taken.items.get(line) ?? 0) + amount);
}

function applyItemsEffect(
  calc: Calculation,
  discount: AmountDiscount | PercentDiscount | FixedDiscount,
  taken: Taken,
) {
  const lines = applicableLines(calc, discount.applicable_to);
  if (discount.type === 'AMOUNT' && discount.effect === 'APPLY_TO_ITEMS_PROPORTIONALLY') {
    distributeProportionally(calc, lines, cents(discount.amount_off), taken);
    return;
  }
  let capLeft =
    discount.type === 'PERCENT' &&
    discount.amount_limit !== null &&
    discount.amount_limit !== undefined
      ? cents(discount.amount_limit)
      : Number.POSITIVE_INFINITY;
  for (const line of lines) {
    const remaining = calc.lineRemaining(line);
    let wanted: number;
    if (discount.type === 'AMOUNT') {
      wanted =
        discount.effect === 'APPLY_TO_ITEMS_BY_QUANTITY'
          ? cents(discount.amount_off) * line.quantity
          : cents(discount.amount_off);
    } else if (discount.type === 'PERCENT') {
      wanted = Math.min(percentOf(remaining, discount.percent_off), capLeft);
    } else {
      wanted = remaining - cents(discount.fixed_amount) * line.quantity;
    }
    const got = calc.takeFromLine(line, wanted);
    capLeft -= got;
    addTaken(taken, line, got);
  }
}

/** Splits `amountOff` over lines by their remaining amounts (largest remainder, ties by position). */
function distributeProportionally(
  calc: Calculation,
  lines: Line[],
  amountOff: number,
  taken: Taken,
) {
  const remaining = lines.map((l) => calc.lineRemaining(l));
  const pool = remaining.reduce((a, b) => a + b, 0);
  const total = Math.min(amountOff, pool, calc.remainingTotal());
  if (total === 0) return;
  const shares = remaining.map((r) => {
    const exact = BigInt(total) * BigInt(r);
    return { floor: Number(exact / BigInt(pool)), rest: Number(exact % BigInt(pool)) };
  });
  let left = total - shares.reduce((a, s) => a + s.floor, 0);
  const order = shares
    .map((s, i) => ({ i, rest: s.rest }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    if (shares[i].rest > 0) {
      shares[i].floor += 1;
      left -= 1;
    }
  }
  lines.forEach((line, i) => addTaken(taken, line, calc.takeFromLine(line, shares[i].floor)));
}

function applyOrderEffect(
  calc: Calculation,
  discount: AmountDiscount | PercentDiscount | FixedDiscount,
  taken: Taken,
) {
  const remaining = calc.remainingTotal();
  let wanted: number;
  if (discount.type === 'AMOUNT') wanted = cents(discount.amount_off);
  else if (discount.type === 'PERCENT') {
    wanted = percentOf(remaining, discount.percent_off);
    if (discount.amount_limit !== null && discount.amount_limit !== undefined) {
      wanted = Math.min(wanted, cents(discount.amount_limit));
    }
  } else wanted = remaining - cents(discount.fixed_amount);
  taken.order += calc.takeFromOrder(wanted);
}

function unitSpecs(discount: UnitDiscount): UnitSpec[] {
  if (discount.effect === 'ADD_MANY_ITEMS') return discount.units ?? [];
  return [
    {
      unit_off: discount.unit_off ?? 0,
      unit_type: discount.unit_type,
      effect: discount.effect === 'ADD_NEW_ITEMS' ? 'ADD_NEW_ITEMS' : 'ADD_MISSING_ITEMS',
      product: discount.product,
      sku: discount.sku,
    },
  ];
}

function applyUnit(calc: Calculation, spec: UnitSpec, taken: Taken) {
  const unitOff = quantityOf(spec.unit_off);
  const target = spec.unit_type ?? spec.sku?.id ?? spec.product?.id;
  if (unitOff === 0 || !target) return;
  let line = calc.lines.find((l) => itemMatches(l.src, target));
  const effect = spec.effect ?? 'ADD_MISSING_ITEMS';
  const have = line ? line.quantity : 0;
  const add = effect === 'ADD_NEW_ITEMS' ? unitOff : Math.max(0, unitOff - have);
  if (!line) {
    const ref = spec.sku ?? spec.product;
    const price = ref?.price === null || ref?.price === undefined ? null : cents(ref.price);
    const isSku = Boolean(spec.sku) || target.startsWith('sku_');
    line = {
      src: isSku
        ? {
            sku_id: target,
            related_object: 'sku',
            sku: spec.sku ?? null,
            product: spec.product ?? null,
          }
        : { product_id: target, related_object: 'product', product: spec.product ?? null },
      quantity: 0,
      price,
      amount: 0,
      initialQuantity: 0,
      initialAmount: 0,
      prior: 0,
      applied: 0,
      discountQuantity: 0,
    };
    calc.lines.push(line);
  }
  if (add > 0) {
    // Added units raise the order's amount by their price; the discount then makes them free.
    const unitPrice = line.price ?? 0;
    line.quantity += add;
    line.amount += unitPrice * add;
    calc.amount += unitPrice * add;
  }
  const freeUnits = Math.min(unitOff, line.quantity);
  line.discountQuantity += freeUnits;
  addTaken(taken, line, calc.takeFromLine(line, (line.price ?? 0) * freeUnits));
}

function phaseOf(entry: StackEntry): number {
  if ('gift' in entry) return 3;
  const d = entry.discount;
  if (d.type === 'UNIT') return 0;
  return d.effect && d.effect !== 'APPLY_TO_ORDER' ? 1 : 2;
}

/**
 * Applies a stack of discounts and gift credits to an order. Entries run in phases, and in the
 * given order within a phase: (0) UNIT discounts (they add items), (1) item-level discounts,
 * (2) order-level discounts, (3) gift credits (payment of what is left). Each entry sees the
 * order as the previous ones left it and is capped so that no total goes below zero.
 */
export function calculateOrder(
  order: OrderInput,
  stack: readonly StackEntry[] = [],
): CalculationResult {
  const calc = new Calculation(order);
  const applications: StackApplication[] = new Array(stack.length);
  const sequence = stack
    .map((entry, index) => ({ entry, index, phase: phaseOf(entry) }))
    .sort((a, b) => a.phase - b.phase || a.index - b.index);

  for (const { entry, index } of sequence) {
    const taken: Taken = { order: 0, items: new Map() };
    let giftCredits: number | undefined;
    if ('gift' in entry) {
      const remaining = calc.remainingTotal();
      const requested =
        entry.gift.credits === null || entry.gift.credits === undefined
          ? remaining
          : cents(entry.gift.credits);
      giftCredits = calc.takeFromOrder(Math.min(requested, cents(entry.gift.balance)));
      taken.order += giftCredits;
    } else {
      const d = entry.discount;
      if (d.type === 'UNIT') unitSpecs(d).forEach((spec) => applyUnit(calc, spec, taken));
      else if (!d.effect || d.effect === 'APPLY_TO_ORDER') applyOrderEffect(calc, d, taken);
      else applyItemsEffect(calc, d, taken);
    }
    const items = [...taken.items].map(([line, amount]) => ({
      index: calc.lines.indexOf(line),
      discount_amount: amount,
    }));
    const itemsTotal = items.reduce((a, i) => a + i.discount_amount, 0);
    applications[index] = {
      index,
      kind: 'gift' in entry ? 'gift' : 'discount',
      order_discount_amount: taken.order,
      items_discount_amount: itemsTotal,
      total_discount_amount: taken.order + itemsTotal,
      items: items.sort((a, b) => a.index - b.index),
      ...(giftCredits !== undefined ? { gift_credits: giftCredits } : {}),
    };
  }

  const items: OrderItemResult[] = calc.lines.map((l) => ({
    ...l.src,
    quantity: l.quantity,
    price: l.price,
    amount: l.amount,
    initial_quantity: l.initialQuantity,
    initial_amount: l.initialAmount,
    discount_quantity: l.discountQuantity,
    discount_amount: l.prior + l.applied,
    applied_discount_amount: l.applied,
    subtotal_amount: l.amount - l.prior - l.applied,
  }));
  const discountAmount = calc.priorOrder + calc.appliedOrder;
  const itemsDiscount = calc.itemsDiscount();
  const itemsApplied = calc.lines.reduce((a, l) => a + l.applied, 0);
  const result: OrderResult = {
    ...(order.id !== undefined ? { id: order.id } : {}),
    ...(order.source_id !== undefined ? { source_id: order.source_id } : {}),
    ...(order.status !== undefined ? { status: order.status } : {}),
    ...(order.metadata !== undefined ? { metadata: order.metadata } : {}),
    amount: calc.amount,
    initial_amount: calc.initialAmount,
    discount_amount: discountAmount,
    items_discount_amount: itemsDiscount,
    total_discount_amount: discountAmount + itemsDiscount,
    total_amount: Math.max(0, calc.amount - discountAmount - itemsDiscount),
    applied_discount_amount: calc.appliedOrder,
    items_applied_discount_amount: itemsApplied,
    total_applied_discount_amount: calc.appliedOrder + itemsApplied,
    items,
  };
  return { order: result, applications };
}
