/**
 * SIGTERM under load (issue 6): the built API (`node dist/apps/api/src/main.js`, ROLE=api, a
 * separate process) takes a 128-connection flood of redemptions from one project (mostly 429s,
 * up to its limit admitted) and steady open-loop redemptions from another; then it gets SIGTERM.
 * Every request sent before the signal must end in a complete HTTP response (2xx, 429 or 503),
 * and Postgres must hold exactly one redemption per 2xx: none lost, none doubled, none committed
 * behind an error answer. Requests on new connections after the server stopped accepting are
 * refused; that is expected and reported on its own line.
 *
 * `npm run bench:shutdown` (a fresh *test* database; its own redis-server on a random port).
 * Env: BENCH_RATE (50 steady redemptions/s), BENCH_LOAD_S (5 s of load before the signal),
 * BENCH_DRAIN_MS (SHUTDOWN_DRAIN_DELAY_MS, 2000). The flood runs in a child process (this file
 * with `--flood`), so its CPU is not the measuring process's.
 */
import { ChildProcess, fork } from 'node:child_process';
import { Agent } from 'node:http';
import { Client } from 'pg';
import { AppConfig, configureLogger } from '@app/core';
import { TestRedisServer } from '../test/utils/redis-server';
import {
  createProjects,
  headersOf,
  insertVouchers,
  markdownTable,
  OpenLoop,
  Outcome,
  post,
  sleep,
  startLiveApi,
} from './live-api';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const LOAD_S = Number(process.env.BENCH_LOAD_S ?? 5);
const DRAIN_MS = Number(process.env.BENCH_DRAIN_MS ?? 2_000);
const FLOOD_CONNECTIONS = 128;
const VOUCHERS = 200;

/** How the requests of one side ended, relative to the signal (T) and the end of the drain delay. */
interface Summary {
  sent: number;
  twoxx: number;
  /** Requests whose [sent, ended] interval contains the signal. */
  inFlightAtSignal: number;
  /** `${window} ${status or error}` → count; window: before | drain | closed. */
  outcomes: Record<string, number>;
  /** Earliest and latest send time, ms after the signal, of requests that got no complete answer. */
  droppedSentMs: [number, number] | null;
}

function summarize(outcomes: Outcome[], signalAt: number, closedAt: number): Summary {
  const summary: Summary = {
    sent: outcomes.length,
    twoxx: 0,
    inFlightAtSignal: 0,
    outcomes: {},
    droppedSentMs: null,
  };
  for (const o of outcomes) {
    if (o.error && o.error !== 'ECONNREFUSED') {
      const at = o.sentAt - signalAt;
      const [min, max] = summary.droppedSentMs ?? [at, at];
      summary.droppedSentMs = [Math.min(min, at), Math.max(max, at)];
    }
    if (o.status !== undefined && o.status >= 200 && o.status < 300) summary.twoxx++;
    if (o.sentAt < signalAt && o.sentAt + o.ms >= signalAt) summary.inFlightAtSignal++;
    const window = o.sentAt < signalAt ? 'before' : o.sentAt < closedAt ? 'drain' : 'closed';
    const key = `${window} ${o.status ?? o.error}`;
    summary.outcomes[key] = (summary.outcomes[key] ?? 0) + 1;
  }
  return summary;
}

// ---- the flood (child process) ------------------------------------------------------------

interface FloodStart {
  url: string;
  headers: Record<string, string>;
}

/**
 * 128 closed-loop connections. A connection that meets a socket error gives up (as a client
 * whose server went away would), so a refused port does not turn into a connect storm.
 */
async function floodChild(): Promise<void> {
  const start = await new Promise<FloodStart>((resolve) =>
    process.once('message', (m: FloodStart) => resolve(m)),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: FLOOD_CONNECTIONS });
  const outcomes: Outcome[] = [];
  let stopped = false;
  let n = 0;
  const loop = async () => {
    while (!stopped) {
      const i = n++;
      const o = await post(
        agent,
        start.url,
        `/v1/vouchers/SDF-${i % VOUCHERS}/redemption`,
        start.headers,
        {
          customer: { source_id: `flood-c-${i % 100}` },
          order: { source_id: `flood-o-${i}`, amount: 10_000 },
        },
      );
      o.body = undefined;
      outcomes.push(o);
      if (o.error) return;
    }
  };
  const loops = Array.from({ length: FLOOD_CONNECTIONS }, loop);
  process.send!({ type: 'started' });
  const { signalAt, closedAt } = await new Promise<{ signalAt: number; closedAt: number }>(
    (resolve) => process.once('message', resolve),
  );
  stopped = true;
  await Promise.all(loops);
  agent.destroy();
  process.send!({ type: 'summary', summary: summarize(outcomes, signalAt, closedAt) }, () =>
    process.exit(0),
  );
}

