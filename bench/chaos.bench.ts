/**
 * Chaos benchmark (issue 6): Redis refused (SIGKILL) and hung (SIGSTOP) for 30 s each while the
 * built API (a separate process, `node dist/apps/api/src/main.js`) takes redemptions at a steady
 * open-loop rate. Per phase it prints the share of redemptions that succeed, their latency, what
 * a small-limit project that sends over its limit got admitted against the per-process budget,
 * the API's RSS, and how long the limiter took to be back on Redis after each recovery. Then it
 * checks that Postgres holds exactly the redemptions that were answered 2xx.
 *
 * `npm run bench:chaos` (a fresh *test* database; the bench starts a redis-server of its own on
 * a random port, never the shared one). Env: BENCH_RATE (50 redemptions/s), BENCH_OUTAGE_S (30),
 * BENCH_CALM_S (10), BENCH_ROLE (api, as in production; `all` adds the job worker to the process,
 * so its Redis clients are under the same outage), BENCH_REPLICAS (2: the fallback admits limit / 2).
 */
import { Agent } from 'node:http';
import { Client } from 'pg';
import { AppConfig, configureLogger } from '@app/core';
import { TestRedisServer } from '../test/utils/redis-server';
import {
  createProjects,
  headersOf,
  insertVouchers,
  markdownTable,
  MB,
  OpenLoop,
  Outcome,
  percentile,
  post,
  reason,
  rssBytes,
  scrapeMetrics,
  sleep,
  startLiveApi,
  sumOf,
} from './live-api';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const OUTAGE_S = Number(process.env.BENCH_OUTAGE_S ?? 30);
const CALM_S = Number(process.env.BENCH_CALM_S ?? 10);
const ROLE = process.env.BENCH_ROLE ?? 'api';
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 2);
/** The limited project: 5 requests/s with a burst of 10, sent 20/s (4× its limit). */
const LIMITED_PER_MINUTE = 300;
const LIMITED_BURST = 10;
const LIMITED_RATE = 20;
const VOUCHERS = 500;
const CUSTOMERS = 100;
const METRICS_POLL_MS = 200;

const TARGET_SUCCESS_PCT = 99;
const TARGET_RSS_GROWTH_MB = 20;
const TARGET_BACK_ON_REDIS_S = 5;

type Outage = 'none' | 'refused' | 'hung';

