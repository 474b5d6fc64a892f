import { HttpException } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppError, Errors } from './app-error';

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const GENERIC_KEYS: Record<number, [string, string]> = {
  400: ['invalid_payload', 'Invalid payload'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not_found', 'Resource not found'],
  405: ['method_not_allowed', 'Method not allowed'],
  406: ['not_acceptable', 'Not acceptable'],
  408: ['request_timeout', 'Request timeout'],
  409: ['duplicate_found', 'Duplicated resource found'],
  413: ['payload_too_large', 'Payload too large'],
  415: ['unsupported_media_type', 'Unsupported media type'],
  422: ['unprocessable_entity', 'Unprocessable entity'],
  429: ['too_many_requests', 'Too many requests hit the API too quickly.'],
  503: ['service_unavailable', 'Service unavailable'],
};

function allowedMethods(fastify: FastifyInstance | undefined, url: string): string[] {
  if (!fastify) return [];
  const path = url.split('?')[0];
  return HTTP_METHODS.filter(
    (method) =>
      fastify.hasRoute?.({ method, url: path }) || fastify.findRoute?.({ method, url: path }),
  );
}

/**
 * The one translation from anything thrown to the contract's error body.
 * Used by the Nest exception filter and by Fastify's own error handler (errors raised
 * before Nest's pipeline: body parsing, content type, size limits).
 */
export function toAppError(
  error: unknown,
  request: FastifyRequest,
  fastify?: FastifyInstance,
): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) {
      const allowed = allowedMethods(fastify, request.url).filter((m) => m !== request.method);
      return allowed.length
        ? Errors.methodNotAllowed(request.method, allowed)
        : Errors.routeNotFound(request.method, request.url.split('?')[0]);
    }
    const [key, message] = GENERIC_KEYS[status] ?? ['error', error.message];
    const response = error.getResponse();
    const details =
      typeof response === 'object' && response !== null && 'message' in response
        ? [response.message].flat().join('; ')
        : error.message;
    return new AppError({ status, key, message, details });
  }
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return Errors.payloadTooLarge(request.routeOptions?.bodyLimit ?? 0);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return Errors.unsupportedMediaType(String(request.headers['content-type'] ?? 'none'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return Errors.invalidJson('body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return Errors.invalidJson(fastifyError.message ?? 'unparseable');
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return Errors.invalidJson(error.message);
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const [key, message] = GENERIC_KEYS[status] ?? ['bad_request', 'Bad request'];
    return new AppError({ status, key, message, details: fastifyError.message ?? message });
  }
  return Errors.internal();
}

export function sendError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
  fastify?: FastifyInstance,
): void {
  const appError = toAppError(error, request, fastify);
  if (appError.status >= 500 && !(error instanceof AppError)) {
    logger.error(
      { err: error, reqId: request.id, method: request.method, url: request.url },
      'unhandled error',
    );
  }
  if (appError.headers) reply.headers(appError.headers);
  void reply
    .code(appError.status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(appError.toBody(String(request.id)));
}
