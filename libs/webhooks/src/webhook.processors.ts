import { Injectable } from '@nestjs/common';
import {
  EventSubscriber,
  HandlesJob,
  JobHandler,
  JobPayloads,
  OutboxEvent,
  SubscribesTo,
} from '@app/queue';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** Every relayed event fans out to the project's subscribed endpoints. */
@Injectable()
@SubscribesTo('webhooks.fanout', '*')
export class WebhookFanoutSubscriber implements EventSubscriber {
  constructor(private readonly deliveries: WebhookDeliveryService) {}

  handle(event: OutboxEvent): Promise<void> {
    return this.deliveries.fanOut(event);
  }
}

@Injectable()
@HandlesJob('webhook.deliver')
export class WebhookDeliverProcessor implements JobHandler<'webhook.deliver'> {
  constructor(private readonly deliveries: WebhookDeliveryService) {}

  handle(payload: JobPayloads['webhook.deliver']): Promise<void> {
    if (!payload?.deliveryId || !payload.projectId || !(payload.attempt >= 1))
      throw new Error('webhook.deliver: malformed payload');
    return this.deliveries.deliver(payload);
  }
}
