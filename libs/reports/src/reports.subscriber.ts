import { Injectable } from '@nestjs/common';
import { EventSubscriber, EventsService, OutboxEvent, SubscribesTo } from '@app/queue';
import { PROJECT_TOTAL, ROLLUP_EVENT_TYPES, rollupDelta } from './reports.logic';
import { ReportsRepository } from './reports.repository';

// The `handler` of its processed_events markers: never rename it.
const ROLLUP = 'reports.rollup';

/** Maintains the redemption rollups that the reports read (exactly once per event). */
@Injectable()
@SubscribesTo(ROLLUP, ROLLUP_EVENT_TYPES)
export class RedemptionRollupSubscriber implements EventSubscriber {
  constructor(
    private readonly events: EventsService,
    private readonly repository: ReportsRepository,
  ) {}

  async handle(event: OutboxEvent): Promise<void> {
    const delta = rollupDelta(event.type, event.data, event.createdAt);
    if (!delta) return;
    await this.events.applyOnce(event, ROLLUP, async (em) => {
      await this.repository.addHourly(em, event.projectId, delta.hourly);
      await this.repository.addHourly(em, event.projectId, {
        ...delta.hourly,
        campaignId: PROJECT_TOTAL,
      });
      for (const d of delta.daily) await this.repository.addDaily(em, event.projectId, d);
    });
  }
}
