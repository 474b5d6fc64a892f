'use strict';
/**
 * Runs a command (a benchmark) against a fresh, migrated database:
 *   node scripts/with-services.js <command> [args...]
 * Ensures Postgres and Redis (scripts/services.js), creates a database whose name contains
 * "test", runs the migrations, runs the command with DATABASE_URL / REDIS_URL / REDIS_PREFIX
 * set, then drops the database and the run's Redis keys, whatever the command's outcome.
 */
const { spawnSync } = require('node:child_process');
const { ensurePostgres, ensureRedis, createDatabase, dropDatabase, log } = require('./services');
const { runMigrations } = require('./migration');

async function cleanupRedis(url, prefix) {
  const Redis = require('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!command) throw new Error('usage: node scripts/with-services.js <command> [args...]');
  const [adminUrl, redisUrl] = await Promise.all([ensurePostgres(), ensureRedis()]);
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const database = `vp_bench_test_${runId}`;
  const prefix = `vp_bench_test_${runId}`;
  const databaseUrl = await createDatabase(adminUrl, database);
  log(`database ${database}, redis prefix ${prefix}`);
  let status = 1;
  try {
    runMigrations(databaseUrl);
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
      DEMO_PROJECT: 'false',
    };
    status = spawnSync(command, args, { stdio: 'inherit', env }).status ?? 1;
  } finally {
    await dropDatabase(adminUrl, database).catch((e) => log(`could not drop ${database}: ${e.message}`));
    await cleanupRedis(redisUrl, prefix).catch((e) => log(`could not clean redis: ${e.message}`));
  }
  process.exit(status);
}

main().catch((error) => {
  log(error.stack || error.message);
  process.exit(1);
});
