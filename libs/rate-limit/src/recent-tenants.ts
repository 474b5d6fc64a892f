/**
 * Which projects this process admitted requests for recently, in two slots (the two most recent
 * distinct projects): enough to answer "is any project other than P being served right now?"
 * in O(1) and constant memory, whatever the number of tenants.
 */
export class RecentTenants {
  private first: { projectId: string; at: number } | null = null;
  private second: { projectId: string; at: number } | null = null;

  constructor(private readonly windowMs: number) {}

  admitted(projectId: string, now: number): void {
    if (this.first?.projectId === projectId) {
      this.first.at = now;
      return;
    }
    this.second = this.first;
    this.first = { projectId, at: now };
  }

  /** Whether a project other than `projectId` had a request admitted within the window. */
  othersActive(projectId: string, now: number): boolean {
    const recent = (slot: { projectId: string; at: number } | null) =>
      slot !== null && slot.projectId !== projectId && now - slot.at <= this.windowMs;
    return recent(this.first) || recent(this.second);
  }
}
