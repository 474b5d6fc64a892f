import type { Server } from 'node:http';
import type {
  DynamicModule,
  ForwardReference,
  INestApplicationContext,
  Type,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { AppConfig, createHttpApp, DatabaseLifecycle, HealthService, rootLogger } from '@app/core';
import type { CreatedProject } from '@app/tenancy';
import { ApiModule } from './api.module';
import { ensureDemoProject } from './demo-project';

type Importable = Type<unknown> | DynamicModule | ForwardReference;

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  demo: CreatedProject | null;
  banner: string;
}

function banner(config: AppConfig, url: string, demo: CreatedProject | null): string {
  return [
    `Voucher platform listening on ${url} (role=${config.env.ROLE}, database=${config.embeddedDatabase ? `embedded PGlite in ${config.env.DATA_DIR}` : 'postgres'}, redis=${config.embeddedRedis ? 'none (in-process queue, in-memory limiter)' : 'configured'})`,
    config.env.DOCS_ENABLED ? `API docs: ${url}/docs  (OpenAPI JSON: ${url}/docs-json)` : '',
    demo ? demoLines(demo, url) : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function demoLines(demo: CreatedProject, url: string): string {
  return [
    `Demo project ${demo.project_id}:`,
    `  X-App-Id: ${demo.app_id}`,
    `  X-App-Token: ${demo.app_token}`,
    `  X-Client-Application-Id: ${demo.client_app_id}`,
    `  X-Client-Token: ${demo.client_token}`,
    `  Try: curl -H 'X-App-Id: ${demo.app_id}' -H 'X-App-Token: ${demo.app_token}' ${url}/v1/vouchers`,
  ].join('\n');
}

/**
 * What `npm start` runs: the API (and, with ROLE=all, the worker) listening on HOST:PORT.
 * It listens before its dependencies are reachable: /health/live answers at once and
 * /health/ready tells the load balancer when to route here.
 */
export async function startApi(
  config: AppConfig,
  extraImports: Importable[] = [],
): Promise<RunningApi> {
  const app = await createHttpApp(ApiModule.register(config, extraImports), config);
  await app.listen({ port: config.env.PORT, host: config.env.HOST });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const database = app.get(DatabaseLifecycle);
  let demo: CreatedProject | null = null;
  if (config.env.DEMO_PROJECT && database.state === 'ready') {
    demo = await ensureDemoProject(app, config);
  } else if (config.env.DEMO_PROJECT) {
    // The database is not reachable yet: create the demo project once it is, without
    // holding up start-up or crashing when it stays away.
    void database
      .whenReady()
      .then(() => ensureDemoProject(app, config))
      .then((late) => late && process.stdout.write(`${demoLines(late, url)}\n`))
      .catch((error: unknown) =>
        rootLogger().warn({ err: (error as Error).message }, 'could not create the demo project'),
      );
  }
  return { app, url, demo, banner: banner(config, url, demo) };
}

/**
 * SIGTERM/SIGINT: readiness turns 503 first (load balancers stop routing here), after
 * SHUTDOWN_DRAIN_DELAY_MS the server stops accepting, in-flight requests finish, then the
 * queue and the pools close and the process exits 0. SHUTDOWN_TIMEOUT_MS bounds the whole;
 * a second signal exits at once.
 *
 * During the drain delay the server serves as before, keep-alive included: it still accepts,
 * and a `Connection: close` on every response would reset each client that writes its next
 * request before it sees the header (and turn every other client into a new connection per
 * request). Connections are closed only once the server stops accepting.
 */
export function installGracefulShutdown(
  config: AppConfig,
  getApp: () => INestApplicationContext | undefined,
): void {
  const logger = rootLogger();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    setTimeout(() => {
      logger.error({ timeoutMs: config.env.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out: exiting');
      process.exit(1);
    }, config.env.SHUTDOWN_TIMEOUT_MS).unref();
    const app = getApp();
    if (!app) process.exit(0);
    logger.info({ signal }, 'shutting down: readiness off, draining in-flight requests');
    shutdown(app, config).then(
      () => {
        logger.info('shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function shutdown(app: INestApplicationContext, config: AppConfig): Promise<void> {
  const health = app.get(HealthService);
  health.startDraining();
  if (config.env.SHUTDOWN_DRAIN_DELAY_MS > 0)
    await new Promise((resolve) => setTimeout(resolve, config.env.SHUTDOWN_DRAIN_DELAY_MS));
  // Close the HTTP server before Nest's hooks: in-flight requests still need the pools and
  // the queue that onModuleDestroy hooks may release.
  const http = (app as Partial<NestFastifyApplication>).getHttpAdapter?.();
  if (http) {
    const fastify = http.getInstance() as FastifyInstance;
    health.stopAccepting();
    rootLogger().info('no longer accepting connections');
    await readRequestsAlreadySent(fastify.server);
    // close() would destroy every connection without a request in progress at once, but on a
    // saturated loop a client's next request is often already in the socket, unread: it would
    // be reset. For SHUTDOWN_IDLE_GRACE_MS those connections stay open; what arrives on them is
    // answered (503 return503OnClosing, `Connection: close`) instead of reset. Then idle ones go.
    const server = fastify.server;
    const closeIdle = server.closeIdleConnections.bind(server);
    server.closeIdleConnections = () => undefined;
    const closing = fastify.close();
    await new Promise((resolve) => setTimeout(resolve, config.env.SHUTDOWN_IDLE_GRACE_MS));
    server.closeIdleConnections = closeIdle;
    // Every response from now on says `Connection: close`, so busy connections end after their
    // response; the sweep ends the ones that are idle.
    closeIdle();
    const sweep = setInterval(closeIdle, 100);
    try {
      await closing;
    } finally {
      clearInterval(sweep);
    }
  }
  await app.close();
}

const READ_ROUNDS_MAX = 10;

/**
 * close() resets what the server has not read yet: connections still in the kernel's accept
 * queue, and keep-alive connections whose next request has arrived but is not parsed (Node
 * counts those idle and destroys them). On a starved event loop that is every request sent in
 * the last stretch before the drain timer ran. So let the loop poll first: one turn accepts
 * the queued connections and reads requests on open ones, the next reads the requests on the
 * connections just accepted. Turns go on while they bring new work, up to a bound, since
 * clients keep connecting until the listener closes.
 */
async function readRequestsAlreadySent(server: Server): Promise<void> {
  let arrivals = 0;
  const arrived = () => arrivals++;
  server.on('connection', arrived);
  server.on('request', arrived);
  try {
    for (let round = 1; round <= READ_ROUNDS_MAX; round++) {
      const before = arrivals;
      await new Promise((resolve) => setImmediate(resolve));
      if (round >= 2 && arrivals === before) break;
    }
  } finally {
    server.off('connection', arrived);
    server.off('request', arrived);
  }
}
