import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Random bytes are drawn from the CSPRNG in blocks and handed out from this pool: one syscall
 * per ~400 ids instead of one per id (a redemption makes about ten). Bytes are never reused.
 */
const POOL_SIZE = 16 * 1024;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomByte(): number {
  if (poolOffset >= pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  return pool[poolOffset++];
}

/** Cryptographically random base62 string; rejection sampling keeps it unbiased. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < 248) out += ALPHABET[b % 62];
  }
  return out;
}

export const ID_PREFIXES = {
  project: 'proj_',
  apiKey: 'key_',
  managementKey: 'mk_',
  voucher: 'v_',
  campaign: 'camp_',
  customer: 'cust_',
  order: 'ord_',
  redemption: 'r_',
  redemptionFailure: 'rf_',
  rollback: 'rr_',
  rollbackFailure: 'rrf_',
  publication: 'pub_',
  event: 'evt_',
  validationRule: 'val_',
  assignment: 'asgm_',
  validation: 'valid_',
  transaction: 'vtx_',
  asyncAction: 'aa_',
  session: 'ssn_',
  webhook: 'wh_',
  webhookDelivery: 'whs_',
  export: 'exp_',
  audit: 'aud_',
  customerActivity: 'evcus_',
  request: 'v-',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** A new prefixed id, e.g. newId('voucher') → `v_3kTq…` (24 random base62 chars ≈ 143 bits). */
export function newId(kind: IdKind, length = 24): string {
  return ID_PREFIXES[kind] + randomBase62(length);
}

export function hasPrefix(value: string, kind: IdKind): boolean {
  return value.startsWith(ID_PREFIXES[kind]);
}

let requestCounter = 0;
const processTag = randomBytes(4).toString('hex');
/** Request ids (`v-…`): unique per process without a random syscall on the hot path. */
export function newRequestId(): string {
  requestCounter = (requestCounter + 1) % 0xffffffff;
  return `v-${processTag}${requestCounter.toString(16).padStart(8, '0')}`;
}
