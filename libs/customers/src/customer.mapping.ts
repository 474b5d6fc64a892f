import { isoOrNull } from '@app/core';
import type { CustomerEntity } from './customer.entity';
import type { CustomerFieldsDto } from './customers.dto';

/** The writable columns of a customer, by entity property. */
export type CustomerChanges = Partial<
  Pick<
    CustomerEntity,
    | 'name'
    | 'email'
    | 'phone'
    | 'description'
    | 'birthdate'
    | 'addressCity'
    | 'addressState'
    | 'addressLine1'
    | 'addressLine2'
    | 'addressCountry'
    | 'addressPostalCode'
    | 'metadata'
  >
>;

const ADDRESS_COLUMNS = {
  city: 'addressCity',
  state: 'addressState',
  line_1: 'addressLine1',
  line_2: 'addressLine2',
  country: 'addressCountry',
  postal_code: 'addressPostalCode',
} as const;

/**
 * Turns a request body into column changes: absent fields are left out (kept as stored),
 * `null` clears; `address: null` clears the whole address, a partial address changes only
 * the lines it names; `metadata` replaces the stored object.
 */
export function customerChanges(input: CustomerFieldsDto): CustomerChanges {
  const changes: CustomerChanges = {};
  for (const key of ['name', 'email', 'phone', 'description', 'birthdate'] as const) {
    if (input[key] !== undefined) changes[key] = input[key];
  }
  if (input.address === null) {
    for (const column of Object.values(ADDRESS_COLUMNS)) changes[column] = null;
  } else if (input.address !== undefined) {
    for (const [field, column] of Object.entries(ADDRESS_COLUMNS) as [
      keyof typeof ADDRESS_COLUMNS,
      (typeof ADDRESS_COLUMNS)[keyof typeof ADDRESS_COLUMNS],
    ][]) {
      const value = input.address[field];
      if (value !== undefined) changes[column] = value;
    }
  }
  if (input.metadata !== undefined) changes.metadata = input.metadata ?? {};
  return changes;
}

/** The contract's customer object (section 10.1). */
export function serializeCustomer(c: CustomerEntity) {
  const totalCount = c.ordersTotalCount;
  return {
    id: c.id,
    source_id: c.sourceId,
    name: c.name,
    description: c.description,
    email: c.email,
    phone: c.phone,
    birthdate: c.birthdate,
    address: {
      city: c.addressCity,
      state: c.addressState,
      line_1: c.addressLine1,
      line_2: c.addressLine2,
      country: c.addressCountry,
      postal_code: c.addressPostalCode,
    },
    summary: {
      redemptions: {
        total_redeemed: c.redemptionsTotalRedeemed,
        total_failed: c.redemptionsTotalFailed,
        total_succeeded: c.redemptionsTotalSucceeded,
        total_rolled_back: c.redemptionsTotalRolledBack,
        total_rollback_failed: c.redemptionsTotalRollbackFailed,
        total_rollback_succeeded: c.redemptionsTotalRollbackSucceeded,
        gift: { redeemed_amount: c.giftRedeemedAmount, amount_to_go: c.giftAmountToGo },
        loyalty_card: {
          redeemed_points: c.loyaltyRedeemedPoints,
          points_to_go: c.loyaltyPointsToGo,
        },
      },
      orders: {
        total_amount: c.ordersTotalAmount,
        total_count: totalCount,
        average_amount: totalCount > 0 ? Math.round(c.ordersTotalAmount / totalCount) : 0,
        last_order_amount: c.ordersLastAmount,
        last_order_date: isoOrNull(c.ordersLastDate),
      },
    },
    // Loyalty and referral programmes do not exist yet: the contract's empty shapes.
    loyalty: { points: 0, referred_customers: 0, campaigns: {} },
    referrals: { total: 0, campaigns: [] },
    metadata: c.metadata ?? {},
    system_metadata: {},
    created_at: isoOrNull(c.createdAt),
    updated_at: isoOrNull(c.updatedAt),
    object: 'customer' as const,
  };
}

export type CustomerObject = ReturnType<typeof serializeCustomer>;
