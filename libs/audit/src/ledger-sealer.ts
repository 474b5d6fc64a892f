import {
  BeforeApplicationShutdown,
  Injectable,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig, backoffWithJitter, rootLogger } from '@app/core';
import { AuditService } from './audit.service';

/**
 * Chains the ledger entries that redemptions and rollbacks queued (AuditService.sealLedger),
 * every LEDGER_SEAL_INTERVAL_MS, in processes whose role runs the worker. Several workers may
 * run it at once: each project's chain head lock lets one of them seal at a time. A failure
 * (e.g. Postgres away) backs off and retries; the entries wait, committed, in the meantime.
 */
@Injectable()
export class LedgerSealer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running = false;
  private loop?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;
  private failures = 0;
  private lastFailureLog = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker || this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const interval = this.config.env.LEDGER_SEAL_INTERVAL_MS;
    while (this.running) {
      let delay = interval;
      try {
        await this.audit.sealPending();
        this.failures = 0;
      } catch (error) {
        this.failures++;
        delay = backoffWithJitter(this.failures, interval, 30_000);
        if (Date.now() - this.lastFailureLog > 10_000) {
          this.lastFailureLog = Date.now();
          rootLogger().warn(
            { err: (error as Error).message, failures: this.failures },
            'ledger sealer: sealing failed; the entries wait and sealing is retried',
          );
        }
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delay);
      });
    }
  }
}

/** The sealer, for the worker's modules (WORKER_MODULES). */
@Module({ providers: [LedgerSealer] })
export class LedgerSealerModule {}
