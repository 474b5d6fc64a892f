import { LRUCache } from 'lru-cache';
import type { EarlyRejection } from './rate-limit.errors';

/**
 * Keys the shared limiter has already rejected, answered in `onRequest` without touching Redis
 * until their reset time. Bounded: `max` entries, least recently used evicted, each expiring at
 * the moment its key may send again. It never decides anything the shared limiter did not.
 */
export interface BlockEntry {
  /** Epoch ms until which the key is blocked. */
  until: number;
  /** `project` blocks every route; a route class blocks only that class. */
  scope: string;
  /** The limit that was hit (for the 429 body and headers). */
  limitName: string;
  limit: number;
  windowS: number;
  /** The blocked key's project, when known (for the operators' status view). */
  projectId?: string;
  /** The last 429 rendered for this block, reused within the same second. */
  rendered?: { retryAt: number; rejection: EarlyRejection };
}

export class BlockCache {
  private readonly entries: LRUCache<string, BlockEntry>;

  constructor(readonly max: number) {
    this.entries = new LRUCache<string, BlockEntry>({ max, ttlAutopurge: false });
  }

  get size(): number {
    return this.entries.size;
  }

  block(key: string, entry: BlockEntry, now = Date.now()): void {
    const ttl = entry.until - now;
    if (ttl <= 0) return;
    this.entries.set(key, entry, { ttl });
  }

  /** The active block for a key and scope, if any (`project` blocks match every scope). */
  find(key: string, scope: string | null, now = Date.now()): BlockEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.until <= now) return undefined;
    if (entry.scope === 'project' || entry.scope === scope) return entry;
    return undefined;
  }

  clear(): void {
    this.entries.clear();
  }
}
