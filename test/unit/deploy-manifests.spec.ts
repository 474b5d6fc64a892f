import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { loadAll, load } from 'js-yaml';
import { AppConfig, AUTOSCALING_METRICS, EnvironmentVariables } from '@app/core';
import { HealthController } from '@app/core/health/health.controller';

/**
 * The deployment files cannot run here (no container engine), so this keeps them honest by
 * reading them: probe paths, ports, environment names and values, the worker command, the
 * heap limit against the memory limit, and the autoscaling metric names, all checked against
 * the application's own code.
 */
const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj => (value ?? {}) as Obj;
const list = (value: unknown): Obj[] => (Array.isArray(value) ? (value as Obj[]) : []);

/** Variables the app reads (EnvironmentVariables), plus those consumed by Node itself. */
const APP_VARIABLES = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
    .map((m) => m.propertyName),
);
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS']);

/** Route paths of the health controller, from its decorators (e.g. /health/live). */
function healthPath(handler: 'live' | 'ready'): string {
  const base = Reflect.getMetadata('path', HealthController) as string;
  const path = Reflect.getMetadata('path', HealthController.prototype[handler]) as string;
  return `/${base}/${path}`.replace(/\/+/g, '/');
}
const LIVE = healthPath('live');
const READY = healthPath('ready');

const WORKER_COMMAND = ['node', 'dist/apps/api/src/worker.js'];
const API_COMMAND = ['node', 'dist/apps/api/src/main.js'];

function heapLimitMiB(nodeOptions: unknown): number {
  const match = /--max-old-space-size=(\d+)/.exec(String(nodeOptions ?? ''));
  if (!match) throw new Error(`no --max-old-space-size in NODE_OPTIONS=${String(nodeOptions)}`);
  return Number(match[1]);
}

function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi|m|g)?$/.exec(quantity);
  if (!match) throw new Error(`unsupported memory quantity ${quantity}`);
  const n = Number(match[1]);
  return match[2] === 'Gi' || match[2] === 'g' ? n * 1024 : n;
}

it('entry points named by the deployment files exist in the sources', () => {
  expect(existsSync(join(ROOT, 'apps/api/src/main.ts'))).toBe(true);
  expect(existsSync(join(ROOT, 'apps/api/src/worker.ts'))).toBe(true);
  expect(JSON.parse(read('package.json')).scripts['migration:run']).toBeDefined();
  expect(LIVE).toBe('/health/live');
  expect(READY).toBe('/health/ready');
});

