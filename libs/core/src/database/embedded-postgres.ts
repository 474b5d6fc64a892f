import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedEndpoint {
  url: string;
  pid: number;
}

/**
 * The embedded default database: PGlite (Postgres compiled to WASM) persisted under DATA_DIR,
 * served over the Postgres wire protocol on loopback so TypeORM's `pg` driver talks to it
 * exactly as it talks to a real server. The socket server serialises statements and keeps
 * a transaction's statements on its own connection, so a small pool is safe.
 */
export class EmbeddedPostgres {
  private db?: PGlite;
  private server?: PGLiteSocketServer;
  private readonly dataDir: string;
  private readonly endpointFile: string;

  constructor(dataDir: string) {
    this.dataDir = resolve(dataDir);
    this.endpointFile = join(this.dataDir, 'embedded-postgres.json');
  }

  /** An already running embedded server of another process on the same DATA_DIR, if any. */
  runningEndpoint(): EmbeddedEndpoint | undefined {
    try {
      const endpoint = JSON.parse(readFileSync(this.endpointFile, 'utf8')) as EmbeddedEndpoint;
      if (endpoint.pid === process.pid) return undefined;
      process.kill(endpoint.pid, 0);
      return endpoint;
    } catch {
      return undefined;
    }
  }

  async start(): Promise<string> {
    mkdirSync(this.dataDir, { recursive: true });
    // Loaded lazily: the WASM module costs ~100 ms and is never needed with a real Postgres.
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    this.db = await PGlite.create({ dataDir: join(this.dataDir, 'pgdata') });
    this.server = new PGLiteSocketServer({
      db: this.db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: 16,
    });
    await this.server.start();
    const port = this.server.getServerConn().split(':').pop();
    const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    writeFileSync(
      this.endpointFile,
      JSON.stringify({ url, pid: process.pid } satisfies EmbeddedEndpoint),
    );
    return url;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    await this.db?.close();
    this.server = undefined;
    this.db = undefined;
    rmSync(this.endpointFile, { force: true });
  }
}
