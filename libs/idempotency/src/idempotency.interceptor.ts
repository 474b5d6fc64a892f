import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { authOf } from '@app/tenancy';
import { IdempotencyErrors } from './idempotency.errors';
import { IdempotencyService } from './idempotency.service';
import { isValidIdempotencyKey, requestHash } from './request-hash';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * Honours an `Idempotency-Key` header on the route it decorates: the first response (success
 * or 4xx error) is stored for 24 h per project and key and replayed to any repeat.
 * Without the header the route runs as usual.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const raw = request.headers[IDEMPOTENCY_HEADER];
    const key = Array.isArray(raw) ? raw[0] : raw;
    const auth = authOf(request);
    if (key === undefined || !auth) return next.handle();
    if (!isValidIdempotencyKey(key)) throw IdempotencyErrors.invalidKey();
    const run = async () => {
      const outcome = await this.idempotency.run(
        {
          projectId: auth.projectId,
          key,
          hash: requestHash(request.method, request.url, request.body),
          requestId: String(request.id),
        },
        () => lastValueFrom(next.handle(), { defaultValue: undefined }),
      );
      return outcome.kind === 'fresh' ? outcome.value : outcome.body;
    };
    return from(run());
  }
}

/** Marks a route as accepting `Idempotency-Key` (redeem, rollback, publication). */
export const Idempotent = () => UseInterceptors(IdempotencyInterceptor);
