import { Module } from '@nestjs/common';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookDeliverProcessor, WebhookFanoutSubscriber } from './webhook.processors';
import { WebhookSweeper } from './webhook-sweeper';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook endpoints (HTTP, in DOMAIN_MODULES) and their delivery (the fan-out subscriber and
 * the webhook.deliver job handler, in WORKER_MODULES).
 */
@Module({
  controllers: [WebhooksController],
  providers: [
    WebhooksRepository,
    WebhooksService,
    WebhookDeliveryService,
    WebhookFanoutSubscriber,
    WebhookDeliverProcessor,
    WebhookSweeper,
  ],
  exports: [WebhooksService],
})
export class WebhooksModule {}
