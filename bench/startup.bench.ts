import { spawn } from 'node:child_process';
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

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(500) });
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
  docsMs: number;
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
        const docsStarted = performance.now();
        if ((await status(`${base}/docs-json`)) !== 200) throw new Error('/docs-json failed');
        return { liveMs, readyMs, docsMs: performance.now() - docsStarted };
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
