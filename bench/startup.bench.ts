import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run bench:startup`: cold start of the API process with real Postgres and Redis, from
 * spawn to the first 200 of /health/ready (median of 5), against a 3 s target. Production
 * settings (NODE_ENV=production, no demo project, docs on). After each start it also times
 * the first GET /docs-json: the OpenAPI document is built lazily, off the start-up path.
 */
const RUNS = 5;
const TARGET_MS = 3_000;
const MAIN = join(__dirname, '..', 'apps', 'api', 'src', 'main.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function status(url: string, timeoutMs = 500): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    // Not listening yet (connection refused) or too slow: the caller polls again.
    return 0;
  }
}

interface Start {
  liveMs: number;
  readyMs: number;
  /**
   * CPU (user + system) the process had used when it became ready: unlike wall time,
   * barely affected by other load on the machine.
   */
  cpuMs: number;
  docsMs: number;
}

/** CPU time used so far by `pid` (Linux /proc; NaN elsewhere). */
function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    // Not Linux, or the process is gone: report no number rather than a wrong one.
    return Number.NaN;
  }
}

async function coldStart(env: Record<string, string>): Promise<Start> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DEMO_PROJECT: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let liveMs = 0;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
      if (!liveMs && (await status(`${base}/health/live`)) === 200)
        liveMs = performance.now() - started;
      if (liveMs && (await status(`${base}/health/ready`)) === 200) {
        const readyMs = performance.now() - started;
        const cpuMs = cpuTimeMs(child.pid!);
        const docsStarted = performance.now();
        if ((await status(`${base}/docs-json`, 10_000)) !== 200)
          throw new Error('/docs-json failed');
        return { liveMs, readyMs, cpuMs, docsMs: performance.now() - docsStarted };
      }
      if (performance.now() - started > 30_000) throw new Error('not ready within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms: number) => `${Math.round(ms)} ms`;
const row = (label: string, values: number[]) =>
  `  ${label.padEnd(28)} ${values.map(fmt).join(', ')}  (median ${fmt(median(values))})\n`;

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('run through `npm run bench:startup` (needs DATABASE_URL and REDIS_URL)');
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  process.stdout.write(
    `Cold start of dist/apps/api/src/main.js, ${RUNS} runs, real Postgres and Redis ` +
      `(${cpus().length} CPUs, load average ${load})\n`,
  );
  const starts: Start[] = [];
  for (let i = 0; i < RUNS; i++) starts.push(await coldStart({}));
  const ready = median(starts.map((s) => s.readyMs));
  process.stdout.write(
    row(
      'spawn → /health/live 200:',
      starts.map((s) => s.liveMs),
    ) +
      row(
        'spawn → /health/ready 200:',
        starts.map((s) => s.readyMs),
      ) +
      row(
        'CPU used until ready:',
        starts.map((s) => s.cpuMs),
      ) +
      row(
        'first /docs-json (lazy):',
        starts.map((s) => s.docsMs),
      ) +
      `  ready median / target (${TARGET_MS} ms): ${(ready / TARGET_MS).toFixed(2)}  ${ready < TARGET_MS ? 'PASS' : 'FAIL'}\n`,
  );
  if (ready >= TARGET_MS) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
