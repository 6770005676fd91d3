// I/O: the few Zendesk REST API calls the worker makes, with OAuth bearer auth, one refresh on
// 401 when a refresh token is known, and typed errors (429 carries Retry-After for the caller).
// API tokens are being retired (FACTS.md), so only OAuth bearer tokens are supported.
import type { ZendeskOAuthCredentials } from '../../../shared/schemas/settings.ts';
import { UpstreamError } from '../errors.ts';
import { log } from '../log.ts';

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
  /** The worker's global OAuth client, used to refresh tokens whose credentials name none. */
  oauthClient?: { clientId: string; clientSecret: string };
  /** Called when Zendesk refuses the refresh token (revoked, expired): the account must reconnect. */
  onRefreshRefused?: () => Promise<void>;
  /** Sent with every request: the marketplace headers (zendesk/marketplace-headers.ts). */
  headers?: Record<string, string>;
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
  /** Users API: false once the user is deleted. */
  active?: boolean;
  suspended?: boolean;
  /** Users API: "organization" | "groups" | "assigned" | "requested" | null (all tickets). */
  ticket_restriction?: string | null;
  organization_id?: number | null;
  /** Users API: the user's locale, a BCP-47 tag such as en-US or de (picks a rule's language). */
  locale?: string | null;
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
  organization_id?: number | null;
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

/** The answer of POST /oauth/tokens (authorization_code and refresh_token grants). */
export interface TokenGrant {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  refresh_token_expires_in?: number;
}

/** Token fields of stored credentials from a grant; expiries become ISO times. */
export function tokensFromGrant(
  grant: TokenGrant,
  nowMs: number,
): { accessToken: string; refreshToken: string | null; expiresAt: string | null; refreshExpiresAt: string | null } {
  const at = (seconds: number | undefined) => (seconds ? new Date(nowMs + seconds * 1000).toISOString() : null);
  return {
    accessToken: grant.access_token,
    refreshToken: grant.refresh_token ?? null,
    expiresAt: at(grant.expires_in),
    refreshExpiresAt: at(grant.refresh_token_expires_in),
  };
}

/** A webhook as the Webhooks API shows it (the fields the one-click setup reads). */
export interface ZendeskWebhook {
  id: string;
  name: string;
  status: string;
  endpoint: string;
  subscriptions?: string[];
}
export interface ZendeskTriggerCondition { field: string; operator: string; value?: unknown }
export interface ZendeskTrigger {
  id: number;
  title: string;
  active: boolean;
  conditions: { all?: ZendeskTriggerCondition[]; any?: ZendeskTriggerCondition[] };
  actions: Array<{ field: string; value: unknown }>;
}
/** GET /api/v2/triggers/definitions: the conditions (and their operators and values) an account offers. */
export interface ZendeskConditionDefinition {
  subject: string;
  title: string;
  operators?: Array<{ title: string; value: string; terminal?: boolean }>;
  values?: Array<{ title: string; value: string; enabled?: boolean }>;
}
export interface ZendeskTriggerDefinitions {
  conditions_all?: ZendeskConditionDefinition[];
  conditions_any?: ZendeskConditionDefinition[];
}

/** One membership of an agent in a group (GET /api/v2/users/{id}/group_memberships). */
export interface ZendeskGroupMembership { id: number; user_id: number; group_id: number }

interface CursorPage { links?: { next?: string | null } | null; meta?: { has_more?: boolean } | null }

/**
 * Upper bound on pages per list: 20 pages of 100 (2,000 groups, ticket fields, roles ...). Each
 * page is a Zendesk call (a subrequest of the invocation and a request against the account's rate
 * limit), so no list may grow the calls of one interaction without bound.
 */
