import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { routeUrl } from '@app/core';
import { authOf } from '@app/tenancy';
import { defaultClassFor, RouteClass } from './policy';
import { RATE_LIMIT_META, RouteLimit } from './rate-limit.decorator';
import { LIVENESS_ROUTE, RateLimitService } from './rate-limit.service';

/**
 * Global guard registered right after the AuthGuard, so every Nest route passes through it:
 * shedding by the route's exact class, then the per-project limits for authenticated callers,
 * or the per-IP budget for public routes the early hook did not already charge.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly routeLimits = new WeakMap<object, { cls: RouteClass; cost: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly service: RateLimitService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const route = routeUrl(request) ?? request.url;
    if (route === LIVENESS_ROUTE) return true;
    this.service.markHandled(request);
    const { cls, cost } = this.limitOf(context, request.method);
    this.service.rememberRouteClass(request.method, route, cls);
    this.service.shedOrThrow(route, cls);
    const auth = authOf(request);
    if (!auth) {
      if (this.service.enabled && !this.service.ipCharged(request)) {
        const error = await this.service.chargeIp(request, http.getResponse<FastifyReply>());
        if (error) throw error;
      }
      return true;
    }
    await this.service.admit(request, http.getResponse<FastifyReply>(), auth, cls, cost);
    return true;
  }

  private limitOf(context: ExecutionContext, method: string): { cls: RouteClass; cost: number } {
    const handler = context.getHandler();
    const known = this.routeLimits.get(handler);
    if (known) return known;
    const meta = this.reflector.getAllAndOverride<RouteLimit | undefined>(RATE_LIMIT_META, [
      handler,
      context.getClass(),
    ]);
    const limit = {
      cls: meta?.class ?? defaultClassFor(method),
      cost: Math.max(1, meta?.cost ?? 1),
    };
    this.routeLimits.set(handler, limit);
    return limit;
  }
}
