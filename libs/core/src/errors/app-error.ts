/**
 * A failure the API reports to its caller in the contract's error shape:
 * `{code, key, message, details, request_id, resource_id?, resource_type?, error?}`.
 * Modules define their own errors in `<module>.errors.ts` as factories returning AppError.
 */
export interface AppErrorOptions {
  status: number;
  key: string;
  message: string;
  details?: string;
  resourceId?: string;
  resourceType?: string;
  /** The contract's optional `error: {message}` (custom / rule messages). */
  errorMessage?: string;
  /** Extra top-level fields (e.g. which rate limit was hit). */
  extra?: Record<string, unknown>;
  /** Response headers to add (e.g. Retry-After, Allow). */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly status: number;
  readonly key: string;
  readonly details?: string;
  readonly resourceId?: string;
  readonly resourceType?: string;
  readonly errorMessage?: string;
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(opts: AppErrorOptions) {
    super(opts.message);
    this.name = 'AppError';
    this.status = opts.status;
    this.key = opts.key;
    this.details = opts.details;
    this.resourceId = opts.resourceId;
    this.resourceType = opts.resourceType;
    this.errorMessage = opts.errorMessage;
    this.extra = opts.extra;
    this.headers = opts.headers;
  }

  toBody(requestId: string): Record<string, unknown> {
    const body: Record<string, unknown> = {
      code: this.status,
      key: this.key,
      message: this.message,
      details: this.details ?? this.message,
      request_id: requestId,
    };
    if (this.resourceId !== undefined) body.resource_id = this.resourceId;
    if (this.resourceType !== undefined) body.resource_type = this.resourceType;
    if (this.errorMessage !== undefined) body.error = { message: this.errorMessage };
    if (this.extra) Object.assign(body, this.extra);
    return body;
  }
}

/** Errors shared by every module. Domain-specific ones live beside their module. */
export const Errors = {
  notFound: (resourceType: string, id: string) =>
    new AppError({
      status: 404,
      key: 'not_found',
      message: 'Resource not found',
      details: `Cannot find ${resourceType} with id ${id}`,
      resourceId: id,
      resourceType,
    }),
  routeNotFound: (method: string, url: string) =>
    new AppError({
      status: 404,
      key: 'not_found',
      message: 'Resource not found',
      details: `Route ${method} ${url} does not exist`,
    }),
  methodNotAllowed: (method: string, allowed: string[]) =>
    new AppError({
      status: 405,
      key: 'method_not_allowed',
      message: 'Method not allowed',
      details: `${method} is not allowed here; allowed: ${allowed.join(', ')}`,
      headers: { Allow: allowed.join(', ') },
    }),
  invalidPayload: (details: string) =>
    new AppError({ status: 400, key: 'invalid_payload', message: 'Invalid payload', details }),
  invalidQueryParams: (details: string) =>
    new AppError({
      status: 400,
      key: 'invalid_query_params',
      message: 'Invalid query params',
      details,
    }),
  invalidJson: (details: string) =>
    new AppError({
      status: 400,
      key: 'invalid_payload',
      message: 'Invalid payload',
      details: `Malformed JSON body: ${details}`,
    }),
  payloadTooLarge: (limit: number) =>
    new AppError({
      status: 413,
      key: 'payload_too_large',
      message: 'Payload too large',
      details: `Request body exceeds ${limit} bytes`,
    }),
  unsupportedMediaType: (type: string) =>
    new AppError({
      status: 415,
      key: 'unsupported_media_type',
      message: 'Unsupported media type',
      details: `Content-Type ${type} is not supported; send application/json`,
    }),
  unauthorized: (details = 'Unauthorized') =>
    new AppError({ status: 401, key: 'unauthorized', message: 'Unauthorized', details }),
  forbidden: (details: string) =>
    new AppError({ status: 403, key: 'forbidden', message: 'Forbidden', details }),
  duplicateFound: (resourceType: string, details: string, resourceId?: string) =>
    new AppError({
      status: 409,
      key: 'duplicate_found',
      message: 'Duplicated resource found',
      details,
      resourceType,
      resourceId,
    }),
  pageOverLimit: (max: number) =>
    new AppError({
      status: 400,
      key: 'page_over_limit',
      message: `Listing resource above ${max} page is not supported`,
      details: `Property .page cannot be higher than ${max}`,
    }),
  serviceUnavailable: (details: string, retryAfterSeconds = 1) =>
    new AppError({
      status: 503,
      key: 'service_unavailable',
      message: 'Service unavailable',
      details,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  internal: () =>
    new AppError({
      status: 500,
      key: 'internal_error',
      message: 'Internal server error',
      details: 'An unexpected error occurred; quote the request_id when reporting it',
    }),
};
