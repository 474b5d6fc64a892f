export const RELAY_MIN_IDLE_MS = 10;

/**
 * The relay's sleep after a batch that was not full: back to the minimum when it moved events
 * (more are likely), otherwise double up to the cap, so an idle system polls rarely and a busy
 * one with little latency.
 */
export function nextIdleDelay(previousMs: number, moved: number, maxMs: number): number {
  if (moved > 0) return RELAY_MIN_IDLE_MS;
  return Math.min(maxMs, Math.max(RELAY_MIN_IDLE_MS, previousMs * 2));
}
