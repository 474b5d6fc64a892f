import { createServer, Server } from 'node:http';
import { rootLogger } from '../logging/logger';
import { HealthService } from './health.service';

/**
 * Probes for a process without an HTTP app (the worker): GET /health/live and /health/ready,
 * same meaning and bodies as the API's. Nothing else is served.
 */
export async function startHealthServer(
  health: HealthService,
  host: string,
  port: number,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0].replace(/\/+$/, '');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        ...(status === 503 ? { 'retry-after': '1' } : {}),
      });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(405, { status: 'method_not_allowed' });
    if (path === '/health/live')
      return send(200, { status: 'ok', uptime_s: Math.round(process.uptime()) });
    if (path === '/health/ready') {
      health
        .readiness()
        .then(({ ready, checks }) =>
          send(ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks }),
        )
        .catch((error: unknown) => {
          rootLogger().error({ err: error }, 'readiness failed');
          send(503, { status: 'not_ready', checks: { health: 'error' } });
        });
      return;
    }
    send(404, { status: 'not_found' });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
