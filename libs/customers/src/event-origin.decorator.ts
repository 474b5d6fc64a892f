import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { eventSourceOf, EventOrigin } from '@app/queue';
import { authOf } from '@app/tenancy';

/** The caller's event source and request id, for the events a route records. */
export const Origin = createParamDecorator((_: unknown, ctx: ExecutionContext): EventOrigin => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const auth = authOf(request);
  if (!auth) throw new Error('Origin() used on a route without authentication');
  return { source: eventSourceOf(auth), groupId: String(request.id) };
});
