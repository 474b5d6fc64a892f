'use strict';
/**
 * `npm test`: every suite against real Postgres and Redis.
 * Starts the services when they are not reachable (see scripts/services.js), creates a fresh
 * database whose name contains "test" and a fresh Redis key prefix for this run, migrates it,
 * runs jest with any extra arguments, then drops the database and the run's Redis keys.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { withFreshServices, log } = require('./services');

/** Values the caller set explicitly win over the test defaults. */
function pick(env, pattern) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => pattern.test(k)));
}

async function main() {
  const args = process.argv.slice(2);
  const status = await withFreshServices('vp_test', ({ adminUrl, redisUrl, databaseUrl, prefix }) => {
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      TEST_ADMIN_DATABASE_URL: adminUrl,
      LOG_LEVEL: process.env.LOG_LEVEL || 'fatal',
      DEMO_PROJECT: 'false',
      DOCS_ENABLED: 'true',
      // Tests that exercise limits and shedding set their own values; everything else runs far
      // below these, so a busy CI machine never turns a functional test into a 429 or 503.
      TRUST_PROXY: 'true',
      RATE_LIMIT_DEFAULT_PER_MINUTE: '1000000',
      RATE_LIMIT_IP_PER_MINUTE: '1000000',
      RATE_LIMIT_CLIENT_IP_LIMIT: '100000',
      RATE_LIMIT_CODE_MISSES_PER_MINUTE: '100000',
      RATE_LIMIT_INFLIGHT_PER_PROJECT: '100000',
      SHED_DELAY_HIGH_MS: '60000',
      SHED_DELAY_LOW_MS: '30000',
      SHED_ELU_HIGH_PCT: '100',
      SHED_ELU_LOW_PCT: '99',
      ...pick(process.env, /^(RATE_LIMIT_|SHED_|TRUST_PROXY)/),
    };
    const jest = join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
    // --forceExit: a test that leaks a handle must not hang CI after every suite has reported.
    return spawnSync(process.execPath, [jest, '--forceExit', ...args], { stdio: 'inherit', env }).status ?? 1;
  });
  process.exit(status);
}

main().catch((error) => {
  log(error.stack || error.message);
  process.exit(1);
});
