'use strict';
/**
 * Runs a command (a benchmark) against a fresh, migrated database:
 *   node scripts/with-services.js <command> [args...]
 * Ensures Postgres and Redis (scripts/services.js), creates a database whose name contains
 * "test", runs the migrations, runs the command with DATABASE_URL / REDIS_URL / REDIS_PREFIX
 * set, then drops the database and the run's Redis keys, whatever the command's outcome.
 */
const { spawnSync } = require('node:child_process');
const { withFreshServices, log } = require('./services');

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!command) throw new Error('usage: node scripts/with-services.js <command> [args...]');
  const status = await withFreshServices('vp_bench_test', ({ redisUrl, databaseUrl, prefix }) => {
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
      DEMO_PROJECT: 'false',
    };
    return spawnSync(command, args, { stdio: 'inherit', env }).status ?? 1;
  });
  process.exit(status);
}

main().catch((error) => {
  log(error.stack || error.message);
  process.exit(1);
});
