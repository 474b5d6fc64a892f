import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  Errors,
  listEnvelope,
  newId,
  paging,
  parseOrder,
  rootLogger,
  SortOrder,
  TransactionRunner,
} from '@app/core';
import { AuditService } from '@app/audit';
import { CustomerEntity, CustomersService } from '@app/customers';
import { OrderEntity, OrdersService } from '@app/orders';
import { EventOrigin, EventsService, eventSourceOf } from '@app/queue';
import type { AuthContext } from '@app/tenancy';
import { CalculationResult } from '@app/validations';
import { serializeVoucher, VoucherEntity, VouchersRepository } from '@app/vouchers';
import { asRedemptionFailure, CheckFailure, failure, trackingIdOf } from './redeemable-checks';
import { RedeemableEvaluator, VoucherDefinition } from './redeemable-evaluator';
import { CodeLookup } from './code-lookup';
import { redemptionEventData, rollbackEventData } from './redemption-events';
import { RedemptionEntity, RedemptionKind } from './redemption.entity';
import { serializeRedemption } from './redemption.mapping';
import {
  ListRedemptionsQueryDto,
  REDEMPTION_ORDER_FIELDS,
  RedeemableDto,
  RedemptionContextDto,
  RollbackBodyDto,
  RollbackQueryDto,
  StackableRequestDto,
  VoucherRequestDto,
} from './redemptions.dto';
import { RedemptionErrors, RedemptionRefused } from './redemptions.errors';
import { RedemptionSortField, RedemptionsRepository } from './redemptions.repository';
import {
  assertNoDuplicates,
  orderBody,
  PlannedRedeemable,
  stackingOf,
  ValidationsService,
} from './validations.service';

const NEWEST_FIRST: SortOrder<RedemptionSortField> = { field: 'created_at', direction: 'DESC' };

type VoucherRef = { id: string; code: string; campaignId: string | null } | null;

/** What one redeemed voucher consumed, for its row and the voucher snapshot. */
interface Take {
  item: PlannedRedeemable;
  redeemedQuantity: number;
  giftBalance: number | null;
  credits: number;
}

class RollbackRefused extends Error {
  constructor(
    readonly key: 'already_rolled_back' | 'invalid_redemption' | 'invalid_redemption_parent',
    readonly row: RedemptionEntity,
  ) {
    super(key);
  }
}

function customerSnapshot(c: CustomerEntity | null) {
  if (!c) return null;
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    source_id: c.sourceId,
    metadata: c.metadata ?? {},
    object: 'customer',
  };
}

const refOf = (v: VoucherEntity | null): VoucherRef =>
  v ? { id: v.id, code: v.code, campaignId: v.campaignId } : null;

/**
 * Redemptions and rollbacks. Every redemption is ONE transaction: counters move by
 * conditional UPDATEs (or under row locks taken in id order), the rows are inserted, the
 * customer and order upserted. A refused redemption rolls back and is then recorded (rf_) in
 * its own small transaction. See docs/redemptions.md.
 */
