// One typed error for every failed call to the worker (fetch) or to Zendesk through the ZAF
// client. Pure: maps a failed HTTP answer, or what `client.request()` rejects with (a jqXHR-like
// object), to `WorkerApiError` with the worker's `{ error: { code, message, fields } }`.
import { ApiError, type FieldError } from '../../../shared/schemas/api.ts';

export class WorkerApiError extends Error {
  /** HTTP status; 0 when no response arrived (network, proxy, timeout). */
  readonly status: number;
  /** Stable snake_case code from the worker, or one derived from the status. */
  readonly code: string;
  readonly fields: FieldError[];

  constructor(status: number, error: ApiError['error']) {
    super(error.message);
    this.name = 'WorkerApiError';
    this.status = status;
    this.code = error.code;
    this.fields = error.fields ?? [];
  }
}

function codeForStatus(status: number): string {
  if (status === 0) return 'network_error';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 422) return 'validation_failed';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'http_error';
}

function parseBody(failure: Record<string, unknown>): unknown {
  if (failure.responseJSON !== undefined) return failure.responseJSON;
  const text = failure.responseText;
  if (typeof text === 'string' && text.trim() !== '') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A non-2xx answer of the worker (status, status text, raw body) as a WorkerApiError. */
export function errorFromResponse(status: number, statusText: string, responseText: string): WorkerApiError {
  return toWorkerApiError({ status, statusText, responseText });
}

/** Turns anything `client.request()` or `fetch` rejected with into a WorkerApiError. */
export function toWorkerApiError(reason: unknown): WorkerApiError {
  if (reason instanceof WorkerApiError) return reason;
  if (typeof reason === 'object' && reason !== null && 'status' in reason) {
    const failure = reason as Record<string, unknown>;
    const status = typeof failure.status === 'number' ? failure.status : 0;
    const parsed = ApiError.safeParse(parseBody(failure));
    if (parsed.success) return new WorkerApiError(status, parsed.data.error);
    const statusText = typeof failure.statusText === 'string' && failure.statusText !== '' ? failure.statusText : '';
    return new WorkerApiError(status, {
      code: codeForStatus(status),
      message: statusText || `Request failed with status ${status}`,
    });
  }
  const message = reason instanceof Error ? reason.message : 'Request failed';
  return new WorkerApiError(0, { code: 'network_error', message });
}
