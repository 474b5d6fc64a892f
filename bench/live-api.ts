/**
 * Shared by the chaos and shutdown benchmarks: the built API as a real child process, projects
 * and vouchers to drive it with, an open-loop request sender that records how every request
 * ended (complete response or socket error), RSS from /proc and /metrics parsing.
 */
import 'reflect-metadata';
import type autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@app/core';
import { CreatedProject, TenancyService } from '@app/tenancy';
import { RateLimitPolicyService } from '@app/rate-limit';
import { CliModule } from '../apps/api/src/cli.module';

export const MB = 1024 * 1024;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface LiveApi {
  url: string;
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or 128 + n for a signal) once the process has ended. */
  exited: Promise<number>;
  /** The last lines the process wrote to stderr/stdout (bounded), for error messages. */
  tail: () => string;
}

const TAIL_CHARS = 8_000;

/** Starts dist/apps/api/src/main.js on a free port and waits for the first 200 of /health/ready. */
export async function startLiveApi(env: Record<string, string>): Promise<LiveApi> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(__dirname, '../apps/api/src/main.js')], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}:\n${tail}`);
    const ok = await fetch(`${url}/health/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`API did not become ready:\n${tail}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, pid: child.pid!, exited, tail: () => tail };
}

/** Resident set size of a process in bytes (Linux), or NaN once it has gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds (user + system, their ended children included) used so far by the processes `pick` selects by pid and command name
 * (Linux /proc; 0 elsewhere). Differences of two readings give the CPU a run cost each side.
 */
export function cpuSeconds(pick: (pid: number, comm: string) => boolean): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  let ticks = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!pick(Number(pid), comm)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, and cutime, cstime: children that ended (a pool's closed connections)
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // the process ended between the listing and the read
    }
  }
  return ticks / ticksPerSecond;
}

/** Jiffies the whole machine spent busy and in total so far (Linux /proc/stat; zeros elsewhere). */
export function boxCpu(): { busy: number; total: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
    const values = fields.map(Number);
    const total = values.reduce((t, v) => t + v, 0);
    const idle = values[3] + (values[4] ?? 0); // idle, iowait
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * A closed-loop POST flood from a separate autocannon process at the lowest CPU priority: like a
 * client on another host, it cannot take the CPU the server needs, yet its connections keep the
 * server busy. Resolves with autocannon's result once the process has ended.
 */
export function nicedFlood(
  url: string,
  headers: Record<string, string>,
  connections: number,
  seconds: number,
): Promise<autocannon.Result> {
  const args = [require.resolve('autocannon/autocannon.js'), '-c', String(connections)];
  args.push('-d', String(seconds), '-m', 'POST', '-j');
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    setPriority(child.pid!, 19);
  } catch {
    // not permitted here: the flood then competes with the server for the CPU
  }
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', () => {
      try {
        resolve(JSON.parse(out) as autocannon.Result);
      } catch (error) {
        reject(error as Error);
      }
    }),
  );
}

export interface ProjectSpec {
  name: string;
  perMinute: number;
  burst: number;
  inflightMax?: number;
}

/** Projects are created through the services (no HTTP route creates projects), with their limits. */
export async function createProjects(
  config: AppConfig,
  specs: ProjectSpec[],
): Promise<CreatedProject[]> {
  const app = await NestFactory.createApplicationContext(CliModule.register(config), {
    logger: false,
  });
  try {
    const created: CreatedProject[] = [];
    for (const spec of specs) {
      const project = await app.get(TenancyService).createProject(spec.name, []);
      await app.get(RateLimitPolicyService).set(project.project_id, {
        perMinute: spec.perMinute,
        burst: spec.burst,
        inflightMax: spec.inflightMax ?? 100_000,
      });
      created.push(project);
    }
    return created;
  } finally {
    await app.close();
  }
}

/** `count` amount vouchers without a redemption limit: codes `${prefix}0` … `${prefix}${count-1}`. */
export async function insertVouchers(
  pg: Client,
  projectId: string,
  prefix: string,
  count: number,
): Promise<void> {
  await pg.query(
    `INSERT INTO vouchers (id, project_id, code, type, discount, redemption_quantity)
     SELECT 'v_' || md5($1 || $2 || g::text), $1, $2 || g, 'DISCOUNT_VOUCHER',
            '{"type":"AMOUNT","amount_off":500,"effect":"APPLY_TO_ORDER"}'::jsonb, NULL
     FROM generate_series(0, $3 - 1) g`,
    [projectId, prefix, count],
  );
}

export function headersOf(project: CreatedProject): Record<string, string> {
  return { 'x-app-id': project.app_id, 'x-app-token': project.app_token };
}

/** How one request ended: a complete response (status) or a socket error (code). */
export interface Outcome {
  sentAt: number;
  ms: number;
  status?: number;
  body?: string;
  error?: string;
}

export const RESPONSE_TIMEOUT_MS = 20_000;

/** `503 overload`, `429 project`, `503 service_unavailable`, `error ECONNRESET`…: why it was not a 2xx. */
export function reason(o: Outcome): string {
  if (o.status === undefined) return `error ${o.error}`;
  let why = '';
  try {
    const body = JSON.parse(o.body ?? '') as { limit?: string; key?: string };
    why = body.limit ?? body.key ?? '';
  } catch {
    // Not a contract error body: the status alone says enough.
  }
  return why ? `${o.status} ${why}` : String(o.status);
}

/**
 * One POST with a JSON body. A response counts only once its body has fully arrived: a
 * connection cut halfway through a body is a dropped request, not an answer.
 */
export function post(
  agent: Agent,
  url: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<Outcome> {
  const sentAt = Date.now();
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Omit<Outcome, 'sentAt' | 'ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ sentAt, ms: Date.now() - sentAt, ...o });
    };
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
        timeout: RESPONSE_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({ status: res.statusCode, body: Buffer.concat(chunks).toString() }),
        );
        res.on('aborted', () => done({ error: 'response aborted' }));
        res.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
      },
    );
    req.on('timeout', () => {
      done({ error: 'timeout' });
      req.destroy();
    });
    req.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    req.end(payload);
  });
}

/**
 * Open-loop sender: fires `ratePerS` requests a second on schedule, whether or not earlier ones
 * have answered (a closed loop would slow down with the server and hide an outage). Resolves
 * once `stop()` was called and every request it fired has ended.
 */
export class OpenLoop {
  private stopped = false;
  private readonly pending = new Set<Promise<void>>();
  private fired = 0;
  private readonly done: Promise<void>;

  constructor(
    private readonly ratePerS: number,
    private readonly fire: (i: number) => Promise<void>,
  ) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const started = performance.now();
    while (!this.stopped) {
      const due = Math.floor(((performance.now() - started) * this.ratePerS) / 1000);
      while (this.fired < due && !this.stopped) {
        const p = this.fire(this.fired++).finally(() => this.pending.delete(p));
        this.pending.add(p);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all([...this.pending]);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }
}

/** `name{labels} value` lines of a Prometheus text page, summed by `name{labels}`. */
export async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) });
  const text = await res.text();
  // A shed or limited scrape (503/429) is no sample: its body is an error, not zeros.
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

/** Sum of every series of `metric` whose labels contain all of `labels` (`k="v"` fragments). */
export function sumOf(values: Map<string, number>, metric: string, ...labels: string[]): number {
  let total = 0;
  for (const [series, value] of values) {
    if (!series.startsWith(`${metric}{`) && series !== metric) continue;
    if (labels.every((l) => series.includes(l))) total += value;
  }
  return total;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A Markdown table, columns padded to their widest cell. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
