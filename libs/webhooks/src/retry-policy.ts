/**
 * Delay before the next automatic attempt after attempt `attempt` (1-based) failed, or null
 * when the schedule is exhausted. Manual redeliveries are single attempts.
 */
export function nextRetryDelayMs(
  attempt: number,
  scheduleMs: readonly number[],
  manual: boolean,
): number | null {
  if (manual) return null;
  return attempt - 1 < scheduleMs.length ? scheduleMs[attempt - 1] : null;
}

/** An endpoint is disabled when its run of consecutive failed attempts reaches the limit. */
export function shouldDisable(consecutiveFailures: number, limit: number): boolean {
  return consecutiveFailures >= limit;
}