interface Phase {
  name: string;
  seconds: number;
  outage: Outage;
  /** Runs at the phase's start (break or restore Redis). */
  enter: () => Promise<void> | void;
  startedAt: number;
  endedAt: number;
  steady: Outcome[];
  limited: Outcome[];
  rssStart: number;
  rssEnd: number;
  rssMax: number;
  heapStart: number;
  heapEnd: number;
  /** After a recovery: ms from restoring Redis to the first metrics sample showing Redis decisions only. */
  backOnRedisMs?: number;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !/test/.test(databaseUrl))
    throw new Error('run through npm run bench:chaos (a fresh *test* database)');
  const log = (s: string) => process.stderr.write(`[chaos] ${s}\n`);
  const redis = await new TestRedisServer().start();
  const config = new AppConfig().with({ REDIS_URL: redis.url });
  configureLogger(config.env.LOG_LEVEL);
  const [steady, limited] = await createProjects(config, [
    { name: 'chaos-steady', perMinute: 100_000_000, burst: 10_000_000 },
    { name: 'chaos-limited', perMinute: LIMITED_PER_MINUTE, burst: LIMITED_BURST },
  ]);
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  await insertVouchers(pg, steady.project_id, 'CHS-', VOUCHERS);
  await insertVouchers(pg, limited.project_id, 'CHL-', 10);

  log(`starting the API (ROLE=${ROLE}, RATE_LIMIT_REPLICAS=${REPLICAS}) on redis ${redis.url}`);
  const api = await startLiveApi({
    ROLE,
    REDIS_URL: redis.url,
    RATE_LIMIT_REPLICAS: String(REPLICAS),
    // The bench polls /metrics 5 times a second from one IP (anonymous, per-IP budget).
    RATE_LIMIT_IP_PER_MINUTE: '100000',
    DEMO_PROJECT: 'false',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const steadyHeaders = headersOf(steady);
  const limitedHeaders = headersOf(limited);
  let current: Phase | null = null;
  let seq = 0;
  const redeem = async (
    headers: Record<string, string>,
    code: string,
    into: 'steady' | 'limited',
  ) => {
    const phase = current;
    const n = seq++;
    const outcome = await post(agent, api.url, `/v1/vouchers/${code}/redemption`, headers, {
      customer: { source_id: `chaos-c-${n % CUSTOMERS}` },
      order: { source_id: `chaos-o-${n}`, amount: 10_000 },
    });
    // Only status, timing and, for failures, why are kept.
    outcome.body = outcome.status === 200 ? undefined : reason(outcome);
    phase?.[into].push(outcome);
  };

  const phase = (
    name: string,
    seconds: number,
    outage: Outage,
    enter: () => Promise<void> | void,
  ): Phase => ({
    name,
    seconds,
    outage,
    enter,
    startedAt: 0,
    endedAt: 0,
    steady: [],
    limited: [],
    rssStart: 0,
    rssEnd: 0,
    rssMax: 0,
    heapStart: 0,
    heapEnd: 0,
  });
  const phases: Phase[] = [
    phase('normal', CALM_S, 'none', () => undefined),
    phase('Redis refused (SIGKILL)', OUTAGE_S, 'refused', () => redis.kill()),
    phase('recovered (restarted, empty)', CALM_S, 'none', () =>
      redis.start().then(() => undefined),
    ),
    phase('Redis hung (SIGSTOP)', OUTAGE_S, 'hung', () => redis.pause()),
    phase('recovered (SIGCONT)', CALM_S, 'none', () => redis.resume()),
  ];

  // Metrics poller: the limiter is "back on Redis" at the first sample after a restore in which
  // decisions were made and none of them by the fallback.
  let polling = true;
  let lastFallback = 0;
  let lastAllowed = 0;
  let heapUsed = 0;
  const recovery: { phase: Phase | null; restoredAt: number } = { phase: null, restoredAt: 0 };
  const poller = (async () => {
    while (polling) {
      const started = Date.now();
      try {
        const m = await scrapeMetrics(api.url);
        const fallback =
          sumOf(m, 'rate_limit_decisions_total', 'outcome="fallback_allowed"') +
          sumOf(m, 'rate_limit_decisions_total', 'outcome="fallback_limited"');
        const allowed =
          sumOf(m, 'rate_limit_decisions_total', 'outcome="allowed"') +
          sumOf(m, 'rate_limit_decisions_total', 'outcome="limited"');
        heapUsed = sumOf(m, 'nodejs_heap_size_used_bytes');
        const breakerOpen = sumOf(m, 'rate_limit_breaker_open');
        const waiting = recovery.phase;
        if (waiting && fallback === lastFallback && allowed > lastAllowed && breakerOpen === 0) {
          waiting.backOnRedisMs = started - recovery.restoredAt;
          recovery.phase = null;
        }
        lastFallback = fallback;
        lastAllowed = allowed;
      } catch {
        // A scrape that fails or times out is simply not a sample.
      }
      await sleep(Math.max(0, METRICS_POLL_MS - (Date.now() - started)));
    }
  })();

  const steadyLoop = () =>
    new OpenLoop(RATE, (i) => redeem(steadyHeaders, `CHS-${i % VOUCHERS}`, 'steady'));
  log('warm-up: 3 s');
  const warm = steadyLoop();
  await sleep(3_000);
  await warm.stop();

  const countSuccess = async () =>
    (
      await pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM redemptions WHERE project_id = ANY($1) AND result = 'SUCCESS'`,
        [[steady.project_id, limited.project_id]],
      )
    ).rows[0].n;
  // The warm-up's redemptions (all answered by now) are not part of the phases' count.
  const warmRows = await countSuccess();
  current = phases[0];
  const steadyRun = steadyLoop();
  const limitedRun = new OpenLoop(LIMITED_RATE, (i) =>
    redeem(limitedHeaders, `CHL-${i % 10}`, 'limited'),
  );
  let rssTimer: NodeJS.Timeout | undefined;
  try {
    for (const p of phases) {
      log(`${p.name}: ${p.seconds} s`);
      p.rssStart = rssBytes(api.pid);
      p.heapStart = heapUsed;
      p.rssMax = p.rssStart;
      p.startedAt = Date.now();
      current = p;
      await p.enter();
      if (p.outage === 'none' && p !== phases[0]) {
        recovery.restoredAt = Date.now();
        recovery.phase = p;
      }
      clearInterval(rssTimer);
      rssTimer = setInterval(() => {
        p.rssMax = Math.max(p.rssMax, rssBytes(api.pid));
      }, 1_000);
      await sleep(p.seconds * 1_000);
      p.endedAt = Date.now();
      p.rssEnd = rssBytes(api.pid);
      p.heapEnd = heapUsed;
      p.rssMax = Math.max(p.rssMax, p.rssEnd);
    }
  } finally {
    clearInterval(rssTimer);
    redis.resume();
    await Promise.all([steadyRun.stop(), limitedRun.stop()]);
    polling = false;
    await poller;
  }

  // Consistency: every 2xx is one SUCCESS row, and each voucher's counter matches its rows.
  const projects = [steady.project_id, limited.project_id];
  const ok2xx = phases.reduce(
    (n, p) => n + [...p.steady, ...p.limited].filter((o) => o.status === 200).length,
    0,
  );
  const stray = phases.reduce(
    (n, p) => n + [...p.steady, ...p.limited].filter((o) => o.status === undefined).length,
    0,
  );
  const {
    rows: [check],
  } = await pg.query<{ rows: number; mismatched: number; doubled: number }>(
    `SELECT
       (SELECT count(*)::int FROM redemptions WHERE project_id = ANY($1) AND result = 'SUCCESS') AS rows,
       (SELECT count(*)::int FROM vouchers v WHERE v.project_id = ANY($1) AND v.redeemed_quantity <>
          (SELECT count(*) FROM redemptions r WHERE r.project_id = v.project_id
             AND r.voucher_id = v.id AND r.result = 'SUCCESS')) AS mismatched,
       (SELECT count(*)::int FROM (SELECT o.source_id FROM redemptions r JOIN orders o
          ON o.project_id = r.project_id AND o.id = r.order_id
          WHERE r.project_id = ANY($1) AND r.result = 'SUCCESS'
          GROUP BY o.source_id HAVING count(*) > 1) d) AS doubled`,
    [projects],
  );
  await pg.end();
  const exitedOk = await (async () => {
    api.child.kill('SIGTERM');
    return api.exited;
  })();
  agent.destroy();
  await redis.kill();

  // ---- report -----------------------------------------------------------------------------
  const rows = phases.map((p) => {
    const ok = p.steady.filter((o) => o.status === 200);
    const latencies = p.steady.filter((o) => o.status !== undefined).map((o) => o.ms);
    // Past the limiter: anything but a 429, a shed 503 or no answer.
    const admitted = p.limited.filter(
      (o) => o.status !== undefined && o.status !== 429 && o.body !== '503 overload',
    ).length;
    const budget = limitedBudget(p);
    const pct = (100 * ok.length) / Math.max(1, p.steady.length);
    const why = new Map<string, number>();
    for (const o of p.steady) if (o.status !== 200) why.set(o.body!, (why.get(o.body!) ?? 0) + 1);
    return [
      p.name,
      String(p.seconds),
      String(p.steady.length),
      String(ok.length),
      `${pct.toFixed(2)} %${pct >= TARGET_SUCCESS_PCT ? '' : ' MISSED'}`,
      [...why].map(([k, v]) => `${k} × ${v}`).join(', ') || '-',
      `${percentile(latencies, 50)} / ${percentile(latencies, 99)} ms`,
      `${admitted} of ${p.limited.length} / ${budget.toFixed(0)}${admitted <= budget ? '' : ' OVER'}`,
      `${(p.rssStart / MB).toFixed(1)} → ${(p.rssEnd / MB).toFixed(1)} (max ${(p.rssMax / MB).toFixed(1)})`,
      `${(p.heapStart / MB).toFixed(1)} → ${(p.heapEnd / MB).toFixed(1)}`,
      p.backOnRedisMs === undefined
        ? p.outage === 'none' && p !== phases[0]
          ? 'never'
          : ''
        : `${(p.backOnRedisMs / 1000).toFixed(1)} s`,
    ];
  });
  const allSteady = phases.flatMap((p) => p.steady);
  const totalPct =
    (100 * allSteady.filter((o) => o.status === 200).length) / Math.max(1, allSteady.length);
  const worstPct = Math.min(
    ...phases.map(
      (p) => (100 * p.steady.filter((o) => o.status === 200).length) / Math.max(1, p.steady.length),
    ),
  );
  const rssGrowth = (phases[phases.length - 1].rssEnd - phases[0].rssStart) / MB;
  const outageGrowth = Math.max(
    ...phases.filter((p) => p.outage !== 'none').map((p) => (p.rssEnd - p.rssStart) / MB),
  );
  const recoveries = phases.filter((p) => p.outage === 'none' && p !== phases[0]);
  const worstBack = Math.max(...recoveries.map((p) => p.backOnRedisMs ?? Infinity)) / 1000;
  const statuses = new Map<string, number>();
  for (const o of phases.flatMap((p) => p.steady))
    if (o.status !== 200) {
      const key = o.body!;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
  const verdict = (ok: boolean) => (ok ? 'OK' : 'MISSED');

  process.stdout.write(
    [
      `chaos benchmark: ${RATE} redemptions/s open loop (steady project, ${VOUCHERS} codes) + limited project ${LIMITED_RATE}/s against ${LIMITED_PER_MINUTE}/min burst ${LIMITED_BURST}; ROLE=${ROLE}, RATE_LIMIT_REPLICAS=${REPLICAS}; node ${process.version}; load generator, Postgres and Redis on the same host`,
      '',
      markdownTable(
        [
          'phase',
          's',
          'sent',
          '2xx',
          'success',
          'non-2xx (why)',
          'p50 / p99',
          'limited: admitted of sent / budget',
          'RSS MB start → end',
          'heap MB',
          'back on Redis',
        ],
        rows,
      ),
      '',
      `budget of the limited project per phase: with Redis burst + rate × s (${LIMITED_BURST} + ${LIMITED_PER_MINUTE / 60}/s × s); fallback (Redis away) floor(burst / ${REPLICAS}) + rate / ${REPLICAS} × s; a recovery phase adds the fallback's share for the time until back on Redis`,
      `steady non-2xx: ${statuses.size ? [...statuses].map(([k, v]) => `${k} × ${v}`).join(', ') : 'none'}`,
      '',
      markdownTable(
        ['criterion', 'measured', 'target', ''],
        [
          [
            'redemptions succeeded, worst phase (all phases)',
            `${worstPct.toFixed(2)} % (${totalPct.toFixed(2)} %)`,
            `>= ${TARGET_SUCCESS_PCT} %`,
            verdict(worstPct >= TARGET_SUCCESS_PCT),
          ],
          [
            'limited project admitted within its per-process budget',
            rows.every((r) => !r[7].endsWith('OVER')) ? 'every phase' : 'exceeded',
            '<= budget',
            verdict(rows.every((r) => !r[7].endsWith('OVER'))),
          ],
          [
            'RSS growth, start of normal → end (worst outage phase)',
            `${rssGrowth.toFixed(1)} MB (${outageGrowth.toFixed(1)} MB)`,
            `<= ${TARGET_RSS_GROWTH_MB} MB`,
            verdict(rssGrowth <= TARGET_RSS_GROWTH_MB && outageGrowth <= TARGET_RSS_GROWTH_MB),
          ],
          [
            'back on Redis after recovery, worst',
            `${worstBack.toFixed(1)} s`,
            `<= ${TARGET_BACK_ON_REDIS_S} s`,
            verdict(worstBack <= TARGET_BACK_ON_REDIS_S),
          ],
          [
            '2xx answers = SUCCESS rows (after the warm-up)',
            `${ok2xx} = ${check.rows - warmRows}`,
            'equal',
            verdict(ok2xx === check.rows - warmRows),
          ],
          [
            'vouchers whose redeemed_quantity <> SUCCESS rows',
            String(check.mismatched),
            '0',
            verdict(check.mismatched === 0),
          ],
          ['orders redeemed twice', String(check.doubled), '0', verdict(check.doubled === 0)],
          ['requests without a complete response', String(stray), '0', verdict(stray === 0)],
          ['API exit code after SIGTERM', String(exitedOk), '0', verdict(exitedOk === 0)],
        ],
      ),
      'Numbers from a 2-core machine shared with other test runs.',
      '',
    ].join('\n'),
  );
}

/** What the limited project may get admitted in a phase on one process (see the legend). */
function limitedBudget(p: Phase): number {
  const rateS = LIMITED_PER_MINUTE / 60;
  const seconds = (p.endedAt - p.startedAt) / 1000;
  const fallbackBurst = Math.max(1, Math.floor(LIMITED_BURST / REPLICAS));
  if (p.outage !== 'none') return fallbackBurst + (rateS / REPLICAS) * seconds;
  const lagS = (p.backOnRedisMs ?? 0) / 1000;
  const lag = lagS > 0 ? fallbackBurst + (rateS / REPLICAS) * lagS : 0;
  return LIMITED_BURST + rateS * seconds + lag;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
