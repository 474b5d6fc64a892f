import { Injectable } from '@nestjs/common';
import { rootLogger } from '@app/core';
import { HandlesJob, JobHandler } from '../job-handler';
import type { JobContext, JobPayloads } from '../job-names';
import { EventSubscriberRegistry } from './event-subscriber';
import { EventsRepository } from './events.repository';

/**
 * Runs every subscriber of a relayed event. One failing subscriber fails the job, so it is
 * retried; subscribers that already applied their effect skip on the retry (idempotence).
 */
@Injectable()
@HandlesJob('event.process')
export class EventProcessor implements JobHandler<'event.process'> {
  constructor(
    private readonly repository: EventsRepository,
    private readonly subscribers: EventSubscriberRegistry,
  ) {}

  async handle(payload: JobPayloads['event.process'], context: JobContext): Promise<void> {
    const event = await this.repository.findById(payload.projectId, payload.eventId);
    if (!event) {
      rootLogger().warn({ ...payload, jobId: context.jobId }, 'event.process: event not found');
      return;
    }
    const failures: string[] = [];
    for (const { subscription, subscriber } of this.subscribers.for(event.type)) {
      try {
        await subscriber.handle(event);
      } catch (error) {
        const message = (error as Error).message;
        rootLogger().warn(
          {
            eventId: event.id,
            subscriber: subscription.name,
            attempt: context.attempt,
            err: message,
          },
          'event subscriber failed',
        );
        failures.push(`${subscription.name}: ${message}`);
      }
    }
    if (failures.length) throw new Error(`event ${event.id}: ${failures.join('; ')}`);
    await this.repository.markProcessed(event.projectId, event.id);
  }
}
