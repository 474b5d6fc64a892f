import { Errors } from '@app/core';
import type { CreateCustomerDto } from '@app/customers';
import { PublicationErrors } from './publications.errors';

/** Most codes one publication may hand out (the contract's `campaign.count` range). */
export const MAX_PUBLICATION_COUNT = 50;

/** A publication request, whatever route it came through. */
export interface PublishInput {
  /** A campaign id or name and how many codes; absent when a specific voucher is asked for. */
  campaign?: { key: string; count: number };
  voucher?: string;
  customer: CreateCustomerDto;
  sourceId?: string;
  channel: string;
  metadata: Record<string, unknown>;
  /** Asked for in the request (the campaign's own flag is added later). */
  joinOnce: boolean;
}

export interface RawPublishRequest {
  campaign?: unknown;
  voucher?: string;
  customer?: CreateCustomerDto;
  source_id?: string;
  channel?: string;
  metadata?: Record<string, unknown>;
  join_once?: boolean;
}

export interface NormalizeOptions {
  /** join_once from the query string (the spec's place); either place turns it on. */
  queryJoinOnce?: boolean;
  defaultChannel: string;
  /** Largest count the route allows; above it: too_many_vouchers_requested (GET) or invalid. */
  maxCount: number;
}

/**
 * Turns a request into a PublishInput. `campaign` is a name, or `{name|id, count}` (count as a
 * number or, from a query string, a numeric string). A voucher wins over a campaign.
 */
export function normalizePublishRequest(
  raw: RawPublishRequest,
  options: NormalizeOptions,
): PublishInput {
  const campaign = raw.voucher === undefined ? parseCampaign(raw.campaign, options) : undefined;
  if (raw.voucher === undefined && campaign === undefined)
    throw PublicationErrors.missingVouchers();
  return {
    campaign,
    voucher: raw.voucher,
    customer: raw.customer ?? {},
    sourceId: raw.source_id,
    channel: raw.channel ?? options.defaultChannel,
    metadata: raw.metadata ?? {},
    joinOnce: raw.join_once === true || options.queryJoinOnce === true,
  };
}

function parseCampaign(
  value: unknown,
  options: NormalizeOptions,
): { key: string; count: number } | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    if (value.length > 200)
      throw Errors.invalidPayload('Property .campaign must be at most 200 characters');
    return { key: value, count: 1 };
  }
  if (typeof value !== 'object' || Array.isArray(value))
    throw Errors.invalidPayload(
      'Property .campaign must be a campaign name or an object {name, count}',
    );
  const { name, id, count } = value as { name?: unknown; id?: unknown; count?: unknown };
  const key = name ?? id;
  if (typeof key !== 'string' || key.length === 0 || key.length > 200)
    throw Errors.invalidPayload(
      'Property .campaign.name must be a campaign name of 1-200 characters',
    );
  const n = count === undefined || count === null || count === '' ? 1 : Number(count);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PUBLICATION_COUNT)
    throw Errors.invalidPayload(
      `Property .campaign.count must be an integer between 1 and ${MAX_PUBLICATION_COUNT}`,
    );
  if (n > options.maxCount) throw PublicationErrors.tooManyVouchersRequested(options.maxCount);
  return { key, count: n };
}

/** What a stored publication was made for, to compare a repeated source_id against. */
export interface StoredPublicationKey {
  customerId: string | null;
  customerSourceId: string | null;
  campaignId: string | null;
  campaignName: string | null;
  codes: string[];
}

/**
 * Whether a request repeats the stored publication (same customer, same campaign or voucher):
 * then the stored result is returned; otherwise the source_id is a duplicate.
 */
export function repeatsPublication(stored: StoredPublicationKey, input: PublishInput): boolean {
  const c = input.customer;
  const sameCustomer =
    (c.id !== undefined && c.id === stored.customerId) ||
    (c.id === undefined && !!c.source_id && c.source_id === stored.customerSourceId);
  if (!sameCustomer) return false;
  if (input.voucher !== undefined) return stored.codes.includes(input.voucher);
  const key = input.campaign?.key;
  return key !== undefined && (key === stored.campaignId || key === stored.campaignName);
}
