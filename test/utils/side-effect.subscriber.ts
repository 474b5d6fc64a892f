import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventSubscriber, EventsService, OutboxEvent, SubscribesTo } from '@app/queue';
import { sleep } from './wait-for';

/** Calls across every app instance of a test file (at-least-once shows as calls >= events). */
export const sideEffectCalls = { count: 0 };

/**
 * A test side effect in the shape later processors take: one row per event in
 * test_side_effects (no unique key, so a double application would show), applied through
 * EventsService.applyOnce. It lingers inside its transaction to widen the crash window.
 */
@Injectable()
@SubscribesTo('test.side-effect', '*')
export class SideEffectSubscriber implements EventSubscriber {
  constructor(private readonly events: EventsService) {}

  async handle(event: OutboxEvent): Promise<void> {
    sideEffectCalls.count++;
    await this.events.applyOnce(event, 'test.side-effect', async (em) => {
      await sleep(15);
      await em.query(`INSERT INTO test_side_effects (event_id) VALUES ($1)`, [event.id]);
    });
  }
}

@Module({ providers: [SideEffectSubscriber] })
export class SideEffectModule {}

export async function createSideEffectTable(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `CREATE TABLE IF NOT EXISTS test_side_effects (event_id varchar(40) NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
}

export async function sideEffectCounts(
  dataSource: DataSource,
): Promise<{ rows: number; distinct: number }> {
  const [row]: { rows: number; distinct: number }[] = await dataSource.query(
    `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct FROM test_side_effects`,
  );
  return row;
}