@Injectable()
export class RedemptionsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repository: RedemptionsRepository,
    private readonly validations: ValidationsService,
    private readonly evaluator: RedeemableEvaluator,
    private readonly vouchers: VouchersRepository,
    private readonly customers: CustomersService,
    private readonly orders: OrdersService,
    private readonly events: EventsService,
    private readonly audit: AuditService,
    private readonly codes: CodeLookup,
  ) {}

  /** POST /v1/vouchers/:code/redemption (and /client/v1/redeem?code=). */
  async redeemVoucher(
    auth: AuthContext,
    code: string,
    dto: VoucherRequestDto,
    trackingId: string | undefined,
    requestId: string | null,
    ip: string,
  ) {
    const input: RedeemableDto = { object: 'voucher', id: code, gift: dto.gift };
    const rows = await this.execute(
      auth,
      [input],
      { ...dto, tracking_id: dto.tracking_id ?? trackingId },
      'ALL',
      1,
      'single',
      requestId,
      ip,
    );
    return serializeRedemption(rows.redemptions[0]);
  }

  /** POST /v1/redemptions (and /client/v1/redemptions). */
  async redeemStackable(
    auth: AuthContext,
    dto: StackableRequestDto,
    requestId: string,
    ip: string,
  ) {
    assertNoDuplicates(dto.redeemables);
    const { mode, limit } = stackingOf(dto);
    const result = await this.execute(
      auth,
      dto.redeemables,
      dto,
      mode,
      limit,
      'stack',
      requestId,
      ip,
    );
    const parent = result.parent as RedemptionEntity;
    const listed = result.plan
      .filter((i) => i.decision.status !== 'APPLICABLE')
      .map((i) => this.validations.redeemableBody(i, undefined, requestId));
    return {
      redemptions: result.redemptions.map(serializeRedemption),
      parent_redemption: serializeRedemption(parent),
      order: parent.orderSnapshot,
      inapplicable_redeemables: listed.filter((r) => r.status === 'INAPPLICABLE'),
      skipped_redeemables: listed.filter((r) => r.status === 'SKIPPED'),
    };
  }

  private async execute(
    auth: AuthContext,
    redeemables: RedeemableDto[],
    dto: RedemptionContextDto,
    mode: 'ALL' | 'PARTIAL',
    limit: number,
    shape: 'single' | 'stack',
    requestId: string | null,
    ip: string,
  ): Promise<{
    redemptions: RedemptionEntity[];
    parent?: RedemptionEntity;
    plan: PlannedRedeemable[];
  }> {
    const projectId = auth.projectId;
    const origin: EventOrigin = { source: eventSourceOf(auth), groupId: requestId };
    const keys = redeemables.filter((r) => r.object === 'voucher').map((r) => r.id);
    // Definitions (rules, campaign name) are read before the transaction: the transaction
    // never asks the pool for a second connection while it holds row locks.
    const found = await this.validations.withExpiredHoldsReleased(
      projectId,
      keys,
      await this.codes.find(projectId, ip, keys, () =>
        this.repository.findVouchers(projectId, keys),
      ),
    );
    if (shape === 'single' && found.size === 0) throw RedemptionErrors.voucherNotFound(keys[0]);
    const definitions = new Map<string, VoucherDefinition>();
    for (const v of found.values())
      definitions.set(v.id, await this.evaluator.definition(projectId, v));
    const locking =
      shape === 'stack' || [...definitions.values()].some((d) => this.evaluator.needsCounters(d));
    try {
      return await this.tx.run(async (em) => {
        const now = new Date();
        // Every redemption locks in one order: customer → order → campaigns → vouchers (by
        // id), so concurrent ones queue instead of deadlocking. The voucher rows come last
        // so a hot voucher's lock is held for as short a time as possible.
        // The customer and the order do not depend on each other (the request's customer is
        // linked to the order by attachToOrder, no second upsert), so their statements go out
        // together on the transaction's pipelined connection: one round trip, customer first.
        const [customer, order] = await Promise.all([
          dto.customer ? this.customers.upsert(projectId, dto.customer, em, origin) : null,
          dto.order
            ? this.orders.upsert(
                projectId,
                { ...dto.order, customer: dto.customer ? undefined : dto.order.customer },
                em,
                origin,
              )
            : null,
        ]);
        if (locking) {
          await this.repository.lockInOrder(
            projectId,
            [...definitions.values()].flatMap((d) => this.evaluator.counterCampaigns(d)),
            [...found.values()].map((v) => v.id),
            em,
          );
        }
        // Under the locks the rows are re-read: they are what the decision rests on. Without
        // locks the counters are decided by the conditional UPDATEs alone, so the rows read
        // just before the transaction serve the checks (a re-read in READ COMMITTED would be
        // no fresher by the time the UPDATE runs).
        const vouchers = locking ? await this.repository.findVouchers(projectId, keys, em) : found;
        const ctx = await this.validations.context(
          projectId,
          dto,
          customer
            ? { id: customer.id, source_id: customer.sourceId, metadata: customer.metadata }
            : undefined,
        );
        const plan = await this.validations.plan(
          ctx,
          redeemables,
          vouchers,
          mode,
          limit,
          em,
          definitions,
        );
        if (!plan.valid) {
          const first = plan.items.find((i) => i.failure) ?? plan.items[0];
          throw new RedemptionRefused(
            asRedemptionFailure(first.failure ?? failure('quantity_exceeded')),
            refOf(first.voucher),
          );
        }
        const takes: Take[] = [];
        const ordered = [...plan.applicable].sort((a, b) =>
          (a.voucher as VoucherEntity).id < (b.voucher as VoucherEntity).id ? -1 : 1,
        );
        for (const item of ordered) {
          const application = plan.calculation.applications[item.stackIndex as number];
          takes.push(
            await this.take(
              projectId,
              item,
              application?.gift_credits ?? 0,
              ctx.sessionKey,
              locking,
              now,
              em,
            ),
          );
        }
        return this.record(
          auth,
          origin,
          shape,
          plan.calculation,
          takes,
          plan.items,
          dto,
          customer,
          order,
          now,
          em,
        );
      });
    } catch (error) {
      if (!(error instanceof RedemptionRefused)) throw error;
      const failureId = await this.recordFailure(auth, origin, shape, error, dto);
      throw RedemptionErrors.rejected(error.failure, failureId);
    }
  }

  /** Consumes one use (a held one when the session owns it) and the gift credits, atomically. */
  private async take(
    projectId: string,
    item: PlannedRedeemable,
    credits: number,
    sessionKey: string | null | undefined,
    locked: boolean,
    now: Date,
    em: EntityManager,
  ): Promise<Take> {
    const v = item.voucher as VoucherEntity;
    let redeemed = sessionKey
      ? await this.repository.takeHeldUse(projectId, v.id, sessionKey, em)
      : null;
    if (redeemed === null) redeemed = await this.repository.takeUse(projectId, v.id, em);
    if (redeemed === null && v.heldQuantity > 0) {
      // Expired holds are released lazily, under the voucher's lock, then the use is retried.
      if (!locked) await this.repository.lockInOrder(projectId, [], [v.id], em);
      await this.repository.releaseExpiredHolds(projectId, v.id, em);
      redeemed = await this.repository.takeUse(projectId, v.id, em);
    }
    if (redeemed === null)
      throw new RedemptionRefused(failure('quantity_exceeded', v.code), refOf(v));
    let balance = v.giftBalance;
    if (v.type === 'GIFT_VOUCHER' && credits > 0) {
      balance = await this.vouchers.decrementGiftBalance(projectId, v.id, credits, em);
      if (balance === null)
        throw new RedemptionRefused(failure('gift_amount_exceeded', v.code), refOf(v));
      await this.vouchers.insertTransaction(
        {
          id: newId('transaction'),
          projectId,
          voucherId: v.id,
          campaignId: v.campaignId,
          source: 'API',
          type: 'CREDITS_REDEMPTION',
          amount: -credits,
          balance,
          total: v.giftAmount ?? 0,
          createdAt: now,
        },
        em,
      );
    }
    return { item, redeemedQuantity: redeemed, giftBalance: balance, credits };
  }

  private async record(
    auth: AuthContext,
    origin: EventOrigin,
    shape: 'single' | 'stack',
    calc: CalculationResult,
    takes: Take[],
    plan: PlannedRedeemable[],
    dto: RedemptionContextDto,
    customer: CustomerEntity | null,
    order: OrderEntity | null,
    now: Date,
    em: EntityManager,
  ) {
    const projectId = auth.projectId;
    const trackingId = trackingIdOf(dto.tracking_id, customer?.sourceId);
    const parentId = shape === 'stack' ? newId('redemption') : null;
    const byRequest = new Map(takes.map((t) => [t.item, t]));
    const childIds = new Map(takes.map((t) => [t, newId('redemption')]));
    const ordered = plan.filter((i) => byRequest.has(i)).map((i) => byRequest.get(i) as Take);
    const date = now.toISOString();
    const orderRedemptions: Record<string, unknown> = parentId
      ? {
          [parentId]: {
            date,
            related_object_type: 'redemption',
            related_object_id: parentId,
            // As the order-map processor writes it (docs/side-effects.md): one entry shape.
            related_object_parent_id: null,
            stacked: ordered.map((t) => childIds.get(t)),
          },
        }
      : Object.fromEntries(
          ordered.map((t) => [
            childIds.get(t),
            {
              date,
              related_object_type: 'voucher',
              related_object_id: (t.item.voucher as VoucherEntity).id,
              related_object_parent_id: (t.item.voucher as VoucherEntity).campaignId,
            },
          ]),
        );
    const orderSnapshot = orderBody(calc, {
      id: order?.id ?? null,
      source_id: order?.sourceId ?? null,
      status: order?.status ?? null,
      customer_id: customer?.id ?? order?.customerId ?? null,
      redemptions: orderRedemptions,
    });
    const common = {
      projectId,
      result: 'SUCCESS' as const,
      status: 'SUCCEEDED' as const,
      customerId: customer?.id ?? null,
      orderId: order?.id ?? null,
      trackingId,
      metadata: dto.metadata ?? {},
      sessionKey: dto.session?.key ?? null,
      channelType: 'API',
      channelId: auth.appId,
      orderSnapshot,
      customerSnapshot: customerSnapshot(customer),
      date: now,
    };
    const rows: Partial<RedemptionEntity>[] = ordered.map((t) => {
      const v = t.item.voucher as VoucherEntity;
      const after: VoucherEntity = {
        ...v,
        redeemedQuantity: t.redeemedQuantity,
        giftBalance: t.giftBalance,
        redeemedAmount: v.redeemedAmount + t.credits,
        updatedAt: now,
      };
      return {
        ...common,
        id: childIds.get(t),
        kind: (parentId ? 'child' : 'single') as RedemptionKind,
        parentId,
        voucherId: v.id,
        voucherCode: v.code,
        campaignId: v.campaignId,
        amount: v.type === 'GIFT_VOUCHER' ? t.credits : null,
        voucherSnapshot: serializeVoucher(
          after,
          t.item.definition?.campaignName ?? null,
        ) as unknown as Record<string, unknown>,
      };
    });
    const parent: Partial<RedemptionEntity> | undefined = parentId
      ? { ...common, id: parentId, kind: 'parent', parentId: null, amount: null }
      : undefined;
    await this.repository.insert(parent ? [parent, ...rows] : rows, em);
    if (order) {
      await this.repository.attachToOrder(
        projectId,
        order.id,
        orderRedemptions,
        calc.order.discount_amount,
        customer?.id ?? null,
        em,
      );
    }
    if (parent)
      await this.emit(em, projectId, origin, 'redemption.succeeded', parent.id as string, () =>
        redemptionEventData(parent as RedemptionEntity, {
          stacked: rows.map((r) => r.id as string),
        }),
      );
    for (const r of rows)
      await this.emit(em, projectId, origin, 'redemption.succeeded', r.id as string, () =>
        redemptionEventData(r as RedemptionEntity),
      );
    // Queued without a lock and chained by the sealer once committed (docs/dashboard-backend.md).
    for (const r of rows) {
      await this.audit.appendToLedger(em, projectId, {
        type: 'redemption',
        redemption_id: r.id as string,
        voucher_id: r.voucherId ?? null,
        quantity_delta: 1,
        amount_delta: r.amount ?? 0,
        parent_id: r.parentId ?? null,
        customer_id: r.customerId ?? null,
        order_id: r.orderId ?? null,
        date: (r.date as Date).toISOString(),
      });
    }
    const fill = (r: Partial<RedemptionEntity>) =>
      Object.assign(
        new RedemptionEntity(),
        {
          rollbackId: null,
          rollbackDate: null,
          redemptionId: null,
          failureCode: null,
          failureMessage: null,
          reason: null,
          voucherId: null,
          voucherCode: null,
          campaignId: null,
          voucherSnapshot: null,
        },
        r,
      );
    return {
      redemptions: rows.map(fill),
      parent: parent ? fill(parent) : undefined,
      plan,
    };
  }

  /** A refused redemption, recorded after its transaction rolled back. */
  private async recordFailure(
    auth: AuthContext,
    origin: EventOrigin,
    shape: 'single' | 'stack',
    refused: RedemptionRefused,
    dto: RedemptionContextDto,
  ): Promise<string> {
    const id = newId('redemptionFailure');
    const projectId = auth.projectId;
    const given = dto.customer;
    const customer =
      given && (given.id || given.source_id)
        ? await this.repository.findCustomer(projectId, (given.id ?? given.source_id) as string)
        : null;
    const f: CheckFailure = refused.failure;
    const row: Partial<RedemptionEntity> = {
      id,
      projectId,
      kind: shape === 'stack' ? 'parent' : 'single',
      result: 'FAILURE',
      status: 'FAILED',
      failureCode: f.key,
      failureMessage: f.errorMessage ?? f.message,
      voucherId: shape === 'single' ? (refused.voucher?.id ?? null) : null,
      voucherCode: shape === 'single' ? (refused.voucher?.code ?? null) : null,
      campaignId: shape === 'single' ? (refused.voucher?.campaignId ?? null) : null,
      customerId: customer?.id ?? null,
      trackingId: trackingIdOf(dto.tracking_id, customer?.source_id ?? given?.source_id),
      metadata: dto.metadata ?? {},
      sessionKey: dto.session?.key ?? null,
      channelType: 'API',
      channelId: auth.appId,
      orderSnapshot: dto.order ? (dto.order as unknown as Record<string, unknown>) : null,
      customerSnapshot: null,
      date: new Date(),
    };
    try {
      await this.tx.run(async (em) => {
        await this.repository.insert([row], em);
        await this.emit(em, projectId, origin, 'redemption.failed', id, () =>
          redemptionEventData(row as RedemptionEntity, { voucher: refused.voucher }),
        );
      });
    } catch (error) {
      // The refusal still reaches the caller; only its record is missing.
      rootLogger().error({ err: error, id }, 'could not record a failed redemption');
    }
    return id;
  }

  // ---------------------------------------------------------------- rollbacks

  /** POST /v1/redemptions/:id/rollback — a single (non-stacked) redemption, exactly once. */
  async rollback(
    auth: AuthContext,
    id: string,
    query: RollbackQueryDto,
    body: RollbackBodyDto,
    requestId: string | null,
  ) {
    const result = await this.runRollback(auth, id, query, body, false, requestId);
    return serializeRedemption(result.rollbacks[0]);
  }

  /** POST /v1/redemptions/:parentId/rollbacks — every child of a stacked redemption. */
  async rollbackStackable(
    auth: AuthContext,
    id: string,
    query: RollbackQueryDto,
    body: RollbackBodyDto,
    requestId: string | null,
  ) {
    const result = await this.runRollback(auth, id, query, body, true, requestId);
    const parent = result.parent as RedemptionEntity;
    return {
      rollbacks: result.rollbacks.map(serializeRedemption),
      parent_rollback: serializeRedemption(parent),
      order: parent.orderSnapshot,
    };
  }

  private async runRollback(
    auth: AuthContext,
    id: string,
    query: RollbackQueryDto,
    body: RollbackBodyDto,
    stacked: boolean,
    requestId: string | null,
  ): Promise<{ rollbacks: RedemptionEntity[]; parent?: RedemptionEntity }> {
    const projectId = auth.projectId;
    const origin: EventOrigin = { source: eventSourceOf(auth), groupId: requestId };
    const reason = body.reason ?? query.reason ?? null;
    const trackingId = body.tracking_id ?? query.tracking_id ?? null;
    try {
      return await this.tx.run(async (em) => {
        const row = await this.repository.findById(projectId, id, em);
        if (!row || row.kind === 'rollback' || row.kind === 'parent_rollback')
          throw RedemptionErrors.redemptionNotFound(id);
        if (row.result === 'FAILURE') throw RedemptionErrors.failedRedemption(id);
        if (row.kind === 'child') throw new RollbackRefused('invalid_redemption_parent', row);
        if (stacked !== (row.kind === 'parent'))
          throw new RollbackRefused('invalid_redemption', row);
        const now = new Date();
        const rollbackId = newId('rollback');
        // The exactly-once gate: of concurrent rollbacks, one flips the row, the rest wait and fail.
        if (!(await this.repository.markRolledBack(projectId, id, [row.kind], rollbackId, now, em)))
          throw new RollbackRefused('already_rolled_back', row);
        let targets: { row: RedemptionEntity; rollbackId: string }[] = [{ row, rollbackId }];
        if (stacked) {
          targets = [];
          for (const child of await this.repository.findChildren(projectId, id, em)) {
            const childRollback = newId('rollback');
            if (
              await this.repository.markRolledBack(
                projectId,
                child.id,
                ['child'],
                childRollback,
                now,
                em,
              )
            )
              targets.push({ row: child, rollbackId: childRollback });
          }
        }
        const rows: Partial<RedemptionEntity>[] = [];
        const rolledBack: RedemptionEntity[] = [];
        for (const t of targets.sort((a, b) =>
          (a.row.voucherId ?? '') < (b.row.voucherId ?? '') ? -1 : 1,
        )) {
          const voucherSnapshot = await this.giveBack(
            projectId,
            t.row,
            t.rollbackId,
            reason,
            now,
            em,
          );
          rolledBack.push(t.row);
          rows.push(
            this.rollbackRow(
              t.row,
              t.rollbackId,
              stacked ? rollbackId : null,
              'rollback',
              reason,
              trackingId,
              body,
              voucherSnapshot,
              now,
            ),
          );
        }
        const parent = stacked
          ? this.rollbackRow(
              row,
              rollbackId,
              null,
              'parent_rollback',
              reason,
              trackingId,
              body,
              null,
              now,
            )
          : undefined;
        await this.repository.insert(parent ? [parent, ...rows] : rows, em);
        if (row.orderId) {
          await this.repository.markOrderRollback(
            projectId,
            row.orderId,
            row.id,
            { rollback_id: rollbackId, rollback_date: now.toISOString() },
            em,
          );
        }
        if (parent)
          await this.emit(em, projectId, origin, 'redemption.rollback.succeeded', rollbackId, () =>
            rollbackEventData(
              row,
              parent as RedemptionEntity,
              rolledBack.map((r) => r.id),
            ),
          );
        for (const [i, r] of rows.entries())
          await this.emit(
            em,
            projectId,
            origin,
            'redemption.rollback.succeeded',
            r.id as string,
            () => rollbackEventData(rolledBack[i], r as RedemptionEntity),
          );
        const ids = [...(parent ? [rollbackId] : []), ...rows.map((r) => r.id as string)];
        const stored = await this.repository.findByIds(projectId, ids, em);
        for (const [i, r] of rows.entries()) {
          await this.audit.appendToLedger(em, projectId, {
            type: 'rollback',
            redemption_id: rolledBack[i].id,
            voucher_id: r.voucherId ?? null,
            quantity_delta: r.voucherId ? -1 : 0,
            amount_delta: r.amount ?? 0,
            rollback_id: r.id as string,
            parent_id: r.parentId ?? null,
            date: now.toISOString(),
          });
        }
        return {
          rollbacks: stored.filter((r) => r.kind === 'rollback'),
          parent: stored.find((r) => r.kind === 'parent_rollback'),
        };
      });
    } catch (error) {
      if (!(error instanceof RollbackRefused)) throw error;
      const failureId = await this.recordRollbackFailure(auth, origin, error, reason, trackingId);
      throw {
        already_rolled_back: RedemptionErrors.alreadyRolledBack,
        invalid_redemption: RedemptionErrors.invalidRedemption,
        invalid_redemption_parent: RedemptionErrors.invalidRedemptionParent,
      }[error.key](failureId);
    }
  }

  /** Gives a use (and gift credits) back to the voucher; returns the voucher after it. */
  private async giveBack(
    projectId: string,
    row: RedemptionEntity,
    rollbackId: string,
    reason: string | null,
    now: Date,
    em: EntityManager,
  ) {
    if (!row.voucherId) return null;
    await this.vouchers.decrementRedeemedQuantity(projectId, row.voucherId, em);
    if (row.amount && row.amount > 0) {
      const refund = await this.repository.refundGift(projectId, row.voucherId, row.amount, em);
      if (refund) {
        await this.vouchers.insertTransaction(
          {
            id: newId('transaction'),
            projectId,
            voucherId: row.voucherId,
            campaignId: refund.campaignId,
            source: 'API',
            sourceId: rollbackId,
            reason,
            type: 'CREDITS_REFUND',
            amount: row.amount,
            balance: refund.balance,
            total: refund.total,
            createdAt: now,
          },
          em,
        );
      }
    }
    const fresh = await this.repository.findVouchers(projectId, [row.voucherId], em);
    const v = fresh.get(row.voucherId);
    if (!v) return row.voucherSnapshot;
    const campaign = (row.voucherSnapshot as { campaign?: string | null } | null)?.campaign ?? null;
    return serializeVoucher(v, campaign) as unknown as Record<string, unknown>;
  }

  private rollbackRow(
    of: RedemptionEntity,
    id: string,
    parentId: string | null,
    kind: RedemptionKind,
    reason: string | null,
    trackingId: string | null,
    body: RollbackBodyDto,
    voucherSnapshot: Record<string, unknown> | null,
    now: Date,
  ): Partial<RedemptionEntity> {
    return {
      id,
      projectId: of.projectId,
      kind,
      result: 'SUCCESS',
      status: 'SUCCEEDED',
      parentId,
      redemptionId: of.id,
      voucherId: of.voucherId,
      voucherCode: of.voucherCode,
      campaignId: of.campaignId,
      customerId: of.customerId,
      orderId: of.orderId,
      trackingId: trackingId ?? of.trackingId,
      amount: of.amount !== null ? -of.amount : null,
      reason,
      channelType: 'API',
      channelId: of.channelId,
      metadata: body.metadata ?? {},
      orderSnapshot: of.orderSnapshot,
      customerSnapshot: of.customerSnapshot,
      voucherSnapshot,
      date: now,
    };
  }

  private async recordRollbackFailure(
    auth: AuthContext,
    origin: EventOrigin,
    refused: RollbackRefused,
    reason: string | null,
    trackingId: string | null,
  ): Promise<string> {
    const id = newId('rollbackFailure');
    const of = refused.row;
    const row: Partial<RedemptionEntity> = {
      id,
      projectId: auth.projectId,
      kind: of.kind === 'parent' ? 'parent_rollback' : 'rollback',
      result: 'FAILURE',
      status: 'FAILED',
      redemptionId: of.id,
      voucherId: of.voucherId,
      voucherCode: of.voucherCode,
      campaignId: of.campaignId,
      customerId: of.customerId,
      orderId: of.orderId,
      trackingId: trackingId ?? of.trackingId,
      failureCode: refused.key,
      failureMessage: refused.key.replace(/_/g, ' '),
      reason,
      channelType: 'API',
      channelId: auth.appId,
      metadata: {},
      date: new Date(),
    };
    try {
      await this.tx.run(async (em) => {
        await this.repository.insert([row], em);
        await this.emit(em, auth.projectId, origin, 'redemption.rollback.failed', id, () =>
          rollbackEventData(of, row as RedemptionEntity),
        );
      });
    } catch (error) {
      rootLogger().error({ err: error, id }, 'could not record a failed rollback');
    }
    return id;
  }

  private async emit(
    em: EntityManager,
    projectId: string,
    origin: EventOrigin,
    type:
      | 'redemption.succeeded'
      | 'redemption.failed'
      | 'redemption.rollback.succeeded'
      | 'redemption.rollback.failed',
    entityId: string,
    data: () => Record<string, unknown>,
  ): Promise<void> {
    await this.events.record(em, {
      projectId,
      type,
      entityId,
      data: data(),
      source: origin.source,
      groupId: origin.groupId,
    });
  }

  // ---------------------------------------------------------------- reads

  async get(projectId: string, id: string) {
    const row = await this.repository.findById(projectId, id);
    if (!row) throw RedemptionErrors.redemptionNotFound(id);
    return serializeRedemption(row);
  }

  async list(projectId: string, query: ListRedemptionsQueryDto) {
    const { rows, total } = await this.repository.list(
      projectId,
      {
        result: query.result,
        customer: query.customer,
        campaign: query.campaign,
        voucher: query.voucher,
        orderId: query.order_id,
        createdBefore: toDate(query.created_at?.before),
        createdAfter: toDate(query.created_at?.after),
      },
      parseOrder(query.order, REDEMPTION_ORDER_FIELDS, NEWEST_FIRST),
      paging(query),
    );
    return listEnvelope('redemptions', rows.map(serializeRedemption), total);
  }

  /** GET /v1/vouchers/:code/redemption — the voucher's redemptions and rollbacks. */
  async listForVoucher(projectId: string, code: string, query: ListRedemptionsQueryDto) {
    const vouchers = await this.repository.findVouchers(projectId, [code]);
    const v = vouchers.get(code);
    if (!v) throw RedemptionErrors.voucherNotFound(code);
    const page = paging(query);
    const { rows, total } = await this.repository.list(
      projectId,
      { voucher: v.id, result: query.result },
      parseOrder(query.order, REDEMPTION_ORDER_FIELDS, NEWEST_FIRST),
      page,
    );
    return {
      object: 'list',
      data_ref: 'redemption_entries',
      quantity: v.redemptionQuantity,
      redeemed_quantity: v.redeemedQuantity,
      url: `/v1/vouchers/${encodeURIComponent(v.code)}/redemption?page=${page.page}&limit=${page.limit}`,
      total,
      redemption_entries: rows.map(serializeRedemption),
    };
  }

  /** DELETE /v1/vouchers/:code/sessions/:key — ends a LOCK hold (204); unknown → 404. */
  async releaseSession(projectId: string, code: string, key: string): Promise<void> {
    const v = (await this.repository.findVouchers(projectId, [code])).get(code);
    if (!v) throw RedemptionErrors.voucherNotFound(code);
    const released = await this.tx.run(async (em) => {
      await this.repository.lockInOrder(projectId, [], [v.id], em);
      return this.repository.releaseHold(projectId, v.id, key, em);
    });
    if (!released) throw RedemptionErrors.sessionNotFound(key);
  }
}

function toDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw Errors.invalidQueryParams(`${value} is not a valid date`);
  return date;
}
