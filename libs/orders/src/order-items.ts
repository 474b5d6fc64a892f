import { Errors } from '@app/core';
import type { OrderItemDto } from './orders.dto';

/** An order item as stored (jsonb): the request's fields, with `amount` filled in. */
export type StoredOrderItem = Omit<OrderItemDto, never>;

function checkedMoney(value: number, path: string): number {
  if (!Number.isSafeInteger(value)) {
    throw Errors.invalidPayload(`Property ${path} is too large (${value} cents)`);
  }
  return value;
}

/** Drops absent keys and fills `amount = price × quantity` when the item gives no amount. */
export function normalizeItems(items: OrderItemDto[]): StoredOrderItem[] {
  return items.map((item, index) => {
    const stored = Object.fromEntries(
      Object.entries(item).filter(([, value]) => value !== undefined),
    ) as StoredOrderItem;
    if (stored.amount === undefined && stored.price != null && stored.quantity != null) {
      stored.amount = checkedMoney(stored.price * stored.quantity, `.items[${index}].amount`);
    }
    return stored;
  });
}

/**
 * The order amount: as given; else, when items are given, the sum of their amounts (null when
 * no item has an amount, since nothing is known); else undefined (keep what is stored).
 */
export function orderAmount(
  amount: number | undefined,
  items: StoredOrderItem[] | undefined,
): number | null | undefined {
  if (amount !== undefined) return amount;
  if (items === undefined) return undefined;
  const priced = items.filter((item) => item.amount !== undefined && item.amount !== null);
  if (priced.length === 0) return null;
  const sum = priced.reduce((total, item) => total + (item.amount ?? 0), 0);
  return checkedMoney(sum, '.amount');
}

export function itemsDiscountAmount(items: StoredOrderItem[]): number {
  return items.reduce((total, item) => total + (item.discount_amount ?? 0), 0);
}

/** The contract's order_item object. */
export function serializeItem(item: StoredOrderItem) {
  const subtotal =
    item.amount === undefined ? undefined : item.amount - (item.discount_amount ?? 0);
  return { object: 'order_item' as const, ...item, subtotal_amount: subtotal };
}
