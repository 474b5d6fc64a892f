import { Injectable } from '@nestjs/common';
import { AppConfig, newId, rootLogger, TransactionRunner } from '@app/core';
import { EventsService, JobPayloads, JobQueue, OutboxEvent } from '@app/queue';
import { nextRetryDelayMs } from './retry-policy';
import { targetUrlProblem } from './target-url';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { buildEnvelope, signBody } from './webhook-envelope';
import { postWebhook } from './webhook-sender';
import { WebhooksRepository } from './webhooks.repository';

/** Job id of one attempt of one delivery: re-enqueuing the same attempt is a no-op. */
export const deliveryJobId = (deliveryId: string, attempt: number, manual = false) =>
  `whd.${deliveryId}.${attempt}${manual ? '.manual' : ''}`;

/**
 * Webhook delivery in the worker: fan-out of a relayed event to the project's subscribed
 * endpoints (one delivery row and one job per endpoint), and each attempt of a delivery.
 * Both are idempotent under redelivery of their jobs.
 */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    private readonly config: AppConfig,
    private readonly repository: WebhooksRepository,
    private readonly transactions: TransactionRunner,
    private readonly queue: JobQueue,
    private readonly events: EventsService,
  ) {}

  async fanOut(event: OutboxEvent): Promise<void> {
    const endpoints = await this.repository.findSubscribedEndpoints(event.projectId, event.type);
    if (endpoints.length === 0) return;
    await this.transactions.run((em) =>
      this.repository.insertDeliveries(
        endpoints.map((endpoint) => ({
          id: newId('webhookDelivery'),
          projectId: event.projectId,
          webhookId: endpoint.id,
          eventId: event.id,
          eventType: event.type,
        })),
        em,
      ),
    );
    // Enqueued after the commit (never inside a transaction); a crash in between is repaired by
    // the event's redelivery, which finds the unattempted rows and enqueues them again.
    const pending = await this.repository.findUnattempted(event.projectId, event.id);
    await this.queue.enqueueMany(
      pending.map((delivery) => ({
        name: 'webhook.deliver' as const,
        payload: { deliveryId: delivery.id, projectId: delivery.projectId, attempt: 1 },
        options: { jobId: deliveryJobId(delivery.id, 1) },
      })),
    );
  }

  async deliver(job: JobPayloads['webhook.deliver']): Promise<void> {
    const { projectId, deliveryId, attempt } = job;
    const manual = job.manual === true;
    const delivery = await this.repository.findDelivery(projectId, deliveryId);
    if (!delivery) {
      rootLogger().warn({ deliveryId }, 'webhook delivery vanished (endpoint deleted)');
      return;
    }
    if (delivery.attempts >= attempt) {
      // Already attempted: a redelivered job. Make sure the follow-up exists, then stop.
      if (delivery.status === 'retrying' && delivery.attempts === attempt)
        await this.scheduleNext(delivery, attempt);
      return;
    }
    const endpoint = await this.repository.findEndpoint(projectId, delivery.webhookId);
    if (!endpoint || !endpoint.active) {
      await this.repository.abandon(
        projectId,
        deliveryId,
        endpoint ? 'webhook disabled' : 'webhook deleted',
      );
      return;
    }
    const event = await this.events.find(projectId, delivery.eventId);
    const problem = targetUrlProblem(endpoint.targetUrl, {
      allowPrivate: this.config.env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    });
    if (!event || problem) {
      await this.repository.abandon(
        projectId,
        deliveryId,
        problem ? `target_url ${problem}` : 'event not found',
      );
      return;
    }

    const body = JSON.stringify(
      buildEnvelope({
        deliveryId,
        deliveryCreatedAt: delivery.createdAt,
        webhookId: endpoint.id,
        targetUrl: endpoint.targetUrl,
        event,
      }),
    );
    const result = await postWebhook(
      endpoint.targetUrl,
      body,
      signBody(body, endpoint.secret),
      this.config.env.WEBHOOK_TIMEOUT_MS,
    );

    const retryInMs = result.ok
      ? null
      : nextRetryDelayMs(attempt, this.config.webhookRetryScheduleMs, manual);
    const outcome = await this.transactions.run(async (em) => {
      const recorded = await this.repository.recordAttempt(
        projectId,
        deliveryId,
        attempt,
        {
          status: result.ok ? 'succeeded' : retryInMs === null ? 'failed' : 'retrying',
          responseStatus: result.status,
          error: result.error,
          durationMs: result.durationMs,
          nextAttemptAt: retryInMs === null ? null : new Date(Date.now() + retryInMs),
        },
        em,
      );
      if (!recorded) return { recorded, active: true };
      if (result.ok) {
        await this.repository.resetFailures(projectId, endpoint.id, em);
        return { recorded, active: true };
      }
      const state = await this.repository.countFailure(
        projectId,
        endpoint.id,
        this.config.env.WEBHOOK_DISABLE_AFTER_FAILURES,
        em,
      );
      return { recorded, active: state?.active ?? false };
    });
    if (!result.ok)
      rootLogger().info(
        { deliveryId, webhookId: endpoint.id, attempt, err: result.error, retryInMs },
        'webhook attempt failed',
      );
    if (!outcome.recorded || retryInMs === null) return;
    if (!outcome.active) {
      await this.repository.abandon(projectId, deliveryId, 'webhook disabled');
      return;
    }
    const refreshed = await this.repository.findDelivery(projectId, deliveryId);
    if (refreshed) await this.scheduleNext(refreshed, attempt);
  }

  private async scheduleNext(delivery: WebhookDeliveryEntity, attempt: number): Promise<void> {
    const delayMs = Math.max(0, (delivery.nextAttemptAt?.getTime() ?? Date.now()) - Date.now());
    await this.queue.enqueue(
      'webhook.deliver',
      { deliveryId: delivery.id, projectId: delivery.projectId, attempt: attempt + 1 },
      { jobId: deliveryJobId(delivery.id, attempt + 1), delayMs },
    );
  }

  /**
   * Re-enqueues deliveries whose job was lost: in-process jobs after a restart, or a retry that
   * could not be enqueued. Job ids are per attempt, so a job that still exists is not doubled,
   * and an attempt already recorded is skipped by deliver().
   */
  async sweepOverdue(limit = 500): Promise<number> {
    const overdue = await this.repository.findOverdue(
      this.config.env.WEBHOOK_SWEEP_INTERVAL_MS,
      limit,
    );
    await this.queue.enqueueMany(
      overdue.map((delivery) => ({
        name: 'webhook.deliver' as const,
        payload: {
          deliveryId: delivery.id,
          projectId: delivery.projectId,
          attempt: delivery.attempts + 1,
        },
        options: { jobId: deliveryJobId(delivery.id, delivery.attempts + 1) },
      })),
    );
    return overdue.length;
  }

  /** A manual, single attempt of an existing delivery (the redeliver call). */
  async redeliver(delivery: WebhookDeliveryEntity): Promise<void> {
    const attempt = delivery.attempts + 1;
    await this.repository.markPending(delivery.projectId, delivery.id);
    await this.queue.enqueue(
      'webhook.deliver',
      { deliveryId: delivery.id, projectId: delivery.projectId, attempt, manual: true },
      // Distinct from a scheduled automatic attempt, which must not swallow the redelivery.
      { jobId: deliveryJobId(delivery.id, attempt, true) },
    );
  }
}
