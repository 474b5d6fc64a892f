/**
 * Flood benchmark (issue 6): the cost, isolation and memory of the limiter under a flood, with
 * @nestjs/throttler as the reference, all in one run. `npm run bench:flood` (fresh database and
 * Redis prefix; scripts/with-services.js). Sizes via env:
 *   BENCH_DURATION_S (10)          seconds per side of each throughput ratio (BENCH_ROUNDS slices, 5)
 *   BENCH_ISOLATION_S (20)         seconds of each isolation run (steady tenant alone / flooded)
 *   BENCH_REJECTED (1000000)       rejected requests for the RSS test
 *   BENCH_FORGED_REQUESTS (1000000) and BENCH_FORGED_KEYS (100000) for the forged-key RSS test
 * The server runs in a child process (bench/flood-server.ts); the steady tenant and the liveness
 * probe are measured from this process while the flood comes from a separate autocannon process.
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { nicedFlood } from './live-api';

const DURATION = Number(process.env.BENCH_DURATION_S ?? 10);
const REJECTED = Number(process.env.BENCH_REJECTED ?? 1_000_000);
const FORGED_REQUESTS = Number(process.env.BENCH_FORGED_REQUESTS ?? 1_000_000);
const FORGED_KEYS = Number(process.env.BENCH_FORGED_KEYS ?? 100_000);
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 100);
const FLOOD_CONNECTIONS = 128;
const CONNECTIONS = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ISOLATION_S = Number(process.env.BENCH_ISOLATION_S ?? 20);
const MB = 1024 * 1024;

type Headers = Record<string, string>;
interface Reply {
  type: string;
  url?: string;
  headers?: Headers;
  rss?: number;
  heapUsed?: number;
  idle?: number;
  active?: number;
  message?: string;
}

class Server {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start(mode: string, env: Record<string, string> = {}): Promise<Server> {
    const child = fork(join(__dirname, 'flood-server.js'), [], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, BENCH_MODE: mode, LOG_LEVEL: 'fatal', ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('message', (m: Reply) =>
        m.type === 'ready' ? resolve(new Server(child, m.url!)) : reject(new Error(m.message)),
      );
      child.once('exit', (code) => reject(new Error(`server (${mode}) exited with ${code}`)));
    });
  }

  ask(message: object): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.child.once('message', (m: Reply) =>
        m.type === 'error' ? reject(new Error(m.message)) : resolve(m),
      );
      this.child.send(message);
    });
  }

  async project(perMinute: number, burst: number): Promise<Headers> {
    return (await this.ask({ type: 'create-project', perMinute, burst })).headers!;
  }

  async memory(): Promise<{ rss: number; heapUsed: number }> {
    const m = await this.ask({ type: 'memory' });
    return { rss: m.rss!, heapUsed: m.heapUsed! };
  }

  /** Cumulative event-loop idle and active milliseconds (differences give the utilisation). */
  async elu(): Promise<{ idle: number; active: number }> {
    const m = await this.ask({ type: 'elu' });
    return { idle: m.idle!, active: m.active! };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
      setTimeout(() => this.child.kill('SIGKILL'), 5_000).unref();
    });
  }
}

const run = (options: autocannon.Options) => autocannon({ timeout: 10, ...options });

/** The counts of several runs of one side, and its rate over their summed durations. */
interface Combined {
  rps: number;
  total: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
}
function combine(results: autocannon.Result[]): Combined {
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((t, r) => t + f(r), 0);
  return {
    rps: sum((r) => r.requests.total) / sum((r) => r.duration),
    total: sum((r) => r.requests.total),
    '2xx': sum((r) => r['2xx']),
    '4xx': sum((r) => r['4xx']),
    '5xx': sum((r) => r['5xx']),
  };
}
const rps = (r: Combined) => r.rps;

