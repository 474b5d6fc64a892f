import { isoOrNull } from '@app/core';
import type { OrderEntity } from './order.entity';
import { itemsDiscountAmount, serializeItem } from './order-items';

const customerRef = (id: string | null) =>
  id === null ? null : { id, object: 'customer' as const };

/** The contract's order object (section 10.2). Applied-discount fields belong to redemptions. */
export function serializeOrder(o: OrderEntity) {
  const itemsDiscount = itemsDiscountAmount(o.items);
  const totalDiscount = o.discountAmount + itemsDiscount;
  return {
    id: o.id,
    source_id: o.sourceId,
    status: o.status,
    amount: o.amount,
    initial_amount: o.initialAmount,
    discount_amount: o.discountAmount,
    items_discount_amount: itemsDiscount,
    total_discount_amount: totalDiscount,
    total_amount: o.amount === null ? null : o.amount - totalDiscount,
    applied_discount_amount: 0,
    items_applied_discount_amount: 0,
    total_applied_discount_amount: 0,
    items: o.items.map(serializeItem),
    metadata: o.metadata ?? {},
    customer: customerRef(o.customerId),
    customer_id: o.customerId,
    referrer: customerRef(o.referrerId),
    referrer_id: o.referrerId,
    redemptions: o.redemptions ?? {},
    created_at: isoOrNull(o.createdAt),
    updated_at: isoOrNull(o.updatedAt),
    object: 'order' as const,
  };
}

export type OrderObject = ReturnType<typeof serializeOrder>;
