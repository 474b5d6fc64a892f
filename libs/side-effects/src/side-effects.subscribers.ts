import { Injectable } from '@nestjs/common';
import { newId } from '@app/core';
import {
  EventSubscriber,
  EventsService,
  OrderEventData,
  OutboxEvent,
  SubscribesTo,
} from '@app/queue';
import { CustomerActivityEntity } from './customer-activity.entity';
import {
  ACTIVITY_EVENT_TYPES,
  activitiesOf,
  orderRedemptionPatch,
  orderSummaryDeltas,
  REDEMPTION_EVENT_TYPES,
  redemptionSummaryDelta,
} from './side-effects.logic';
import { SideEffectsRepository } from './side-effects.repository';

// Subscriber names are the `handler` of their processed_events markers: never rename them.
const ORDERS_SUMMARY = 'customers.summary.orders';
const REDEMPTIONS_SUMMARY = 'customers.summary.redemptions';
const ORDER_REDEMPTIONS = 'orders.redemptions';
const ACTIVITY = 'customers.activity';

/** `summary.orders` of the order's customer(s): PAID and FULFILLED orders only. */
@Injectable()
@SubscribesTo(ORDERS_SUMMARY, ['order.created', 'order.updated'])
export class CustomerOrdersSummarySubscriber implements EventSubscriber {
  constructor(
    private readonly events: EventsService,
    private readonly repository: SideEffectsRepository,
  ) {}

  async handle(event: OutboxEvent): Promise<void> {
    const deltas = orderSummaryDeltas(event.data as unknown as OrderEventData);
    if (!deltas.length) return;
    await this.events.applyOnce(event, ORDERS_SUMMARY, async (em) => {
      for (const d of deltas) {
        await this.repository.addOrderTotals(em, event.projectId, d.customerId, d.amount, d.count);
        await this.repository.refreshLastOrder(em, event.projectId, d.customerId);
      }
    });
  }
}

/** `summary.redemptions` (counts and gift amounts) of the redeeming customer. */
@Injectable()
@SubscribesTo(REDEMPTIONS_SUMMARY, [...REDEMPTION_EVENT_TYPES, 'publication.succeeded'])
export class CustomerRedemptionsSummarySubscriber implements EventSubscriber {
  constructor(
    private readonly events: EventsService,
    private readonly repository: SideEffectsRepository,
  ) {}

  async handle(event: OutboxEvent): Promise<void> {
    const delta = redemptionSummaryDelta(event.type, event.data);
    if (!delta) return;
    await this.events.applyOnce(event, REDEMPTIONS_SUMMARY, (em) =>
      this.repository.addRedemptionCounters(em, event.projectId, delta.customerId, delta.counters),
    );
  }
}

/** The order's `redemptions` map. */
@Injectable()
@SubscribesTo(ORDER_REDEMPTIONS, REDEMPTION_EVENT_TYPES)
export class OrderRedemptionsSubscriber implements EventSubscriber {
  constructor(
    private readonly events: EventsService,
    private readonly repository: SideEffectsRepository,
  ) {}

  async handle(event: OutboxEvent): Promise<void> {
    const patch = orderRedemptionPatch(event.type, event.data);
    if (!patch) return;
    await this.events.applyOnce(event, ORDER_REDEMPTIONS, (em) =>
      this.repository.mergeOrderRedemption(em, event.projectId, patch),
    );
  }
}

/** `GET /v1/customers/:id/activity` entries. */
@Injectable()
@SubscribesTo(ACTIVITY, ACTIVITY_EVENT_TYPES)
export class CustomerActivitySubscriber implements EventSubscriber {
  constructor(
    private readonly events: EventsService,
    private readonly repository: SideEffectsRepository,
  ) {}

  async handle(event: OutboxEvent): Promise<void> {
    const targets = activitiesOf(event.type, event.data);
    if (!targets.length) return;
    const rows = targets.map((t): CustomerActivityEntity => ({
      id: newId('customerActivity'),
      projectId: event.projectId,
      customerId: t.customerId,
      eventId: event.id,
      type: t.type,
      data: event.data,
      groupId: event.groupId,
      createdAt: event.createdAt,
    }));
    await this.events.applyOnce(event, ACTIVITY, (em) =>
      this.repository.insertActivities(em, rows),
    );
  }
}

export const SIDE_EFFECT_SUBSCRIBERS = [
  CustomerOrdersSummarySubscriber,
  CustomerRedemptionsSummarySubscriber,
  OrderRedemptionsSubscriber,
  CustomerActivitySubscriber,
];
