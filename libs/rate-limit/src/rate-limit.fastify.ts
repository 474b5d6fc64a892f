import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { rootLogger, routeUrl, sendError } from '@app/core';
import { EarlyRejection } from './rate-limit.errors';
import { RateLimitService } from './rate-limit.service';

/**
 * Installs the early limiter (onRequest) and the per-response bookkeeping (onResponse) on the
 * raw Fastify instance, before Nest registers its routes, so they also cover unknown routes,
 * the docs and anything else served outside Nest's pipeline.
 */
export function installRateLimitHooks(fastify: FastifyInstance, app: INestApplication): void {
  let service: RateLimitService;
  try {
    service = app.get(RateLimitService, { strict: false });
  } catch {
    return; // An app without the RateLimitModule (e.g. the CLI) has nothing to install.
  }
  const logger = rootLogger();
  const metrics = service.metrics;

  fastify.addHook('onRequest', (request, reply, done) => {
    const early = service.early(request, reply);
    if (early === null) return done();
    if (early instanceof EarlyRejection) {
      const send = () =>
        void reply
          .code(early.status)
          .headers(early.headers)
          .header('content-type', 'application/json; charset=utf-8')
          .send(early.body(String(request.id)));
      const hold = service.holdFor(request);
      if (hold > 0) setTimeout(send, hold);
      else send();
      return;
    }
    early.then(
      (error) => (error ? sendError(error, request, reply, logger) : done()),
      (error: unknown) => {
        // The limiter itself failing must never fail the request: let it through.
        logger.warn(
          { err: (error as Error).message },
          'rate limiter: early check failed; admitting',
        );
        done();
      },
    );
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(
      request.method,
      routeUrl(request) ?? '<unmatched>',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  // A request no layer decided on (failed authentication, a route outside Nest) is charged to
  // its IP before its response leaves, so the caller's next request already sees the block.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const charge = service.chargeUndecided(request, reply);
    if (!charge) return done(null, payload);
    charge.then(
      () => done(null, payload),
      (error: unknown) => {
        logger.warn(
          { err: (error as Error).message },
          'rate limiter: charging an unlimited request failed',
        );
        done(null, payload);
      },
    );
  });
}
