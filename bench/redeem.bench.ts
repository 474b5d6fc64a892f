/**
 * Redemption throughput through the whole API (auth, validation, rules, the one transaction)
 * against pgbench running the same SQL transaction (customer upsert, conditional voucher
 * UPDATE, order insert, redemption insert, order update) on the same database in the same run.
 * Also: p50/p99 latency at half the peak rate, and a hot-voucher run (every request on one
 * code). The API runs as its own process (`node dist/apps/api/src/main.js`, ROLE=api), so the
 * load generator does not share its event loop. Run with `npm run bench:redeem` (a fresh *test* database; see scripts/with-services.js).
 * Seconds per side: BENCH_SECONDS (default 16), the API and pgbench alternating in BENCH_ROUNDS (2)
 * slices. Numbers are noisy on a shared machine.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { NestFactory } from '@nestjs/core';
import { AppConfig, configureLogger } from '@app/core';
import { TenancyService } from '@app/tenancy';
import { RateLimitPolicyService } from '@app/rate-limit';
import { AUDIT_INSERT, LEDGER_PENDING_INSERT } from '@app/audit';
import type { BatchableWrite } from '@app/core';
import { EVENT_INSERT } from '@app/queue';
import { ORDER_ATTACH, REDEMPTION_INSERT } from '@app/redemptions';
import { CliModule } from '../apps/api/src/cli.module';
import { boxCpu, cpuSeconds, freePort } from './live-api';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** Seconds per side; whole seconds per round (pgbench -T takes an integer). */
const SLICE = Math.max(1, Math.round(Number(process.env.BENCH_SECONDS ?? 16) / ROUNDS));
const SECONDS = SLICE * ROUNDS;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const VOUCHERS = 1000;
const CUSTOMERS = 200;
const TARGET_RATIO = 0.5;

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

let sequence = 0;

/** One request template whose path and customer rotate per request (not per connection). */
function requests(path: (i: number) => string) {
  return [
    {
      method: 'POST' as const,
      setupRequest: (req: autocannon.RawRequest) => {
        const i = sequence++;
        return {
          ...req,
          path: path(i % VOUCHERS),
          body: JSON.stringify({
            customer: { source_id: `bench-c-${i % CUSTOMERS}` },
            order: { amount: 10000 },
          }),
        };
      },
    },
  ];
}

