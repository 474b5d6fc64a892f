import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, AppError, routeUrl } from '@app/core';
import type { AuthContext } from '@app/tenancy';
import { BlockCache, BlockEntry } from './block-cache';
import type { Decision } from './decision';
import { limitHeaders, retryAfterSeconds } from './headers';
import { InflightCounter } from './inflight';
import { LimitedProjects } from './limited-projects';
import { OverloadMonitor } from './overload.monitor';
import {
  defaultBurst,
  defaultClassFor,
  LimitSpec,
  ProjectPolicy,
  projectSpecs,
  rateSpec,
  RouteClass,
} from './policy';
import { RateLimitPolicyService } from './rate-limit-policy.service';
import { EarlyRejection, overloaded, tooManyRequests } from './rate-limit.errors';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RateLimiter } from './rate-limiter';
import { RecentTenants } from './recent-tenants';

/** Never limited or shed: the kubelet must always get an answer from a running process. */
export const LIVENESS_ROUTE = '/health/live';
/**
 * Never shed, still limited per IP: shedding is when Prometheus (and the autoscaler reading it)
 * most needs a sample, and one scrape costs less than the request it would displace.
 */
export const METRICS_ROUTE = '/metrics';
const ROUTE_MEMO_MAX = 5_000;
/** Distinct (class, cost) pairs per policy: bounded by the routes' declarations anyway. */
const SPEC_MEMO_MAX = 64;
const IP_CHARGED = Symbol('rate-limit:ip-charged');
const HANDLED = Symbol('rate-limit:handled');
const HOLD = Symbol('rate-limit:hold');
/** How recently another project must have been served for a blocked key's 429s to be held. */
const OTHERS_ACTIVE_WINDOW_MS = 1_000;

/**
 * Marks set on a request: its IP budget was charged; some limiter layer already decided on it;
 * how long its early 429 is held.
 */
type LimitedRequest = FastifyRequest & {
  [IP_CHARGED]?: boolean;
  [HANDLED]?: boolean;
  [HOLD]?: number;
};

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The layers of overload protection, shared by the early `onRequest` hook and the guard:
 * shedding, per-IP limits for anonymous traffic, the per-project limiter with its early block
 * cache, and the per-project in-flight cap. See docs/rate-limiting.md.
 */
@Injectable()
export class RateLimitService {
  readonly blocks: BlockCache;
  readonly inflight: InflightCounter;
  /** Recent rejections per project: read by the management status route only. */
  readonly limitedProjects: LimitedProjects;
  /** Route template → class, learned by the guard so the early hook sheds by class (bounded by routes). */
  private readonly routeClasses = new Map<string, RouteClass>();
  /**
   * The limit specs of a cached policy object by class and cost, so an admitted request does not
   * rebuild them (and headers.ts can reuse what it derived from them). Weak: an entry goes with
   * its policy when the policy cache drops or refreshes it.
   */
  private readonly specMemo = new WeakMap<
    ProjectPolicy,
    { projectId: string; specs: Map<string, readonly LimitSpec[]> }
  >();
  readonly enabled: boolean;
  private readonly ipPerMinute: number;
  private readonly clientIpLimit: number;
  private readonly clientIpWindowS: number;
  private readonly blockedHoldMs: number;
  /** Who was admitted lately: a blocked key's 429s are held only while others are served. */
  private readonly recentTenants = new RecentTenants(OTHERS_ACTIVE_WINDOW_MS);

