import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, rootLogger } from '@app/core';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** Runs the overdue-delivery sweep periodically in processes whose role runs the worker. */
@Injectable()
export class WebhookSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: WebhookDeliveryService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runsWorker) return;
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep().finally(() => (this.sweeping = undefined));
    }, this.config.env.WEBHOOK_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  private async sweep(): Promise<void> {
    try {
      const count = await this.deliveries.sweepOverdue();
      if (count) rootLogger().info({ count }, 'webhooks: re-enqueued overdue deliveries');
    } catch (error) {
      rootLogger().warn({ err: (error as Error).message }, 'webhooks: sweep failed; will retry');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }
}