async function load(
  url: string,
  headers: Record<string, string>,
  path: (i: number) => string,
  seconds: number,
  overallRate?: number,
): Promise<Run> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { ...headers, 'content-type': 'application/json' },
    requests: requests(path),
    ...(overallRate ? { overallRate } : {}),
  });
  return {
    // Only successful redemptions count: a 429 or 503 is not throughput.
    rps: result['2xx'] / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function pgbenchBinary(): string {
  const pinned = '/usr/lib/postgresql/15/bin/pgbench';
  return existsSync(pinned) ? pinned : 'pgbench';
}

/** Rows the API wrote for its redemptions, as samples of the data pgbench writes (same sizes). */
interface Samples {
  redemption: Row;
  customerAudit: Row;
  orderAudit: Row;
  redemptionAudit: Row;
  orderEvent: Row;
  redemptionEvent: Row;
  ledger: Row;
  orderEntries: Row;
}
type Row = Record<string, unknown>;

async function samplesOf(pg: Client, projectId: string): Promise<Samples> {
  const one = async (sql: string): Promise<Row> => {
    const { rows } = await pg.query<{ row: Row }>(sql, [projectId]);
    if (!rows[0]) throw new Error(`no sample row for: ${sql}`);
    return rows[0].row;
  };
  const audit = (entity: string) =>
    one(`SELECT to_jsonb(a) AS row FROM audit_log a
         WHERE project_id = $1 AND entity_type = '${entity}' ORDER BY created_at DESC LIMIT 1`);
  const event = (type: string) =>
    one(`SELECT to_jsonb(e) AS row FROM events e
         WHERE project_id = $1 AND type = '${type}' ORDER BY seq DESC LIMIT 1`);
  return {
    redemption: await one(
      `SELECT to_jsonb(r) AS row FROM redemptions r WHERE project_id = $1 AND result = 'SUCCESS' LIMIT 1`,
    ),
    customerAudit: await audit('customer'),
    orderAudit: await audit('order'),
    redemptionAudit: await audit('redemption'),
    orderEvent: await event('order.created'),
    redemptionEvent: await event('redemption.succeeded'),
    ledger: await one(
      `SELECT to_jsonb(l) AS row FROM audit_ledger_pending l WHERE project_id = $1 LIMIT 1`,
    ),
    orderEntries: await one(
      `SELECT redemptions AS row FROM orders WHERE project_id = $1 AND redemptions <> '{}' LIMIT 1`,
    ),
  };
}

/**
 * One API redemption's transaction as a pgbench script, statement for statement and round trip
 * for round trip: the voucher read, BEGIN, the customer upsert, the order insert carrying the
 * customer's audit row, the voucher's conditional UPDATE carrying the order's audit row and event,
 * the one statement of the redemption row, its audit row, the order update, its event and ledger
 * entry (the very SQL of the repositories' BatchableWrites) pipelined with COMMIT, as the API
 * sends them. The API also sends BEGIN with its first statement; pgbench cannot (a pipeline may
 * not bind results with \gset, and the customer upsert's are bound), so here BEGIN costs one
 * round trip more. Data: rows the API wrote in the warm-up, with fresh ids, bound as parameters
 * like the API's (pgbench -D variables, which the extended protocol sends as $n values).
 */
function pgbenchScript(projectId: string, s: Samples): { script: string; defines: string[] } {
  const defines: string[] = [];
  const literal = (row: Row, overrides: string) => {
    const name = `row_${defines.length}`;
    defines.push(`${name}=${JSON.stringify(row)}`);
    return `jsonb_build_array(:${name}::jsonb || jsonb_build_object(${overrides}))`;
  };
  const fresh = (prefix: string) => `'${prefix}' || md5(random()::text)`;
  const write = (w: BatchableWrite, rows: string) => w.sql.replace(/\$1\b/g, `(${rows})`);
  const ctes = (parts: string[]) => parts.map((p, i) => `write_behind_${i} AS (${p})`).join(', ');
  const oneLine = (sql: string) => sql.replace(/\s+/g, ' ');
  const auditRow = (row: Row) => literal(row, `'id', ${fresh('aud_pgb')}`);
  const eventRow = (row: Row) =>
    literal(
      { ...row, project_id: projectId },
      `'id', ${fresh('evt_pgb')}, 'entity_id', :ord_id::text`,
    );
  const statements = [
    `SELECT * FROM vouchers WHERE project_id = '${projectId}' AND (code = ANY(ARRAY['BENCH-' || :n::int]) OR id = ANY(ARRAY['BENCH-' || :n::int])) AND deleted_at IS NULL \\gset v_`,
    'BEGIN;',
    `INSERT INTO "customers" ("id", "project_id", "source_id", "created_at") VALUES (${fresh('cust_pgb')}, '${projectId}', 'pgb-c-' || :c::int, now()) ON CONFLICT ("project_id", "source_id") WHERE "source_id" IS NOT NULL DO UPDATE SET "source_id" = EXCLUDED."source_id" RETURNING *, (xmax = 0) AS "inserted" \\gset cust_`,
    `WITH ${ctes([write(AUDIT_INSERT, auditRow(s.customerAudit))])} INSERT INTO "orders"("id", "project_id", "source_id", "status", "amount", "initial_amount", "discount_amount", "items", "customer_id", "referrer_id", "metadata", "redemptions", "created_at", "updated_at") VALUES (${fresh('ord_pgb')}, '${projectId}', NULL, 'CREATED', 10000, 10000, 0, '[]', NULL, NULL, '{}', '{}', now(), NULL) ON CONFLICT DO NOTHING RETURNING * \\gset ord_`,
    `WITH ${ctes([write(AUDIT_INSERT, auditRow(s.orderAudit)), write(EVENT_INSERT, eventRow(s.orderEvent))])} UPDATE vouchers SET redeemed_quantity = redeemed_quantity + 1, updated_at = now() WHERE project_id = '${projectId}' AND id = :v_id::text AND deleted_at IS NULL AND (redemption_quantity IS NULL OR redeemed_quantity + held_quantity < redemption_quantity) RETURNING redeemed_quantity;`,
    '\\startpipeline',
    `WITH ${ctes([
      write(
        REDEMPTION_INSERT,
        literal(
          { ...s.redemption, project_id: projectId },
          `'id', ${fresh('r_pgb')}, 'order_id', :ord_id::text, 'customer_id', :cust_id::text, 'voucher_id', :v_id::text, 'date', now()`,
        ),
      ),
      write(AUDIT_INSERT, auditRow(s.redemptionAudit)),
      write(
        ORDER_ATTACH,
        literal(
          { project_id: projectId, entries: s.orderEntries, discount_amount: 500 },
          `'id', :ord_id::text, 'customer_id', :cust_id::text`,
        ),
      ),
      write(EVENT_INSERT, eventRow(s.redemptionEvent)),
      write(
        LEDGER_PENDING_INSERT,
        literal({ ...s.ledger, project_id: projectId }, `'voucher_id', :v_id::text`),
      ),
    ])} SELECT 1;`,
    'COMMIT;',
    '\\endpipeline',
  ];
  const script = [
    `\\set n random(0, ${VOUCHERS - 1})`,
    `\\set c random(0, ${CUSTOMERS - 1})`,
    ...statements.map(oneLine),
    '',
  ].join('\n');
  return { script, defines };
}

/** pgbench running `script` over the same connections and seconds as the API runs. */
function pgbench(
  databaseUrl: string,
  { script, defines }: { script: string; defines: string[] },
  seconds: number,
): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-redeem-'));
  const file = join(dir, 'redeem.sql');
  writeFileSync(file, script);
  // Extended protocol, a Parse per statement: what node-pg sends for every API statement.
  const out = spawnSync(
    pgbenchBinary(),
    [
      '-n',
      '-M',
      'extended',
      '-c',
      String(CONNECTIONS),
      '-j',
      '2',
      '-T',
      String(seconds),
      ...defines.flatMap((d) => ['-D', d]),
      '-f',
      file,
      databaseUrl,
    ],
    { encoding: 'utf8' },
  );
  const match = /tps = ([\d.]+)/.exec(out.stdout);
  if (out.status !== 0 || !match) throw new Error(`pgbench failed: ${out.stderr || out.stdout}`);
  if (process.env.BENCH_KEEP_SCRIPT) process.stderr.write(`pgbench script: ${file}\n`);
  return Number(match[1]);
}

