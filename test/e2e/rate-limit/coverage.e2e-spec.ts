import request from 'supertest';
import { registeredRoutes } from '@app/core';
import { createTestProject } from '../../factories/project.factory';
import { RateLimitProbeModule } from '../../utils/rate-limit-probe.module';
import { createTestApp, TestApp } from '../../utils/test-app';
import { freshIp, setLimits, PRODUCTION_LIMITS } from './helpers';

/** The only route no limit applies to, on purpose: the liveness probe. */
const EXEMPT = ['GET /health/live'];
const ATTEMPTS = 15;

function concrete(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, 'x').replace(/\*$/, 'index.html');
}

/** The path variants a client (or an attacker) can send for one route. */
function variants(path: string): Record<string, string> {
  const lastLetter = path.search(/[a-z](?=[^a-z]*$)/);
  return {
    exact: path,
    'trailing slash': `${path}/`,
    'double slash': `/${path}`,
    'upper case': path.toUpperCase(),
    'percent-encoded letter':
      lastLetter < 0
        ? `${path}%41`
        : `${path.slice(0, lastLetter)}%${path.charCodeAt(lastLetter).toString(16)}${path.slice(lastLetter + 1)}`,
  };
}

describe('every route, 404 and path variant is rate limited (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [RateLimitProbeModule],
      // A generous command timeout: on a loaded CI box a slow Redis reply must not send some of
      // the decisions to the local fallback, which would split the counts this test relies on.
      env: {
        ...PRODUCTION_LIMITS,
        RATE_LIMIT_IP_PER_MINUTE: '1',
        SHED_SAMPLE_MS: '0',
        REDIS_COMMAND_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(() => t.close());

  /** Sends the request until a 429 (or ATTEMPTS requests); returns how many were answered otherwise. */
  async function requestsUntil429(
    method: string,
    path: string,
    headers: Record<string, string>,
  ): Promise<number> {
    const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    const ip = freshIp();
    for (let i = 0; i < ATTEMPTS; i++) {
      const agent = request(t.app.getHttpServer());
      const res = await agent[verb](`${path}${path.includes('?') ? '&' : '?'}ms=1`)
        .set(headers)
        .set('x-forwarded-for', ip);
      if (res.status === 429) {
        expect(res.body.key).toBe('too_many_requests');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        return i;
      }
    }
    return ATTEMPTS;
  }

  it('finds the routes to check', () => {
    const routes = registeredRoutes(t.app).map((r) => `${r.method} ${r.url}`);
    expect(routes).toEqual(
      expect.arrayContaining(['GET /health/live', 'GET /metrics', 'POST /v1/rl-probe/bulk']),
    );
    expect(routes.length).toBeGreaterThan(10);
  });

  it('limits every registered route and every variant of its path, with and without credentials', async () => {
    const unlimited: string[] = [];
    // One project per route: the route's first request is decided by the limiter itself (not
    // by an earlier route's block); its variants then share that project's spent budget.
    const checkRoute = async (route: { method: string; url: string }) => {
      const id = `${route.method} ${route.url}`;
      if (EXEMPT.includes(id)) return;
      const project = await createTestProject(t.app);
      await setLimits(t.app, project.projectId, { perMinute: 1, burst: 1 });
      for (const [variant, path] of Object.entries(variants(concrete(route.url)))) {
        for (const [who, headers] of [
          ['server key', project.headers],
          ['client key', project.clientHeaders],
          ['no key', {}],
        ] as const) {
          if ((await requestsUntil429(route.method, path, headers)) >= ATTEMPTS)
            unlimited.push(`${id} (${variant}, ${who}: ${path})`);
        }
      }
    };
    const routes = registeredRoutes(t.app);
    for (let i = 0; i < routes.length; i += 8)
      await Promise.all(routes.slice(i, i + 8).map(checkRoute));
    expect(unlimited).toEqual([]);
  }, 240_000);

  it('limits unknown routes and methods', async () => {
    const project = await createTestProject(t.app);
    for (const [method, path] of [
      ['GET', '/v1/nothing-here'],
      ['POST', '/v1/vouchers/x/y/z'],
      ['DELETE', '/metrics'],
      ['GET', '/%2e%2e/etc/passwd'],
      ['PUT', '/'],
    ]) {
      expect(await requestsUntil429(method, path, project.headers)).toBeLessThan(ATTEMPTS);
      expect(await requestsUntil429(method, path, {})).toBeLessThan(ATTEMPTS);
    }
  });

  it('never limits liveness', async () => {
    const ip = freshIp();
    for (let i = 0; i < 40; i++) {
      await request(t.app.getHttpServer())
        .get('/health/live')
        .set('x-forwarded-for', ip)
        .expect(200);
    }
  });
});
