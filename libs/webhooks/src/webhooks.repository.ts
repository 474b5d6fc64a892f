import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { returnedRows } from '@app/core';
import type { Paging, SortOrder } from '@app/core';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export interface DeliveryAttemptRecord {
  status: 'retrying' | 'succeeded' | 'failed';
  responseStatus: number | null;
  error: string | null;
  durationMs: number | null;
  nextAttemptAt: Date | null;
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly dataSource: DataSource) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  private endpoints(em?: EntityManager) {
    return this.em(em).getRepository(WebhookEndpointEntity);
  }

  private deliveries(em?: EntityManager) {
    return this.em(em).getRepository(WebhookDeliveryEntity);
  }

  insertEndpoint(endpoint: Partial<WebhookEndpointEntity>, em?: EntityManager) {
    return this.endpoints(em).save(this.endpoints(em).create(endpoint));
  }

  findEndpoint(projectId: string, id: string, em?: EntityManager) {
    return this.endpoints(em).findOneBy({ projectId, id });
  }

  async listEndpoints(
    projectId: string,
    page: Paging,
    order: SortOrder<'created_at' | 'updated_at'>,
  ): Promise<[WebhookEndpointEntity[], number]> {
    return this.endpoints().findAndCount({
      where: { projectId },
      order: {
        [order.field === 'created_at' ? 'createdAt' : 'updatedAt']: order.direction,
        id: 'ASC',
      },
      take: page.limit,
      skip: page.offset,
    });
  }

  async updateEndpoint(
    projectId: string,
    id: string,
    patch: Partial<WebhookEndpointEntity>,
    em?: EntityManager,
  ): Promise<boolean> {
    // jsonb metadata is an opaque record, which TypeORM's deep-partial type cannot express.
    const result = await this.endpoints(em).update(
      { projectId, id },
      patch as QueryDeepPartialEntity<WebhookEndpointEntity>,
    );
    return (result.affected ?? 0) > 0;
  }

  /** Deletes the endpoint and its delivery log. */
  async deleteEndpoint(projectId: string, id: string, em: EntityManager): Promise<boolean> {
    await this.deliveries(em).delete({ projectId, webhookId: id });
    const result = await this.endpoints(em).delete({ projectId, id });
    return (result.affected ?? 0) > 0;
  }

  /** Active endpoints of a project subscribed to `type` (or to everything). */
  findSubscribedEndpoints(projectId: string, type: string): Promise<WebhookEndpointEntity[]> {
    return this.endpoints()
      .createQueryBuilder('w')
      .where('w.project_id = :projectId AND w.active', { projectId })
      .andWhere(
        `(w.events @> '["*"]'::jsonb OR w.events @> jsonb_build_array(CAST(:type AS text)))`,
        { type },
      )
      .getMany();
  }

  /** One delivery per (endpoint, event); existing ones are left alone (redelivered events). */
  async insertDeliveries(
    rows: Pick<WebhookDeliveryEntity, 'id' | 'projectId' | 'webhookId' | 'eventId' | 'eventType'>[],
    em: EntityManager,
  ): Promise<void> {
    if (rows.length === 0) return;
    await em
      .createQueryBuilder()
      .insert()
      .into(WebhookDeliveryEntity)
      .values(rows)
      .orIgnore()
      .execute();
  }

  /** Deliveries of an event that were never attempted (their first job may not be enqueued yet). */
  findUnattempted(projectId: string, eventId: string): Promise<WebhookDeliveryEntity[]> {
    return this.deliveries().findBy({ projectId, eventId, attempts: 0, status: 'pending' });
  }

  findDelivery(projectId: string, id: string, em?: EntityManager) {
    return this.deliveries(em).findOneBy({ projectId, id });
  }

  findDeliveryOfWebhook(projectId: string, webhookId: string, id: string) {
    return this.deliveries().findOneBy({ projectId, webhookId, id });
  }

  listDeliveries(
    projectId: string,
    webhookId: string,
    page: Paging,
  ): Promise<[WebhookDeliveryEntity[], number]> {
    return this.deliveries().findAndCount({
      where: { projectId, webhookId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  /**
   * Records the outcome of attempt `attempt`; false when that attempt was already recorded
   * (a redelivered job), so the caller neither counts nor schedules it twice.
   */
  async recordAttempt(
    projectId: string,
    id: string,
    attempt: number,
    record: DeliveryAttemptRecord,
    em: EntityManager,
  ): Promise<boolean> {
    const rows = returnedRows<unknown>(
      await em.query(
        `UPDATE webhook_deliveries
          SET attempts = $3, status = $4::varchar, response_status = $5, error = $6, duration_ms = $7,
              next_attempt_at = $8::timestamptz,
              delivered_at = CASE WHEN $4::varchar = 'succeeded' THEN now() ELSE delivered_at END,
              updated_at = now()
        WHERE project_id = $1 AND id = $2 AND attempts = $3 - 1
        RETURNING 1`,
        [
          projectId,
          id,
          attempt,
          record.status,
          record.responseStatus,
          record.error,
          record.durationMs,
          record.nextAttemptAt,
        ],
      ),
    );
    return rows.length === 1;
  }

  /** Marks a delivery failed without an attempt (endpoint disabled or deleted). */
  async abandon(projectId: string, id: string, reason: string, em?: EntityManager): Promise<void> {
    await this.deliveries(em).update(
      { projectId, id },
      { status: 'failed', error: reason, nextAttemptAt: null },
    );
  }

  async markPending(projectId: string, id: string): Promise<void> {
    await this.deliveries().update(
      { projectId, id },
      { status: 'pending', nextAttemptAt: () => 'now()' },
    );
  }

  /** Deliveries whose attempt is overdue by more than `graceMs`: their job was lost. */
  async findOverdue(graceMs: number, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.deliveries()
      .createQueryBuilder('d')
      .where(`d.status IN ('pending', 'retrying')`)
      .andWhere(`d.next_attempt_at < now() - make_interval(secs => :secs)`, {
        secs: graceMs / 1000,
      })
      .orderBy('d.next_attempt_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  async resetFailures(projectId: string, id: string, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE webhook_endpoints SET consecutive_failures = 0
        WHERE project_id = $1 AND id = $2 AND consecutive_failures <> 0`,
      [projectId, id],
    );
  }

  /**
   * Counts a failed attempt and disables the endpoint when the run reaches `limit`, in one
   * statement so concurrent deliveries cannot miss the threshold. Returns whether it is active.
   */
  async countFailure(
    projectId: string,
    id: string,
    limit: number,
    em: EntityManager,
  ): Promise<{ active: boolean; consecutiveFailures: number } | null> {
    const rows = returnedRows<{ active: boolean; consecutive_failures: number }>(
      await em.query(
        `UPDATE webhook_endpoints
          SET consecutive_failures = consecutive_failures + 1,
              active = CASE WHEN consecutive_failures + 1 >= $3 THEN false ELSE active END,
              disabled_reason = CASE WHEN consecutive_failures + 1 >= $3 AND active
                THEN 'disabled after ' || (consecutive_failures + 1) || ' consecutive failed deliveries'
                ELSE disabled_reason END,
              updated_at = CASE WHEN consecutive_failures + 1 >= $3 AND active THEN now() ELSE updated_at END
        WHERE project_id = $1 AND id = $2
        RETURNING active, consecutive_failures`,
        [projectId, id, limit],
      ),
    );
    return rows[0]
      ? { active: rows[0].active, consecutiveFailures: rows[0].consecutive_failures }
      : null;
  }
}
