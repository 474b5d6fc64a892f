import { Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { InProcessJobQueue } from './in-process.driver';
import { JOB_HANDLER, JobHandler, JobHandlerRegistry } from './job-handler';
import type { JobName } from './job-names';
import { JobQueue } from './job-queue';

/**
 * The job queue. Today: the in-process driver. The BullMQ driver (REDIS_URL set) and the
 * transactional outbox relay plug in behind the same JobQueue interface.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    JobHandlerRegistry,
    InProcessJobQueue,
    { provide: JobQueue, useExisting: InProcessJobQueue },
  ],
  exports: [JobQueue, JobHandlerRegistry, InProcessJobQueue],
})
export class QueueModule implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: JobHandlerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!metatype || !wrapper.instance) continue;
      const name = Reflect.getMetadata(JOB_HANDLER, metatype) as JobName | undefined;
      if (name) this.registry.register(name, wrapper.instance as JobHandler<JobName>);
    }
  }
}
