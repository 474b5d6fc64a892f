import { Injectable } from '@nestjs/common';

/** A dependency or local condition readiness depends on. `check` returns null when healthy, else why not. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<string | null> | string | null;
  /**
   * False: a failure is reported in the body (as `degraded: ...`) but does not make the
   * process unready, for a dependency the process can serve without.
   */
  gating?: boolean;
}

@Injectable()
export class HealthService {
  private readonly checks: ReadinessCheck[] = [];
  private draining = false;
  private closingConnections = false;
  readonly startedAt = Date.now();

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Called on SIGTERM: readiness turns 503 so load balancers stop routing here first. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Called when the drain delay is over and the server stops accepting: from then on every
   * response closes its connection. Not earlier: while the server still accepts, a client that
   * writes its next request before it has seen `Connection: close` would be reset for nothing.
   */
  stopAccepting(): void {
    this.draining = true;
    this.closingConnections = true;
  }

  get isClosingConnections(): boolean {
    return this.closingConnections;
  }

  async readiness(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const results: Record<string, string> = {};
    let ready = !this.draining;
    if (this.draining) results.shutdown = 'draining';
    await Promise.all(
      this.checks.map(async ({ name, check, gating = true }) => {
        let problem: string | null;
        try {
          problem = await withTimeout(Promise.resolve(check()), 1_000);
        } catch (error) {
          problem = `unavailable: ${(error as Error).message}`;
        }
        if (problem === null) results[name] = 'ok';
        else if (gating) {
          results[name] = problem;
          ready = false;
        } else results[name] = `degraded: ${problem}`;
      }),
    );
    return { ready, checks: results };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}
