// I/O: the few Zendesk REST API calls the worker makes, with OAuth bearer auth, one refresh on
// 401 when a refresh token is known, and typed errors (429 carries Retry-After for the caller).
// API tokens are being retired (FACTS.md), so only OAuth bearer tokens are supported.
import type { ZendeskOAuthCredentials } from '../../../shared/schemas/settings.ts';
import { UpstreamError } from '../errors.ts';

export interface ZendeskClientOptions {
  /** e.g. https://acme.zendesk.com (no trailing slash). */
  baseUrl: string;
  credentials: ZendeskOAuthCredentials;
  /** Called with rotated credentials after a refresh, to persist them. */
  onRefreshed?: (creds: ZendeskOAuthCredentials) => Promise<void>;
  /**
   * Reads the stored credentials again. Zendesk rotates refresh tokens, so when another request
   * refreshed first, our refresh token is spent: the stored credentials are the fresh ones.
   */
  reloadCredentials?: () => Promise<ZendeskOAuthCredentials | null>;
  /** Milliseconds before a request is abandoned. */
  timeoutMs?: number;
  now?: () => number;
}

export interface ZendeskUser {
  id: number;
  name: string;
  email?: string | null;
  phone?: string | null;
  role: 'admin' | 'agent' | 'end-user';
  custom_role_id?: number | null;
  role_type?: number | null;
  time_zone?: string | null;
  iana_time_zone?: string | null;
  user_fields?: Record<string, unknown> | null;
}
export interface ZendeskGroup { id: number; name: string }
export interface ZendeskTicketField { id: number; title: string; type: string; active?: boolean; custom_field_options?: Array<{ name: string; value: string }> }
export interface ZendeskTicket {
  id: number;
  subject?: string | null;
  status: string;
  priority?: string | null;
  type?: string | null;
  tags?: string[];
  via?: { channel?: string } | null;
  group_id?: number | null;
  assignee_id?: number | null;
  requester_id?: number | null;
  brand_id?: number | null;
  custom_fields?: Array<{ id: number; value: unknown }>;
  updated_at?: string;
}
export interface ZendeskComment {
  id: number;
  author_id: number;
  body?: string;
  html_body?: string;
  plain_body?: string;
  public: boolean;
  created_at: string;
}

export type ZendeskClient = ReturnType<typeof createZendeskClient>;

export function createZendeskClient(opts: ZendeskClientOptions) {
  let creds = opts.credentials;
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  // Single flight: concurrent 401s of this client share one refresh (a second refresh with the
  // same, now rotated, refresh token would fail).
  let refreshing: Promise<boolean> | null = null;
  function refresh(): Promise<boolean> {
    refreshing ??= refreshOnce().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function refreshOnce(): Promise<boolean> {
    const spent = creds.accessToken;
    if (await exchangeRefreshToken()) return true;
    const stored = await opts.reloadCredentials?.();
    if (stored && stored.accessToken !== spent) {
      creds = stored;
      return true;
    }
    return false;
  }

  async function exchangeRefreshToken(): Promise<boolean> {
    if (!creds.refreshToken || !creds.clientId) return false;
    // https://developer.zendesk.com/api-reference/ticketing/oauth/oauth_tokens/ (refresh_token grant)
    const res = await send('POST', '/oauth/tokens', {
      grant_type: 'refresh_token',
      refresh_token: creds.refreshToken,
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
    }, false);
    if (!res.ok) return false;
    const body = (await res.json()) as { access_token: string; refresh_token?: string; expires_in?: number };
    creds = {
      ...creds,
      accessToken: body.access_token,
      refreshToken: body.refresh_token ?? creds.refreshToken,
      expiresAt: body.expires_in ? new Date(now() + body.expires_in * 1000).toISOString() : null,
    };
    await opts.onRefreshed?.(creds);
    return true;
  }

  async function send(method: string, path: string, body: unknown, withAuth = true): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (withAuth) headers.authorization = `Bearer ${creds.accessToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${opts.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // No response: connection refused, reset or timeout. Safe to retry for reads.
      throw new UpstreamError('zendesk', 0, err instanceof Error ? err.message : String(err));
    }
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const expired = creds.expiresAt !== null && Date.parse(creds.expiresAt) - 60_000 < now();
    if (expired) await refresh();
    const used = creds.accessToken;
    let res = await send(method, path, body);
    // Another call of this client may have refreshed meanwhile: then just use the new token.
    if (res.status === 401 && (creds.accessToken !== used || (await refresh()))) res = await send(method, path, body);
    if (!res.ok) {
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new UpstreamError('zendesk', res.status, await res.text(), Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
    }
    return (await res.json()) as T;
  }

  return {
    getMe: () => call<{ user: ZendeskUser }>('GET', '/api/v2/users/me.json').then((r) => r.user),
    getUser: (id: string) => call<{ user: ZendeskUser }>('GET', `/api/v2/users/${encodeURIComponent(id)}.json`).then((r) => r.user),
    listCustomRoles: () =>
      call<{ custom_roles: Array<{ id: number; name: string }> }>('GET', '/api/v2/custom_roles.json').then((r) => r.custom_roles),
    listGroups: () => call<{ groups: ZendeskGroup[] }>('GET', '/api/v2/groups.json').then((r) => r.groups),
    listTicketFields: () =>
      call<{ ticket_fields: ZendeskTicketField[] }>('GET', '/api/v2/ticket_fields.json').then((r) => r.ticket_fields),
    /** One call: the ticket with its users and groups sideloaded. */
    getTicket: (id: string) =>
      call<{ ticket: ZendeskTicket; users?: ZendeskUser[]; groups?: ZendeskGroup[] }>(
        'GET',
        `/api/v2/tickets/${encodeURIComponent(id)}.json?include=users,groups`,
      ),
    /** Comments with their authors sideloaded (authors are not always among the ticket's users). */
    listComments: (ticketId: string) =>
      call<{ comments: ZendeskComment[]; users?: ZendeskUser[] }>(
        'GET',
        `/api/v2/tickets/${encodeURIComponent(ticketId)}/comments.json?include=users`,
      ),
    addInternalNote: (ticketId: string, body: string) =>
      call<unknown>('PUT', `/api/v2/tickets/${encodeURIComponent(ticketId)}.json`, {
        ticket: { comment: { body, public: false } },
      }),
    createWebhook: (webhook: Record<string, unknown>) =>
      call<{ webhook: { id: string } }>('POST', '/api/v2/webhooks', { webhook }).then((r) => r.webhook),
    readWebhookSigningSecret: (id: string) =>
      call<{ signing_secret: { secret: string } }>('GET', `/api/v2/webhooks/${encodeURIComponent(id)}/signing_secret`).then(
        (r) => r.signing_secret.secret,
      ),
    createTrigger: (trigger: Record<string, unknown>) =>
      call<{ trigger: { id: number } }>('POST', '/api/v2/triggers', { trigger }).then((r) => r.trigger),
  };
}
