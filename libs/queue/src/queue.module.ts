import { BeforeApplicationShutdown, Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { AppConfig, registerFastifySetup } from '@app/core';
import { BullMqJobQueue } from './bullmq.driver';
import { InProcessJobQueue } from './in-process.driver';
import { JOB_HANDLER, JobHandler, JobHandlerRegistry } from './job-handler';
import type { JobName } from './job-names';
import { JobQueue } from './job-queue';
import { EventProcessor } from './outbox/event.processor';
import {
  EVENT_SUBSCRIBER,
  EventSubscriber,
  EventSubscriberRegistry,
  EventSubscription,
} from './outbox/event-subscriber';
import { EventsRepository } from './outbox/events.repository';
import { EventsService } from './outbox/events.service';
import { OutboxRelay } from './outbox/outbox-relay';
import { queueDashboardSetup } from './queue-dashboard';

// The operators' dashboard at /admin/queues is mounted on the raw Fastify instance.
registerFastifySetup(queueDashboardSetup);

/**
 * The job queue and the transactional outbox. The driver follows the config: BullMQ when
 * REDIS_URL is set, the in-process driver otherwise. In a process whose role runs the worker,
 * start-up fails when a job has no handler; then the workers and the outbox relay start.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    JobHandlerRegistry,
    EventSubscriberRegistry,
    {
      provide: JobQueue,
      inject: [AppConfig, JobHandlerRegistry],
      useFactory: (config: AppConfig, handlers: JobHandlerRegistry): JobQueue =>
        config.embeddedRedis
          ? new InProcessJobQueue(config, handlers)
          : new BullMqJobQueue(config, handlers),
    },
    EventsRepository,
    EventsService,
    OutboxRelay,
    EventProcessor,
  ],
  exports: [JobQueue, JobHandlerRegistry, EventsService, OutboxRelay],
})
export class QueueModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly handlers: JobHandlerRegistry,
    private readonly subscribers: EventSubscriberRegistry,
    private readonly config: AppConfig,
    private readonly queue: JobQueue,
    private readonly relay: OutboxRelay,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!metatype || !wrapper.instance || typeof metatype !== 'function') continue;
      const name = Reflect.getMetadata(JOB_HANDLER, metatype) as JobName | undefined;
      if (name) this.handlers.register(name, wrapper.instance as JobHandler<JobName>);
      const subscription = Reflect.getMetadata(EVENT_SUBSCRIBER, metatype) as
        EventSubscription | undefined;
      if (subscription)
        this.subscribers.register(subscription, wrapper.instance as EventSubscriber);
    }
    if (!this.config.runsWorker) return;
    const missing = this.handlers.missing();
    if (missing.length)
      throw new Error(
        `No handler registered for job(s) ${missing.join(', ')}: add the module that handles them to WORKER_MODULES`,
      );
    if (this.queue instanceof BullMqJobQueue) this.queue.startWorkers();
    this.relay.start();
  }

  /** The relay stops before the drivers close their workers and before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
