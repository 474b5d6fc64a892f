import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RouteClass } from './policy';

const MAX_HTTP_CHILDREN = 5_000;

export type DecisionOutcome =
  | 'allowed'
  | 'limited'
  | 'blocked_early'
  /** An early 429 held before sending, because other projects were being served. */
  | 'blocked_held'
  | 'shed'
  | 'concurrency_limited'
  | 'fallback_allowed'
  | 'fallback_limited';

/**
 * Prometheus metrics of this process, in a registry per application instance (several apps may
 * share a test process). Labels are bounded: route templates (not paths), status codes, route
 * classes and outcomes; never a project, key, IP or voucher code.
 */
@Injectable()
export class RateLimitMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'rate_limit_decisions_total',
    help: 'Limiter decisions by route class (or ip / code_guessing) and outcome',
    labelNames: ['class', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly inflight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'Authenticated requests in flight in this process by route class',
    labelNames: ['class'] as const,
    registers: [this.registry],
  });
  readonly eventLoopUtilization = new Gauge({
    name: 'nodejs_eventloop_utilization_ratio',
    help: 'Event-loop utilisation over the last shedding sample (0..1)',
    registers: [this.registry],
  });
  readonly eventLoopDelay = new Gauge({
    name: 'nodejs_eventloop_delay_p99_seconds',
    help: 'p99 event-loop delay over the last shedding sample',
    registers: [this.registry],
  });
  readonly shedLevel = new Gauge({
    name: 'load_shed_level',
    help: '0 = nothing shed; 1 bulk; 2 + read; 3 + write; 4 + critical',
    registers: [this.registry],
  });
  readonly redisLatency = new Histogram({
    name: 'rate_limit_redis_duration_seconds',
    help: 'Latency of one limiter call to Redis (a batch of decisions), by result',
    labelNames: ['result'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly redisBatchSize = new Histogram({
    name: 'rate_limit_redis_batch_decisions',
    help: 'Limiter decisions coalesced into one Redis call (one observation per successful call)',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  readonly breakerOpen = new Gauge({
    name: 'rate_limit_breaker_open',
    help: '1 while the Redis circuit breaker is open or half-open (local fallback in use)',
    registers: [this.registry],
  });

  /** Bound label children, so the per-request path does not hash label objects (bounded below). */
  private readonly httpChildren = new Map<
    string,
    { count: { inc: () => void }; duration: { observe: (v: number) => void } }
  >();
  /** Class → outcome → child: bounded by the classes and outcomes above. */
  private readonly decisionChildren = new Map<string, Map<DecisionOutcome, { inc: () => void }>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
  }

  decision(cls: RouteClass | 'ip' | 'code_guessing' | 'unmatched', outcome: DecisionOutcome): void {
    let byOutcome = this.decisionChildren.get(cls);
    if (!byOutcome) {
      byOutcome = new Map();
      this.decisionChildren.set(cls, byOutcome);
    }
    let child = byOutcome.get(outcome);
    if (!child) {
      child = this.decisions.labels({ class: cls, outcome });
      byOutcome.set(outcome, child);
    }
    child.inc();
  }

  /** `route` is the template (bounded by the app's routes); status codes are bounded too. */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      const labels = { method, route, status: String(status) };
      child = {
        count: this.httpRequests.labels(labels),
        duration: this.httpDuration.labels({
          method,
          route,
          status_class: `${Math.floor(status / 100)}xx`,
        }),
      };
      if (this.httpChildren.size < MAX_HTTP_CHILDREN) this.httpChildren.set(key, child);
    }
    child.count.inc();
    child.duration.observe(seconds);
  }
}