  constructor(
    config: AppConfig,
    readonly limiter: RateLimiter,
    readonly policies: RateLimitPolicyService,
    readonly monitor: OverloadMonitor,
    readonly metrics: RateLimitMetrics,
  ) {
    const e = config.env;
    this.enabled = e.RATE_LIMIT_ENABLED;
    this.blocks = new BlockCache(e.RATE_LIMIT_BLOCK_CACHE_MAX);
    this.limitedProjects = new LimitedProjects(e.RATE_LIMIT_BLOCK_CACHE_MAX);
    this.inflight = new InflightCounter(
      e.RATE_LIMIT_INFLIGHT_MAX_PROJECTS,
      e.RATE_LIMIT_CRITICAL_RESERVE_PCT,
    );
    this.ipPerMinute = e.RATE_LIMIT_IP_PER_MINUTE;
    this.clientIpLimit = e.RATE_LIMIT_CLIENT_IP_LIMIT;
    this.clientIpWindowS = e.RATE_LIMIT_CLIENT_IP_WINDOW_S;
    this.blockedHoldMs = e.RATE_LIMIT_BLOCKED_HOLD_MS;
  }

  rememberRouteClass(method: string, route: string, cls: RouteClass): void {
    const key = `${method} ${route}`;
    if (!this.routeClasses.has(key) && this.routeClasses.size < ROUTE_MEMO_MAX)
      this.routeClasses.set(key, cls);
  }

  /** The route class the early hook assumes (the guard's exact class once it has seen the route). */
  classOf(method: string, route: string): RouteClass {
    return this.routeClasses.get(`${method} ${route}`) ?? defaultClassFor(method);
  }

  /**
   * Layer 1, in `onRequest` (before body parsing, authentication and Nest): answers from memory
   * what is already decided, and charges the per-IP budget of anonymous traffic and unknown routes.
   * Returns null to continue, a rejection to send, or a promise of an error (or null).
   */
  early(
    request: FastifyRequest,
    reply: FastifyReply,
  ): EarlyRejection | null | Promise<AppError | null> {
    const result = this.earlyDecision(request, reply);
    if (result instanceof EarlyRejection) this.markHandled(request);
    return result;
  }

  private earlyDecision(
    request: FastifyRequest,
    reply: FastifyReply,
  ): EarlyRejection | null | Promise<AppError | null> {
    const route = routeUrl(request);
    if (route === LIVENESS_ROUTE) return null;
    const cls = route ? this.classOf(request.method, route) : 'bulk';
    if (this.sheds(route, cls)) {
      this.metrics.decision(route ? cls : 'unmatched', 'shed');
      const retry = this.monitor.retryAfterS;
      return new EarlyRejection(
        503,
        'overload',
        retry,
        { 'Retry-After': String(retry) },
        `The server is shedding ${cls} requests under load; retry after ${retry} s`,
      );
    }
    if (!this.enabled) return null;
    const now = Date.now();
    const ipBlock = this.blocks.find(`ip:${request.ip}`, null, now);
    if (ipBlock)
      return this.blockedError(
        ipBlock.until,
        ipBlock.limitName,
        ipBlock.limit,
        ipBlock.windowS,
        'ip',
        now,
        ipBlock,
      );
    const serverAppId = header(request, 'x-app-id');
    const clientAppId = serverAppId ? undefined : header(request, 'x-client-application-id');
    const appId = serverAppId ?? clientAppId;
    if (appId) {
      const block =
        this.blocks.find(`app:${appId}`, cls, now) ??
        (clientAppId ? this.blocks.find(`cip:${clientAppId}:${request.ip}`, null, now) : undefined);
      if (block?.projectId) {
        this.limitedProjects.record(block.projectId, 'blocked_early', now);
        // A closed-loop flood sends its next request as soon as it has the 429: holding the 429
        // while other projects are served caps the flood at one request per connection per hold,
        // so it cannot fill the event loop they share. Alone, a blocked key is answered at once.
        if (this.blockedHoldMs > 0 && this.recentTenants.othersActive(block.projectId, now)) {
          (request as LimitedRequest)[HOLD] = this.blockedHoldMs;
          this.metrics.decision(cls, 'blocked_held');
        }
      }
      if (block)
        return this.blockedError(
          block.until,
          block.limitName,
          block.limit,
          block.windowS,
          cls,
          now,
          block,
        );
    }
    if (!route || !appId) return this.chargeIp(request, reply, route ? cls : 'unmatched');
    return null;
  }

