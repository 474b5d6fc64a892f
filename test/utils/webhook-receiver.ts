import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  body: string;
  json: {
    id: string;
    type: string;
    project_id: string;
    data: Record<string, unknown>;
    event: { id: string; type: string; entity_id: string | null };
    source: { id: string };
  };
  signature: string;
  receivedAt: number;
}

export type ReceiverMode = 'ok' | 'fail' | 'hang' | 'redirect';

/**
 * A real HTTP receiver on loopback. `stop()` closes the port (connection refused) and `start()`
 * listens again on the same port, so "down, then up" is what a sender really sees.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  mode: ReceiverMode = 'ok';
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();
  port = 0;
  /** Where 'redirect' mode points (302). */
  redirectTo = '';

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  byEvent(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.received)
      counts.set(r.json.event.id, (counts.get(r.json.event.id) ?? 0) + 1);
    return counts;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (this.mode === 'hang') {
        this.hanging.add(res);
        return;
      }
      if (this.mode === 'redirect') {
        res.writeHead(302, { location: this.redirectTo }).end();
        return;
      }
      if (this.mode === 'fail') {
        res.writeHead(500).end('nope');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      this.received.push({
        body,
        json: JSON.parse(body) as ReceivedWebhook['json'],
        signature: String(req.headers['x-voucherify-signature'] ?? ''),
        receivedAt: Date.now(),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }
}
