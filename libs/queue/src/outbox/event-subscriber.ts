import { Injectable, SetMetadata } from '@nestjs/common';
import type { EventType, OutboxEvent } from './event-types';

export const EVENT_SUBSCRIBER = 'queue:event-subscriber';

export interface EventSubscription {
  /** Stable name: the `handler` of its processed_events markers. Never rename once deployed. */
  name: string;
  types: readonly EventType[] | '*';
}

/**
 * Marks a provider as a side effect of committed events; it must implement EventSubscriber.
 * It runs in the worker for every relayed event of the given types and must be idempotent
 * under redelivery (use EventsService.applyOnce or claim()).
 */
export const SubscribesTo = (name: string, types: readonly EventType[] | '*') =>
  SetMetadata(EVENT_SUBSCRIBER, { name, types } satisfies EventSubscription);

export interface EventSubscriber {
  handle(event: OutboxEvent): Promise<void>;
}

interface Registered {
  subscription: EventSubscription;
  subscriber: EventSubscriber;
}

@Injectable()
export class EventSubscriberRegistry {
  private readonly subscribers: Registered[] = [];

  register(subscription: EventSubscription, subscriber: EventSubscriber): void {
    if (this.subscribers.some((s) => s.subscription.name === subscription.name))
      throw new Error(`Two event subscribers named ${subscription.name}`);
    this.subscribers.push({ subscription, subscriber });
  }

  for(type: string): Registered[] {
    return this.subscribers.filter(
      ({ subscription }) =>
        subscription.types === '*' || (subscription.types as readonly string[]).includes(type),
    );
  }
}