  private blockedError(
    until: number,
    limitName: string,
    limit: number,
    windowS: number,
    cls: RouteClass | 'ip',
    now: number,
    entry?: BlockEntry,
  ): EarlyRejection {
    this.metrics.decision(cls, 'blocked_early');
    const retry = retryAfterSeconds(until - now);
    const retryAt = Math.ceil(now / 1000) + retry;
    // Everything in the rejection changes at most once a second: a flood of one blocked key
    // reuses it instead of rendering six headers and a body per request.
    const memo = entry?.rendered;
    if (memo && memo.retryAt === retryAt && memo.rejection.retryAfterS === retry)
      return memo.rejection;
    const rejection = new EarlyRejection(
      429,
      limitName,
      retry,
      {
        'Retry-After': String(retry),
        'X-Rate-Limit-Limit': String(limit),
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Retry': String(retryAt),
        'RateLimit-Policy': `"${limitName}";q=${limit};w=${windowS}`,
        RateLimit: `"${limitName}";r=0;t=${retry}`,
      },
      `Rate limit "${limitName}" exceeded; retry after ${retry} s`,
    );
    if (entry) entry.rendered = { retryAt, rejection };
    return rejection;
  }

  /** Charges the per-IP budget of unauthenticated, failed-auth and unknown-route requests. */
  async chargeIp(
    request: FastifyRequest,
    reply: FastifyReply | null,
    cls: RouteClass | 'unmatched' | 'ip' = 'ip',
  ): Promise<AppError | null> {
    (request as LimitedRequest)[IP_CHARGED] = true;
    (request as LimitedRequest)[HANDLED] = true;
    const ip = request.ip;
    const spec = rateSpec(
      'ip',
      `ip:${ip}`,
      this.ipPerMinute,
      60,
      defaultBurst(this.ipPerMinute),
      1,
    );
    const decision = await this.limiter.consume([spec]);
    const metricClass = cls === 'unmatched' ? 'unmatched' : 'ip';
    this.record(metricClass, decision);
    // Called from onRequest, the guard or onSend: in all three the headers are not sent yet.
    if (reply) reply.headers(limitHeaders(decision));
    if (decision.allowed) return null;
    this.blockAfterDenial(`ip:${ip}`, 'project', decision);
    return this.denial(decision);
  }

  ipCharged(request: FastifyRequest): boolean {
    return (request as LimitedRequest)[IP_CHARGED] === true;
  }

  /** How long to hold this request's early 429 before sending it (0: send at once). */
  holdFor(request: FastifyRequest): number {
    return (request as LimitedRequest)[HOLD] ?? 0;
  }

  markHandled(request: FastifyRequest): void {
    (request as LimitedRequest)[HANDLED] = true;
  }

  /**
   * Layer 2 and 3, in the guard after authentication: the project's in-flight cap, then one
   * limiter decision over the project total and the route class (and the client IP for
   * publishable keys). Throws the 429; sets the headers either way.
   */
  async admit(
    request: FastifyRequest,
    reply: FastifyReply,
    auth: AuthContext,
    cls: RouteClass,
    cost: number,
  ): Promise<void> {
    if (!this.enabled) return;
    const policy =
      this.policies.cached(auth.projectId) ?? (await this.policies.get(auth.projectId));
    if (!this.inflight.tryAcquire(auth.projectId, cls, policy.inflightMax)) {
      this.metrics.decision(cls, 'concurrency_limited');
      this.limitedProjects.record(auth.projectId, 'concurrency_limited');
      throw tooManyRequests('concurrency', 1, {});
    }
    let released = false;
    reply.raw.once('close', () => {
      if (released) return;
      released = true;
      this.inflight.release(auth.projectId, cls);
    });
    let specs = this.specsFor(auth.projectId, policy, cls, cost);
    if (auth.kind === 'client') {
      specs = [
        ...specs,
        rateSpec(
          'client_ip',
          `p:{${auth.projectId}}:cip:${request.ip}`,
          this.clientIpLimit,
          this.clientIpWindowS,
          this.clientIpLimit,
          1,
        ),
      ];
    }
    const decision = await this.limiter.consume(specs);
    this.record(cls, decision);
    reply.headers(limitHeaders(decision));
    if (decision.allowed) {
      if (this.blockedHoldMs > 0) this.recentTenants.admitted(auth.projectId, Date.now());
      return;
    }
    const denied = decision.deniedBy!;
    const now = Date.now();
    this.limitedProjects.record(auth.projectId, 'limited', now, {
      until: now + decision.retryAfterMs,
      limitName: denied.name,
    });
    if (denied.name === 'client_ip')
      this.blockAfterDenial(`cip:${auth.appId}:${request.ip}`, 'project', decision, auth.projectId);
    else
      this.blockAfterDenial(
        `app:${auth.appId}`,
        denied.name === 'project' ? 'project' : cls,
        decision,
        auth.projectId,
      );
    throw this.denial(decision);
  }

