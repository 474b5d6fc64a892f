/** How a column is compared in filters and rendered (the SQL already returns text for dates). */
export type ExportColumnType = 'string' | 'number' | 'boolean' | 'date' | 'json';

export interface ExportColumn {
  /** SQL over the table alias `t`. */
  sql: string;
  type: ExportColumnType;
}

/** One exportable object: where its rows live and which fields and filters it offers. */
export interface ExportableType {
  table: string;
  /**
   * The creation instant (SQL over `t`, non-null, indexed with project_id and id) that orders
   * and snapshots the export; `t.created_at` when absent.
   */
  createdAt?: string;
  /** Extra condition every exported row meets (e.g. not in the bin). */
  where?: string;
  /** The table has a jsonb `metadata` column: `metadata.<key>` works as a field and a filter. */
  metadata: boolean;
  columns: Record<string, ExportColumn>;
  defaultFields: string[];
}

/** ISO 8601 UTC text from SQL: no driver-side Date parsing, no time zone drift, no ms loss. */
export const isoSql = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const text = (sql: string): ExportColumn => ({ sql, type: 'string' });
const num = (sql: string): ExportColumn => ({ sql, type: 'number' });
const bool = (sql: string): ExportColumn => ({ sql, type: 'boolean' });
const date = (column: string): ExportColumn => ({ sql: column, type: 'date' });
const json = (sql: string): ExportColumn => ({ sql, type: 'json' });

const VOUCHER: ExportableType = {
  table: 'vouchers',
  where: 't.deleted_at IS NULL',
  metadata: true,
  columns: {
    id: text('t.id'),
    code: text('t.code'),
    voucher_type: text('t.type'),
    value: text(
      `CASE WHEN t.type = 'GIFT_VOUCHER' THEN t.gift_amount::text
            ELSE coalesce(t.discount->>'amount_off', t.discount->>'percent_off',
                          t.discount->>'unit_off', t.discount->>'fixed_amount') END`,
    ),
    discount_type: text(`t.discount->>'type'`),
    campaign_id: text('t.campaign_id'),
    category: text('t.category'),
    start_date: date('t.start_date'),
    expiration_date: date('t.expiration_date'),
    gift_balance: num('t.gift_balance'),
    redemption_quantity: num('t.redemption_quantity'),
    redemption_count: num('t.redeemed_quantity'),
    active: bool('t.active'),
    is_referral_code: bool('t.is_referral_code'),
    customer_id: text('t.holder_id'),
    additional_info: text('t.additional_info'),
    metadata: json('t.metadata'),
    created_at: date('t.created_at'),
    updated_at: date('t.updated_at'),
  },
  defaultFields: [
    'code',
    'voucher_type',
    'value',
    'discount_type',
    'campaign_id',
    'category',
    'start_date',
    'expiration_date',
    'gift_balance',
    'redemption_quantity',
    'redemption_count',
    'active',
    'metadata',
    'created_at',
  ],
};

const CUSTOMER: ExportableType = {
  table: 'customers',
  metadata: true,
  columns: {
    id: text('t.id'),
    source_id: text('t.source_id'),
    name: text('t.name'),
    email: text('t.email'),
    phone: text('t.phone'),
    description: text('t.description'),
    birthdate: text('t.birthdate::text'),
    address_city: text('t.address_city'),
    address_state: text('t.address_state'),
    address_line_1: text('t.address_line_1'),
    address_line_2: text('t.address_line_2'),
    address_country: text('t.address_country'),
    address_postal_code: text('t.address_postal_code'),
    metadata: json('t.metadata'),
    redemptions_total_redeemed: num('t.redemptions_total_redeemed'),
    redemptions_total_failed: num('t.redemptions_total_failed'),
    redemptions_total_succeeded: num('t.redemptions_total_succeeded'),
    redemptions_total_rolled_back: num('t.redemptions_total_rolled_back'),
    orders_total_amount: num('t.orders_total_amount'),
    orders_total_count: num('t.orders_total_count'),
    orders_last_order_amount: num('t.orders_last_amount'),
    orders_last_order_date: date('t.orders_last_date'),
    created_at: date('t.created_at'),
    updated_at: date('t.updated_at'),
  },
  defaultFields: ['id', 'source_id', 'name', 'email', 'created_at'],
};

