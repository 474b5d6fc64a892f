import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { finalize, Observable } from 'rxjs';
import { routeUrl } from '@app/core';
import { AuthenticatedRequest } from '@app/tenancy';
import { AuditContext, runWithAuditContext } from './audit-context';

/**
 * Runs every authenticated handler inside an AuditContext (after the guards, so the key is
 * known): the audit subscriber and AuditService.record read who and which route from it.
 */
@Injectable()
export class AuditContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & FastifyRequest>();
    const actor = request.management
      ? { actorType: 'management_key' as const, actorId: request.management.keyId }
      : request.auth
        ? { actorType: 'api_key' as const, actorId: request.auth.keyId }
        : undefined;
    if (!actor) return next.handle();
    const audit: AuditContext = {
      ...actor,
      projectId: request.auth?.projectId ?? null,
      route: `${request.method} ${routeUrl(request) ?? request.url.split('?')[0]}`,
      requestId: String(request.id),
      params: stringParams(request.params),
      closed: false,
    };
    return new Observable((subscriber) =>
      runWithAuditContext(audit, () =>
        next
          .handle()
          .pipe(finalize(() => (audit.closed = true)))
          .subscribe(subscriber),
      ),
    );
  }
}

function stringParams(params: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (params && typeof params === 'object')
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string') out[k] = v;
  return out;
}
