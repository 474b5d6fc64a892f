import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '@app/core';
import { EventsService, EventType } from '@app/queue';
import { waitFor } from './wait-for';

/** Records one event in its own transaction, as a producer module would. */
export function recordEvent(
  app: INestApplicationContext,
  projectId: string,
  type: EventType,
  data: object,
  entityId: string | null = null,
): Promise<string> {
  return app.get(TransactionRunner).run((em) =>
    app.get(EventsService).record(em, {
      projectId,
      type,
      entityId,
      data: { ...data },
      source: { channel: 'INTERNAL' },
    }),
  );
}

/** Waits until every event of the project has been processed by all its subscribers. */
export async function waitProcessed(
  app: INestApplicationContext,
  projectId: string,
  timeoutMs = 30_000,
): Promise<void> {
  const dataSource = app.get(DataSource);
  await waitFor(
    async () => {
      const [row]: { pending: number }[] = await dataSource.query(
        `SELECT count(*)::int AS pending FROM events WHERE project_id = $1 AND processed_at IS NULL`,
        [projectId],
      );
      return row.pending === 0;
    },
    `the events of ${projectId} to be processed`,
    timeoutMs,
  );
}

/** Counts of `processed_events` markers by handler, for the project. */
export async function markersByHandler(
  app: INestApplicationContext,
  projectId: string,
): Promise<Record<string, number>> {
  const rows: { handler: string; n: number }[] = await app
    .get(DataSource)
    .query(
      `SELECT handler, count(*)::int AS n FROM processed_events WHERE project_id = $1 GROUP BY handler`,
      [projectId],
    );
  return Object.fromEntries(rows.map((r) => [r.handler, r.n]));
}