describe('docker-compose.yml', () => {
  const compose = obj(load(read('docker-compose.yml')));
  const services = obj(compose.services);
  const appServices = Object.entries(services).filter(([, s]) =>
    String(obj(s).image ?? '').startsWith('voucher-platform:'),
  );
  const env = (name: string) => obj(obj(services[name]).environment);

  it('has postgres 15, redis 7, a migrate one-shot, two API replicas, one worker and a proxy', () => {
    expect(obj(services.postgres).image).toBe('postgres:15');
    expect(obj(services.redis).image).toBe('redis:7');
    expect(obj(services.migrate).command).toEqual(['npm', 'run', 'migration:run']);
    expect(obj(services.migrate).restart).toBe('no');
    const apis = Object.keys(services).filter((n) => /^api-\d+$/.test(n));
    expect(apis).toHaveLength(2);
    for (const name of apis) expect(obj(services[name]).command).toEqual(API_COMMAND);
    expect(obj(services.worker).command).toEqual(WORKER_COMMAND);
    expect(env('worker').ROLE).toBe('worker');
    expect(String(obj(services.proxy).image)).toMatch(/^caddy:2/);
  });

  it('uses only variables the app defines, with values the app accepts', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual([
      'api-1',
      'api-2',
      'migrate',
      'worker',
    ]);
    for (const [name, service] of appServices) {
      const vars = obj(obj(service).environment);
      const unknown = Object.keys(vars).filter(
        (v) => !APP_VARIABLES.has(v) && !RUNTIME_VARIABLES.has(v),
      );
      expect({ name, unknown }).toEqual({ name, unknown: [] });
      const values = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)]));
      expect(() => new AppConfig(values)).not.toThrow();
    }
  });

  it('restarts on liveness (container healthcheck), and runs migrations before the app', () => {
    for (const name of ['api-1', 'api-2', 'worker']) {
      const service = obj(services[name]);
      expect(obj(service.healthcheck).test).toEqual([
        'CMD',
        'node',
        'scripts/healthcheck.js',
        LIVE,
      ]);
      expect(obj(obj(service.depends_on).migrate).condition).toBe('service_completed_successfully');
      expect(service.restart).toBe('unless-stopped');
    }
  });

  it('bounds the heap below the container memory limit', () => {
    for (const name of ['api-1', 'api-2', 'worker']) {
      const heap = heapLimitMiB(env(name).NODE_OPTIONS);
      const limit = mebibytes(String(obj(services[name]).mem_limit));
      expect(heap).toBeLessThanOrEqual(limit * 0.8);
    }
  });

  it('routes through Caddy on readiness, to the port the API listens on', () => {
    const caddyfile = read('deploy/caddy/Caddyfile');
    const volume = list(obj(services.proxy).volumes).map(String);
    expect(volume.some((v) => v.startsWith('./deploy/caddy/Caddyfile:'))).toBe(true);
    expect(caddyfile).toMatch(new RegExp(`health_uri ${READY}\\b`));
    const upstreams = /reverse_proxy ([^{]+)\{/.exec(caddyfile)![1].trim().split(/\s+/);
    const port = env('api-1').PORT;
    expect(upstreams).toEqual(
      Object.keys(services)
        .filter((n) => /^api-\d+$/.test(n))
        .map((n) => `${n}:${port}`),
    );
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('is multi-stage on node:20-slim, prunes dev dependencies and runs as non-root', () => {
    expect(dockerfile.match(/^FROM node:20-slim AS \w+/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/nest build/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('health-checks liveness and starts the API with a heap limit', () => {
    expect(dockerfile).toMatch(new RegExp(`HEALTHCHECK[^\\n]*\\n[^\\n]*"${LIVE}"`));
    expect(dockerfile).toContain(`CMD ${JSON.stringify(API_COMMAND).replace(/,/g, ', ')}`);
    expect(heapLimitMiB(/NODE_OPTIONS=(\S+)/.exec(dockerfile)?.[1])).toBe(384);
  });
});

describe('deploy/k8s', () => {
  const dir = join(ROOT, 'deploy/k8s');
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      loadAll(readFileSync(join(dir, f), 'utf8')).map((d) => ({ file: f, doc: obj(d) })),
    );
  const find = (kind: string, name: string) => {
    const found = docs.find((d) => d.doc.kind === kind && obj(d.doc.metadata).name === name);
    if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
    return found.doc;
  };
  const container = (deployment: Obj) =>
    list(obj(obj(obj(deployment.spec).template).spec).containers)[0];
  const envOf = (c: Obj) => new Map(list(c.env).map((e) => [String(e.name), e.value]));
  const configMap = obj(find('ConfigMap', 'voucher-platform-config').data);
  const api = find('Deployment', 'voucher-platform-api');
  const worker = find('Deployment', 'voucher-platform-worker');

  it('lists every manifest in the kustomization', () => {
    const kustomization = obj(load(read('deploy/k8s/kustomization.yaml')));
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...(kustomization.resources as string[])].sort()).toEqual(files.sort());
  });

  it('uses only variables the app defines, with values the app accepts', () => {
    const names = [
      ...Object.keys(configMap),
      ...docs
        .filter((d) => d.doc.kind === 'Deployment' || d.doc.kind === 'Job')
        .flatMap((d) => list(container(d.doc).env))
        .map((e) => String(e.name)),
    ];
    expect(names).toContain('DATABASE_URL');
    expect(names.filter((n) => !APP_VARIABLES.has(n) && !RUNTIME_VARIABLES.has(n))).toEqual([]);
    const values = Object.fromEntries(Object.entries(configMap).map(([k, v]) => [k, String(v)]));
    expect(() => new AppConfig(values)).not.toThrow();
  });

  it('probes: startup and liveness on /health/live (generous), readiness on /health/ready', () => {
    for (const deployment of [api, worker]) {
      const c = container(deployment);
      const port = list(c.ports)[0];
      expect(String(port.containerPort)).toBe(configMap.PORT);
      const probe = (name: string) => obj(c[name]);
      const path = (name: string) => obj(probe(name).httpGet).path;
      expect(path('startupProbe')).toBe(LIVE);
      expect(path('livenessProbe')).toBe(LIVE);
      expect(path('readinessProbe')).toBe(READY);
      for (const name of ['startupProbe', 'livenessProbe', 'readinessProbe'])
        expect(obj(probe(name).httpGet).port).toBe(port.name);
      // Liveness must outlast any overload readiness reacts to: ≥ 5 s per probe, ≥ 30 s in all.
      const liveness = probe('livenessProbe');
      expect(Number(liveness.timeoutSeconds)).toBeGreaterThanOrEqual(5);
      expect(
        Number(liveness.periodSeconds) * Number(liveness.failureThreshold),
      ).toBeGreaterThanOrEqual(30);
      expect(Number(configMap.READY_MAX_EVENT_LOOP_DELAY_MS)).toBeLessThan(
        Number(liveness.timeoutSeconds) * 1000,
      );
    }
  });

  it('runs the worker with its own command and role', () => {
    const c = container(worker);
    expect(c.command).toEqual(WORKER_COMMAND);
    expect(envOf(c).get('ROLE')).toBe('worker');
    expect(container(api).command).toEqual(API_COMMAND);
    expect(envOf(container(api)).get('ROLE')).toBe('api');
  });

  it('sets memory requests = limits and a heap limit that fits inside them', () => {
    for (const deployment of [api, worker]) {
      const c = container(deployment);
      const resources = obj(c.resources);
      const limit = mebibytes(String(obj(resources.limits).memory));
      expect(String(obj(resources.requests).memory)).toBe(String(obj(resources.limits).memory));
      expect(heapLimitMiB(envOf(c).get('NODE_OPTIONS'))).toBeLessThanOrEqual(limit * 0.8);
    }
  });

  it('finishes shutdown inside the termination grace period', () => {
    const grace = Number(obj(obj(obj(api.spec).template).spec).terminationGracePeriodSeconds);
    const drain = Number(configMap.SHUTDOWN_DRAIN_DELAY_MS);
    const timeout = Number(configMap.SHUTDOWN_TIMEOUT_MS);
    expect(drain + timeout).toBeLessThan(grace * 1000);
  });

  it('selects the API pods from the Service and the PodDisruptionBudget', () => {
    const podLabels = (deployment: Obj) => obj(obj(obj(deployment.spec).template).metadata).labels;
    const service = find('Service', 'voucher-platform-api');
    const selects = (selector: unknown, deployment: Obj) => {
      expect(Object.keys(obj(selector)).length).toBeGreaterThan(0);
      expect(podLabels(deployment)).toMatchObject(obj(selector));
    };
    selects(obj(service.spec).selector, api);
    selects(obj(obj(api.spec).selector).matchLabels, api);
    selects(obj(obj(worker.spec).selector).matchLabels, worker);
    selects(
      obj(obj(find('PodDisruptionBudget', 'voucher-platform-api').spec).selector).matchLabels,
      api,
    );
    selects(
      obj(obj(find('PodDisruptionBudget', 'voucher-platform-worker').spec).selector).matchLabels,
      worker,
    );
    expect(list(obj(service.spec).ports)[0].targetPort).toBe(list(container(api).ports)[0].name);
    // The worker's pods must not be selected by the API's Service.
    expect(podLabels(worker)).not.toMatchObject(obj(obj(service.spec).selector));
  });

  it('autoscales on the exported event-loop and in-flight metrics, scaling up fast', () => {
    const hpa = find('HorizontalPodAutoscaler', 'voucher-platform-api');
    const spec = obj(hpa.spec);
    expect(obj(spec.scaleTargetRef).name).toBe('voucher-platform-api');
    const metrics = list(spec.metrics);
    expect(metrics.every((m) => m.type === 'Pods')).toBe(true);
    const names = metrics.map((m) => obj(obj(m.pods).metric).name);
    expect(names.sort()).toEqual([...AUTOSCALING_METRICS].sort());
    const scaleUp = obj(obj(spec.behavior).scaleUp);
    expect(scaleUp.stabilizationWindowSeconds).toBe(0);
    expect(list(scaleUp.policies).every((p) => Number(p.periodSeconds) <= 15)).toBe(true);
    // Scraped from the same port and path the app serves.
    const annotations = obj(obj(obj(obj(api.spec).template).metadata).annotations);
    expect(annotations['prometheus.io/path']).toBe('/metrics');
    expect(annotations['prometheus.io/port']).toBe(configMap.PORT);
    // The adapter serves exactly these metric names.
    const rules = obj(
      load(String(obj(find('ConfigMap', 'voucher-platform-adapter-rules').data)['config.yaml'])),
    );
    expect(
      list(rules.rules)
        .map((r) => obj(r.name).as)
        .sort(),
    ).toEqual([...AUTOSCALING_METRICS].sort());
  });
});
