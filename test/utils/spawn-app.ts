import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Builds dist/ when stale (scripts/build-if-stale.js). Test files run in parallel workers,
 * so a lock directory keeps two of them from building into the same dist/ at once.
 */
export function ensureBuilt(): void {
  const lock = join(ROOT, 'dist.build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file holds the lock (mkdir is atomic): wait for its build.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 120_000) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error('timed out waiting for another build');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.js')], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    rmdirSync(lock);
  }
}

export const ENTRIES = {
  api: 'dist/apps/api/src/main.js',
  worker: 'dist/apps/api/src/worker.js',
  /** main.ts plus the test-only probe routes. */
  testServer: 'dist/test/utils/test-server.js',
} as const;

export interface SpawnedApp {
  process: ChildProcess;
  /** Base URL of the HTTP API or of the worker's health server. */
  url: string;
  output: () => string;
  /** Null while the process runs. */
  exitCode: () => number | null;
  /** Sends a signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Spawns a built entry point on an ephemeral port with the given environment on top of the
 * test run's, and resolves once it listens (before its dependencies are necessarily up).
 */
export async function spawnApp(
  entry: keyof typeof ENTRIES,
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<SpawnedApp> {
  const child = spawn(process.execPath, [join(ROOT, ENTRIES[entry])], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DEMO_PROJECT: 'false',
      DOCS_ENABLED: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exitCode: number | null = null;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : null);
      resolve(exitCode);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not listen in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const api = /listening on (http:\/\/[\d.:]+)/.exec(output);
      const worker = /"port":(\d+)[^\n]*"msg":"worker started"/.exec(output);
      const found = api?.[1] ?? (worker ? `http://127.0.0.1:${worker[1]}` : undefined);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    process: child,
    url,
    output: () => output,
    exitCode: () => exitCode,
    stop: async (signal = 'SIGTERM') => {
      if (exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The test server as the shutdown tests run it: their drain delay, 10 s to finish after it. */
export function spawnForShutdown(drainDelayMs: number): Promise<SpawnedApp> {
  return spawnApp('testServer', {
    SHUTDOWN_DRAIN_DELAY_MS: String(drainDelayMs),
    SHUTDOWN_TIMEOUT_MS: '10000',
  });
}

/** Polls `probe` until it returns true (or throws after `timeoutMs`). */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface Probe {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  ms: number;
}

export async function get(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<Probe> {
  const started = Date.now();
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (e.g. a proxy's error page): keep the text for the assertion message.
    body = { raw: text };
  }
  return { status: res.status, body, headers: res.headers, ms: Date.now() - started };
}
