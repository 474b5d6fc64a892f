/**
 * CPU milliseconds the API process spends per request, route by route, side by side in one run:
 * a no-op (liveness), an authenticated 404, a voucher read, a legacy validation and a legacy
 * redemption (with a customer and an order, as in bench:redeem). Closed loop at
 * BENCH_CONNECTIONS (16) for BENCH_REQUESTS (4,000) requests per route after a warm-up of 1,500;
 * the API runs as its own process (ROLE=api) and its CPU is read from /proc before and after.
 * This is where a change to the per-request path shows first: bench:redeem's ratio also moves
 * with Postgres and with how busy the machine is. Run with `npm run bench:cost`.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { AppConfig, configureLogger } from '@app/core';
import {
  cpuSeconds,
  createProjects,
  headersOf,
  insertVouchers,
  markdownTable,
  startLiveApi,
} from './live-api';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const WARM_UP = 1500;
const VOUCHERS = 1000;
const CUSTOMERS = 200;

interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: (i: number) => string;
  /** Sends bench:redeem's body (a customer and an order). */
  body: boolean;
  /** The status every answer must have, so a broken route cannot pass for a cheap one. */
  status: number;
}

const ROUTES: Route[] = [
  { name: 'GET /health/live', method: 'GET', path: () => '/health/live', body: false, status: 200 },
  {
    name: 'GET /v1/customers/{unknown} (404)',
    method: 'GET',
    path: (i) => `/v1/customers/cust_missing${i}`,
    body: false,
    status: 404,
  },
  {
    name: 'GET /v1/vouchers/{code}',
    method: 'GET',
    path: (i) => `/v1/vouchers/COST-${i}`,
    body: false,
    status: 200,
  },
  {
    name: 'POST /v1/vouchers/{code}/validate',
    method: 'POST',
    path: (i) => `/v1/vouchers/COST-${i}/validate`,
    body: true,
    status: 200,
  },
  {
    name: 'POST /v1/vouchers/{code}/redemption',
    method: 'POST',
    path: (i) => `/v1/vouchers/COST-${i}/redemption`,
    body: true,
    status: 200,
  },
];

async function main() {
  const config = new AppConfig().with({});
  configureLogger(config.env.LOG_LEVEL);
  const databaseUrl = config.env.DATABASE_URL;
  if (!databaseUrl || !/test/.test(databaseUrl))
    throw new Error('run through npm run bench:cost (a fresh *test* database)');
  const [project] = await createProjects(config, [
    { name: 'bench-cost', perMinute: 100_000_000, burst: 10_000_000 },
  ]);
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  await insertVouchers(pg, project.project_id, 'COST-', VOUCHERS);
  await pg.end();
  const api = await startLiveApi({
    ROLE: 'api',
    DB_POOL_MAX: String(CONNECTIONS),
    DEMO_PROJECT: 'false',
    LOG_LEVEL: 'warn',
  });
  let sequence = 0;
  const run = (route: Route, amount: number) =>
    autocannon({
      url: api.url,
      connections: CONNECTIONS,
      amount,
      headers: { ...headersOf(project), 'content-type': 'application/json' },
      requests: [
        {
          method: route.method,
          setupRequest: (req: autocannon.RawRequest) => {
            const i = sequence++;
            return {
              ...req,
              path: route.path(i % VOUCHERS),
              body: route.body
                ? JSON.stringify({
                    customer: { source_id: `bench-c-${i % CUSTOMERS}` },
                    order: { amount: 10000 },
                  })
                : undefined,
            };
          },
        },
      ],
    });
  try {
    const rows: string[][] = [];
    for (const route of ROUTES) {
      await run(route, WARM_UP);
      const before = cpuSeconds((pid) => pid === api.pid);
      const result = await run(route, REQUESTS);
      const cpu = cpuSeconds((pid) => pid === api.pid) - before;
      const expected = result.statusCodeStats?.[String(route.status)]?.count ?? 0;
      if (expected !== REQUESTS || result.errors > 0)
        throw new Error(
          `${route.name}: ${expected} of ${REQUESTS} answered ${route.status} (errors ${result.errors})`,
        );
      rows.push([
        route.name,
        ((1000 * cpu) / REQUESTS).toFixed(3),
        `${result.latency.p50} / ${result.latency.p99}`,
      ]);
    }
    process.stdout.write(
      `${markdownTable(['route', 'API CPU ms per request', 'latency p50 / p99 ms'], rows)}\n` +
        `${CONNECTIONS} connections, ${REQUESTS} requests per route after ${WARM_UP} of warm-up.\n`,
    );
  } finally {
    api.child.kill('SIGTERM');
    await api.exited;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