export const MAX_LIST_PAGES = 20;
/** Comments: the newest 1,000 of a ticket feed the summary (10 pages, newest first). */
export const MAX_COMMENT_PAGES = 10;

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

  let refused = false;
  async function refreshOnce(): Promise<boolean> {
    const spent = creds.accessToken;
    refused = false;
    if (await exchangeRefreshToken()) return true;
    const stored = await opts.reloadCredentials?.();
    if (stored && stored.accessToken !== spent) {
      creds = stored;
      return true;
    }
    // Refused, and nobody else refreshed meanwhile: the account has to be connected again.
    if (refused) await opts.onRefreshRefused?.();
    return false;
  }

  async function exchangeRefreshToken(): Promise<boolean> {
    const client = creds.clientId ? { clientId: creds.clientId, clientSecret: creds.clientSecret } : opts.oauthClient;
    if (!creds.refreshToken || !client) return false;
    // https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/ (refresh_token grant).
    // Zendesk rotates: "a successful request will also return a refresh token and delete the
    // previous access and refresh tokens" (support.zendesk.com article 9182123625370).
    const res = await send('POST', '/oauth/tokens', {
      grant_type: 'refresh_token',
      refresh_token: creds.refreshToken,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }, false);
    if (!res.ok) {
      // 400 invalid_grant / 401 invalid_client: this token will never work again. 5xx / 429: try later.
      if (res.status === 400 || res.status === 401) refused = true;
      return false;
    }
    const grant = tokensFromGrant((await res.json()) as TokenGrant, now());
    creds = { ...creds, ...grant, refreshToken: grant.refreshToken ?? creds.refreshToken };
    await opts.onRefreshed?.(creds);
    return true;
  }

  async function send(method: string, path: string, body: unknown, withAuth = true): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers, accept: 'application/json' };
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

  async function call<T>(method: string, path: string, body?: unknown, parse = true): Promise<T> {
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
    if (!parse || res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  async function callNoContent(method: string, path: string): Promise<void> {
    await call<unknown>(method, path, undefined, false);
  }

  /** Zendesk's page links are absolute; keep only the path so requests stay on the configured base URL. */
  const relative = (link: string) => link.replace(/^https?:\/\/[^/]+(\/[^/]+)?(?=\/api\/v2\/)/, '');

  /**
   * Every page of a cursor-paginated list (page[size]=100, the documented maximum; links.next
   * while meta.has_more), at most `maxPages` of them: a bound on Zendesk calls (each is a
   * subrequest, and each counts against the account's rate limit). Stopping at the bound is
   * logged, never silent. https://developer.zendesk.com/api-reference/introduction/pagination/
   */
  async function eachCursorPage<B>(path: string, maxPages: number, onPage: (body: B) => void): Promise<void> {
    let next: string | null = `${path}${path.includes('?') ? '&' : '?'}page[size]=100`;
    for (let page = 0; next; page++) {
      if (page === maxPages) {
        log('warn', 'zendesk list truncated', { path: path.replace(/\d+/g, ':id'), pages: maxPages });
        return;
      }
      const body: B & CursorPage = await call<B & CursorPage>('GET', next);
      onPage(body);
      const link = body.meta?.has_more ? (body.links?.next ?? null) : null;
      next = link ? relative(link) : null;
    }
  }

  /** Follows cursor pagination and collects `key` of every page. */
  async function listAll<T, K extends string>(path: string, key: K, maxPages = MAX_LIST_PAGES): Promise<T[]> {
    const items: T[] = [];
    await eachCursorPage<Record<K, T[] | undefined>>(path, maxPages, (body) => items.push(...(body[key] ?? [])));
    return items;
  }

  /**
   * Follows offset pagination (`next_page`) for endpoints that document no cursor pagination
   * ("If no pagination method is specified, the endpoint only supports offset pagination",
   * https://developer.zendesk.com/api-reference/introduction/pagination/).
   */
  async function listAllOffset<T, K extends string>(path: string, key: K, maxPages = MAX_LIST_PAGES): Promise<T[]> {
    const items: T[] = [];
    let next: string | null = path;
    for (let page = 0; next; page++) {
      if (page === maxPages) {
        log('warn', 'zendesk list truncated', { path, pages: maxPages });
        break;
      }
      const body: Record<K, T[] | undefined> & { next_page?: string | null } = await call('GET', next);
      items.push(...(body[key] ?? []));
      next = body.next_page ? relative(body.next_page) : null;
    }
    return items;
  }

  return {
    /** Refreshes the tokens now (the token cron): refused = Zendesk will never take this refresh token again. */
    refreshNow: async (): Promise<'refreshed' | 'refused' | 'failed'> => {
      if (await refresh()) return 'refreshed';
      return refused ? 'refused' : 'failed';
    },
    getMe: () => call<{ user: ZendeskUser }>('GET', '/api/v2/users/me.json').then((r) => r.user),
    getUser: (id: string) => call<{ user: ZendeskUser }>('GET', `/api/v2/users/${encodeURIComponent(id)}.json`).then((r) => r.user),
    // Custom roles document no pagination method, i.e. offset pagination only:
    // https://developer.zendesk.com/api-reference/ticketing/account-configuration/custom_roles/
    listCustomRoles: () => listAllOffset<{ id: number; name: string }, 'custom_roles'>('/api/v2/custom_roles.json', 'custom_roles'),
    // Groups: cursor (recommended) or offset, at most 100 per page
    // (https://developer.zendesk.com/api-reference/ticketing/groups/groups/#list-groups).
    listGroups: () => listAll<ZendeskGroup, 'groups'>('/api/v2/groups.json', 'groups'),
    // Ticket fields: cursor pagination (recommended) or none (every field in one answer); cursor
    // pages hold at most 100 fields, in id order
    // (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_fields/#list-ticket-fields).
    listTicketFields: () => listAll<ZendeskTicketField, 'ticket_fields'>('/api/v2/ticket_fields.json', 'ticket_fields'),
    /** One call: the ticket with its users and groups sideloaded. */
    getTicket: (id: string) =>
      call<{ ticket: ZendeskTicket; users?: ZendeskUser[]; groups?: ZendeskGroup[] }>(
        'GET',
        `/api/v2/tickets/${encodeURIComponent(id)}.json?include=users,groups`,
      ),
    /**
     * The ticket's comments, oldest first, with the users each page sideloads (authors are not
     * always among the ticket's users). Cursor pages of at most 100, read newest first
     * (`sort=-created_at`) so that a very long ticket keeps its latest MAX_COMMENT_PAGES pages;
     * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments
     */
    listComments: async (ticketId: string): Promise<{ comments: ZendeskComment[]; users: ZendeskUser[] }> => {
      const newestFirst: ZendeskComment[] = [];
      const users = new Map<number, ZendeskUser>();
      await eachCursorPage<{ comments?: ZendeskComment[]; users?: ZendeskUser[] }>(
        `/api/v2/tickets/${encodeURIComponent(ticketId)}/comments.json?include=users&sort=-created_at`,
        MAX_COMMENT_PAGES,
        (page) => {
          newestFirst.push(...(page.comments ?? []));
          for (const user of page.users ?? []) users.set(user.id, user);
        },
      );
      return { comments: newestFirst.reverse(), users: [...users.values()] };
    },
    /**
     * Adds a comment, optionally as another user and with a status change, in one update:
     * https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#update-ticket
     * (`comment.author_id` writes it as that user, e.g. the requester; `public: false` makes an
     * internal note; `status: 'open'` reopens a pending or solved ticket, a closed one refuses).
     */
    addTicketComment: (ticketId: string, c: { body: string; isPublic: boolean; authorId?: number; status?: 'open' }) =>
      call<unknown>('PUT', `/api/v2/tickets/${encodeURIComponent(ticketId)}.json`, {
        ticket: {
          comment: { body: c.body, public: c.isPublic, ...(c.authorId !== undefined ? { author_id: c.authorId } : {}) },
          ...(c.status ? { status: c.status } : {}),
        },
      }),
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
      call<{ trigger: ZendeskTrigger }>('POST', '/api/v2/triggers', { trigger }).then((r) => r.trigger),
    // Webhooks: show, and list filtered by name with cursor pages (no .json):
    // https://developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/
    getWebhook: (id: string) =>
      call<{ webhook: ZendeskWebhook }>('GET', `/api/v2/webhooks/${encodeURIComponent(id)}`).then((r) => r.webhook),
    listWebhooksNamed: (nameContains: string) =>
      listAll<ZendeskWebhook, 'webhooks'>(`/api/v2/webhooks?filter[name_contains]=${encodeURIComponent(nameContains)}`, 'webhooks'),
    // Ticket triggers: list (cursor pages, 100 at most), show, update (PUT replaces conditions and
    // actions together), definitions of the conditions an account offers:
    // https://developer.zendesk.com/api-reference/ticketing/business-rules/triggers/
    listTriggers: () => listAll<ZendeskTrigger, 'triggers'>('/api/v2/triggers.json', 'triggers'),
    getTrigger: (id: string) => call<{ trigger: ZendeskTrigger }>('GET', `/api/v2/triggers/${encodeURIComponent(id)}.json`).then((r) => r.trigger),
    updateTrigger: (id: string, trigger: Record<string, unknown>) =>
      call<{ trigger: ZendeskTrigger }>('PUT', `/api/v2/triggers/${encodeURIComponent(id)}.json`, { trigger }).then((r) => r.trigger),
    getTriggerDefinitions: () =>
      call<{ definitions: ZendeskTriggerDefinitions }>('GET', '/api/v2/triggers/definitions.json').then((r) => r.definitions),
    // https://developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/ (DELETE, no .json)
    deleteWebhook: (id: string) => callNoContent('DELETE', `/api/v2/webhooks/${encodeURIComponent(id)}`),
    // https://developer.zendesk.com/api-reference/ticketing/business-rules/triggers/
    deleteTrigger: (id: string) => callNoContent('DELETE', `/api/v2/triggers/${encodeURIComponent(id)}.json`),
    /** Revokes the token this client uses (https://developer.zendesk.com/documentation/api-basics/authentication/revoking-oauth-token). */
    revokeCurrentToken: () => callNoContent('DELETE', '/api/v2/oauth/tokens/current.json'),
    /** Every group the user belongs to (cursor-paged, 100 per page). */
    listGroupMemberships: (userId: string) =>
      listAll<ZendeskGroupMembership, 'group_memberships'>(`/api/v2/users/${encodeURIComponent(userId)}/group_memberships.json`, 'group_memberships'),
  };
}