const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL || !/test/.test(process.env.DATABASE_URL))
    throw new Error('run through npm run bench:flood (a fresh *test* database)');
  const rows: [string, string, string, string][] = [];
  const log = (s: string) => process.stderr.write(`[flood] ${s}\n`);

  // All four servers start together (same moment, same database and Redis); only the one being
  // measured gets load.
  log('starting the API with our limiter, with it off, and with @nestjs/throttler (x2)');
  const [ours, off, thr, thr429] = await Promise.all([
    Server.start('ours'),
    Server.start('off'),
    Server.start('throttler'),
    Server.start('throttler', { BENCH_THROTTLER_LIMIT: '10' }),
  ]);
  const ok = await ours.project(100_000_000, 1_000_000);
  const flood = await ours.project(600, 100);
  const steady = await ours.project(100_000_000, 1_000_000);
  const offKey = await off.project(100_000_000, 1_000_000);
  const thrKey = await thr.project(100_000_000, 1_000_000);
  const thr429Key = await thr429.project(100_000_000, 1_000_000);
  // Each ratio alternates its two sides in ROUNDS short runs (A, B, A, B, ...) with the whole
  // machine to each side in turn: side by side, one event loop (or one load generator) would
  // interleave both loads and the ratio would measure its fairness, not what a request costs.
  // Alternating spreads the host's other load over both sides alike.
  const alternate = async (a: autocannon.Options, b: autocannon.Options) => {
    const sides = [a, b].map((options) => ({ options, results: [] as autocannon.Result[] }));
    // Warm-up, not counted: the first requests of a route pay for JIT compilation.
    for (const side of sides) await run({ connections: CONNECTIONS, duration: 1, ...side.options });
    for (let round = 0; round < ROUNDS; round++)
      for (const side of sides)
        side.results.push(
          await run({ connections: CONNECTIONS, duration: DURATION / ROUNDS, ...side.options }),
        );
    return sides.map(({ results }) => combine(results));
  };
  log(
    '429 path vs no-op route (liveness: the cheapest route through the same hooks), same process',
  );
  await run({
    url: `${ours.url}/v1/bench/redeem`,
    method: 'POST',
    headers: flood,
    amount: 200,
    connections: 4,
  });
  const [noop, rejected] = await alternate(
    { url: `${ours.url}/health/live` },
    { url: `${ours.url}/v1/bench/redeem`, method: 'POST', headers: flood },
  );
  log('the same with @nestjs/throttler');
  await run({
    url: `${thr429.url}/v1/bench/redeem`,
    method: 'POST',
    headers: thr429Key,
    amount: 20,
    connections: 1,
  });
  const tm0 = await thr429.memory();
  const [thrNoop, thrRejected] = await alternate(
    { url: `${thr429.url}/health/live` },
    { url: `${thr429.url}/v1/bench/redeem`, method: 'POST', headers: thr429Key },
  );
  const tm1 = await thr429.memory();
  log('admitted requests: limiter on vs off');
  const [admittedOn, admittedOff] = await alternate(
    { url: `${ours.url}/v1/bench/noop`, headers: ok },
    { url: `${off.url}/v1/bench/noop`, headers: offKey },
  );
  log('admitted requests: @nestjs/throttler vs off');
  const [thrAdmitted, admittedOff2] = await alternate(
    { url: `${thr.url}/v1/bench/noop`, headers: thrKey },
    { url: `${off.url}/v1/bench/noop`, headers: offKey },
  );
  await Promise.all([off.stop(), thr.stop(), thr429.stop()]);

  log('isolation: steady tenant alone');
  const steadyOpts = {
    url: `${ours.url}/v1/bench/redeem`,
    method: 'POST',
    headers: steady,
    connections: 4,
    overallRate: STEADY_RATE,
    duration: ISOLATION_S,
  };
  const baseline = await run(steadyOpts);
  log(`isolation: steady tenant while another floods with ${FLOOD_CONNECTIONS} connections`);
  const fresh = await ours.project(600, 100);
  const floodRun = nicedFlood(
    `${ours.url}/v1/bench/redeem`,
    fresh,
    FLOOD_CONNECTIONS,
    ISOLATION_S + 2,
  );
  await new Promise((r) => setTimeout(r, 1_000));
  const elu0 = await ours.elu();
  const [during, live] = await Promise.all([
    run(steadyOpts),
    run({
      url: `${ours.url}/health/live`,
      connections: 2,
      overallRate: 20,
      duration: ISOLATION_S,
    }),
  ]);
  const elu1 = await ours.elu();
  const floodResult = await floodRun;
  const floodElu =
    (elu1.active - elu0.active) / (elu1.active - elu0.active + elu1.idle - elu0.idle);

  log(`RSS over ${fmt(REJECTED)} rejected requests`);
  const m0 = await ours.memory();
  await run({
    url: `${ours.url}/v1/bench/redeem`,
    method: 'POST',
    headers: flood,
    connections: 64,
    amount: REJECTED,
  });
  const m1 = await ours.memory();

  log(
    `RSS over ${fmt(FORGED_REQUESTS)} requests with ${fmt(FORGED_KEYS)} forged keys from 10,000 IPs`,
  );
  const keys = Array.from({ length: FORGED_KEYS }, () => randomUUID());
  let n = 0;
  const forged = await run({
    url: `${ours.url}/v1/bench/noop`,
    connections: 64,
    amount: FORGED_REQUESTS,
    requests: [
      {
        setupRequest: (req) => {
          n++;
          return {
            ...req,
            headers: {
              'x-app-id': keys[n % FORGED_KEYS],
              'x-app-token': 'forged',
              'x-forwarded-for': `10.9.${(n % 10_000) >> 8}.${n % 256}`,
            },
          };
        },
      },
    ],
  });
  const m2 = await ours.memory();
  await ours.stop();

  // ---- report -----------------------------------------------------------------------------
  const floodAdmitted = floodResult['2xx'];
  const floodBudget = (600 / 60) * (ISOLATION_S + 2) * 1.05 + 100;
  rows.push(
    ['no-op route throughput (req/s)', fmt(rps(noop)), fmt(rps(thrNoop)), ''],
    ['429-path throughput (req/s)', fmt(rps(rejected)), fmt(rps(thrRejected)), ''],
    [
      '429 path / no-op',
      pct(rps(rejected), rps(noop)),
      pct(rps(thrRejected), rps(thrNoop)),
      '>= 90 %',
    ],
    [
      '429 share of the 429-path run',
      pct(rejected['4xx'], rejected.total),
      pct(thrRejected['4xx'], thrRejected.total),
      '',
    ],
    ['admitted throughput, limiter on (req/s)', fmt(rps(admittedOn)), fmt(rps(thrAdmitted)), ''],
    ['admitted throughput, limiter off (req/s)', fmt(rps(admittedOff)), fmt(rps(admittedOff2)), ''],
    [
      'admitted on / off',
      pct(rps(admittedOn), rps(admittedOff)),
      pct(rps(thrAdmitted), rps(admittedOff2)),
      '>= 90 %',
    ],
    ['ours / throttler, 429 path', pct(rps(rejected), rps(thrRejected)), '', ''],
    ['ours / throttler, admitted', pct(rps(admittedOn), rps(thrAdmitted)), '', ''],
    [
      'flood: admitted of ' + fmt(floodResult.requests.total),
      `${fmt(floodAdmitted)} (budget ${fmt(floodBudget)})`,
      'n/a (per IP only)',
      '<= budget',
    ],
    [
      'server event-loop utilisation during the flood',
      `${(100 * floodElu).toFixed(0)} % (${fmt(floodResult.requests.average)} flood req/s)`,
      '',
      '',
    ],
    ['steady tenant p99 alone', ms(baseline.latency.p99), '', ''],
    ['steady tenant p99 during the flood', ms(during.latency.p99), '', '<= 3x alone'],
    [
      'steady tenant p99 ratio',
      `${(during.latency.p99 / Math.max(0.1, baseline.latency.p99)).toFixed(2)}x`,
      '',
      '<= 3x',
    ],
    [
      'steady tenant errors / non-2xx during the flood',
      `${during.errors + during.timeouts} / ${during.non2xx} of ${fmt(during.requests.total)}`,
      '',
      '0 / 0',
    ],
    ['liveness p99.9 during the flood', ms(live.latency.p99_9), '', '< 500 ms'],
    [
      `RSS growth over ${fmt(REJECTED)} rejected`,
      `${((m1.rss - m0.rss) / MB).toFixed(1)} MB`,
      `${((tm1.rss - tm0.rss) / MB).toFixed(1)} MB (over ${fmt(thrRejected.total)})`,
      '<= 10 MB',
    ],
    [
      `RSS growth over ${fmt(FORGED_REQUESTS)} with ${fmt(FORGED_KEYS)} forged keys`,
      `${((m2.rss - m1.rss) / MB).toFixed(1)} MB (${fmt(forged['4xx'])} 4xx)`,
      '',
      '<= 30 MB',
    ],
    [
      'heap after / before the floods',
      `${(m2.heapUsed / MB).toFixed(1)} / ${(m0.heapUsed / MB).toFixed(1)} MB`,
      '',
      '',
    ],
  );
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(
      ...rows.map((r) => r[i].length),
      ['metric', 'ours', '@nestjs/throttler (reference)', 'target'][i].length,
    ),
  );
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(
    [
      `flood benchmark: each ratio alternates its sides in ${ROUNDS} rounds, ${DURATION} s per side, ${CONNECTIONS} connections; isolation ${ISOLATION_S} s (flood ${FLOOD_CONNECTIONS} connections), steady tenant ${STEADY_RATE} req/s, node ${process.version}, loopback, load generator on the same host`,
      line(['metric', 'ours', '@nestjs/throttler (reference)', 'target']),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map(line),
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
