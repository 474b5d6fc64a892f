import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { newId, TransactionRunner } from '@app/core';
import type { EventSource, EventType, OutboxEvent } from './event-types';
import { EventsRepository } from './events.repository';
import { OutboxRelay } from './outbox-relay';

export interface RecordEventInput {
  projectId: string;
  type: EventType;
  entityId?: string | null;
  data: Record<string, unknown>;
  source: EventSource;
  /** The request id (`v-…`) that caused the event: the envelope's `event.group_id`. */
  groupId?: string | null;
}

/**
 * The outbox's front door. Modules call `record` INSIDE their own transaction, with its
 * EntityManager: the event exists exactly when the change it describes committed. Nothing here
 * touches Redis, so a Redis outage never fails a request.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly repository: EventsRepository,
    private readonly relay: OutboxRelay,
    private readonly transactions: TransactionRunner,
  ) {}

  async record(em: EntityManager, input: RecordEventInput): Promise<string> {
    if (!em.queryRunner?.isTransactionActive)
      throw new Error('EventsService.record must be called inside a transaction');
    const id = newId('event');
    await this.repository.insert(
      {
        id,
        projectId: input.projectId,
        type: input.type,
        entityId: input.entityId ?? null,
        groupId: input.groupId ?? null,
        payload: input.data,
        source: input.source,
      },
      em,
    );
    // The row is not visible yet (uncommitted); this only shortens the relay's idle sleep.
    this.relay.nudge();
    return id;
  }

  find(projectId: string, eventId: string): Promise<OutboxEvent | null> {
    return this.repository.findById(projectId, eventId);
  }

  countUnrelayed(): Promise<number> {
    return this.repository.countUnrelayed();
  }

  /**
   * Applies a side effect of an event at most once, however often the event is delivered:
   * the (event, handler) marker is inserted in the same transaction as `work`. Returns false when
   * it was already applied. Concurrent duplicates wait on the marker's unique key, then skip.
   */
  async applyOnce(
    event: Pick<OutboxEvent, 'id' | 'projectId'>,
    handler: string,
    work: (em: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    return this.transactions.run(async (em) => {
      if (!(await this.repository.claimProcessed(event.projectId, event.id, handler, em)))
        return false;
      await work(em);
      return true;
    });
  }

  /** For callers that already hold a transaction: true when this (event, handler) is new. */
  claim(
    em: EntityManager,
    event: Pick<OutboxEvent, 'id' | 'projectId'>,
    handler: string,
  ): Promise<boolean> {
    return this.repository.claimProcessed(event.projectId, event.id, handler, em);
  }
}
