import { Client } from 'pg';
import { randomBase62 } from '@app/core';

export interface IsolatedDatabase {
  url: string;
  drop: () => Promise<void>;
}

/**
 * A database of its own for one test file, migrated by the app on start (MIGRATIONS_RUN=true).
 * Queue tests need one: every app on the run's shared database runs an outbox relay, and a
 * relay of another test file would take this file's events away from its workers.
 */
export async function createIsolatedDatabase(): Promise<IsolatedDatabase> {
  const admin = process.env.TEST_ADMIN_DATABASE_URL;
  const shared = process.env.DATABASE_URL;
  if (!admin || !shared) throw new Error('run tests with npm test (TEST_ADMIN_DATABASE_URL unset)');
  const name = `${new URL(shared).pathname.slice(1)}_${randomBase62(6).toLowerCase()}`;
  if (!/test/.test(name)) throw new Error(`refusing database ${name}`);
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Env overrides giving an app its own database and its own BullMQ key prefix. */
export function isolatedEnv(db: IsolatedDatabase, tag = randomBase62(6)): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    MIGRATIONS_RUN: 'true',
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'vp_test'}_${tag}`,
  };
}
