import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The matched route's template, null for an unknown route; set by the first onRequest hook. */
    matchedRoute: string | null | undefined;
  }
}

/**
 * The route template of a request (`/v1/vouchers/:code`), undefined for an unknown route.
 * Fastify builds a fresh `routeOptions` object on every access, and the limiter, the metrics and
 * the audit context all ask on every request: it is read once (configureHttpApp) and kept.
 */
export function routeUrl(request: FastifyRequest): string | undefined {
  const cached = request.matchedRoute;
  if (cached !== undefined) return cached ?? undefined;
  return request.routeOptions?.url;
}
