/**
 * The order shapes the engine reads (a subset of the contract's order object) and the one
 * definition of "this line item is that product/SKU" shared by rules and discounts.
 */
export type Metadata = Record<string, unknown>;

export interface ItemReference {
  id?: string | null;
  source_id?: string | null;
  price?: number | null;
  metadata?: Metadata | null;
}

export interface OrderItemInput {
  product_id?: string | null;
  sku_id?: string | null;
  source_id?: string | null;
  related_object?: 'product' | 'sku' | null;
  quantity?: number | null;
  /** Unit price in cents. */
  price?: number | null;
  /** Line amount in cents; used when no price is given. */
  amount?: number | null;
  /** Item-level discount already on the order before this request. */
  discount_amount?: number | null;
  product?: ItemReference | null;
  sku?: ItemReference | null;
  metadata?: Metadata | null;
}

export interface OrderInput {
  id?: string | null;
  source_id?: string | null;
  status?: string | null;
  /** Order amount in cents before discounts; the sum of item amounts when omitted. */
  amount?: number | null;
  initial_amount?: number | null;
  /** Order-level discount already on the order before this request. */
  discount_amount?: number | null;
  items?: OrderItemInput[] | null;
  metadata?: Metadata | null;
}

/**
 * Selects line items: `{object:'product', id}` matches the item's product (product_id,
 * product.id, or source_id when related_object is product), `{object:'sku', id}` its SKU;
 * without `object` either. `source_id` matches the product's/SKU's source id.
 */
export interface ItemSelector {
  object?: 'product' | 'sku' | null;
  id?: string | null;
  source_id?: string | null;
}

function productIds(item: OrderItemInput): (string | null | undefined)[] {
  return [item.product_id, item.product?.id];
}
function productSourceIds(item: OrderItemInput): (string | null | undefined)[] {
  return [item.product?.source_id, item.related_object !== 'sku' ? item.source_id : null];
}
function skuIds(item: OrderItemInput): (string | null | undefined)[] {
  return [item.sku_id, item.sku?.id];
}
function skuSourceIds(item: OrderItemInput): (string | null | undefined)[] {
  return [item.sku?.source_id, item.related_object === 'sku' ? item.source_id : null];
}

const has = (values: (string | null | undefined)[], wanted: string | null | undefined) =>
  wanted !== null && wanted !== undefined && wanted !== '' && values.includes(wanted);

export function itemMatches(item: OrderItemInput, selector: ItemSelector | string): boolean {
  if (typeof selector === 'string') {
    return (
      has([...productIds(item), ...skuIds(item)], selector) ||
      has([...productSourceIds(item), ...skuSourceIds(item)], selector)
    );
  }
  const wantProduct = selector.object !== 'sku';
  const wantSku = selector.object !== 'product';
  const ids = [...(wantProduct ? productIds(item) : []), ...(wantSku ? skuIds(item) : [])];
  const sourceIds = [
    ...(wantProduct ? productSourceIds(item) : []),
    ...(wantSku ? skuSourceIds(item) : []),
  ];
  if (selector.id) return has(ids, selector.id);
  if (selector.source_id) return has(sourceIds, selector.source_id);
  return false;
}