// ---- the bench ----------------------------------------------------------------------------

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !/test/.test(databaseUrl))
    throw new Error('run through npm run bench:shutdown (a fresh *test* database)');
  const log = (s: string) => process.stderr.write(`[shutdown] ${s}\n`);
  const redis = await new TestRedisServer().start();
  const config = new AppConfig().with({ REDIS_URL: redis.url });
  configureLogger(config.env.LOG_LEVEL);
  const [steady, flood] = await createProjects(config, [
    { name: 'shutdown-steady', perMinute: 100_000_000, burst: 10_000_000 },
    // Admits up to 100 redemptions/s plus a burst, 64 in flight: the rest of the flood is 429.
    { name: 'shutdown-flood', perMinute: 6_000, burst: 200, inflightMax: 64 },
  ]);
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  await insertVouchers(pg, steady.project_id, 'SDS-', VOUCHERS);
  await insertVouchers(pg, flood.project_id, 'SDF-', VOUCHERS);

  log(`starting the API (ROLE=api, SHUTDOWN_DRAIN_DELAY_MS=${DRAIN_MS})`);
  const api = await startLiveApi({
    ROLE: 'api',
    REDIS_URL: redis.url,
    SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_MS),
    SHUTDOWN_TIMEOUT_MS: '25000',
    DEMO_PROJECT: 'false',
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
  });

  const child: ChildProcess = fork(__filename, ['--flood'], { stdio: 'inherit' });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', (m: T) => resolve(m)));
  const started = next<{ type: string }>();
  child.send({ url: api.url, headers: headersOf(flood) } satisfies FloodStart);
  await started;

  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const steadyOutcomes: Outcome[] = [];
  const orderOf = new Map<Outcome, string>();
  const steadyRun = new OpenLoop(RATE, async (i) => {
    const order = `steady-o-${i}`;
    const o = await post(
      agent,
      api.url,
      `/v1/vouchers/SDS-${i % VOUCHERS}/redemption`,
      headersOf(steady),
      {
        customer: { source_id: `steady-c-${i % 100}` },
        order: { source_id: order, amount: 10_000 },
      },
    );
    o.body = undefined;
    steadyOutcomes.push(o);
    orderOf.set(o, order);
  });

  log(`load: ${LOAD_S} s, then SIGTERM`);
  await sleep(LOAD_S * 1_000);
  const inFlightSteady = steadyRun.inFlight;
  const signalAt = Date.now();
  api.child.kill('SIGTERM');
  await sleep(100);
  const readiness = await fetch(`${api.url}/health/ready`)
    .then(async (r) => `${r.status} ${await r.text()}`)
    .catch((e: Error) => `error ${e.message}`);
  const exitCode = await api.exited;
  const exitedAt = Date.now();
  // Keep sending a moment after the exit, to see how requests to a closed server end.
  await sleep(500);
  const closedAt = signalAt + DRAIN_MS;
  const floodSummary = next<{ summary: Summary }>();
  child.send({ signalAt, closedAt });
  await steadyRun.stop();
  const { summary: floodResult } = await floodSummary;
  agent.destroy();
  const steadyResult = summarize(steadyOutcomes, signalAt, closedAt);

  // Postgres: the steady project's SUCCESS redemptions by order source id, against the answers.
  const { rows } = await pg.query<{ source_id: string; n: number }>(
    `SELECT o.source_id, count(*)::int AS n FROM redemptions r
       JOIN orders o ON o.project_id = r.project_id AND o.id = r.order_id
      WHERE r.project_id = $1 AND r.result = 'SUCCESS' GROUP BY o.source_id`,
    [steady.project_id],
  );
  const committed = new Map(rows.map((r) => [r.source_id, r.n]));
  let lost = 0;
  let committedBehindAnswer = 0;
  let committedBehindError = 0;
  for (const o of steadyOutcomes) {
    const n = committed.get(orderOf.get(o)!) ?? 0;
    const ok = o.status !== undefined && o.status >= 200 && o.status < 300;
    if (ok && n === 0) lost++;
    if (!ok && n > 0) {
      if (o.status !== undefined) committedBehindAnswer++;
      else committedBehindError++;
    }
  }
  const doubled = rows.filter((r) => r.n > 1).length;
  const {
    rows: [floodRows],
  } = await pg.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM redemptions WHERE project_id = $1 AND result = 'SUCCESS'`,
    [flood.project_id],
  );
  await pg.end();
  await redis.kill();

  // ---- report -----------------------------------------------------------------------------
  const count = (s: Summary, window: string, test: (k: string) => boolean) =>
    Object.entries(s.outcomes)
      .filter(([k]) => k.startsWith(`${window} `) && test(k.slice(window.length + 1)))
      .reduce((n, [, v]) => n + v, 0);
  const complete = (k: string) => /^\d+$/.test(k);
  const refused = (k: string) => k === 'ECONNREFUSED';
  const dropped = (k: string) => !complete(k) && !refused(k);
  const detail = (s: Summary) =>
    Object.entries(s.outcomes)
      .sort()
      .map(([k, v]) => `${k} × ${v}`)
      .join(', ');
  const row = (name: string, s: Summary): string[] => [
    name,
    String(s.sent),
    String(s.inFlightAtSignal),
    `${count(s, 'before', complete)} / ${count(s, 'before', () => true)}`,
    String(count(s, 'before', dropped)),
    `${count(s, 'drain', complete)} / ${count(s, 'drain', () => true)}`,
    String(count(s, 'drain', dropped)),
    `${count(s, 'closed', complete)} / ${count(s, 'closed', refused)} / ${count(s, 'closed', dropped)}`,
  ];
  const droppedBefore =
    count(steadyResult, 'before', dropped) + count(floodResult, 'before', dropped);
  const droppedDrain = count(steadyResult, 'drain', dropped) + count(floodResult, 'drain', dropped);
  const verdict = (ok: boolean) => (ok ? 'OK' : 'MISSED');
  const span = (s: Summary) =>
    s.droppedSentMs ? `${s.droppedSentMs[0]}…${s.droppedSentMs[1]} ms` : '(none)';
  process.stdout.write(
    [
      `SIGTERM under load: ${FLOOD_CONNECTIONS}-connection flood (closed loop, redemptions, project limited to 6,000/min burst 200, 64 in flight) + ${RATE} steady redemptions/s open loop; SIGTERM after ${LOAD_S} s; SHUTDOWN_DRAIN_DELAY_MS=${DRAIN_MS}; node ${process.version}; everything on one host`,
      '',
      markdownTable(
        [
          'client',
          'sent',
          'in flight at SIGTERM',
          'sent before SIGTERM: complete / all',
          'dropped',
          'sent while draining: complete / all',
          'dropped',
          'sent after close: answered / refused / dropped',
        ],
        [row('flood (128 conn.)', floodResult), row(`steady (${RATE}/s)`, steadyResult)],
      ),
      '',
      `flood outcomes: ${detail(floodResult)}`,
      `steady outcomes: ${detail(steadyResult)}`,
      `steady requests pending in the client at SIGTERM: ${inFlightSteady}`,
      `requests without an answer (not refused) were sent between ${span(floodResult)} (flood) and ${span(steadyResult)} (steady) after SIGTERM`,
      `readiness 100 ms after SIGTERM: ${readiness.slice(0, 160)}`,
      `process exit: code ${exitCode} after ${exitedAt - signalAt} ms`,
      '',
      markdownTable(
        ['criterion', 'measured', 'target', ''],
        [
          [
            'requests sent before SIGTERM without a complete response',
            String(droppedBefore),
            '0',
            verdict(droppedBefore === 0),
          ],
          [
            'requests sent during the drain delay without a complete response',
            String(droppedDrain),
            '0',
            verdict(droppedDrain === 0),
          ],
          ['steady 2xx not committed (lost)', String(lost), '0', verdict(lost === 0)],
          ['steady orders redeemed twice', String(doubled), '0', verdict(doubled === 0)],
          [
            'steady committed behind a non-2xx answer',
            String(committedBehindAnswer),
            '0',
            verdict(committedBehindAnswer === 0),
          ],
          [
            'steady committed behind a socket error (unknown to the client)',
            String(committedBehindError),
            '0',
            verdict(committedBehindError === 0),
          ],
          [
            'flood 2xx = its SUCCESS rows',
            `${floodResult.twoxx} = ${floodRows.n}`,
            'equal',
            verdict(floodResult.twoxx === floodRows.n),
          ],
          ['exit code', String(exitCode), '0', verdict(exitCode === 0)],
        ],
      ),
      'Numbers from a 2-core machine shared with other test runs.',
      '',
    ].join('\n'),
  );
  if (exitCode !== 0) process.stderr.write(`API output (tail):\n${api.tail()}\n`);
}

const entry = process.argv.includes('--flood') ? floodChild : main;
entry().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
