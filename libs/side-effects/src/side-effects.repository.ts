import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { CustomerActivityEntity } from './customer-activity.entity';
import type { OrderRedemptionPatch, RedemptionCounters } from './side-effects.logic';

/** One page of a customer's activity, newest first unless `ascending`. */
export interface ActivityPageQuery {
  projectId: string;
  customerId: string;
  limit: number;
  ascending: boolean;
  after?: { createdAt: Date; id: string };
  type?: string;
  startDate?: Date;
  endDate?: Date;
}

/**
 * All SQL of the side-effect processors. Counters move by atomic `x = x + $n` updates, so
 * concurrent processors never lose an increment; every write takes the caller's transaction
 * (the one that holds the processed-events marker).
 */
@Injectable()
export class SideEffectsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  async addOrderTotals(
    em: EntityManager,
    projectId: string,
    customerId: string,
    amount: number,
    count: number,
  ): Promise<void> {
    await em.query(
      `UPDATE customers
          SET orders_total_amount = orders_total_amount + $3,
              orders_total_count = orders_total_count + $4
        WHERE project_id = $1 AND id = $2`,
      [projectId, customerId, amount, count],
    );
  }

  /**
   * Re-reads the customer's latest counted order from `orders`. Call it after a write to the
   * same customer row in this transaction: the row lock is held, so this statement's snapshot
   * (READ COMMITTED) sees every order change committed before, and whichever processor of the
   * customer runs last writes the final answer.
   */
  async refreshLastOrder(em: EntityManager, projectId: string, customerId: string): Promise<void> {
    await em.query(
      `UPDATE customers c
          SET orders_last_amount = COALESCE(l.amount, 0),
              orders_last_date = l.created_at
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (
           SELECT o.amount, o.created_at
             FROM orders o
            WHERE o.project_id = $1 AND o.customer_id = $2
              AND o.status IN ('PAID', 'FULFILLED')
            ORDER BY o.created_at DESC, o.id DESC
            LIMIT 1) l ON true
        WHERE c.project_id = $1 AND c.id = $2`,
      [projectId, customerId],
    );
  }

  async addRedemptionCounters(
    em: EntityManager,
    projectId: string,
    customerId: string,
    c: RedemptionCounters,
  ): Promise<void> {
    await em.query(
      `UPDATE customers
          SET redemptions_total_redeemed = redemptions_total_redeemed + $3,
              redemptions_total_failed = redemptions_total_failed + $4,
              redemptions_total_succeeded = redemptions_total_succeeded + $5,
              redemptions_total_rolled_back = redemptions_total_rolled_back + $6,
              redemptions_total_rollback_failed = redemptions_total_rollback_failed + $7,
              redemptions_total_rollback_succeeded = redemptions_total_rollback_succeeded + $8,
              gift_redeemed_amount = gift_redeemed_amount + $9,
              gift_amount_to_go = gift_amount_to_go + $10
        WHERE project_id = $1 AND id = $2`,
      [
        projectId,
        customerId,
        c.totalRedeemed,
        c.totalFailed,
        c.totalSucceeded,
        c.totalRolledBack,
        c.totalRollbackFailed,
        c.totalRollbackSucceeded,
        c.giftRedeemedAmount,
        c.giftAmountToGo,
      ],
    );
  }

  /** Merges `patch` into `orders.redemptions[redemptionId]` (creating the entry if needed). */
  async mergeOrderRedemption(
    em: EntityManager,
    projectId: string,
    p: OrderRedemptionPatch,
  ): Promise<void> {
    await em.query(
      `UPDATE orders
          SET redemptions = jsonb_set(
                redemptions, ARRAY[$3::text],
                COALESCE(redemptions -> $3::text, '{}'::jsonb) || $4::jsonb, true)
        WHERE project_id = $1 AND id = $2`,
      [projectId, p.orderId, p.redemptionId, JSON.stringify(p.patch)],
    );
  }

  async insertActivities(em: EntityManager, rows: CustomerActivityEntity[]): Promise<void> {
    if (!rows.length) return;
    await em
      .createQueryBuilder()
      .insert()
      .into(CustomerActivityEntity)
      // jsonb values are bound as parameters; TypeORM's deep-partial type does not model them.
      .values(rows as QueryDeepPartialEntity<CustomerActivityEntity>[])
      .orIgnore()
      .execute();
  }

  findActivity(
    projectId: string,
    customerId: string,
    id: string,
  ): Promise<CustomerActivityEntity | null> {
    return this.manager()
      .getRepository(CustomerActivityEntity)
      .findOne({ where: { projectId, customerId, id } });
  }

  /** `limit + 1` rows, so the caller knows whether more follow. */
  listActivities(q: ActivityPageQuery): Promise<CustomerActivityEntity[]> {
    const direction = q.ascending ? 'ASC' : 'DESC';
    const qb = this.manager()
      .getRepository(CustomerActivityEntity)
      .createQueryBuilder('a')
      .where('a.project_id = :projectId AND a.customer_id = :customerId', {
        projectId: q.projectId,
        customerId: q.customerId,
      });
    if (q.after)
      qb.andWhere(`(a.created_at, a.id) ${q.ascending ? '>' : '<'} (:afterAt, :afterId)`, {
        afterAt: q.after.createdAt,
        afterId: q.after.id,
      });
    if (q.type !== undefined) qb.andWhere('a.type = :type', { type: q.type });
    if (q.startDate) qb.andWhere('a.created_at >= :start', { start: q.startDate });
    if (q.endDate) qb.andWhere('a.created_at <= :end', { end: q.endDate });
    return qb
      .orderBy('a.created_at', direction)
      .addOrderBy('a.id', direction)
      .limit(q.limit + 1)
      .getMany();
  }
}
