// A stand-in for the worker as the app's pages reach it: a `fetch` for same-origin relative URLs
// ("/v1/rules"), answering from a route table, faithful where the app depends on it:
// - every /v1 call needs `Authorization: Bearer <session token>`: no or an unknown token answers
//   401 `unauthorized`, a token made stale by `expireSession()` 401 `session_expired`;
// - POST /v1/session/refresh with `{ refreshToken }` (no bearer) answers a new SessionGrant with
//   new tokens (the old bearer token stays valid until it expires, as a JWT would), or 401
//   after `refuseRefresh()`;
// - answers are real `Response`s (204 without a body); unknown routes answer 404.
// Every request is recorded for assertions.
import type { SessionGrant } from '../../../shared/schemas/api.ts';
import type { HttpMethod } from '../zaf/types.ts';

export interface FakeWorkerRequest {
  method: HttpMethod;
  /** The URL as the app passed it: "/v1/tickets/42/sends?explain=1". */
  url: string;
  /** Path without the query string: "/v1/rules". */
  path: string;
  query: string;
  body: unknown;
  headers: Record<string, string>;
  /** The bearer token sent, if any. */
  token: string | null;
  /** Date.now() when the request was made. */
  at: number;
}

export interface FakeWorkerResponse {
  status: number;
  body?: unknown;
}

export type FakeWorkerHandler = (request: FakeWorkerRequest) => FakeWorkerResponse | Promise<FakeWorkerResponse>;

/** Reason phrases of the statuses the fakes answer with (one table for the worker and ZAF fakes). */
export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const MINUTE = 60_000;

/** A grant as the worker puts it into a page: a 15-minute session, refreshable for 12 hours. */
export function testGrant(overrides: Partial<SessionGrant> = {}): SessionGrant {
  const now = Date.now();
  return {
    token: 'tok_1',
    expiresAt: new Date(now + 15 * MINUTE).toISOString(),
    refreshToken: 'ref_1',
    refreshExpiresAt: new Date(now + 12 * 60 * MINUTE).toISOString(),
    location: 'nav_bar',
    ...overrides,
  };
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => {
    out[key.toLowerCase()] = value;
  });
  return out;
}

export class FakeWorker {
  readonly requests: FakeWorkerRequest[] = [];
  readonly grant: SessionGrant;
  private readonly routes: Array<{ method: HttpMethod; path: string | RegExp; handler: FakeWorkerHandler }> = [];
  private readonly valid = new Set<string>();
  private readonly stale = new Set<string>();
  private readonly refreshTokens = new Set<string>();
  private refreshRefusal: string | null = null;
  private issued = 1;

  constructor(grant: SessionGrant) {
    this.grant = grant;
    this.valid.add(grant.token);
    this.refreshTokens.add(grant.refreshToken);
    this.route('POST', '/v1/session/refresh', (r) => this.answerRefresh(r));
  }

  /** Answers `method path` (exact path, or a RegExp on the path) from now on; later routes win. */
  route(method: HttpMethod, path: string | RegExp, handler: FakeWorkerHandler | FakeWorkerResponse): this {
    const fn: FakeWorkerHandler = typeof handler === 'function' ? handler : () => handler;
    this.routes.unshift({ method, path, handler: fn });
    return this;
  }

  requestsTo(method: HttpMethod, path: string | RegExp): FakeWorkerRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  /** Every bearer token issued so far is now expired (401 session_expired). */
  expireSession(): void {
    for (const token of this.valid) this.stale.add(token);
    this.valid.clear();
  }

  /** From now on the refresh token is refused (401 with `code`). */
  refuseRefresh(code = 'refresh_expired'): void {
    this.refreshRefusal = code;
  }

  /** The latest bearer token issued. */
  get currentToken(): string {
    return this.issued === 1 ? this.grant.token : `tok_${this.issued}`;
  }

  readonly fetch = async (input: string, init?: RequestInit): Promise<Response> => {
    const url = new URL(input, 'https://worker.test');
    if (input.startsWith('http') || input.startsWith('//')) throw new TypeError(`The app must call the worker same-origin: ${input}`);
    const headers = headersOf(init);
    const auth = headers.authorization ?? '';
    const raw = typeof init?.body === 'string' ? init.body : undefined;
    let body: unknown;
    if (raw !== undefined) {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        body = raw;
      }
    }
    const request: FakeWorkerRequest = {
      method: (init?.method ?? 'GET').toUpperCase() as HttpMethod,
      url: input,
      path: url.pathname,
      query: url.search,
      body,
      headers,
      token: auth.startsWith('Bearer ') ? auth.slice(7) : null,
      at: Date.now(),
    };
    this.requests.push(request);
    const response = await this.answer(request);
    const status = response.status;
    const text = response.body === undefined || status === 204 ? null : JSON.stringify(response.body);
    return new Response(text, {
      status,
      statusText: STATUS_TEXT[status] ?? '',
      headers: text === null ? {} : { 'content-type': 'application/json' },
    });
  };

  private async answer(request: FakeWorkerRequest): Promise<FakeWorkerResponse> {
    if (request.path !== '/v1/session/refresh') {
      if (request.token === null || (!this.valid.has(request.token) && !this.stale.has(request.token))) {
        return { status: 401, body: { error: { code: 'unauthorized', message: 'No valid session' } } };
      }
      if (this.stale.has(request.token)) {
        return { status: 401, body: { error: { code: 'session_expired', message: 'The session has expired' } } };
      }
    }
    const route = this.routes.find(
      (r) => r.method === request.method && (typeof r.path === 'string' ? r.path === request.path : r.path.test(request.path)),
    );
    if (!route)
      return { status: 404, body: { error: { code: 'not_found', message: `No fake route for ${request.method} ${request.path}` } } };
    return route.handler(request);
  }

  private answerRefresh(request: FakeWorkerRequest): FakeWorkerResponse {
    const token = (request.body as { refreshToken?: unknown } | undefined)?.refreshToken;
    if (this.refreshRefusal !== null || typeof token !== 'string' || !this.refreshTokens.has(token)) {
      return { status: 401, body: { error: { code: this.refreshRefusal ?? 'unauthorized', message: 'The refresh token was refused' } } };
    }
    this.issued += 1;
    const grant = testGrant({
      token: `tok_${this.issued}`,
      refreshToken: `ref_${this.issued}`,
      location: this.grant.location,
      refreshExpiresAt: this.grant.refreshExpiresAt,
    });
    this.valid.add(grant.token);
    this.refreshTokens.add(grant.refreshToken);
    return { status: 200, body: grant };
  }
}

export function createFakeWorker(grant: Partial<SessionGrant> = {}): FakeWorker {
  return new FakeWorker(testGrant(grant));
}

/** Puts the grant into document.head as the worker does (or removes it with `null`). */
export function putSessionMeta(grant: SessionGrant | string | null): void {
  for (const meta of document.head.querySelectorAll('meta[name="pisms-session"]')) meta.remove();
  if (grant === null) return;
  const meta = document.createElement('meta');
  meta.name = 'pisms-session';
  meta.content = typeof grant === 'string' ? grant : JSON.stringify(grant);
  document.head.append(meta);
}