  private specsFor(
    projectId: string,
    policy: ProjectPolicy,
    cls: RouteClass,
    cost: number,
  ): readonly LimitSpec[] {
    let memo = this.specMemo.get(policy);
    if (!memo || memo.projectId !== projectId) {
      memo = { projectId, specs: new Map() };
      this.specMemo.set(policy, memo);
    }
    const key = cost === 1 ? cls : `${cls}:${cost}`;
    let specs = memo.specs.get(key);
    if (!specs) {
      specs = projectSpecs(projectId, policy, cls, cost);
      if (memo.specs.size < SPEC_MEMO_MAX) memo.specs.set(key, specs);
    }
    return specs;
  }

  /** Gauges read at scrape time rather than updated on every request. */
  refreshGauges(): void {
    for (const [cls, count] of Object.entries(this.inflight.byClass))
      this.metrics.inflight.set({ class: cls }, count);
    this.metrics.breakerOpen.set(this.limiter.breaker.current === 'closed' ? 0 : 1);
  }

  shedOrThrow(route: string, cls: RouteClass): void {
    if (this.sheds(route, cls)) {
      this.metrics.decision(cls, 'shed');
      throw overloaded(cls, this.monitor.retryAfterS);
    }
  }

  private sheds(route: string | undefined, cls: RouteClass): boolean {
    return route !== METRICS_ROUTE && this.monitor.shouldShed(cls);
  }

  private record(cls: RouteClass | 'ip' | 'unmatched', decision: Decision): void {
    const fallback = decision.source === 'fallback';
    this.metrics.decision(
      cls,
      decision.allowed
        ? fallback
          ? 'fallback_allowed'
          : 'allowed'
        : fallback
          ? 'fallback_limited'
          : 'limited',
    );
  }

  /**
   * Only what a limiter rejected goes into the block cache: Redis (shared), the embedded primary,
   * or, while Redis is away, this process's fallback share.
   */
  private blockAfterDenial(
    key: string,
    scope: string,
    decision: Decision,
    projectId?: string,
  ): void {
    if (!decision.deniedBy) return;
    this.blocks.block(key, {
      until: Date.now() + decision.retryAfterMs,
      scope,
      limitName: decision.deniedBy.name,
      limit: decision.deniedBy.limit,
      windowS: decision.deniedBy.windowS,
      projectId,
    });
  }

  private denial(decision: Decision): AppError {
    const headers = limitHeaders(decision);
    return tooManyRequests(
      decision.deniedBy?.name ?? 'project',
      retryAfterSeconds(decision.retryAfterMs),
      headers,
    );
  }

  /**
   * Before the response is sent: a request no layer decided on (failed authentication, a route served
   * outside Nest such as the docs) costs the caller's IP like an anonymous request, so nothing
   * reachable escapes a limit; the IP's block then stops the next one in `onRequest`.
   */
  chargeUndecided(request: FastifyRequest, reply: FastifyReply): Promise<unknown> | null {
    if (!this.enabled || (request as LimitedRequest)[HANDLED]) return null;
    if (routeUrl(request) === LIVENESS_ROUTE) return null;
    return this.chargeIp(request, reply);
  }
}
