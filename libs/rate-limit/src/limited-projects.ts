import { LRUCache } from 'lru-cache';

/**
 * Which projects this process rejected recently, for the operators' status view
 * (`GET /management/v1/rate-limits/status`). Read-only for everything but the three hooks in
 * RateLimitService; bounded by `max` projects (least recently rejected evicted), each keeping a
 * fixed ring of buckets, so a flood of distinct projects costs at most `max` small entries.
 */
export type RejectionKind = 'limited' | 'concurrency_limited' | 'blocked_early';

const KINDS: readonly RejectionKind[] = ['limited', 'concurrency_limited', 'blocked_early'];
const BUCKETS = 6;

interface Entry {
  /** Start (epoch ms) of the bucket each slot counts, per slot. */
  starts: number[];
  counts: Record<RejectionKind, number[]>;
  lastAt: number;
  blockedUntil: number;
  limitName: string | null;
}

export interface LimitedProjectStats {
  projectId: string;
  limited: number;
  concurrencyLimited: number;
  blockedEarly: number;
  total: number;
  lastRejectedAt: number;
  /** Epoch ms until which the project's key is answered from the block cache; 0 when not. */
  blockedUntil: number;
  limitName: string | null;
}

export class LimitedProjects {
  private readonly entries: LRUCache<string, Entry>;
  private readonly bucketMs: number;

  constructor(
    readonly max: number,
    readonly windowMs = 60_000,
  ) {
    this.entries = new LRUCache<string, Entry>({ max });
    this.bucketMs = Math.max(1, Math.floor(windowMs / BUCKETS));
  }

  record(
    projectId: string,
    kind: RejectionKind,
    now = Date.now(),
    block?: { until: number; limitName: string },
  ): void {
    let entry = this.entries.get(projectId);
    if (!entry) {
      entry = {
        starts: new Array<number>(BUCKETS).fill(-1),
        counts: {
          limited: new Array<number>(BUCKETS).fill(0),
          concurrency_limited: new Array<number>(BUCKETS).fill(0),
          blocked_early: new Array<number>(BUCKETS).fill(0),
        },
        lastAt: 0,
        blockedUntil: 0,
        limitName: null,
      };
      this.entries.set(projectId, entry);
    }
    const start = now - (now % this.bucketMs);
    const slot = Math.floor(start / this.bucketMs) % BUCKETS;
    if (entry.starts[slot] !== start) {
      entry.starts[slot] = start;
      for (const k of KINDS) entry.counts[k][slot] = 0;
    }
    entry.counts[kind][slot]++;
    entry.lastAt = now;
    if (block && block.until > entry.blockedUntil) {
      entry.blockedUntil = block.until;
      entry.limitName = block.limitName;
    }
  }

  /** The `n` projects with the most rejections within the window, most first. */
  top(n: number, now = Date.now()): LimitedProjectStats[] {
    const oldest = now - (now % this.bucketMs) - (BUCKETS - 1) * this.bucketMs;
    const out: LimitedProjectStats[] = [];
    for (const [projectId, entry] of this.entries.entries()) {
      const sum = (k: RejectionKind) =>
        entry.counts[k].reduce((acc, c, i) => (entry.starts[i] >= oldest ? acc + c : acc), 0);
      const limited = sum('limited');
      const concurrencyLimited = sum('concurrency_limited');
      const blockedEarly = sum('blocked_early');
      const total = limited + concurrencyLimited + blockedEarly;
      if (total === 0) continue;
      out.push({
        projectId,
        limited,
        concurrencyLimited,
        blockedEarly,
        total,
        lastRejectedAt: entry.lastAt,
        blockedUntil: entry.blockedUntil > now ? entry.blockedUntil : 0,
        limitName: entry.limitName,
      });
    }
    out.sort((a, b) => b.total - a.total || b.lastRejectedAt - a.lastRejectedAt);
    return out.slice(0, n);
  }

  get size(): number {
    return this.entries.size;
  }
}
