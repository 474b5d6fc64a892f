import { AppError } from '@app/core';
import { itemsDiscountAmount, normalizeItems, orderAmount, serializeItem } from './order-items';

describe('order item arithmetic', () => {
  it('fills amount = price × quantity only when the item has no amount', () => {
    expect(normalizeItems([{ sku_id: 's', quantity: 3, price: 250 }])).toEqual([
      { sku_id: 's', quantity: 3, price: 250, amount: 750 },
    ]);
    expect(normalizeItems([{ quantity: 3, price: 250, amount: 700 }])[0].amount).toBe(700);
    expect(normalizeItems([{ quantity: 3 }])[0].amount).toBeUndefined();
  });

  it('drops absent keys so the stored item is exactly what was given', () => {
    expect(normalizeItems([{ product_id: 'p', metadata: undefined }])).toEqual([
      { product_id: 'p' },
    ]);
  });

  it('rejects a product past the safe integer range as invalid_payload naming the item', () => {
    const call = () =>
      normalizeItems([{ quantity: 1_000_000 }, { quantity: 1_000_000, price: 1e13 }]);
    expect(call).toThrow(AppError);
    expect(call).toThrow(
      expect.objectContaining({
        key: 'invalid_payload',
        details: expect.stringContaining('.items[1].amount'),
      }),
    );
  });

  it('order amount: given amount wins, else the sum of item amounts, else unchanged', () => {
    const items = normalizeItems([{ quantity: 2, price: 100 }, { amount: 50 }, { sku_id: 'x' }]);
    expect(orderAmount(999, items)).toBe(999);
    expect(orderAmount(undefined, items)).toBe(250);
    expect(orderAmount(undefined, [])).toBeNull();
    expect(orderAmount(undefined, [{ sku_id: 'x' }])).toBeNull();
    expect(orderAmount(undefined, undefined)).toBeUndefined();
  });

  it('item discounts add up and subtotal_amount is amount minus the item discount', () => {
    const items = normalizeItems([{ amount: 1000, discount_amount: 100 }, { amount: 500 }]);
    expect(itemsDiscountAmount(items)).toBe(100);
    expect(serializeItem(items[0])).toEqual({
      object: 'order_item',
      amount: 1000,
      discount_amount: 100,
      subtotal_amount: 900,
    });
    expect(serializeItem({ sku_id: 's' }).subtotal_amount).toBeUndefined();
  });
});
