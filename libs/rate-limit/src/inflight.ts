import { ROUTE_CLASSES, RouteClass } from './policy';

/**
 * Requests in flight per project in this process (Stripe's concurrency limiter). Non-critical
 * routes may use (100 - reserve) % of a project's slots; the rest is kept for critical ones, so a
 * slow list endpoint cannot take the slots redemptions need. The map holds only projects with
 * requests in flight (entries go at zero) and is capped: past the cap new projects are refused.
 */
export class InflightCounter {
  private readonly perProject = new Map<string, number>();
  readonly byClass: Record<RouteClass, number> = Object.fromEntries(
    ROUTE_CLASSES.map((c) => [c, 0]),
  ) as Record<RouteClass, number>;

  constructor(
    readonly maxProjects: number,
    private readonly reservePct: number,
  ) {}

  get projects(): number {
    return this.perProject.size;
  }

  count(projectId: string): number {
    return this.perProject.get(projectId) ?? 0;
  }

  tryAcquire(projectId: string, cls: RouteClass, max: number): boolean {
    const current = this.perProject.get(projectId) ?? 0;
    if (current === 0 && this.perProject.size >= this.maxProjects) return false;
    const ceiling =
      cls === 'critical' ? max : Math.max(1, Math.floor((max * (100 - this.reservePct)) / 100));
    if (current >= ceiling) return false;
    this.perProject.set(projectId, current + 1);
    this.byClass[cls]++;
    return true;
  }

  release(projectId: string, cls: RouteClass): void {
    const current = this.perProject.get(projectId) ?? 0;
    if (current <= 1) this.perProject.delete(projectId);
    else this.perProject.set(projectId, current - 1);
    if (this.byClass[cls] > 0) this.byClass[cls]--;
  }
}
