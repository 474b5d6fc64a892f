/**
 * Closed → (N consecutive failures) → open for `openMs` → half-open: one trial call; its success
 * closes the breaker, its failure opens it again. While open, callers skip Redis entirely, so a
 * hung Redis costs one command timeout per `openMs`, not one per request.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private state: BreakerState = 'closed';
  private trialInFlight = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): BreakerState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.openMs) return 'half_open';
    return this.state;
  }

  /** Whether the caller may try the protected resource now. */
  allowRequest(): boolean {
    const state = this.current;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.state = 'half_open';
    this.trialInFlight = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.trialInFlight = false;
    this.state = 'closed';
  }

  failure(): void {
    this.trialInFlight = false;
    this.failures++;
    if (this.state === 'half_open' || this.failures >= this.failureThreshold) {
      this.state = 'open';
      this.openedAt = this.now();
    }
  }
}