/** Starts the API as a separate process and waits until it is ready. */
async function startApi(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  // BENCH_API_NODE_ARGS passes flags to the API process only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(__dirname, '../apps/api/src/main.js')], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', ROLE: 'api' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { url, child };
    if (Date.now() > deadline) throw new Error('API did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  const config = new AppConfig().with({ DB_POOL_MAX: String(CONNECTIONS) });
  configureLogger(config.env.LOG_LEVEL);
  const databaseUrl = config.env.DATABASE_URL;
  if (!databaseUrl || !/test/.test(databaseUrl))
    throw new Error('run through npm run bench:redeem (a fresh *test* database)');
  // The project is created through the service (no HTTP route creates projects).
  const setup = await NestFactory.createApplicationContext(CliModule.register(config), {
    logger: false,
  });
  const project = await setup.get(TenancyService).createProject('bench-redeem', []);
  // The limiter stays in the path (one Redis decision per request) with a budget this run
  // cannot exhaust: the benchmark measures redemption cost, not the default plan.
  await setup
    .get(RateLimitPolicyService)
    .set(project.project_id, { perMinute: 100_000_000, burst: 10_000_000, inflightMax: 100_000 });
  await setup.close();
  const { url, child } = await startApi({
    DB_POOL_MAX: String(CONNECTIONS),
    DEMO_PROJECT: 'false',
    LOG_LEVEL: 'warn',
  });
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    const headers = { 'x-app-id': project.app_id, 'x-app-token': project.app_token };
    const pgbProject = 'proj_pgbench';
    for (const p of [project.project_id, pgbProject]) {
      await pg.query(
        `INSERT INTO vouchers (id, project_id, code, type, discount, redemption_quantity)
         SELECT 'v_' || md5($1 || g::text), $1, 'BENCH-' || g, 'DISCOUNT_VOUCHER',
                '{"type":"AMOUNT","amount_off":500,"effect":"APPLY_TO_ORDER"}'::jsonb, NULL
         FROM generate_series(0, $2 - 1) g`,
        [p, VOUCHERS],
      );
    }
    const spread = (i: number) => `/v1/vouchers/BENCH-${i}/redemption`;
    const hot = () => '/v1/vouchers/BENCH-0/redemption';

    await load(url, headers, spread, Math.min(3, SECONDS)); // warm-up (JIT, caches, pool)
    const postgresCpu = () => cpuSeconds((_, comm) => comm.startsWith('postgres'));
    const apiCpu = () => cpuSeconds((pid) => pid === child.pid);
    // This process's own CPU is the load generator's (autocannon); pgbench's ends up in cutime.
    const benchCpu = () => cpuSeconds((pid) => pid === process.pid);
    const script = pgbenchScript(pgbProject, await samplesOf(pg, project.project_id));
    // The API and pgbench alternate in ROUNDS slices of the run, so a slower or faster stretch
    // of this shared machine falls on both sides instead of deciding the ratio.
    const apiRuns: Run[] = [];
    const tpsRuns: number[] = [];
    const cpu = { api: 0, apiPostgres: 0, generator: 0, pgbenchPostgres: 0, pgbench: 0 };
    const box = { api: { busy: 0, total: 0 }, pgbench: { busy: 0, total: 0 } };
    for (let round = 0; round < ROUNDS; round++) {
      const [pg0, api0, gen0, box0] = [postgresCpu(), apiCpu(), benchCpu(), boxCpu()];
      apiRuns.push(await load(url, headers, spread, SLICE));
      const [pg1, api1, gen1, box1] = [postgresCpu(), apiCpu(), benchCpu(), boxCpu()];
      tpsRuns.push(pgbench(databaseUrl, script, SLICE));
      const [pg2, gen2, box2] = [postgresCpu(), benchCpu(), boxCpu()];
      cpu.api += api1 - api0;
      cpu.apiPostgres += pg1 - pg0;
      cpu.generator += gen1 - gen0;
      cpu.pgbenchPostgres += pg2 - pg1;
      cpu.pgbench += gen2 - gen1;
      box.api.busy += box1.busy - box0.busy;
      box.api.total += box1.total - box0.total;
      box.pgbench.busy += box2.busy - box1.busy;
      box.pgbench.total += box2.total - box1.total;
    }
    const peak = {
      rps: apiRuns.reduce((t, r) => t + r.rps, 0) / ROUNDS,
      non2xx: apiRuns.reduce((t, r) => t + r.non2xx, 0),
      errors: apiRuns.reduce((t, r) => t + r.errors, 0),
    };
    const tps = tpsRuns.reduce((t, x) => t + x, 0) / ROUNDS;
    // CPU milliseconds per redemption / transaction: where each side's time goes.
    const perApi = (seconds: number) => ((1000 * seconds) / (peak.rps * SECONDS)).toFixed(2);
    const perPgbench = (seconds: number) => ((1000 * seconds) / (tps * SECONDS)).toFixed(2);
    const busy = (b: { busy: number; total: number }) =>
      `${((100 * b.busy) / b.total).toFixed(0)} %`;
    const half = await load(url, headers, spread, SECONDS, Math.max(1, Math.floor(peak.rps / 2)));
    const hotRun = await load(url, headers, hot, SECONDS);

    const [check] = (
      await pg.query(
        `SELECT (SELECT sum(redeemed_quantity)::int FROM vouchers WHERE project_id = $1) AS redeemed,
                (SELECT count(*)::int FROM redemptions WHERE project_id = $1 AND result = 'SUCCESS') AS rows`,
        [project.project_id],
      )
    ).rows as { redeemed: number; rows: number }[];

    const ratio = peak.rps / tps;
    const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(40)} ${v}\n`);
    line(
      'connections / seconds per side',
      `${CONNECTIONS} / ${SECONDS} (API and pgbench alternating in ${ROUNDS} rounds)`,
    );
    line(
      'API redemptions/s (1000 codes)',
      `${peak.rps.toFixed(0)} (non-2xx ${peak.non2xx}, errors ${peak.errors})`,
    );
    line(
      'pgbench same transaction, tps',
      `${tps.toFixed(0)} (rounds: ${tpsRuns.map((x) => x.toFixed(0)).join(', ')}; API ${apiRuns.map((r) => r.rps.toFixed(0)).join(', ')})`,
    );
    line(
      'CPU ms per redemption: API / Postgres',
      `${perApi(cpu.api)} / ${perApi(cpu.apiPostgres)}, load generator ${perApi(cpu.generator)} (pgbench run: Postgres ${perPgbench(cpu.pgbenchPostgres)}, pgbench ${perPgbench(cpu.pgbench)})`,
    );
    line('machine CPU busy: API run / pgbench run', `${busy(box.api)} / ${busy(box.pgbench)}`);
    line(
      'ratio API / pgbench',
      `${ratio.toFixed(2)} (target >= ${TARGET_RATIO}) ${ratio >= TARGET_RATIO ? 'OK' : 'MISSED'}`,
    );
    line(
      'latency at half peak rate p50 / p99',
      `${half.p50} ms / ${half.p99} ms (${half.rps.toFixed(0)} req/s)`,
    );
    line(
      'hot voucher (one code) redemptions/s',
      `${hotRun.rps.toFixed(0)} (p50 ${hotRun.p50} ms, p99 ${hotRun.p99} ms, non-2xx ${hotRun.non2xx})`,
    );
    line(
      'consistency: redeemed_quantity = rows',
      `${check.redeemed} = ${check.rows} ${check.redeemed === check.rows ? 'OK' : 'MISMATCH'}`,
    );
    process.stdout.write('Numbers are noisy on a machine shared with other test runs.\n');
  } finally {
    await pg.end();
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
