/**
 * Soak (overload-protection.md, P8): the API process (ROLE=all: HTTP, relay, event processors,
 * ledger sealer) under redemptions at 70 % of its measured capacity for BENCH_SOAK_MINUTES (30),
 * with a periodic flood from another project (64 connections for 20 s every 2 minutes, from a
 * separate niced process). Every 10 s: the process's RSS and the event loop's p99 delay (from
 * /metrics). Targets: RSS slope < 1 MB/min after the warm-up (the first 5 minutes), event-loop
 * p99 < 50 ms, no restart. `npm run bench:soak` (fresh test database, see scripts/with-services.js).
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { Agent } from 'node:http';
import { Client } from 'pg';
import { AppConfig } from '@app/core';
import {
  createProjects,
  headersOf,
  insertVouchers,
  markdownTable,
  nicedFlood,
  OpenLoop,
  post,
  reason,
  rssBytes,
  scrapeMetrics,
  sleep,
  startLiveApi,
  sumOf,
  MB,
} from './live-api';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 30);
const WARM_UP_MINUTES = Math.min(5, MINUTES / 3);
const SAMPLE_S = 10;
const FLOOD_EVERY_S = 120;
const FLOOD_S = 20;
const FLOOD_CONNECTIONS = 64;
const LOAD_SHARE = 0.7;
const VOUCHERS = 1000;
const CUSTOMERS = 500;

interface Sample {
  atMin: number;
  rssMb: number;
  loopP99Ms: number;
  flooding: boolean;
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((t, p) => t + p.x, 0) / n;
  const my = points.reduce((t, p) => t + p.y, 0) / n;
  const num = points.reduce((t, p) => t + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((t, p) => t + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const config = new AppConfig();
  const databaseUrl = config.env.DATABASE_URL;
  if (!databaseUrl || !/test/.test(databaseUrl))
    throw new Error('run through npm run bench:soak (a fresh *test* database)');
  const log = (s: string) => process.stderr.write(`[soak] ${s}\n`);
  const [steady, flooder] = await createProjects(config, [
    { name: 'soak-steady', perMinute: 100_000_000, burst: 10_000_000 },
    { name: 'soak-flood', perMinute: 600, burst: 100 },
  ]);
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  await insertVouchers(pg, steady.project_id, 'SOAK-', VOUCHERS);
  await insertVouchers(pg, flooder.project_id, 'SOAK-', 1);
  const api = await startLiveApi({ DEMO_PROJECT: 'false', LOG_LEVEL: 'warn', ROLE: 'all' });
  const headers = { ...headersOf(steady), 'content-type': 'application/json' };
  let n = 0;
  const body = () => ({
    customer: { source_id: `soak-c-${n % CUSTOMERS}` },
    order: { amount: 10_000 },
  });

  log('capacity: 10 s closed loop, 16 connections');
  const capacity = await autocannon({
    url: api.url,
    connections: 16,
    duration: 10,
    headers,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({
          ...req,
          path: `/v1/vouchers/SOAK-${n++ % VOUCHERS}/redemption`,
          body: JSON.stringify(body()),
        }),
      },
    ],
  });
  const capacityRps = capacity['2xx'] / 10;
  const rate = Math.max(1, Math.round(capacityRps * LOAD_SHARE));
  log(`capacity ${capacityRps.toFixed(0)} redemptions/s; soaking at ${rate}/s for ${MINUTES} min`);

  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const statuses = new Map<string, number>();
  let ok = 0;
  let sent = 0;
  const loop = new OpenLoop(rate, async () => {
    const i = n++;
    sent++;
    const o = await post(
      agent,
      api.url,
      `/v1/vouchers/SOAK-${i % VOUCHERS}/redemption`,
      headersOf(steady),
      body(),
    );
    if (o.status !== undefined && o.status < 300) ok++;
    else statuses.set(reason(o), (statuses.get(reason(o)) ?? 0) + 1);
  });

  const samples: Sample[] = [];
  const floods: autocannon.Result[] = [];
  let flooding = false;
  const started = Date.now();
  const end = started + MINUTES * 60_000;
  let nextFlood = started + FLOOD_EVERY_S * 1000;
  const floodRuns: Promise<void>[] = [];
  await scrapeMetrics(api.url).catch(() => undefined); // start the first interval now
  while (Date.now() < end) {
    await sleep(SAMPLE_S * 1000);
    if (Date.now() >= nextFlood && Date.now() + FLOOD_S * 1000 < end) {
      nextFlood += FLOOD_EVERY_S * 1000;
      flooding = true;
      floodRuns.push(
        nicedFlood(
          `${api.url}/v1/vouchers/SOAK-0/redemption`,
          headersOf(flooder),
          FLOOD_CONNECTIONS,
          FLOOD_S,
        ).then((r) => {
          floods.push(r);
          flooding = false;
        }),
      );
    }
    const metrics = await scrapeMetrics(api.url).catch(() => null);
    const sample: Sample = {
      atMin: (Date.now() - started) / 60_000,
      rssMb: rssBytes(api.pid) / MB,
      loopP99Ms: metrics ? 1000 * sumOf(metrics, 'nodejs_eventloop_lag_p99_seconds') : NaN,
      flooding,
    };
    samples.push(sample);
    log(
      `${sample.atMin.toFixed(1)} min: RSS ${sample.rssMb.toFixed(1)} MB, loop p99 ${sample.loopP99Ms.toFixed(1)} ms${flooding ? ' (flood)' : ''}, ${ok}/${sent} ok, in flight ${loop.inFlight}`,
    );
    if (api.child.exitCode !== null) throw new Error(`the API exited:\n${api.tail()}`);
  }
  await loop.stop();
  await Promise.all(floodRuns);
  const alive = api.child.exitCode === null;
  api.child.kill('SIGTERM');
  const exitCode = await api.exited;
  const [check] = (
    await pg.query<{ redeemed: number; rows: number }>(
      `SELECT (SELECT coalesce(sum(redeemed_quantity), 0)::int FROM vouchers WHERE project_id = $1) AS redeemed,
              (SELECT count(*)::int FROM redemptions WHERE project_id = $1 AND result = 'SUCCESS') AS rows`,
      [steady.project_id],
    )
  ).rows;
  await pg.end();

  const after = samples.filter((s) => s.atMin >= WARM_UP_MINUTES);
  const rssSlope = slope(after.map((s) => ({ x: s.atMin, y: s.rssMb })));
  const loopP99s = samples.map((s) => s.loopP99Ms).filter((v) => Number.isFinite(v));
  const floodLoop = samples.filter((s) => s.flooding).map((s) => s.loopP99Ms);
  const floodSent = floods.reduce((t, r) => t + r.requests.total, 0);
  const floodAdmitted = floods.reduce((t, r) => t + r['2xx'], 0);
  const floodBudget = 100 + (600 / 60) * floods.length * FLOOD_S;
  const first = after[0];
  const last = after[after.length - 1];
  const mark = (pass: boolean) => (pass ? 'OK' : 'MISSED');
  const rows = [
    ['capacity (closed loop, 16 connections)', `${capacityRps.toFixed(0)} redemptions/s`, '', ''],
    [
      `redemptions at ${rate}/s (70 %) for ${MINUTES} min`,
      `${ok} of ${sent} succeeded${statuses.size ? `; ${[...statuses].map(([k, v]) => `${v} × ${k}`).join(', ')}` : ''}`,
      '',
      '',
    ],
    [
      `RSS after the ${+WARM_UP_MINUTES.toFixed(1)}-min warm-up → end`,
      `${first?.rssMb.toFixed(1)} → ${last?.rssMb.toFixed(1)} MB`,
      '',
      '',
    ],
    [
      'RSS slope after the warm-up',
      `${rssSlope.toFixed(2)} MB/min`,
      '< 1 MB/min',
      mark(rssSlope < 1),
    ],
    [
      'event-loop p99 per 10 s sample (incl. the 20 ms sampling interval): median / worst',
      `${[...loopP99s].sort((a, b) => a - b)[Math.floor(loopP99s.length / 2)]?.toFixed(1)} / ${Math.max(...loopP99s).toFixed(1)} ms`,
      '< 50 ms',
      mark(Math.max(...loopP99s) < 50),
    ],
    [
      'event-loop p99 during the floods, worst',
      `${floodLoop.length ? Math.max(...floodLoop).toFixed(1) : 'n/a'} ms`,
      '< 50 ms',
      '',
    ],
    [
      `floods: ${floods.length} × ${FLOOD_S} s, ${FLOOD_CONNECTIONS} connections`,
      `${floodAdmitted} admitted of ${floodSent} (budget ${floodBudget})`,
      '<= budget',
      mark(floodAdmitted <= floodBudget),
    ],
    ['restarts (API alive at the end)', alive ? '0' : 'the API died', '0', mark(alive)],
    ['API exit code after SIGTERM', String(exitCode), '0', mark(exitCode === 0)],
    [
      'redeemed_quantity = SUCCESS rows',
      `${check.redeemed} = ${check.rows}`,
      'equal',
      mark(check.redeemed === check.rows),
    ],
  ];
  process.stdout.write(
    `soak: ${MINUTES} min, node ${process.version}, 2xx counted per request (open loop)\n` +
      markdownTable(['criterion', 'measured', 'target', ''], rows) +
      '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
