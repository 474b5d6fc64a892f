/**
 * Which errors mean "the database is unreachable or refusing work right now" (answer 503 with
 * Retry-After, the client may retry) as opposed to a bug or a bad request (500 / 4xx).
 */

/** Socket-level failures from `net`/`dns` while connecting to or talking with Postgres. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs meaning the server cannot take the work: class 08 (connection exception),
 * 53300 too_many_connections, 57P01-03 admin/crash shutdown and cannot_connect_now,
 * 57014 query_canceled (our statement_timeout fired: the database is overloaded).
 */
const UNAVAILABLE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03', '57014']);

/** Messages of node-postgres / pg-pool / TypeORM that carry no code. */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'connection terminated',
  'query read timeout',
  'driver not connected',
  'client has encountered a connection error and is not queryable',
  'cannot use a pool after calling end on the pool',
  'connection is not established',
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

function matches(error: ErrorLike): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && (NETWORK_CODES.has(code) || code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code)))
    return true;
  const message = typeof error.message === 'string' ? error.message.toLowerCase() : '';
  return UNAVAILABLE_MESSAGES.some((m) => message.includes(m));
}

/** True when `error` (or the driver error / cause it wraps) says the database is unavailable. */
export function isDatabaseUnavailableError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const e = current as ErrorLike;
    if (matches(e)) return true;
    current = e.driverError ?? e.cause;
  }
  return false;
}
