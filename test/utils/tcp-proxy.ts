import { createServer, connect, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of the real Postgres or Redis that a test can cut and restore.
 * `down()` stops listening (new connections are refused) and destroys every open connection,
 * which is exactly what the app sees when the server dies or the network drops; `up()`
 * listens again on the same port. The servers themselves are shared by every engineer's
 * tests on this machine, so the tests cut the path to them rather than stopping them.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A proxy for the host and port of `url` (postgres:// or redis://). */
  static for(url: string, defaultPort: number): TcpProxy {
    const u = new URL(url);
    return new TcpProxy(u.hostname, Number(u.port || defaultPort));
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  /** Picks a free port without serving it: the dependency starts out down. */
  async reservePort(): Promise<number> {
    await this.up();
    await this.down();
    return this.port;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      this.sockets.add(client).add(upstream);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
