import { HttpException } from '@nestjs/common';

export interface ErrorResponse {
  status: number;
  body: { detail: unknown };
  headers: Record<string, string>;
}

interface StatusError {
  statusCode?: unknown;
  message?: unknown;
  code?: unknown;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request body is too large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

function detailOf(response: string | object, status: number): unknown {
  if (typeof response === 'string') return response;
  const r = response as { detail?: unknown; message?: unknown };
  if (r.detail !== undefined) return r.detail;
  if (typeof r.message === 'string' || Array.isArray(r.message)) return r.message;
  return REASONS[status] ?? 'Error';
}

/** An HTTP error that carries response headers (Retry-After on a 429, for instance). */
export class HeaderedHttpException extends HttpException {
  constructor(
    detail: string,
    status: number,
    readonly headers: Record<string, string>,
  ) {
    super(detail, status);
  }
}

/**
 * The one shape of every error body: `{ "detail": … }`. Client errors keep their message;
 * anything unexpected becomes a plain 500 whose body never carries a stack or internal message.
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  const headers: Record<string, string> = {};
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 401) headers['www-authenticate'] = 'Bearer';
    if (error instanceof HeaderedHttpException) Object.assign(headers, error.headers);
    return { status, body: { detail: detailOf(error.getResponse(), status) }, headers };
  }
  if (isConnectionError(error)) {
    // A database that went away after start-up: the client may retry, so 503, not 500.
    return { status: 503, body: { detail: 'Database unavailable' }, headers: { 'retry-after': '5' } };
  }
  // Errors raised by the HTTP server itself (bad JSON, body too large, wrong content type).
  const e = (error ?? {}) as StatusError;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const message = typeof e.message === 'string' ? e.message : (REASONS[e.statusCode] ?? 'Bad Request');
    return { status: e.statusCode, body: { detail: message }, headers };
  }
  return { status: 500, body: { detail: 'Internal Server Error' }, headers };
}

/** Network failures of a database driver (mysql2, raw or wrapped by TypeORM's QueryFailedError). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'POOL_CLOSED',
]);

export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; driverError?: { code?: unknown }; fatal?: unknown };
  const code = e.driverError?.code ?? e.code;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}