const ORDER: ExportableType = {
  table: 'orders',
  metadata: true,
  columns: {
    id: text('t.id'),
    source_id: text('t.source_id'),
    status: text('t.status'),
    amount: num('t.amount'),
    initial_amount: num('t.initial_amount'),
    discount_amount: num('t.discount_amount'),
    items_count: num('jsonb_array_length(t.items)'),
    customer_id: text('t.customer_id'),
    referrer_id: text('t.referrer_id'),
    metadata: json('t.metadata'),
    created_at: date('t.created_at'),
    updated_at: date('t.updated_at'),
  },
  defaultFields: [
    'id',
    'source_id',
    'status',
    'amount',
    'discount_amount',
    'customer_id',
    'created_at',
  ],
};

/**
 * Redemptions, their failures and rollbacks (one table; `object` tells them apart), ordered by
 * `date` (ix_redemptions_project_date).
 */
const REDEMPTION: ExportableType = {
  table: 'redemptions',
  createdAt: 't.date',
  metadata: true,
  columns: {
    id: text('t.id'),
    object: text(
      `CASE WHEN t.kind IN ('rollback', 'parent_rollback') THEN 'redemption_rollback' ELSE 'redemption' END`,
    ),
    date: date('t.date'),
    voucher_code: text('t.voucher_code'),
    voucher_id: text('t.voucher_id'),
    campaign_id: text('t.campaign_id'),
    customer_id: text('t.customer_id'),
    order_id: text('t.order_id'),
    parent_redemption_id: text(`CASE WHEN t.kind = 'child' THEN t.parent_id END`),
    redemption: text('t.redemption_id'),
    tracking_id: text('t.tracking_id'),
    amount: num('t.amount'),
    result: text('t.result'),
    status: text('t.status'),
    failure_code: text('t.failure_code'),
    failure_message: text('t.failure_message'),
    reason: text('t.reason'),
    channel_type: text('t.channel_type'),
    metadata: json('t.metadata'),
  },
  defaultFields: [
    'id',
    'object',
    'date',
    'voucher_code',
    'campaign_id',
    'customer_id',
    'parent_redemption_id',
    'order_id',
    'result',
    'status',
    'failure_code',
    'tracking_id',
    'metadata',
  ],
};

const PUBLICATION: ExportableType = {
  table: 'publications',
  metadata: true,
  columns: {
    id: text('t.id'),
    voucher_code: text('t.voucher_code'),
    voucher_type: text('t.voucher_type'),
    campaign_id: text('t.campaign_id'),
    customer_id: text('t.customer_id'),
    tracking_id: text('t.tracking_id'),
    source_id: text('t.source_id'),
    channel: text('t.channel'),
    result: text('t.result'),
    failure_code: text('t.failure_code'),
    failure_message: text('t.failure_message'),
    is_referral_code: bool('t.is_referral_code'),
    metadata: json('t.metadata'),
    created_at: date('t.created_at'),
  },
  defaultFields: [
    'voucher_code',
    'customer_id',
    'created_at',
    'channel',
    'campaign_id',
    'is_referral_code',
    'metadata',
  ],
};

/**
 * Every exportable object. Adding one is one entry here: its table needs `id`, `project_id`
 * and a non-null creation column (`created_at`, or `createdAt`), with an index on
 * (project_id, <creation column>, id) for the keyset batches.
 */
export const EXPORTABLE: Record<string, ExportableType> = {
  voucher: VOUCHER,
  customer: CUSTOMER,
  order: ORDER,
  redemption: REDEMPTION,
  publication: PUBLICATION,
};

export function exportableType(name: string): ExportableType | undefined {
  return Object.prototype.hasOwnProperty.call(EXPORTABLE, name) ? EXPORTABLE[name] : undefined;
}
