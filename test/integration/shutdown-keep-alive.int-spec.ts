import { Agent, request } from 'node:http';
import { connect, Socket } from 'node:net';
import { ensureBuilt, get, spawnForShutdown, SpawnedApp, waitFor } from '../utils/spawn-app';

jest.setTimeout(30_000);

/**
 * SIGTERM with clients on keep-alive connections (issue: "SIGTERM under load: no in-flight
 * request dropped"). A real process, clients sending back to back across the signal:
 * - raw sockets that write their next request as soon as they have read a response, whatever
 *   it said about the connection (they do not honour `Connection: close`);
 * - Node keep-alive agents, and clients that open a new connection per request;
 * - while the event loop is held across the end of the drain delay (a starved host), requests
 *   on idle keep-alive connections and on new connections that the server has not read yet.
 * Every request written before the server stops accepting (its log line) must get a complete
 * HTTP response; none may be reset. Requests written after that may be refused or cut.
 */
const DRAIN_DELAY_MS = 1_000;
const ROUTE = '/v1/probe/slow?ms=20';
const STOP_LOG = 'no longer accepting connections';
const BLOCK_MS = 800;

interface Outcome {
  client: string;
  /** When the whole request had reached the kernel (null: it never did). */
  writtenAt: number | null;
  status?: number;
  error?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One response on a raw socket: status once the Content-Length body has fully arrived. */
function parseResponse(buffer: Buffer): { status: number; length: number } | null {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = buffer.subarray(0, end).toString('latin1');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  if (!status || length === undefined) throw new Error(`unexpected response head: ${head}`);
  const total = end + 4 + Number(length);
  return buffer.length >= total ? { status, length: total } : null;
}

/**
 * A client that ignores `Connection: close`: it writes the next request in the same tick it
 * finished reading a response, before it could have seen the server's FIN. On an error it
 * reconnects, until a connection is refused or `running()` turns false.
 */
async function rawClient(
  name: string,
  port: number,
  running: () => boolean,
  outcomes: Outcome[],
): Promise<void> {
  const requestText = `GET ${ROUTE} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
  while (running()) {
    const socket = connect(port, '127.0.0.1');
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    if (!connected) return;
    await new Promise<void>((resolve) => {
      let buffer = Buffer.alloc(0);
      let pending: Outcome | null = null;
      const send = () => {
        if (!running()) return finish();
        pending = { client: name, writtenAt: null };
        outcomes.push(pending);
        socket.write(requestText);
        // A connected socket writes synchronously into the kernel; the callback comes later.
        if (!socket.destroyed) pending.writtenAt = Date.now();
      };
      const finish = (error?: string) => {
        if (pending && error) pending.error = error;
        pending = null;
        socket.destroy();
        resolve();
      };
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        const response = parseResponse(buffer);
        if (!response || !pending) return;
        pending.status = response.status;
        buffer = buffer.subarray(response.length);
        send();
      });
      socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
      socket.on('close', () => finish('closed without a response'));
      send();
    });
  }
}

/** Node's own client, back to back: one keep-alive agent, or a new connection per request. */
async function nodeClient(
  name: string,
  url: string,
  agent: Agent | false,
  running: () => boolean,
  outcomes: Outcome[],
): Promise<void> {
  while (running()) {
    const outcome: Outcome = { client: name, writtenAt: null };
    outcomes.push(outcome);
    await new Promise<void>((resolve) => {
      const req = request(`${url}${ROUTE}`, agent ? { agent } : { agent: false }, (res) => {
        res.resume();
        res.on('end', () => {
          outcome.status = res.statusCode;
          resolve();
        });
        res.on('error', (e: NodeJS.ErrnoException) => {
          outcome.error = e.code ?? e.message;
          resolve();
        });
      });
      req.on('finish', () => (outcome.writtenAt = Date.now()));
      req.on('error', (e: NodeJS.ErrnoException) => {
        outcome.error = e.code ?? e.message;
        resolve();
      });
      req.end();
    });
    if (outcome.error === 'ECONNREFUSED') return;
  }
}

/** A keep-alive connection that has served one request and now sits idle. */
async function idleKeepAlive(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.write(`GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    let buffer = Buffer.alloc(0);
    socket.on('data', function first(chunk: Buffer) {
      buffer = Buffer.concat([buffer, chunk]);
      if (!parseResponse(buffer)) return;
      socket.off('data', first);
      resolve();
    });
  });
  return socket;
}

