import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  Errors,
  isUniqueViolation,
  listEnvelope,
  newId,
  paging,
  parseOrder,
  SortOrder,
  TransactionRunner,
} from '@app/core';
import { CreateCustomerDto, CustomersService } from '@app/customers';
import { EventOrigin, EventsService, OrderEventData, OrderSnapshot } from '@app/queue';
import { OrderEntity } from './order.entity';
import { normalizeItems, orderAmount, StoredOrderItem } from './order-items';
import { serializeOrder } from './order.mapping';
import {
  CreateOrderDto,
  ListOrdersQueryDto,
  ORDER_ORDER_FIELDS,
  UpdateOrderDto,
} from './orders.dto';
import { OrderErrors } from './orders.errors';
import { OrderSortField, OrdersRepository } from './orders.repository';

const SOURCE_ID_INDEX = 'ux_orders_project_source';
const NEWEST_FIRST: SortOrder<OrderSortField> = { field: 'created_at', direction: 'DESC' };

/** What an upsert resolved before touching the order row. */
interface Resolved {
  items?: StoredOrderItem[];
  customerId?: string;
  referrerId?: string;
}

@Injectable()
export class OrdersService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repository: OrdersRepository,
    private readonly customers: CustomersService,
    private readonly events: EventsService,
  ) {}

  async create(projectId: string, body: CreateOrderDto, origin: EventOrigin) {
    return serializeOrder(await this.tx.run((em) => this.upsert(projectId, body, em, origin)));
  }

  async get(projectId: string, idOrSourceId: string) {
    const order = await this.repository.findByIdOrSourceId(projectId, idOrSourceId);
    if (!order) throw OrderErrors.notFound(idOrSourceId);
    return serializeOrder(order);
  }

  async update(projectId: string, idOrSourceId: string, body: UpdateOrderDto, origin: EventOrigin) {
    const order = await this.tx.run(async (em) => {
      const existing = await this.repository.findByIdOrSourceId(projectId, idOrSourceId, em, true);
      if (!existing) throw OrderErrors.notFound(idOrSourceId);
      const resolved = await this.resolve(projectId, body, em, origin);
      return this.applyUpdate(existing, body, resolved, em, origin);
    });
    return serializeOrder(order);
  }

  async list(projectId: string, query: ListOrdersQueryDto) {
    const { rows, total } = await this.repository.list(
      projectId,
      {
        createdBefore: toDate(query.created_at?.before),
        createdAfter: toDate(query.created_at?.after),
        updatedBefore: toDate(query.updated_at?.before),
        updatedAfter: toDate(query.updated_at?.after),
      },
      parseOrder(query.order, ORDER_ORDER_FIELDS, NEWEST_FIRST),
      paging(query),
    );
    return listEnvelope('orders', rows.map(serializeOrder), total);
  }

  /**
   * Create-or-update inside the caller's transaction: by `id` (which must exist), else by
   * `source_id` (race-safe: a conditional insert, then the winner's row is updated), else new.
   * The customer and referrer are upserted in the same transaction. With an `origin`, the
   * order's (and customers') events are recorded in it too; historical imports pass none.
   */
  async upsert(
    projectId: string,
    input: CreateOrderDto,
    em: EntityManager,
    origin?: EventOrigin,
  ): Promise<OrderEntity> {
    const resolved = await this.resolve(projectId, input, em, origin);
    if (input.id !== undefined) {
      const existing = await this.repository.findById(projectId, input.id, em, true);
      if (!existing) throw OrderErrors.notFound(input.id);
      return this.applyUpdate(existing, input, resolved, em, origin);
    }
    const sourceId = input.source_id ?? null;
    if (sourceId !== null) {
      const existing = await this.repository.findBySourceId(projectId, sourceId, em, true);
      if (existing) return this.applyUpdate(existing, input, resolved, em, origin);
    }
    const amount = orderAmount(input.amount, resolved.items) ?? null;
    const row: Partial<OrderEntity> = {
      id: newId('order'),
      projectId,
      sourceId,
      status: input.status ?? 'CREATED',
      amount,
      initialAmount: input.initial_amount ?? amount,
      discountAmount: input.discount_amount ?? 0,
      items: resolved.items ?? [],
      customerId: resolved.customerId ?? null,
      referrerId: resolved.referrerId ?? null,
      metadata: input.metadata ?? {},
      redemptions: {},
      createdAt: input.created_at !== undefined ? new Date(input.created_at) : new Date(),
      updatedAt: null,
    };
    const created = await this.repository.insertIfAbsent(row, em);
    if (created) {
      await this.record(em, created, null, origin);
      return created;
    }
    // A concurrent request created this source_id first: update its order instead.
    const winner =
      sourceId === null
        ? null
        : await this.repository.findBySourceId(projectId, sourceId, em, true);
    if (!winner) throw OrderErrors.duplicateSourceId(sourceId ?? '');
    return this.applyUpdate(winner, input, resolved, em, origin);
  }

  private async resolve(
    projectId: string,
    input: UpdateOrderDto,
    em: EntityManager,
    origin: EventOrigin | undefined,
  ): Promise<Resolved> {
    return {
      items: input.items === undefined ? undefined : normalizeItems(input.items),
      customerId: await this.upsertParty(projectId, input.customer, em, origin),
      referrerId: await this.upsertParty(projectId, input.referrer, em, origin),
    };
  }

  private async upsertParty(
    projectId: string,
    party: CreateCustomerDto | undefined,
    em: EntityManager,
    origin: EventOrigin | undefined,
  ): Promise<string | undefined> {
    if (party === undefined) return undefined;
    return (await this.customers.upsert(projectId, party, em, origin)).id;
  }

  /**
   * `order.created` (previous null) or `order.updated` with the state before the change. The
   * order row is locked from the read of `previous` to the commit, so consecutive events of an
   * order chain exactly: deltas computed from them add up to the final state.
   */
  private async record(
    em: EntityManager,
    order: OrderEntity,
    previous: OrderSnapshot | null,
    origin: EventOrigin | undefined,
  ): Promise<void> {
    if (!origin) return;
    const data: OrderEventData = { order: serializeOrder(order), previous };
    await this.events.record(em, {
      projectId: order.projectId,
      type: previous ? 'order.updated' : 'order.created',
      entityId: order.id,
      data: { ...data },
      source: origin.source,
      groupId: origin.groupId,
    });
  }

  private async applyUpdate(
    existing: OrderEntity,
    input: UpdateOrderDto,
    resolved: Resolved,
    em: EntityManager,
    origin: EventOrigin | undefined,
  ): Promise<OrderEntity> {
    const changes: Partial<OrderEntity> = { updatedAt: new Date() };
    if (input.source_id !== undefined && input.source_id !== existing.sourceId) {
      if (existing.sourceId !== null || input.source_id === null) {
        throw OrderErrors.sourceIdImmutable(existing.id, existing.sourceId ?? 'null');
      }
      changes.sourceId = input.source_id;
    }
    if (input.status !== undefined) changes.status = input.status;
    if (resolved.items !== undefined) changes.items = resolved.items;
    const amount = orderAmount(input.amount, resolved.items);
    if (amount !== undefined) changes.amount = amount;
    if (input.initial_amount !== undefined) changes.initialAmount = input.initial_amount;
    else if (amount !== undefined) changes.initialAmount = amount;
    if (input.discount_amount !== undefined) changes.discountAmount = input.discount_amount;
    if (resolved.customerId !== undefined) changes.customerId = resolved.customerId;
    if (resolved.referrerId !== undefined) changes.referrerId = resolved.referrerId;
    if (input.metadata !== undefined) changes.metadata = input.metadata ?? {};
    try {
      await this.repository.update(existing.projectId, existing.id, changes, em);
    } catch (error) {
      if (isUniqueViolation(error, SOURCE_ID_INDEX)) {
        throw OrderErrors.duplicateSourceId(changes.sourceId ?? '');
      }
      throw error;
    }
    const updated = await this.mustFind(existing.projectId, existing.id, em);
    const previous: OrderSnapshot = {
      status: existing.status,
      amount: existing.amount,
      customer_id: existing.customerId,
    };
    await this.record(em, updated, previous, origin);
    return updated;
  }

  private async mustFind(projectId: string, id: string, em: EntityManager): Promise<OrderEntity> {
    const order = await this.repository.findById(projectId, id, em);
    if (!order) throw OrderErrors.notFound(id);
    return order;
  }
}

function toDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw Errors.invalidQueryParams(`${value} is not a valid date`);
  return date;
}
