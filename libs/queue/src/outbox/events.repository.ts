import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BatchableWrite, writeBehind } from '@app/core';
import { EventEntity } from './event.entity';
import type { EventSource, EventType, OutboxEvent } from './event-types';

export interface NewEventRow {
  id: string;
  projectId: string;
  type: EventType;
  entityId: string | null;
  groupId: string | null;
  payload: Record<string, unknown>;
  source: EventSource;
}

export interface UnrelayedEvent {
  id: string;
  projectId: string;
  type: string;
}

export const EVENT_INSERT: BatchableWrite = {
  tables: ['events'],
  sql: `INSERT INTO events (id, project_id, type, entity_id, group_id, payload, source)
        SELECT r.id, r.project_id, r.type, r.entity_id, r.group_id, r.payload, r.source
        FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id varchar, project_id varchar,
          type varchar, entity_id varchar, group_id varchar, payload jsonb, source jsonb))
          WITH ORDINALITY AS r(id, project_id, type, entity_id, group_id, payload, source, ord)
        ORDER BY r.ord`,
};

@Injectable()
export class EventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private em(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /** Rides with the transaction's next statement (writeBehind); `seq` follows the call order. */
  async insert(row: NewEventRow, em?: EntityManager): Promise<void> {
    await writeBehind(this.em(em), EVENT_INSERT, [
      {
        id: row.id,
        project_id: row.projectId,
        type: row.type,
        entity_id: row.entityId,
        group_id: row.groupId,
        payload: row.payload,
        source: row.source,
      },
    ]);
  }

  /**
   * Locks the oldest committed, unrelayed events. SKIP LOCKED lets several relays (replicas)
   * take disjoint batches; rows of uncommitted transactions are invisible, so nothing is relayed
   * before its transaction commits.
   */
  async lockUnrelayed(limit: number, em: EntityManager): Promise<UnrelayedEvent[]> {
    const rows: { id: string; project_id: string; type: string }[] = await em.query(
      `SELECT id, project_id, type FROM events
        WHERE relayed_at IS NULL
        ORDER BY seq
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, projectId: r.project_id, type: r.type }));
  }

  async markRelayed(ids: string[], em: EntityManager): Promise<void> {
    await em.query(`UPDATE events SET relayed_at = now() WHERE id = ANY($1)`, [ids]);
  }

  async countRelayFailure(ids: string[], em?: EntityManager): Promise<void> {
    await this.em(em).query(
      `UPDATE events SET attempts = attempts + 1 WHERE id = ANY($1) AND relayed_at IS NULL`,
      [ids],
    );
  }

  async markProcessed(projectId: string, id: string, em?: EntityManager): Promise<void> {
    await this.em(em).query(
      `UPDATE events SET processed_at = now() WHERE project_id = $1 AND id = $2 AND processed_at IS NULL`,
      [projectId, id],
    );
  }

  /**
   * Hands relayed-but-unprocessed events back to the relay. Only for a queue whose jobs die with
   * the process (in-process driver), at start-up: those jobs are gone.
   */
  async unrelayUnprocessed(em?: EntityManager): Promise<number> {
    const result: unknown = await this.em(em).query(
      `UPDATE events SET relayed_at = NULL WHERE relayed_at IS NOT NULL AND processed_at IS NULL`,
    );
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }

  async countUnrelayed(em?: EntityManager): Promise<number> {
    const [row]: { n: string }[] = await this.em(em).query(
      `SELECT count(*) AS n FROM events WHERE relayed_at IS NULL`,
    );
    return Number(row.n);
  }

  async findById(projectId: string, id: string, em?: EntityManager): Promise<OutboxEvent | null> {
    const row = await this.em(em).getRepository(EventEntity).findOneBy({ projectId, id });
    return row ? toOutboxEvent(row) : null;
  }

  /** Inserts the (event, handler) marker; false when it already exists (already applied). */
  async claimProcessed(
    projectId: string,
    eventId: string,
    handler: string,
    em: EntityManager,
  ): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO processed_events (project_id, event_id, handler) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [projectId, eventId, handler],
    );
    return rows.length === 1;
  }
}

function toOutboxEvent(row: EventEntity): OutboxEvent {
  return {
    id: row.id,
    projectId: row.projectId,
    type: row.type as EventType,
    entityId: row.entityId,
    groupId: row.groupId,
    data: row.payload,
    source: row.source,
    createdAt: row.createdAt,
  };
}
