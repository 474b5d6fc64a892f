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
import { EventOrigin, EventsService, EventType } from '@app/queue';
import { CustomerEntity } from './customer.entity';
import { customerChanges, CustomerChanges, serializeCustomer } from './customer.mapping';
import {
  CreateCustomerDto,
  CUSTOMER_ORDER_FIELDS,
  ListCustomersQueryDto,
  UpdateCustomerDto,
} from './customers.dto';
import { CustomerErrors } from './customers.errors';
import { CustomerListFilter, CustomerSortField, CustomersRepository } from './customers.repository';

const SOURCE_ID_INDEX = 'ux_customers_project_source';
const NEWEST_FIRST: SortOrder<CustomerSortField> = { field: 'created_at', direction: 'DESC' };

/** Timestamps with millisecond precision, so the created_at cursor matches what clients saw. */
const now = () => new Date();

@Injectable()
export class CustomersService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repository: CustomersRepository,
    private readonly events: EventsService,
  ) {}

  async create(projectId: string, body: CreateCustomerDto, origin: EventOrigin) {
    return serializeCustomer(await this.tx.run((em) => this.upsert(projectId, body, em, origin)));
  }

  /** The customer's `cust_` id, looked up by id or source_id (404 when unknown). */
  async resolveId(projectId: string, idOrSourceId: string): Promise<string> {
    return (await this.require(projectId, idOrSourceId)).id;
  }

  async get(projectId: string, idOrSourceId: string) {
    return serializeCustomer(await this.require(projectId, idOrSourceId));
  }

  async update(
    projectId: string,
    idOrSourceId: string,
    body: UpdateCustomerDto,
    origin: EventOrigin,
  ) {
    const customer = await this.tx.run(async (em) => {
      const existing = await this.require(projectId, idOrSourceId, em);
      return this.applyUpdate(existing, body.source_id, customerChanges(body), em, origin);
    });
    return serializeCustomer(customer);
  }

  async delete(projectId: string, idOrSourceId: string, origin: EventOrigin): Promise<void> {
    await this.tx.run(async (em) => {
      const existing = await this.require(projectId, idOrSourceId, em);
      if (!(await this.repository.delete(projectId, existing.id, em))) {
        throw CustomerErrors.notFound(idOrSourceId);
      }
      await this.record(em, 'customer.deleted', existing, origin);
    });
  }

  async list(projectId: string, query: ListCustomersQueryDto) {
    const filter: CustomerListFilter = {
      email: query.email,
      name: query.name,
      city: query.city,
      createdBefore: dateOrUndefined(query.created_at?.before),
      createdAfter: dateOrUndefined(query.created_at?.after),
      updatedBefore: dateOrUndefined(query.updated_at?.before),
      updatedAfter: dateOrUndefined(query.updated_at?.after),
    };
    let page = paging(query);
    let sort = parseOrder(query.order, CUSTOMER_ORDER_FIELDS, NEWEST_FIRST);
    if (query.starting_after !== undefined) {
      // The scroll cursor is a created_at instant: it fixes the sort to created_at and
      // replaces page-based offsets (as the SDK's customers.scroll expects).
      const direction = query.order === 'created_at' ? 'ASC' : 'DESC';
      filter.cursor = { createdAt: dateOrUndefined(query.starting_after)!, direction };
      sort = { field: 'created_at', direction };
      page = { ...page, page: 1, offset: 0 };
    }
    const { rows, total, hasMore } = await this.repository.list(projectId, filter, sort, page);
    return listEnvelope('customers', rows.map(serializeCustomer), total, { has_more: hasMore });
  }

  /**
   * Create-or-update inside the caller's transaction (orders upsert their customer and
   * referrer this way): by `id` (which must exist), else by `source_id` (one atomic
   * INSERT ... ON CONFLICT), else a new anonymous customer. With an `origin`, records
   * `customer.created` or `customer.updated` (when something changed) in the same transaction;
   * without one (historical imports) records nothing.
   */
  async upsert(
    projectId: string,
    input: CreateCustomerDto,
    em: EntityManager,
    origin?: EventOrigin,
  ): Promise<CustomerEntity> {
    const changes = customerChanges(input);
    if (input.id !== undefined) {
      const existing = await this.repository.findById(projectId, input.id, em, true);
      if (!existing) throw CustomerErrors.notFound(input.id);
      return this.applyUpdate(existing, input.source_id, changes, em, origin);
    }
    if (input.source_id) {
      const { customer, inserted } = await this.repository.upsertBySourceId(
        projectId,
        input.source_id,
        newId('customer'),
        now(),
        changes,
        em,
      );
      if (inserted || Object.keys(changes).length > 0)
        await this.record(em, inserted ? 'customer.created' : 'customer.updated', customer, origin);
      return customer;
    }
    const id = newId('customer');
    await this.repository.insert(
      { id, projectId, sourceId: null, createdAt: now(), ...changes },
      em,
    );
    const customer = await this.mustFind(projectId, id, em);
    await this.record(em, 'customer.created', customer, origin);
    return customer;
  }

  private async record(
    em: EntityManager,
    type: Extract<EventType, `customer.${string}`>,
    customer: CustomerEntity,
    origin: EventOrigin | undefined,
  ): Promise<void> {
    if (!origin) return;
    await this.events.record(em, {
      projectId: customer.projectId,
      type,
      entityId: customer.id,
      data: { customer: serializeCustomer(customer) },
      source: origin.source,
      groupId: origin.groupId,
    });
  }

  /** The `cust_` id of a customer given by id or source_id; null when there is none. */
  async idOf(projectId: string, idOrSourceId: string): Promise<string | null> {
    return (await this.repository.findByIdOrSourceId(projectId, idOrSourceId))?.id ?? null;
  }

  private async require(
    projectId: string,
    idOrSourceId: string,
    em?: EntityManager,
  ): Promise<CustomerEntity> {
    const customer = await this.repository.findByIdOrSourceId(projectId, idOrSourceId, em, !!em);
    if (!customer) throw CustomerErrors.notFound(idOrSourceId);
    return customer;
  }

  private async mustFind(
    projectId: string,
    id: string,
    em: EntityManager,
  ): Promise<CustomerEntity> {
    const customer = await this.repository.findById(projectId, id, em);
    if (!customer) throw CustomerErrors.notFound(id);
    return customer;
  }

  /** source_id may be set once; sending the stored value again (the SDK does) changes nothing. */
  private async applyUpdate(
    existing: CustomerEntity,
    sourceId: string | null | undefined,
    changes: CustomerChanges,
    em: EntityManager,
    origin: EventOrigin | undefined,
  ): Promise<CustomerEntity> {
    const next: CustomerChanges & { sourceId?: string; updatedAt: Date } = {
      ...changes,
      updatedAt: now(),
    };
    if (sourceId !== undefined && sourceId !== existing.sourceId) {
      if (existing.sourceId !== null || sourceId === null) {
        throw CustomerErrors.sourceIdImmutable(existing.id, existing.sourceId ?? 'null');
      }
      next.sourceId = sourceId;
    }
    if (Object.keys(next).length === 1) return existing;
    try {
      await this.repository.update(existing.projectId, existing.id, next, em);
    } catch (error) {
      if (isUniqueViolation(error, SOURCE_ID_INDEX)) {
        throw CustomerErrors.duplicateSourceId(next.sourceId ?? '');
      }
      throw error;
    }
    const customer = await this.mustFind(existing.projectId, existing.id, em);
    await this.record(em, 'customer.updated', customer, origin);
    return customer;
  }
}

function dateOrUndefined(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw Errors.invalidQueryParams(`${value} is not a valid date`);
  return date;
}
