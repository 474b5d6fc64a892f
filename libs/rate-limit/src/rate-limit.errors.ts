import { AppError, Errors } from '@app/core';

/** 429 in the contract's shape, naming the limit that was hit. */
export function tooManyRequests(
  limitName: string,
  retryAfterS: number,
  headers: Record<string, string>,
): AppError {
  return new AppError({
    status: 429,
    key: 'too_many_requests',
    message: 'Too many requests hit the API too quickly.',
    details: `Rate limit "${limitName}" exceeded; retry after ${retryAfterS} s`,
    extra: { limit: limitName, retry_after: retryAfterS },
    headers: { ...headers, 'Retry-After': String(retryAfterS) },
  });
}

/** 503 while shedding load: the server, not the caller, is the problem. */
export function overloaded(routeClass: string, retryAfterS: number): AppError {
  const error = Errors.serviceUnavailable(
    `The server is shedding ${routeClass} requests under load; retry after ${retryAfterS} s`,
    retryAfterS,
  );
  return new AppError({
    status: error.status,
    key: error.key,
    message: error.message,
    details: error.details,
    extra: { limit: 'overload', retry_after: retryAfterS },
    headers: error.headers,
  });
}

export const RateLimitErrors = {
  invalidPlan: (plan: string, allowed: string[]) =>
    Errors.invalidPayload(`Unknown plan "${plan}"; use one of ${allowed.join(', ')}`),
  invalidNumber: (field: string) =>
    Errors.invalidPayload(`Property .${field} must be a positive integer`),
  projectNotFound: (projectId: string) => Errors.notFound('project', projectId),
};

/**
 * A 429 / 503 decided in `onRequest` from memory (block cache, shedding). Not an Error: the hot
 * path of a flood must not pay for stack traces; the body is the same contract shape.
 */
export class EarlyRejection {
  /** The body around the request id, rendered once: a flood sends the same rejection often. */
  private readonly bodyHead: string;
  private readonly bodyTail: string;

  constructor(
    readonly status: 429 | 503,
    readonly limitName: string,
    readonly retryAfterS: number,
    readonly headers: Record<string, string>,
    readonly details: string,
  ) {
    const [key, message] =
      status === 429
        ? ['too_many_requests', 'Too many requests hit the API too quickly.']
        : ['service_unavailable', 'Service unavailable'];
    const marker = '\u0000request_id\u0000';
    const whole = JSON.stringify({
      code: status,
      key,
      message,
      details,
      request_id: marker,
      limit: limitName,
      retry_after: retryAfterS,
    });
    const at = whole.indexOf(JSON.stringify(marker));
    this.bodyHead = whole.slice(0, at);
    this.bodyTail = whole.slice(at + JSON.stringify(marker).length);
  }

  body(requestId: string): string {
    return this.bodyHead + JSON.stringify(requestId) + this.bodyTail;
  }
}
