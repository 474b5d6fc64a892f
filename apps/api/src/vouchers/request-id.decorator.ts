import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { eventSourceOf } from '@app/queue';
import { authOf } from '@app/tenancy';
import type { ChangeOrigin } from '@app/vouchers';

/** The request id (`v-…`), recorded on async actions the request starts. */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext): string =>
  String(ctx.switchToHttp().getRequest<FastifyRequest>().id),
);

/** Who makes this change (API key and request id), for the outbox events it records. */
export const Origin = createParamDecorator((_: unknown, ctx: ExecutionContext): ChangeOrigin => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const auth = authOf(request);
  if (!auth) throw new Error('Origin() used on a route without authentication');
  return { source: eventSourceOf(auth), requestId: String(request.id) };
});
