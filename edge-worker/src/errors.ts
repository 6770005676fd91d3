// Error types of the worker and their one mapping to HTTP (see http/app.ts onError).
import type { FieldError } from '../../shared/schemas/api.ts';

/** Public error codes and the HTTP status each maps to. */
export const ERROR_STATUS = {
  validation_failed: 422,
  bad_request: 400,
  payload_too_large: 413,
  unauthorized: 401,
  /** The session token expired: refresh it (POST /v1/session/refresh) and try again. */
  session_expired: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  requirements_not_met: 409,
  /** The Zendesk account is not connected (yet, or any more): an admin presses Connect. */
  not_connected: 409,
  /** Zendesk refused to refresh the OAuth token: an admin presses Reconnect. */
  reconnect_needed: 409,
  upstream_unavailable: 503,
  // Issue 12b: a rate limit (test SMS); the answer carries Retry-After.
  rate_limited: 429,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** An expected failure with a public code and message; anything else is a 500. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[] | undefined;
  constructor(code: ErrorCode, message: string, fields?: FieldError[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }
  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
}

/** Too many requests: answered 429 with `Retry-After: retryAfterSeconds` (http/app.ts). */
export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', message);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const invalid = (fields: FieldError[]) =>
  new AppError('validation_failed', fields.map((f) => `${f.field}: ${f.reason}`).join('; '), fields);

/** A non-2xx answer (or no answer) from an external API: Zendesk or Telnyx. */
export class UpstreamError extends Error {
  readonly service: 'zendesk' | 'telnyx';
  /** HTTP status, or 0 when no response arrived (connection refused, reset, timeout). */
  readonly status: number;
  readonly body: string;
  readonly retryAfterSeconds: number | null;
  constructor(service: 'zendesk' | 'telnyx', status: number, body: string, retryAfterSeconds: number | null = null) {
    super(`${service} answered ${status || 'nothing'}`);
    this.name = 'UpstreamError';
    this.service = service;
    this.status = status;
    this.body = body;
    this.retryAfterSeconds = retryAfterSeconds;
  }
  /** 429, 5xx and no response are worth retrying later; 4xx are not. */
  get isTransient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
