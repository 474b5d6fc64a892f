'use strict';
/**
 * Makes sure the real Postgres and Redis the tests and benchmarks need are reachable.
 * Order of attempts: already running → local binaries (pg_ctlcluster / redis-server) →
 * apt-get install (when root) → `docker compose up -d` (when an engine exists) → a clear message.
 * Idempotent: safe to run any number of times.
 */
const { execSync, spawnSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const net = require('node:net');

const DEFAULT_PG = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

const log = (msg) => process.stderr.write(`[services] ${msg}\n`);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tcpReachable(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function pgReady(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function waitFor(check, what, seconds = 30) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return true;
    await sleep(250);
  }
  throw new Error(`${what} did not become reachable within ${seconds}s`);
}

function run(cmd) {
  log(`$ ${cmd}`);
  execSync(cmd, { stdio: ['ignore', 'inherit', 'inherit'] });
}

let aptUpdated = false;
function aptInstall(packages) {
  if (!isRoot() || !has('apt-get')) return false;
  if (!aptUpdated) {
    run('DEBIAN_FRONTEND=noninteractive apt-get update -qq');
    aptUpdated = true;
  }
  run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages}`);
  return true;
}

function dockerEngine() {
  return has('docker') && spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 }).status === 0;
}

function startPostgresCluster() {
  if (!has('pg_ctlcluster') || !existsSync('/etc/postgresql')) return false;
  const versions = readdirSync('/etc/postgresql');
  if (!versions.length) return false;
  const version = versions.sort().pop();
  const asRoot = isRoot() ? '' : 'sudo -n ';
  run(`${asRoot}pg_ctlcluster --skip-systemctl-redirect ${version} main start || true`);
  // A fresh Debian cluster has no password for postgres: give it the one the default URL uses.
  spawnSync('sh', ['-c', `su postgres -c "psql -qc \\"ALTER USER postgres PASSWORD 'postgres'\\"" >/dev/null 2>&1 || true`]);
  return true;
}

async function ensurePostgres(url = process.env.TEST_DATABASE_URL || DEFAULT_PG) {
  if (await pgReady(url)) return url;
  log(`Postgres not reachable at ${redact(url)}; starting it`);
  if (startPostgresCluster() && (await waitFor(() => pgReady(url), 'Postgres', 20).catch(() => false))) return url;
  if (!has('pg_ctlcluster') && aptInstall('postgresql') && startPostgresCluster()) {
    await waitFor(() => pgReady(url), 'Postgres');
    return url;
  }
  if (dockerEngine()) {
    run('docker compose up -d postgres');
    await waitFor(() => pgReady(url), 'Postgres (docker compose)', 60);
    return url;
  }
  throw new Error(
    `Postgres is not reachable at ${redact(url)} and could not be started: install PostgreSQL (apt-get install postgresql), ` +
      'run `docker compose up -d postgres`, or set TEST_DATABASE_URL to a server you control.',
  );
}

async function ensureRedis(url = process.env.TEST_REDIS_URL || DEFAULT_REDIS) {
  const { hostname, port } = new URL(url);
  const reachable = () => tcpReachable(hostname, Number(port || 6379));
  if (await reachable()) return url;
  log(`Redis not reachable at ${url}; starting it`);
  const startLocal = () =>
    run(`redis-server --daemonize yes --bind 127.0.0.1 --port ${port || 6379} --save "" --appendonly no --dir /tmp --logfile /tmp/redis-${port || 6379}.log`);
  if (has('redis-server')) {
    startLocal();
    await waitFor(reachable, 'Redis', 10);
    return url;
  }
  if (aptInstall('redis-server')) {
    startLocal();
    await waitFor(reachable, 'Redis', 10);
    return url;
  }
  if (dockerEngine()) {
    run('docker compose up -d redis');
    await waitFor(reachable, 'Redis (docker compose)', 60);
    return url;
  }
  throw new Error(`Redis is not reachable at ${url} and could not be started: install redis-server, run \`docker compose up -d redis\`, or set TEST_REDIS_URL.`);
}

function redact(url) {
  return url.replace(/:\/\/([^:@]+):[^@]+@/, '://$1:***@');
}

/** A database URL with the same server and a different database name. */
function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function createDatabase(adminUrl, name) {
  if (!/test/.test(name)) throw new Error(`Refusing to use database "${name}": test databases must have "test" in their name`);
  const { Client } = require('pg');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, name);
}

async function dropDatabase(adminUrl, name) {
  if (!/test/.test(name)) throw new Error(`Refusing to drop database "${name}"`);
  const { Client } = require('pg');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

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

/**
 * Ensures Postgres and Redis, creates a fresh migrated database `<name>_<run id>` (the name must
 * contain "test") and a Redis key prefix of the same name, calls `work` with them and returns its
 * result, then drops the database and the prefix's keys whatever `work` did.
 */
async function withFreshServices(name, work) {
  // Required here: scripts/migration.js requires this file.
  const { runMigrations } = require('./migration');
  const [adminUrl, redisUrl] = await Promise.all([ensurePostgres(), ensureRedis()]);
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const database = `${name}_${runId}`;
  const prefix = `${name}_${runId}`;
  const databaseUrl = await createDatabase(adminUrl, database);
  log(`database ${database}, redis prefix ${prefix}`);
  try {
    runMigrations(databaseUrl);
    return await work({ adminUrl, redisUrl, databaseUrl, prefix });
  } finally {
    await dropDatabase(adminUrl, database).catch((e) => log(`could not drop ${database}: ${e.message}`));
    await cleanupRedis(redisUrl, prefix).catch((e) => log(`could not clean redis: ${e.message}`));
  }
}

module.exports = { ensurePostgres, ensureRedis, createDatabase, dropDatabase, withDatabase, withFreshServices, DEFAULT_PG, DEFAULT_REDIS, ensureRedis, createDatabase, dropDatabase, withDatabase, DEFAULT_PG, DEFAULT_REDIS, log };

if (require.main === module) {
  Promise.all([ensurePostgres(), ensureRedis()])
    .then(([pg, redis]) => log(`Postgres ${redact(pg)} and Redis ${redis} are reachable`))
    .catch((error) => {
      log(error.message);
      process.exit(1);
    });
}