/** Writes one request on `socket` (already connected or connecting) and records how it ended. */
function oneRequest(name: string, socket: Socket, outcomes: Outcome[]): Promise<void> {
  const outcome: Outcome = { client: name, writtenAt: null };
  outcomes.push(outcome);
  return new Promise<void>((resolve) => {
    let buffer = Buffer.alloc(0);
    const write = () => {
      socket.write(`GET ${ROUTE} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      if (!socket.destroyed) outcome.writtenAt = Date.now();
    };
    const done = (error?: string) => {
      if (outcome.status === undefined && !outcome.error) outcome.error = error;
      socket.destroy();
      resolve();
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const response = parseResponse(buffer);
      if (!response) return;
      outcome.status = response.status;
      done();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    socket.on('close', () => done('closed without a response'));
    if (socket.connecting) socket.once('connect', write);
    else write();
  });
}

describe('SIGTERM with keep-alive clients (real process)', () => {
  let app: SpawnedApp;

  beforeAll(async () => {
    ensureBuilt();
    app = await spawnForShutdown(DRAIN_DELAY_MS);
    await waitFor('ready', async () => (await get(`${app.url}/health/ready`)).status === 200);
  }, 120_000);
  afterAll(() => app?.stop('SIGKILL'));

  it('answers every request written before the server stops accepting; resets none', async () => {
    const port = Number(new URL(app.url).port);
    const outcomes: Outcome[] = [];
    let running = true;
    const isRunning = () => running;
    const agents = Array.from({ length: 3 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const clients = [
      ...Array.from({ length: 3 }, (_, i) => rawClient(`raw-${i}`, port, isRunning, outcomes)),
      ...agents.map((agent, i) => nodeClient(`agent-${i}`, app.url, agent, isRunning, outcomes)),
      ...Array.from({ length: 2 }, (_, i) =>
        nodeClient(`fresh-${i}`, app.url, false, isRunning, outcomes),
      ),
    ];
    const idle = await Promise.all(Array.from({ length: 4 }, () => idleKeepAlive(port)));
    await sleep(300);

    const signalledAt = Date.now();
    const exited = app.stop('SIGTERM');
    // Hold the event loop across the end of the drain delay, as a starved host would, and
    // meanwhile write requests the server cannot read before its drain timer fires.
    await sleep(DRAIN_DELAY_MS - 400);
    const block = get(`${app.url}/v1/probe/block?ms=${BLOCK_MS}`).then((res) => ({
      status: res.status,
      answeredAt: Date.now(),
    }));
    await sleep(150);
    const held: Outcome[] = [];
    const heldRequests = [
      ...idle.map((socket, i) => oneRequest(`held-idle-${i}`, socket, held)),
      ...Array.from({ length: 4 }, (_, i) =>
        oneRequest(`held-new-${i}`, connect(port, '127.0.0.1'), held),
      ),
    ];
    const blocked = await block;
    expect(blocked.status).toBe(200);
    const exitCode = await exited;
    running = false;
    await Promise.all([...clients, ...heldRequests]);
    agents.forEach((agent) => agent.destroy());
    expect(exitCode).toBe(0);

    const stopLine = app
      .output()
      .split('\n')
      .find((line) => line.includes(STOP_LOG));
    expect(stopLine).toBeDefined();
    const stoppedAt = Date.parse((JSON.parse(stopLine!) as { time: string }).time);
    const all = [...outcomes, ...held];
    const before = all.filter((o) => o.writtenAt !== null && o.writtenAt < stoppedAt);
    const unanswered = before.filter(
      (o) => o.status === undefined || ![200, 429, 503].includes(o.status),
    );
    const explain = (o: Outcome) =>
      `${o.client} written ${o.writtenAt! - signalledAt} ms after SIGTERM: ${o.status ?? o.error}`;
    expect(unanswered.map(explain)).toEqual([]);

    // The scenario really happened: every held request was written before the server stopped
    // accepting, and each kind of client kept sending through the drain delay.
    expect(held.map((o) => o.writtenAt !== null && o.writtenAt < stoppedAt)).toEqual(
      held.map(() => true),
    );
    const during = (prefix: string) =>
      before.filter((o) => o.client.startsWith(prefix) && o.writtenAt! > signalledAt).length;
    for (const prefix of ['raw-', 'agent-', 'fresh-']) expect(during(prefix)).toBeGreaterThan(3);
    expect(stoppedAt - signalledAt).toBeGreaterThanOrEqual(DRAIN_DELAY_MS);
    // The drain timer ran right after the held loop, not before it.
    expect(stoppedAt).toBeGreaterThan(blocked.answeredAt - BLOCK_MS / 2);
  });
});
