// The worker session of one app page. The worker serves each location's page after verifying
// Zendesk's signed load, and puts a SessionGrant in `<meta name="pisms-session" content="{json}">`:
// a short-lived bearer token for /v1 calls and a refresh token for POST /v1/session/refresh.
// This module reads the grant, refreshes it about two minutes before it expires (one refresh in
// flight at a time) and when a call says `session_expired`, and reports when the session has
// ended (the refresh token was refused or has lapsed): only a fresh signed load of the app, i.e.
// a reload, gives a new one. No React here; SessionProvider (session-provider.tsx) wraps it.
import { SessionGrant } from '../../../shared/schemas/api.ts';
import { WorkerApiError, errorFromResponse } from '../api/errors.ts';

export const SESSION_META_NAME = 'pisms-session';
export const REFRESH_PATH = '/v1/session/refresh';

/** Refresh this long before the bearer token expires. */
export const REFRESH_LEAD_MS = 2 * 60_000;
/** Never schedule refreshes closer together than this (guards against a skewed clock). */
const MIN_REFRESH_DELAY_MS = 30_000;
/** After a refresh failed for a passing reason (network, 5xx), try again this much later. */
const REFRESH_RETRY_MS = 30_000;
/** setTimeout's upper bound. */
const MAX_TIMER_MS = 2_147_483_647;

export type SessionLocation = SessionGrant['location'];
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type GrantReading = { ok: true; grant: SessionGrant } | { ok: false; reason: 'missing' | 'invalid' };

/** The grant the worker put into the page, parsed with the shared schema. */
export function readSessionGrant(doc: Document = document): GrantReading {
  const meta = doc.querySelector(`meta[name="${SESSION_META_NAME}"]`);
  const content = meta?.getAttribute('content');
  if (!content) return { ok: false, reason: 'missing' };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const parsed = SessionGrant.safeParse(json);
  return parsed.success ? { ok: true, grant: parsed.data } : { ok: false, reason: 'invalid' };
}

export type SessionEvent = { type: 'refreshed'; grant: SessionGrant } | { type: 'ended'; reason: string };

export interface SessionOptions {
  grant: SessionGrant;
  /** Injected in tests; default globalThis.fetch. */
  fetch?: FetchLike;
  now?: () => number;
  /** Default REFRESH_LEAD_MS. */
  refreshLeadMs?: number;
}

export class Session {
  readonly fetch: FetchLike;
  readonly location: SessionLocation;
  private current: SessionGrant;
  private readonly now: () => number;
  private readonly refreshLeadMs: number;
  private refreshing: Promise<SessionGrant> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private endedReason: string | null = null;
  private readonly listeners = new Set<(event: SessionEvent) => void>();

  constructor(options: SessionOptions) {
    this.current = options.grant;
    this.location = options.grant.location;
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = options.now ?? Date.now;
    this.refreshLeadMs = options.refreshLeadMs ?? REFRESH_LEAD_MS;
  }

  get grant(): SessionGrant {
    return this.current;
  }

  /** The bearer token for /v1 calls. */
  get token(): string {
    return this.current.token;
  }

  get hasEnded(): boolean {
    return this.endedReason !== null;
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the proactive refresh timer. */
  start(): void {
    this.started = true;
    this.schedule();
  }

  /** Stops the timer (unmount); a refresh in flight still completes. */
  stop(): void {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * A new grant from POST /v1/session/refresh; concurrent callers share one request. Rejects with
   * a WorkerApiError `session_ended` (and ends the session) when the worker refuses the refresh
   * token (401) or it has lapsed; with the failure itself when it was passing (network, 5xx).
   */
  refresh(): Promise<SessionGrant> {
    if (this.endedReason !== null) return Promise.reject(this.endedError());
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Ends the session: no more refreshes; listeners hear `ended` once. */
  end(reason: string): void {
    if (this.endedReason !== null) return;
    this.endedReason = reason;
    this.stop();
    for (const listener of [...this.listeners]) listener({ type: 'ended', reason });
  }

  endedError(): WorkerApiError {
    return new WorkerApiError(401, { code: 'session_ended', message: 'Your session has ended. Reload the app to continue.' });
  }

  private async doRefresh(): Promise<SessionGrant> {
    if (this.now() >= Date.parse(this.current.refreshExpiresAt)) {
      this.end('refresh_expired');
      throw this.endedError();
    }
    let response: Response;
    try {
      response = await this.fetch(REFRESH_PATH, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refreshToken: this.current.refreshToken }),
      });
    } catch (reason) {
      this.retrySoon();
      throw new WorkerApiError(0, { code: 'network_error', message: reason instanceof Error ? reason.message : 'Request failed' });
    }
    const text = await response.text();
    // 401: the refresh token is refused or lapsed; 403: Zendesk says this user may no longer use
    // the app (suspended, deleted, demoted). Either way no new session will come from it.
    if (response.status === 401 || response.status === 403) {
      const error = errorFromResponse(response.status, response.statusText, text);
      this.end(error.code);
      throw this.endedError();
    }
    if (!response.ok) {
      this.retrySoon();
      throw errorFromResponse(response.status, response.statusText, text);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = SessionGrant.safeParse(json);
    if (!parsed.success) {
      this.retrySoon();
      throw new WorkerApiError(response.status, {
        code: 'invalid_response',
        message: `Unexpected answer from the worker for POST ${REFRESH_PATH}`,
      });
    }
    this.current = parsed.data;
    this.schedule();
    for (const listener of [...this.listeners]) listener({ type: 'refreshed', grant: parsed.data });
    return parsed.data;
  }

  private schedule(delayMs?: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.started || this.endedReason !== null) return;
    const due = Date.parse(this.current.expiresAt) - this.refreshLeadMs - this.now();
    const delay = Math.min(MAX_TIMER_MS, delayMs ?? Math.max(due, MIN_REFRESH_DELAY_MS));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh().catch(() => {
        // Ended (listeners were told) or passing (retrySoon scheduled the next try).
      });
    }, delay);
  }

  private retrySoon(): void {
    if (this.started) this.schedule(REFRESH_RETRY_MS);
  }
}
