// FAKE Zendesk Support API for tests and local runs: many accounts in one server, each under a path
// prefix `/{subdomain}` (the worker's base URL template becomes `http://127.0.0.1:PORT/{subdomain}`).
//
// Contract followed (developer.zendesk.com/api-reference/ticketing/...):
//  - Bearer OAuth access tokens; 401 `invalid_token` body for unknown/expired/revoked ones and for
//    tokens of suspended or deleted users, 404 "No help desk" for an unknown subdomain, 403 for
//    endpoints the token's user may not use.
//  - OAuth (zendesk-oauth.ts): the consent page GET/POST /oauth/authorizations/new (authorization
//    code + PKCE S256, code valid 120 s, single use) and POST /oauth/tokens (JSON or form) with
//    grant_type authorization_code or refresh_token; a refresh rotates, i.e. the old access and
//    refresh tokens stop working (https://support.zendesk.com/hc/en-us/articles/9182123625370);
//    refresh tokens lapse. Clients: the account's own (seed) and global ones (control). DELETE
//    /api/v2/oauth/tokens/current revokes the calling token
//    (https://developer.zendesk.com/documentation/api-basics/authentication/revoking-oauth-token).
//  - users (me, show, show_many, {id}/group_memberships), groups, custom_roles and ticket_fields,
//    paged as each endpoint documents (100 per page at most): groups, group memberships, comments
//    and triggers take offset (next_page/previous_page/count) or cursor pagination (page[size]/
//    page[after] -> meta/links); custom_roles offset only; ticket_fields cursor or none (all
//    fields at once). tickets/{id} with include=users,groups sideloads only when asked,
//    tickets/{id}/comments (include=users sideloads each page's authors; sort), DELETE
//    ticket_fields/{id}, PUT tickets/{id} (comment + fields, returns {ticket, audit};
//    closed tickets are 422), webhooks (create, list with filter[name_contains] and cursor pages,
//    show, delete, signing_secret show/reset; admins only), triggers (create/list/show/update/
//    delete, GET triggers/definitions; conditions checked against the definitions, 422 otherwise;
//    admins or custom roles with manage_business_rules; zendesk-triggers.ts).
//  - apps/{app_id}/public_key.pem: the app's RSA public key; the matching private key signs ZAF
//    signed-URL tokens on demand (control `app-tokens`, zendesk-app-signing.ts).
//  - Paths work with and without `.json`. Errors: 404 RecordNotFound, 422 RecordInvalid with details.
//  - Webhook calls Zendesk would make, signed per FACTS.md (zendesk-signature.ts), built on demand by
//    the control API (a trigger's body template is rendered when one targets the webhook).
//  - Ticket updates made through the control API (solve, reopen, end a chat / messaging
//    conversation) run the account's active triggers: each trigger whose `all` / `any` conditions
//    hold (zendesk-triggers.ts) fires its notification_webhook action, rendered and signed with
//    that webhook's secret; webhooks subscribed to `zen:event-type:ticket.status_changed` get the
//    event payload. Without any trigger linked to a webhook, the old single request is built.
// Left out: every other endpoint, search, incremental exports, real rate limiting (inject 429 with a
// fault), triggers fired by API ticket updates (only control updates fire them), placeholder
// escaping rules (values are inserted raw), attachments, audits history, brands, organizations,
// logins (the consent page lets the caller pick the signed-in user), app installations (any app id
// serves the one key pair).
// Time: token and code expiry use the fake's clock (`PUT /__control/clock` shifts it); signed app
// tokens default to the real clock, because the worker checks them against its own.
//
// Control API (JSON, under /__control): listed above `control()` below.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  answerSharedControl,
  applyFault,
  bearerToken,
  FaultList,
  RandomFaults,
  faultResponse,
  json,
  postWebhook,
  recordRequest,
  RequestLog,
  startHttpServer,
} from './fake-http.ts';
import type { FakeRequest, FakeResponse } from './fake-http.ts';
import { generateZendeskAppKeyPair, signZendeskAppToken, zendeskAppClaims } from './zendesk-app-signing.ts';
import type { ZafLocation, ZendeskAppKeyPair } from './zendesk-app-signing.ts';
import { demoAccount, htmlToText, textToHtml, via, ZENDESK_DEMO } from './zendesk-data.ts';
import type {
  TicketRestriction,
  ZendeskAccountSeed,
  ZendeskComment,
  ZendeskCustomRole,
  ZendeskGroup,
  ZendeskGroupMembership,
  ZendeskGroupMembershipSeed,
  ZendeskOAuthClientSeed,
  ZendeskTicket,
  ZendeskTicketField,
  ZendeskUser,
} from './zendesk-data.ts';
import { AUTHORIZATION_CODE_TTL_S, authorizationEndpoint, tokenEndpoint } from './zendesk-oauth.ts';
import type { ZendeskAuthorizationCode, ZendeskOAuthContext } from './zendesk-oauth.ts';
import { signZendeskWebhook, zendeskTimestamp } from './zendesk-signature.ts';
import {
  CONVERSATION_CHANNELS,
  conditionsProblem,
  SESSION_STATE_FIELD,
  triggerDefinitions,
  triggerFires,
  VIA_IDS,
} from './zendesk-triggers.ts';
import type { Condition, SessionState, TicketUpdate } from './zendesk-triggers.ts';

export { demoAccount, ZENDESK_DEMO } from './zendesk-data.ts';
export type { ZendeskAccountSeed, ZendeskOAuthClientSeed } from './zendesk-data.ts';
export { signZendeskWebhook, zendeskTimestamp } from './zendesk-signature.ts';
export { generateZendeskAppKeyPair, signZendeskAppToken, zendeskAppClaims } from './zendesk-app-signing.ts';
export type { ZafLocation, ZendeskAppClaimsOptions, ZendeskAppKeyPair } from './zendesk-app-signing.ts';
export { pkceChallenge } from './zendesk-oauth.ts';
export type { ZendeskAuthorizationCode } from './zendesk-oauth.ts';

export interface ZendeskTokenState {
  /** The OAuth token id (`/api/v2/oauth/tokens/{id}`). */
  id: number;
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms; null = never expires. */
  expiresAtMs: number | null;
  /** Epoch ms when the refresh token lapses; null = never. */
  refreshExpiresAtMs: number | null;
  userId: number;
  clientId?: string;
  /** Space-separated scopes. */
  scope: string;
}

export interface ZendeskWebhookState {
  webhook: Record<string, unknown> & { id: string; endpoint: string };
  secret: string;
}

export interface ZendeskAccountState {
  subdomain: string;
  tokens: ZendeskTokenState[];
  oauthClients: ZendeskOAuthClientSeed[];
  users: ZendeskUser[];
  groups: ZendeskGroup[];
  groupMemberships: ZendeskGroupMembership[];
  customRoles: ZendeskCustomRole[];
  ticketFields: ZendeskTicketField[];
  tickets: ZendeskTicket[];
  comments: Map<number, ZendeskComment[]>;
  webhooks: Map<string, ZendeskWebhookState>;
  triggers: (Record<string, unknown> & { id: number })[];
  /** Chat / messaging session state per ticket id (absent: active for chat and messaging tickets). */
  sessionStates: Map<number, SessionState>;
  /** Whether the account has messaging (the session-state trigger condition is offered). */
  messaging: boolean;
  /** Authorization codes issued by the consent page, by code. */
  authCodes: Map<string, ZendeskAuthorizationCode>;
  /** How many refresh_token grants succeeded. */
  refreshCount: number;
  nextId: number;
}

export interface ZendeskFakeState {
  accounts: Map<string, ZendeskAccountState>;
  requests: RequestLog;
  faults: FaultList;
  /** Seeded random faults and outages for the soak (`/__control/random-faults`, fake-http.ts). */
  randomFaults: RandomFaults;
  /** Global OAuth clients, valid on every account (`PUT /__control/oauth-clients`). */
  oauthClients: ZendeskOAuthClientSeed[];
  /** The app's RSA key pair (one per fake run; `reset` keeps it). */
  appKey: ZendeskAppKeyPair;
  /** Added to Date.now() for token and code expiry (`PUT /__control/clock`). */
  clockOffsetMs: number;
}

/** Body of `POST /__control/app-tokens`. */
export interface ZendeskAppTokenRequest {
  subdomain: string;
  appInstallationId: number;
  userId: number;
  location: ZafLocation;
  /** Default `support`. */
  product?: string;
  /** Default 300. */
  lifetimeS?: number;
  /** Unix seconds; default now (real clock, not the fake's shifted one). */
  issuedAtS?: number;
  /** Merged over the default claims (to break one claim). */
  claims?: Record<string, unknown>;
  /** Claim names to leave out. */
  omitClaims?: string[];
  /** Merged over `{alg:"RS256",typ:"JWT"}` (the signature stays RS256). */
  header?: Record<string, unknown>;
  /** Sign with a different RSA key than the one public_key.pem serves. */
  wrongKey?: boolean;
}

export interface ZendeskFake {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash); an account's base is `${url}/${subdomain}`. */
  url: string;
  close(): Promise<void>;
  state: ZendeskFakeState;
  /** Seeds (or replaces) an account, like `PUT /__control/accounts/{subdomain}`. */
  seedAccount(subdomain: string, seed: ZendeskAccountSeed): ZendeskAccountState;
}

/** `GET /__control/accounts/{subdomain}`: the account's current state, for assertions. */
export interface ZendeskAccountSnapshot {
  subdomain: string;
  baseUrl: string;
  tokens: ZendeskTokenState[];
  refreshCount: number;
  users: ZendeskUser[];
  groups: ZendeskGroup[];
  groupMemberships: ZendeskGroupMembership[];
  tickets: ZendeskTicket[];
  comments: Record<string, ZendeskComment[]>;
  webhooks: (ZendeskWebhookState['webhook'] & { signing_secret: string })[];
  triggers: ZendeskAccountState['triggers'];
}

/** Options of `POST /__control/tickets/{subdomain}/{id}/solve` and `POST /__control/webhook-requests`. */
export interface ZendeskWebhookRequestOptions {
  /** Default: the secret of `webhookId` (or of the account's first webhook created through the API). */
  signingSecret?: string;
  /** A webhook created through the API: its endpoint, secret and linked trigger body are used. */
  webhookId?: string;
  /** Where to deliver; default: the webhook's endpoint. */
  webhookUrl?: string;
  /** The exact body (string or JSON). Default: the linked trigger's body rendered, else a small JSON. */
  body?: unknown;
  /** ISO-8601 signature timestamp; default now (without milliseconds). */
  timestamp?: string;
  /** Also POST it to the URL and report the answer in `delivery`. */
  deliver?: boolean;
  /** solve only: the status to set (default `solved`; `open` reopens). */
  status?: string;
  /** solve / end-conversation: when the update happens (ISO-8601; default now): the ticket's new `updated_at`. */
  at?: string;
}

/**
 * Answer of `POST /__control/tickets/{sub}/{id}/solve` and `.../end-conversation`: the first
 * webhook request the update caused (for `webhookId` when given) at the top level, and all of them.
 */
export interface ZendeskTicketUpdateResult extends ZendeskWebhookRequest {
  /** Every request the update caused: fired triggers' webhooks, then event-subscribed webhooks. */
  requests: ZendeskWebhookRequest[];
  /** The triggers whose conditions held, in position order. */
  firedTriggerIds: number[];
}

/** The webhook request Zendesk would send (headers with Zendesk's capitalisation). */
export interface ZendeskWebhookRequest {
  url: string | null;
  webhookId: string;
  headers: Record<string, string>;
  body: string;
  /** The trigger whose notification_webhook action made this request (absent: event webhook or legacy). */
  triggerId?: number;
  delivery?: { status: number; body: string; error?: string };
}

const ALLOWED_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
const SEEDED_AT = '2026-01-05T08:00:00Z';

/** Fills the user fields a seed may leave out (ticket_restriction, restricted_agent, active, suspended). */
function normalizeUser(user: ZendeskUser): ZendeskUser {
  const restriction: TicketRestriction =
    user.ticket_restriction !== undefined ? user.ticket_restriction : user.role === 'end-user' ? 'requested' : null;
  return {
    ...user,
    active: user.active ?? true,
    suspended: user.suspended ?? false,
    ticket_restriction: restriction,
    restricted_agent: user.restricted_agent ?? (user.role === 'admin' ? false : user.role === 'agent' ? restriction !== null : true),
  };
}

export function buildAccountState(subdomain: string, seed: ZendeskAccountSeed): ZendeskAccountState {
  const copy = structuredClone(seed);
  const users = (copy.users ?? []).map(normalizeUser);
  const firstAdmin = users.find((u) => u.role === 'admin')?.id ?? users[0]?.id ?? 1;
  const comments = new Map<number, ZendeskComment[]>();
  for (const [ticketId, list] of Object.entries(copy.comments ?? {})) comments.set(Number(ticketId), list);
  const tickets = (copy.tickets ?? []).map((t) => ({ ...t, organization_id: t.organization_id ?? null }));
  const membershipSeeds: ZendeskGroupMembershipSeed[] =
    copy.groupMemberships ??
    users
      .filter((u) => (u.role === 'admin' || u.role === 'agent') && typeof u.default_group_id === 'number')
      .map((u) => ({ user_id: u.id, group_id: u.default_group_id as number, default: true }));
  const allIds = [
    ...users.map((u) => u.id),
    ...tickets.map((t) => t.id),
    ...[...comments.values()].flat().map((c) => c.id),
    ...membershipSeeds.map((m) => m.id ?? 0),
  ];
  let nextId = Math.max(900_000, ...allIds) + 1;
  const groupMemberships: ZendeskGroupMembership[] = membershipSeeds.map((m) => ({
    id: m.id ?? nextId++,
    user_id: m.user_id,
    group_id: m.group_id,
    default: m.default ?? users.find((u) => u.id === m.user_id)?.default_group_id === m.group_id,
    created_at: m.created_at ?? SEEDED_AT,
    updated_at: m.updated_at ?? SEEDED_AT,
  }));
  const time = (value: string | number | undefined) => (value === undefined ? null : new Date(value).getTime());
  return {
    subdomain,
    tokens: (copy.tokens ?? []).map((t) => ({
      id: nextId++,
      accessToken: t.accessToken,
      refreshToken: t.refreshToken,
      expiresAtMs: time(t.expiresAt),
      refreshExpiresAtMs: time(t.refreshExpiresAt),
      userId: t.userId ?? firstAdmin,
      clientId: t.clientId,
      scope: t.scope ?? 'read write',
    })),
    oauthClients: copy.oauthClients ?? [],
    users,
    groups: copy.groups ?? [],
    groupMemberships,
    customRoles: copy.customRoles ?? [],
    ticketFields: copy.ticketFields ?? [],
    tickets,
    comments,
    webhooks: new Map(),
    triggers: [],
    sessionStates: new Map(),
    messaging: copy.messaging ?? true,
    authCodes: new Map(),
    refreshCount: 0,
    nextId,
  };
}

// --- Zendesk's error bodies ------------------------------------------------------------------

const notFound = () => json(404, { error: 'RecordNotFound', description: 'Not found' });
const invalidEndpoint = () => json(404, { error: 'InvalidEndpoint', description: 'Not found' });
const invalidToken = () =>
  json(401, {
    error: 'invalid_token',
    error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
  });
const forbidden = () =>
  json(403, {
    error: 'Forbidden',
    description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.',
  });
const recordInvalid = (details: Record<string, { description: string; error: string }[]>) =>
  json(422, { error: 'RecordInvalid', description: 'Record validation errors', details });
const noHelpDesk = (subdomain: string) =>
  json(404, {
    error: {
      title: `No help desk at ${subdomain}.zendesk.com`,
      message:
        'There is no help desk configured at this address. This means that the address is available and that you can claim it at http://www.zendesk.com/signup',
    },
  });

/** Bodies for injected faults that give none (Zendesk's shapes where known). */
function zendeskFaultBody(status: number): unknown {
  if (status === 401) return invalidToken().body;
  if (status === 403) return forbidden().body;
  if (status === 404) return notFound().body;
  if (status === 409) return { error: 'Conflict', description: 'The resource was modified concurrently' };
  if (status === 422) return recordInvalid({ base: [{ description: 'Injected fault', error: 'InvalidValue' }] }).body;
  if (status === 429) return { error: 'TooManyRequests', description: 'Rate limit exceeded' };
  if (status === 503) return { error: 'ServiceUnavailable', description: 'Service temporarily unavailable' };
  return { error: 'InternalError', description: 'Something went wrong' };
}

// --- Pagination -------------------------------------------------------------------------------

function encodeCursor(index: number): string {
  return Buffer.from(`i:${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^i:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : 0;
}

/** Zendesk list pagination: cursor when `page[size]` is given, offset (page/per_page) otherwise. */
export function paginate<T>(
  items: T[],
  query: URLSearchParams,
  key: string,
  pageUrl: (params: Record<string, string>) => string,
): Record<string, unknown> {
  const cursorSize = query.get('page[size]');
  if (cursorSize !== null) {
    const size = Math.min(100, Math.max(1, Number(cursorSize) || 100));
    const after = query.get('page[after]');
    const before = query.get('page[before]');
    const start = after ? decodeCursor(after) : before ? Math.max(0, decodeCursor(before) - size) : 0;
    const page = items.slice(start, start + size);
    const hasMore = start + page.length < items.length;
    const afterCursor = page.length ? encodeCursor(start + page.length) : null;
    const beforeCursor = page.length ? encodeCursor(start) : null;
    return {
      [key]: page,
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
      links: {
        prev: start > 0 && beforeCursor ? pageUrl({ 'page[size]': String(size), 'page[before]': beforeCursor }) : null,
        next: hasMore && afterCursor ? pageUrl({ 'page[size]': String(size), 'page[after]': afterCursor }) : null,
      },
    };
  }
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page')) || 100));
  const pageNumber = Math.max(1, Number(query.get('page')) || 1);
  const start = (pageNumber - 1) * perPage;
  return {
    [key]: items.slice(start, start + perPage),
    next_page: start + perPage < items.length ? pageUrl({ page: String(pageNumber + 1), per_page: String(perPage) }) : null,
    previous_page: pageNumber > 1 ? pageUrl({ page: String(pageNumber - 1), per_page: String(perPage) }) : null,
    count: items.length,
  };
}

// --- Placeholders -----------------------------------------------------------------------------

/** Renders the few `{{ticket.*}}` placeholders a trigger body may use (values inserted raw). */
export function renderPlaceholders(template: string, account: ZendeskAccountState, ticket: ZendeskTicket): string {
  const user = (id: number | null) => account.users.find((u) => u.id === id);
  const group = account.groups.find((g) => g.id === ticket.group_id);
  const fieldValue = (id: number) => ticket.custom_fields.find((f) => f.id === id)?.value ?? null;
  const asText = (value: unknown) => (value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value));
  const lookup: Record<string, () => unknown> = {
    'ticket.id': () => ticket.id,
    'ticket.title': () => ticket.subject,
    'ticket.status': () => ticket.status[0]!.toUpperCase() + ticket.status.slice(1),
    'ticket.priority': () => ticket.priority,
    'ticket.ticket_type': () => ticket.type,
    'ticket.via': () => viaTitle(ticket.via.channel),
    'ticket.tags': () => ticket.tags.join(' '),
    'ticket.group.name': () => group?.name,
    'ticket.group.id': () => group?.id,
    'ticket.requester.id': () => ticket.requester_id,
    'ticket.requester.name': () => user(ticket.requester_id)?.name,
    'ticket.requester.email': () => user(ticket.requester_id)?.email,
    'ticket.requester.phone': () => user(ticket.requester_id)?.phone,
    'ticket.assignee.id': () => ticket.assignee_id,
    'ticket.assignee.name': () => user(ticket.assignee_id)?.name,
    // "expressed as an iso8601 format date/time. Example: 2013-12-12T05:35Z" (to the minute, UTC):
    // https://support.zendesk.com/hc/en-us/articles/4408886858138 (Zendesk placeholders reference)
    'ticket.updated_at_with_timestamp': () => toMinute(ticket.updated_at),
    'ticket.created_at_with_timestamp': () => toMinute(ticket.created_at),
    'ticket.account': () => account.subdomain,
  };
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_all, name: string) => {
    const field = /^ticket\.ticket_field_(option_title_)?(\d+)$/.exec(name);
    if (field) {
      const id = Number(field[2]);
      const value = fieldValue(id);
      if (!field[1]) return asText(value);
      const options = account.ticketFields.find((f) => f.id === id)?.custom_field_options ?? [];
      const values = Array.isArray(value) ? value : [value];
      return values
        .map((v) => options.find((o) => o.value === v)?.name ?? '')
        .filter(Boolean)
        .join(', ');
    }
    return asText(lookup[name]?.());
  });
}

/** `2013-12-12T05:35:21Z` -> `2013-12-12T05:35Z`, the form the `*_with_timestamp` placeholders render. */
function toMinute(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

function viaTitle(channel: string): string {
  const titles: Record<string, string> = {
    web: 'Web form',
    email: 'Mail',
    api: 'Web service',
    chat: 'Chat',
    native_messaging: 'Messaging',
    voice: 'Phone call (incoming)',
  };
  return titles[channel] ?? channel;
}

// --- The server -------------------------------------------------------------------------------

export async function startZendeskFake(options: { port?: number; host?: string } = {}): Promise<ZendeskFake> {
  const state: ZendeskFakeState = {
    accounts: new Map(),
    requests: new RequestLog(),
    faults: new FaultList(),
    randomFaults: new RandomFaults(),
    oauthClients: [],
    appKey: generateZendeskAppKeyPair(),
    clockOffsetMs: 0,
  };
  /** A second key pair, for tokens signed with a key that is not the app's (`wrongKey`). */
  const strangerKey = generateZendeskAppKeyPair();
  let baseUrl = '';
  const now = () => Date.now() + state.clockOffsetMs;
  const oauthContext = (account: ZendeskAccountState): ZendeskOAuthContext => ({
    account,
    globalClients: state.oauthClients,
    now: now(),
    codeTtlS: AUTHORIZATION_CODE_TTL_S,
  });

  const seedAccount = (subdomain: string, seed: ZendeskAccountSeed) => {
    const account = buildAccountState(subdomain, seed);
    state.accounts.set(subdomain, account);
    return account;
  };

  const apiUrl = (subdomain: string, path: string) => `${baseUrl}/${subdomain}/api/v2/${path}`;
  const withUrl = <T extends { id: number | string }>(subdomain: string, kind: string, record: T) => ({
    url: apiUrl(subdomain, `${kind}/${record.id}.json`),
    ...record,
  });
  /** Page links keep the request's other parameters; `suffix` is '' for APIs without `.json` (webhooks). */
  const listUrl =
    (subdomain: string, path: string, query: URLSearchParams, suffix = '.json') =>
    (params: Record<string, string>) => {
      const next = new URLSearchParams(query);
      for (const name of ['page', 'per_page', 'page[size]', 'page[after]', 'page[before]']) next.delete(name);
      for (const [name, value] of Object.entries(params)) next.set(name, value);
      return `${apiUrl(subdomain, `${path}${suffix}`)}?${next.toString()}`;
    };

  const server = await startHttpServer(async (request) => {
    if (request.path.startsWith('/__control/') || request.path === '/__control') return control(request);
    recordRequest(state.requests, request);
    const fault = state.faults.take(request.method, request.path) ?? state.randomFaults.take(request.method, request.path);
    if (fault) {
      const outcome = await applyFault(fault, request, zendeskFaultBody);
      if (outcome.handled) return outcome.response;
    }
    const response = await api(request);
    if (fault?.afterAccept) {
      if (fault.dropConnection) {
        request.req.socket.destroy();
        return undefined;
      }
      return faultResponse(fault, zendeskFaultBody);
    }
    return response;
  }, options);
  baseUrl = server.url;

  // --- the vendor API ---

  async function api(request: FakeRequest): Promise<FakeResponse> {
    const match = /^\/([A-Za-z0-9][A-Za-z0-9-]*)(\/.*)?$/.exec(request.path);
    if (!match) return invalidEndpoint();
    const subdomain = match[1]!;
    const account = state.accounts.get(subdomain);
    if (!account) return noHelpDesk(subdomain);
    const rest = (match[2] ?? '/').replace(/\.json$/, '');

    if (rest === '/oauth/tokens' && request.method === 'POST') return tokenEndpoint(oauthContext(account), request.body);
    if (rest === '/oauth/authorizations/new') {
      return authorizationEndpoint(oauthContext(account), request.method, request.path, request.query, request.body);
    }
    if (!rest.startsWith('/api/v2/')) return invalidEndpoint();

    const presented = bearerToken(request.headers);
    if (!presented) return json(401, { error: "Couldn't authenticate you" });
    const token = account.tokens.find((t) => t.accessToken === presented);
    if (!token || (token.expiresAtMs !== null && token.expiresAtMs <= now())) return invalidToken();
    const me = account.users.find((u) => u.id === token.userId);
    // Deleted (active false) and suspended users cannot sign in; their tokens are refused too.
    if (!me || me.active === false || me.suspended === true) return invalidToken();

    const segments = rest.slice('/api/v2/'.length).split('/');
    const [resource, id, sub, extra] = segments;
    const method = request.method;
    const q = request.query;
    const isAdmin = me.role === 'admin';
    const canManageRules =
      isAdmin || account.customRoles.find((r) => r.id === me.custom_role_id)?.configuration.manage_business_rules === true;

    // https://developer.zendesk.com/documentation/api-basics/authentication/revoking-oauth-token
    if (resource === 'oauth' && id === 'tokens' && sub === 'current' && extra === undefined && method === 'DELETE') {
      account.tokens = account.tokens.filter((t) => t !== token);
      return { status: 204 };
    }
    if (me.role === 'end-user' && resource !== 'users') return forbidden();

    switch (resource) {
      case 'users': {
        if (method !== 'GET') break;
        if (sub === 'group_memberships' && extra === undefined && id !== undefined) {
          // https://developer.zendesk.com/api-reference/ticketing/groups/group_memberships/ (agents)
          if (me.role === 'end-user') return forbidden();
          const user = account.users.find((u) => String(u.id) === id);
          if (!user) return notFound();
          const memberships = account.groupMemberships
            .filter((m) => m.user_id === user.id)
            .map((m) => withUrl(subdomain, 'group_memberships', m));
          return json(200, paginate(memberships, q, 'group_memberships', listUrl(subdomain, `users/${user.id}/group_memberships`, q)));
        }
        if (sub !== undefined) break;
        if (id === 'me') return json(200, { user: withUrl(subdomain, 'users', me) });
        if (id === 'show_many') {
          const ids = (q.get('ids') ?? '').split(',').filter(Boolean).map(Number);
          const users = account.users.filter((u) => ids.includes(u.id)).map((u) => withUrl(subdomain, 'users', u));
          return json(200, { users });
        }
        if (id === undefined) break;
        const user = account.users.find((u) => String(u.id) === id);
        return user ? json(200, { user: withUrl(subdomain, 'users', user) }) : notFound();
      }
      case 'apps': {
        // https://developer.zendesk.com/api-reference/ticketing/apps/apps/#get-app-public-key
        if (method !== 'GET' || sub !== 'public_key.pem' || extra !== undefined || !/^\d+$/.test(id ?? '')) break;
        return { status: 200, body: state.appKey.publicKeyPem, headers: { 'content-type': 'text/plain; charset=utf-8' } };
      }
      case 'custom_roles': {
        if (method !== 'GET' || id !== undefined) break;
        // No pagination method documented, so offset only (100 per page):
        // https://developer.zendesk.com/api-reference/introduction/pagination/
        const offsetOnly = new URLSearchParams(q);
        offsetOnly.delete('page[size]');
        return json(200, paginate(account.customRoles, offsetOnly, 'custom_roles', listUrl(subdomain, 'custom_roles', offsetOnly)));
      }
      case 'groups': {
        if (method !== 'GET' || sub !== undefined) break;
        const groups = account.groups.filter((g) => !g.deleted).map((g) => withUrl(subdomain, 'groups', g));
        if (id === undefined) return json(200, paginate(groups, q, 'groups', listUrl(subdomain, 'groups', q)));
        const group = groups.find((g) => String(g.id) === id);
        return group ? json(200, { group }) : notFound();
      }
      case 'ticket_fields': {
        if (sub !== undefined) break;
        if (method === 'DELETE' && id !== undefined) {
          // https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_fields/#delete-ticket-field (admins, 204)
          if (!isAdmin) return forbidden();
          const target = account.ticketFields.find((f) => String(f.id) === id);
          if (!target) return notFound();
          // System fields cannot be deleted (the exact answer is not documented: a 422 here).
          if (target.removable === false) {
            return recordInvalid({ base: [{ description: 'System ticket fields cannot be deleted', error: 'InvalidValue' }] });
          }
          account.ticketFields = account.ticketFields.filter((f) => f !== target);
          return { status: 204 };
        }
        if (method !== 'GET') break;
        if (id === undefined) {
          // "Cursor pagination (recommended)" or "No pagination": with page[size], pages of at most
          // 100 in id order; without it, every field in position order (offset parameters do nothing).
          // https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_fields/#list-ticket-fields
          const fields = (f: ZendeskTicketField[]) => f.map((field) => withUrl(subdomain, 'ticket_fields', field));
          if (q.get('page[size]') !== null) {
            const byId = fields([...account.ticketFields].sort((a, b) => a.id - b.id));
            return json(200, paginate(byId, q, 'ticket_fields', listUrl(subdomain, 'ticket_fields', q)));
          }
          return json(200, { ticket_fields: fields([...account.ticketFields].sort((a, b) => (a.position ?? 0) - (b.position ?? 0))) });
        }
        const field = account.ticketFields.find((f) => String(f.id) === id);
        return field ? json(200, { ticket_field: withUrl(subdomain, 'ticket_fields', field) }) : notFound();
      }
      case 'tickets': {
        if (id === undefined || extra !== undefined) break;
        const ticket = account.tickets.find((t) => String(t.id) === id);
        if (sub === 'comments' && method === 'GET') {
          // https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments
          // Oldest first; newest first with `sort=-created_at` (cursor) or `sort_order=desc` (offset).
          if (!ticket) return notFound();
          let comments = account.comments.get(ticket.id) ?? [];
          const cursor = q.get('page[size]') !== null;
          if (cursor ? q.get('sort') === '-created_at' : q.get('sort_order') === 'desc') comments = [...comments].reverse();
          const page = paginate(comments, q, 'comments', listUrl(subdomain, `tickets/${ticket.id}/comments`, q));
          if ((q.get('include') ?? '').split(',').includes('users')) {
            // include=users sideloads the users of the comments on this page.
            const authors = new Set((page.comments as ZendeskComment[]).map((c) => c.author_id));
            page.users = account.users.filter((u) => authors.has(u.id)).map((u) => withUrl(subdomain, 'users', u));
          }
          return json(200, page);
        }
        if (sub !== undefined) break;
        if (method === 'GET') {
          if (!ticket) return notFound();
          return json(200, showTicket(account, ticket, q.get('include')));
        }
        if (method === 'PUT') return ticket ? updateTicket(account, ticket, me, request.body) : notFound();
        break;
      }
      case 'webhooks': {
        if (!isAdmin) return forbidden();
        return webhooksRoute(account, method, id, sub, extra, request.body, q);
      }
      case 'triggers': {
        if (!canManageRules) return forbidden();
        if (sub !== undefined) break;
        if (id === undefined && method === 'GET') {
          const triggers = account.triggers.map((t) => withUrl(subdomain, 'triggers', t));
          return json(200, paginate(triggers, q, 'triggers', listUrl(subdomain, 'triggers', q)));
        }
        if (id === undefined && method === 'POST') return createTrigger(account, request.body);
        // https://developer.zendesk.com/api-reference/ticketing/business-rules/triggers/ (List Ticket Trigger Action and Condition Definitions)
        if (id === 'definitions' && method === 'GET') {
          return json(200, { definitions: triggerDefinitions({ messaging: account.messaging }) });
        }
        const trigger = account.triggers.find((t) => String(t.id) === id);
        if (!trigger) return notFound();
        if (method === 'GET') return json(200, { trigger: withUrl(subdomain, 'triggers', trigger) });
        if (method === 'PUT') return updateTrigger(account, trigger, request.body);
        if (method === 'DELETE') {
          account.triggers = account.triggers.filter((t) => t !== trigger);
          return { status: 204 };
        }
        break;
      }
    }
    return invalidEndpoint();
  }

  function showTicket(account: ZendeskAccountState, ticket: ZendeskTicket, include: string | null) {
    const sub = account.subdomain;
    const body: Record<string, unknown> = {
      ticket: { ...withUrl(sub, 'tickets', ticket), fields: ticket.custom_fields },
    };
    const sideloads = (include ?? '').split(',').map((s) => s.trim());
    if (sideloads.includes('users')) {
      const ids = new Set(
        [ticket.requester_id, ticket.submitter_id, ticket.assignee_id, ...ticket.collaborator_ids].filter(
          (v): v is number => typeof v === 'number',
        ),
      );
      body.users = account.users.filter((u) => ids.has(u.id)).map((u) => withUrl(sub, 'users', u));
    }
    if (sideloads.includes('groups')) {
      body.groups = account.groups.filter((g) => g.id === ticket.group_id).map((g) => withUrl(sub, 'groups', g));
    }
    return body;
  }

  function updateTicket(account: ZendeskAccountState, ticket: ZendeskTicket, me: ZendeskUser, body: unknown) {
    const input = (body as { ticket?: Record<string, unknown> } | null)?.ticket;
    if (!input || typeof input !== 'object') {
      return json(400, { error: 'InvalidParameter', description: 'Parameter ticket is required' });
    }
    if (ticket.status === 'closed') {
      return recordInvalid({ status: [{ description: 'Status: closed prevents ticket update', error: 'ClosedPreventsUpdate' }] });
    }
    if (input.status !== undefined && !ALLOWED_STATUSES.includes(String(input.status))) {
      return recordInvalid({ status: [{ description: 'Status: is not valid', error: 'InvalidValue' }] });
    }
    const commentInput = input.comment as Record<string, unknown> | undefined;
    const text = typeof commentInput?.body === 'string' ? commentInput.body : undefined;
    const html = typeof commentInput?.html_body === 'string' ? commentInput.html_body : undefined;
    if (commentInput !== undefined && !(text?.trim() || html?.trim())) {
      return recordInvalid({ base: [{ description: 'Comment: cannot be blank', error: 'BlankValue' }] });
    }

    const now = zendeskTimestamp(new Date());
    const auditId = account.nextId++;
    const events: Record<string, unknown>[] = [];
    if (commentInput) {
      const comment: ZendeskComment = {
        id: account.nextId++,
        type: 'Comment',
        author_id: typeof commentInput.author_id === 'number' ? commentInput.author_id : me.id,
        body: text ?? htmlToText(html ?? ''),
        html_body: html ?? textToHtml(text ?? ''),
        plain_body: text ?? htmlToText(html ?? ''),
        public: commentInput.public === undefined ? true : commentInput.public === true,
        attachments: [],
        audit_id: auditId,
        via: via('api'),
        metadata: { system: { client: 'zendesk-fake', ip_address: '127.0.0.1' }, custom: {} },
        created_at: now,
      };
      account.comments.set(ticket.id, [...(account.comments.get(ticket.id) ?? []), comment]);
      const { via: _via, metadata: _metadata, created_at: _created, ...event } = comment;
      events.push(event);
    }
    const change = (field: string, value: unknown, previous: unknown) => {
      events.push({ id: account.nextId++, type: 'Change', field_name: field, value, previous_value: previous });
    };
    for (const field of ['status', 'priority', 'type', 'subject', 'group_id', 'assignee_id', 'tags'] as const) {
      if (input[field] === undefined) continue;
      const previous = ticket[field];
      (ticket as Record<string, unknown>)[field] = input[field];
      change(field, input[field], previous);
    }
    if (Array.isArray(input.custom_fields)) {
      for (const update of input.custom_fields as { id: number; value: ZendeskTicket['custom_fields'][number]['value'] }[]) {
        const existing = ticket.custom_fields.find((f) => f.id === update.id);
        change(String(update.id), update.value, existing?.value ?? null);
        if (existing) existing.value = update.value;
        else ticket.custom_fields.push({ id: update.id, value: update.value });
      }
    }
    ticket.updated_at = now;
    return json(200, {
      ticket: { ...withUrl(account.subdomain, 'tickets', ticket), fields: ticket.custom_fields },
      audit: {
        id: auditId,
        ticket_id: ticket.id,
        created_at: now,
        author_id: me.id,
        metadata: { system: { client: 'zendesk-fake', ip_address: '127.0.0.1' }, custom: {} },
        via: via('api'),
        events,
      },
    });
  }

  function webhooksRoute(
    account: ZendeskAccountState,
    method: string,
    id: string | undefined,
    sub: string | undefined,
    extra: string | undefined,
    body: unknown,
    query: URLSearchParams,
  ): FakeResponse {
    if (extra !== undefined) return invalidEndpoint();
    if (id === undefined) {
      if (method === 'GET') {
        // Cursor pagination only (page[size], page[after]); filter[name_contains], filter[status].
        // https://developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/#list-webhooks
        // Whether name_contains ignores case is not documented: the fake matches case-sensitively,
        // so code that relies on either behaviour cannot pass by accident.
        const nameContains = query.get('filter[name_contains]');
        const status = query.get('filter[status]');
        const webhooks = [...account.webhooks.values()]
          .map((w) => w.webhook)
          .filter((w) => (!nameContains || String(w.name).includes(nameContains)) && (!status || w.status === status));
        const paged = new URLSearchParams(query);
        if (!paged.has('page[size]')) paged.set('page[size]', String(WEBHOOKS_PAGE_SIZE));
        const page = paginate(webhooks, paged, 'webhooks', listUrl(account.subdomain, 'webhooks', paged, ''));
        return json(200, page);
      }
      if (method === 'POST') return createWebhook(account, body);
      return invalidEndpoint();
    }
    const hook = account.webhooks.get(id);
    if (!hook) {
      return json(404, { errors: [{ code: 'WebhookNotFound', title: 'Webhook not found', detail: `Webhook ${id} not found` }] });
    }
    if (sub === 'signing_secret') {
      if (method === 'POST') hook.secret = newSigningSecret();
      if (method === 'GET' || method === 'POST') {
        return json(method === 'POST' ? 201 : 200, { signing_secret: { algorithm: 'SHA256', secret: hook.secret } });
      }
      return invalidEndpoint();
    }
    if (sub !== undefined) return invalidEndpoint();
    if (method === 'GET') return json(200, { webhook: hook.webhook });
    if (method === 'DELETE') {
      account.webhooks.delete(id);
      return { status: 204 };
    }
    return invalidEndpoint();
  }

  function createWebhook(account: ZendeskAccountState, body: unknown): FakeResponse {
    const input = (body as { webhook?: Record<string, unknown> } | null)?.webhook;
    if (!input || typeof input !== 'object') {
      return json(400, { errors: [{ code: 'InvalidRequest', title: 'Invalid request', detail: 'webhook is required' }] });
    }
    const required = ['name', 'endpoint', 'http_method', 'request_format', 'status'];
    const missing = required.filter((name) => typeof input[name] !== 'string' || input[name] === '');
    if (missing.length) {
      return json(400, {
        errors: missing.map((name) => ({
          code: 'RequiredFieldMissing',
          title: 'Required field missing',
          detail: `${name} is required`,
          source: { pointer: `/webhook/${name}` },
        })),
      });
    }
    let endpointOk = true;
    try {
      const url = new URL(String(input.endpoint));
      endpointOk = url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      endpointOk = false;
    }
    if (!endpointOk) {
      return json(400, {
        errors: [
          {
            code: 'InvalidValue',
            title: 'Invalid value',
            detail: 'endpoint must be a valid URL',
            source: { pointer: '/webhook/endpoint' },
          },
        ],
      });
    }
    const now = zendeskTimestamp(new Date());
    const id = `01${randomBytes(12).toString('hex').toUpperCase()}`;
    const webhook = {
      id,
      name: String(input.name),
      description: typeof input.description === 'string' ? input.description : '',
      status: String(input.status),
      subscriptions: Array.isArray(input.subscriptions) ? input.subscriptions : [],
      endpoint: String(input.endpoint),
      http_method: String(input.http_method),
      request_format: String(input.request_format),
      authentication: input.authentication
        ? { ...(input.authentication as Record<string, unknown>), data: undefined, add_position: 'header' }
        : undefined,
      created_at: now,
      created_by: '1',
      updated_at: now,
      updated_by: '1',
    };
    account.webhooks.set(id, { webhook, secret: newSigningSecret() });
    return json(201, { webhook });
  }

  function createTrigger(account: ZendeskAccountState, body: unknown): FakeResponse {
    const input = (body as { trigger?: Record<string, unknown> } | null)?.trigger;
    if (!input || typeof input !== 'object') {
      return json(400, { error: 'InvalidParameter', description: 'Parameter trigger is required' });
    }
    const details: Record<string, { description: string; error: string }[]> = {};
    if (typeof input.title !== 'string' || !input.title.trim()) {
      details.title = [{ description: 'Title: cannot be blank', error: 'BlankValue' }];
    }
    const conditions = input.conditions as { all?: unknown[]; any?: unknown[] } | undefined;
    const actions = input.actions as { field?: string; value?: unknown }[] | undefined;
    Object.assign(details, triggerBodyProblems(account, conditions, actions));
    if (Object.keys(details).length) return recordInvalid(details);
    const now = zendeskTimestamp(new Date());
    const trigger = {
      id: account.nextId++,
      title: String(input.title),
      raw_title: String(input.title),
      description: typeof input.description === 'string' ? input.description : null,
      active: input.active === undefined ? true : input.active === true,
      position: typeof input.position === 'number' ? input.position : account.triggers.length + 1,
      default: false,
      category_id: input.category_id === undefined ? null : String(input.category_id),
      conditions: { all: conditions?.all ?? [], any: conditions?.any ?? [] },
      actions: actions ?? [],
      created_at: now,
      updated_at: now,
    };
    account.triggers.push(trigger);
    return json(201, { trigger: withUrl(account.subdomain, 'triggers', trigger) });
  }

  /** What is wrong with a trigger's conditions and actions (empty: nothing). */
  function triggerBodyProblems(
    account: ZendeskAccountState,
    conditions: { all?: unknown[]; any?: unknown[] } | undefined,
    actions: { field?: string; value?: unknown }[] | undefined,
  ): Record<string, { description: string; error: string }[]> {
    const details: Record<string, { description: string; error: string }[]> = {};
    if (!conditions || (!conditions.all?.length && !conditions.any?.length)) {
      details.conditions = [{ description: 'Conditions: cannot be blank', error: 'BlankValue' }];
    } else {
      const problem = conditionsProblem(conditions, triggerDefinitions({ messaging: account.messaging }));
      if (problem) details.conditions = [{ description: `Conditions: ${problem}`, error: 'InvalidValue' }];
    }
    if (!Array.isArray(actions) || actions.length === 0) {
      details.actions = [{ description: 'Actions: cannot be blank', error: 'BlankValue' }];
    } else {
      for (const action of actions) {
        if (action.field !== 'notification_webhook') continue;
        const webhookId = Array.isArray(action.value) ? String(action.value[0]) : '';
        if (!account.webhooks.has(webhookId)) {
          details.actions = [{ description: `Actions: webhook ${webhookId} does not exist`, error: 'InvalidValue' }];
        }
      }
    }
    return details;
  }

  /**
   * PUT /api/v2/triggers/{id}: "Updating a condition or action updates both the conditions and
   * actions arrays, clearing all existing values of both arrays"
   * (https://developer.zendesk.com/api-reference/ticketing/business-rules/triggers/, Update Ticket Trigger).
   */
  function updateTrigger(account: ZendeskAccountState, trigger: ZendeskAccountState['triggers'][number], body: unknown): FakeResponse {
    const input = (body as { trigger?: Record<string, unknown> } | null)?.trigger;
    if (!input || typeof input !== 'object') {
      return json(400, { error: 'InvalidParameter', description: 'Parameter trigger is required' });
    }
    const details: Record<string, { description: string; error: string }[]> = {};
    if (input.title !== undefined && (typeof input.title !== 'string' || !input.title.trim())) {
      details.title = [{ description: 'Title: cannot be blank', error: 'BlankValue' }];
    }
    const rules = input.conditions !== undefined || input.actions !== undefined;
    const conditions = (input.conditions ?? { all: [], any: [] }) as { all?: unknown[]; any?: unknown[] };
    const actions = (input.actions ?? []) as { field?: string; value?: unknown }[];
    if (rules) Object.assign(details, triggerBodyProblems(account, conditions, actions));
    if (Object.keys(details).length) return recordInvalid(details);
    if (typeof input.title === 'string') Object.assign(trigger, { title: input.title, raw_title: input.title });
    if (input.active !== undefined) trigger.active = input.active === true;
    if (typeof input.position === 'number') trigger.position = input.position;
    if (typeof input.description === 'string') trigger.description = input.description;
    if (rules) Object.assign(trigger, { conditions: { all: conditions.all ?? [], any: conditions.any ?? [] }, actions });
    trigger.updated_at = zendeskTimestamp(new Date());
    return json(200, { trigger: withUrl(account.subdomain, 'triggers', trigger) });
  }

  // --- the control API ---
  // POST /reset {subdomain?}                     whole fake (also global clients, clock) or one account
  // GET  /requests?since&method&pathPattern&subdomain, POST|GET|DELETE /faults   (fake-http.ts)
  // PUT|GET|DELETE /random-faults               seeded random faults / outage, and counts (fake-http.ts)
  // PUT|GET|DELETE /accounts/{sub}               seed / snapshot / delete an account
  // POST /accounts/{sub}/expire-tokens           every access token expired -> {expired}
  // POST /accounts/{sub}/revoke-refresh-tokens   every refresh token gone -> {revoked}
  // PATCH /accounts/{sub}/users/{id} {fields}    change a user (suspended, active, ticket_restriction, ...)
  // PUT  /oauth-clients {clients}                replace the global OAuth clients -> {clients}
  // POST /oauth-clients {clients}                add / replace by clientId -> {clients}; GET -> {clients}
  // PUT  /clock {offsetMs}, GET /clock           shift the fake's clock -> {offsetMs, now}
  // GET  /app-key                                -> {publicKeyPem}
  // POST /app-tokens ZendeskAppTokenRequest      -> {token} (ZAF signed-URL JWT)
  // POST /tickets/{sub}/{id}/solve {status?, at?, webhookId?, deliver?, ...}   set the status (default
  //      solved; `open` reopens) and run the triggers -> ZendeskTicketUpdateResult
  // POST /tickets/{sub}/{id}/end-conversation {at?, ...}   a chat / messaging ticket's session ends
  //      (409 for other channels or when it ended already) and the triggers run
  // POST /webhook-requests                       a signed webhook request for any body

  async function control(request: FakeRequest): Promise<FakeResponse> {
    const path = request.path.replace(/^\/__control/, '');
    const method = request.method;
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    try {
      if (path === '/health') return json(200, { ok: true });
      if (path === '/reset' && method === 'POST') {
        const subdomain = typeof body.subdomain === 'string' ? body.subdomain : undefined;
        if (subdomain) {
          state.accounts.delete(subdomain);
          state.requests.clear((r) => !r.path.startsWith(`/${subdomain}/`));
        } else {
          state.accounts.clear();
          state.requests.clear();
          state.faults.clear();
          state.randomFaults.clear();
          state.randomFaults.resetCounts();
          state.oauthClients = [];
          state.clockOffsetMs = 0;
        }
        return json(200, { ok: true });
      }
      if (path === '/app-key' && method === 'GET') return json(200, { publicKeyPem: state.appKey.publicKeyPem });
      if (path === '/app-tokens' && method === 'POST') return appToken(body as Partial<ZendeskAppTokenRequest>);
      if (path === '/oauth-clients') {
        if (method === 'GET') return json(200, { clients: state.oauthClients });
        if (method === 'PUT' || method === 'POST') {
          const clients = readOAuthClients(body.clients);
          // PUT replaces the list; POST adds or replaces clients by clientId, keeping the others.
          state.oauthClients =
            method === 'PUT' ? clients : [...state.oauthClients.filter((c) => !clients.some((n) => n.clientId === c.clientId)), ...clients];
          return json(200, { clients: state.oauthClients });
        }
      }
      if (path === '/clock') {
        if (method === 'PUT') {
          if (typeof body.offsetMs !== 'number' || !Number.isFinite(body.offsetMs))
            return json(400, { error: 'offsetMs (number) is required' });
          state.clockOffsetMs = body.offsetMs;
        }
        if (method === 'PUT' || method === 'GET') {
          return json(200, { offsetMs: state.clockOffsetMs, now: new Date(now()).toISOString() });
        }
      }
      const shared = answerSharedControl(request, path, state, (r, query) => {
        const subdomain = query.get('subdomain');
        return !subdomain || r.path.startsWith(`/${subdomain}/`);
      });
      if (shared) return shared;
      // PATCH /accounts/{sub}/users/{id}: change a user as an admin would in Zendesk (suspend, delete, restrict)
      const userMatch = /^\/accounts\/([A-Za-z0-9][A-Za-z0-9-]*)\/users\/(\d+)$/.exec(path);
      if (userMatch && method === 'PATCH') {
        const user = state.accounts.get(userMatch[1]!)?.users.find((u) => u.id === Number(userMatch[2]));
        if (!user) return json(404, { error: 'unknown account or user' });
        Object.assign(user, body, { id: user.id, updated_at: zendeskTimestamp(new Date()) });
        return json(200, { user });
      }
      const accountMatch = /^\/accounts\/([A-Za-z0-9][A-Za-z0-9-]*)(\/expire-tokens|\/revoke-refresh-tokens)?$/.exec(path);
      if (accountMatch) {
        const subdomain = accountMatch[1]!;
        if (accountMatch[2]) {
          const account = state.accounts.get(subdomain);
          if (!account || method !== 'POST') return json(404, { error: 'unknown account' });
          if (accountMatch[2] === '/revoke-refresh-tokens') {
            const withRefresh = account.tokens.filter((t) => t.refreshToken !== undefined);
            for (const token of withRefresh) token.refreshToken = undefined;
            return json(200, { revoked: withRefresh.length });
          }
          for (const token of account.tokens) token.expiresAtMs = now() - 1000;
          return json(200, { expired: account.tokens.length });
        }
        if (method === 'PUT') {
          seedAccount(subdomain, request.body as ZendeskAccountSeed);
          return json(200, { subdomain, baseUrl: `${baseUrl}/${subdomain}` });
        }
        if (method === 'GET') {
          const account = state.accounts.get(subdomain);
          return account ? json(200, snapshot(account)) : json(404, { error: 'unknown account' });
        }
        if (method === 'DELETE') {
          state.accounts.delete(subdomain);
          return json(200, { ok: true });
        }
      }
      const ticketMatch = /^\/tickets\/([A-Za-z0-9][A-Za-z0-9-]*)\/(\d+)\/(solve|end-conversation)$/.exec(path);
      if (ticketMatch && method === 'POST') {
        const account = state.accounts.get(ticketMatch[1]!);
        const ticket = account?.tickets.find((t) => t.id === Number(ticketMatch[2]));
        if (!account || !ticket) return json(404, { error: 'unknown account or ticket' });
        const at = typeof body.at === 'string' ? new Date(body.at) : new Date();
        if (Number.isNaN(at.getTime())) return json(400, { error: 'at must be an ISO-8601 time' });
        const update =
          ticketMatch[3] === 'solve'
            ? setTicketStatus(ticket, typeof body.status === 'string' ? body.status : 'solved', at)
            : endConversation(account, ticket, at);
        if ('error' in update) return json(update.status, { error: update.error });
        return json(200, await runTicketUpdate(account, ticket, update, body));
      }
      if (path === '/webhook-requests' && method === 'POST') {
        if (typeof body.body !== 'string') return json(400, { error: 'body (string) is required' });
        return json(200, await buildWebhookRequest(null, null, body));
      }
      return json(404, { error: `unknown control route ${method} ${request.path}` });
    } catch (error) {
      return json(400, { error: String(error) });
    }
  }

  function appToken(input: Partial<ZendeskAppTokenRequest>): FakeResponse {
    const account = typeof input.subdomain === 'string' ? state.accounts.get(input.subdomain) : undefined;
    if (!account) return json(404, { error: `unknown account ${String(input.subdomain)}` });
    if (typeof input.userId !== 'number' || !account.users.some((u) => u.id === input.userId)) {
      return json(404, { error: `unknown user ${String(input.userId)} in ${account.subdomain}` });
    }
    if (typeof input.appInstallationId !== 'number') return json(400, { error: 'appInstallationId (number) is required' });
    if (input.location !== 'nav_bar' && input.location !== 'ticket_sidebar') {
      return json(400, { error: 'location must be "nav_bar" or "ticket_sidebar"' });
    }
    const claims: Record<string, unknown> = {
      ...zendeskAppClaims({
        subdomain: account.subdomain,
        appInstallationId: input.appInstallationId,
        userId: input.userId,
        location: input.location,
        product: input.product,
        lifetimeS: input.lifetimeS,
        issuedAtS: input.issuedAtS,
      }),
      ...(input.claims ?? {}),
    };
    for (const name of input.omitClaims ?? []) delete claims[name];
    const key = input.wrongKey === true ? strangerKey.privateKey : state.appKey.privateKey;
    return json(200, { token: signZendeskAppToken(key, claims, input.header ?? {}) });
  }

  /** A ticket update made through the control API, before the triggers run. */
  interface ControlUpdate {
    /** The event the legacy (trigger-less) request names, or null when it sends none. */
    legacyEvent: 'ticket_solved' | 'conversation_ended' | null;
    changes: TicketUpdate['changes'];
  }

  function setTicketStatus(ticket: ZendeskTicket, status: string, at: Date): ControlUpdate | { status: 400; error: string } {
    if (!ALLOWED_STATUSES.includes(status)) return { status: 400, error: `status must be one of ${ALLOWED_STATUSES.join(', ')}` };
    const previous = ticket.status;
    ticket.status = status as ZendeskTicket['status'];
    ticket.updated_at = zendeskTimestamp(at);
    return {
      legacyEvent: status === 'solved' ? 'ticket_solved' : null,
      changes: previous === status ? {} : { status: { previous, current: status } },
    };
  }

  /**
   * The chat / messaging session of the ticket ends (an agent ends it, or the customer leaves).
   * "Each messaging conversation has only one session"; after it ended, the customer's next
   * message starts a new conversation and ticket, and the ticket's status is not changed
   * (https://support.zendesk.com/hc/en-us/articles/8009788438042).
   */
  function endConversation(account: ZendeskAccountState, ticket: ZendeskTicket, at: Date): ControlUpdate | { status: 409; error: string } {
    if (!CONVERSATION_CHANNELS.has(ticket.via.channel)) {
      return { status: 409, error: `ticket ${ticket.id} came in via ${ticket.via.channel}: it has no chat or messaging session` };
    }
    const previous = account.sessionStates.get(ticket.id) ?? 'active';
    if (previous === 'ended') return { status: 409, error: `the session of ticket ${ticket.id} has ended already` };
    account.sessionStates.set(ticket.id, 'ended');
    ticket.updated_at = zendeskTimestamp(at);
    return { legacyEvent: 'conversation_ended', changes: { [SESSION_STATE_FIELD]: { previous, current: 'ended' } } };
  }

  /** The ticket as trigger conditions see it (zendesk-triggers.ts). */
  function ticketFacts(account: ZendeskAccountState, ticket: ZendeskTicket, changes: TicketUpdate['changes']): TicketUpdate {
    const viaId = VIA_IDS[ticket.via.channel];
    const conversation = CONVERSATION_CHANNELS.has(ticket.via.channel);
    return {
      values: {
        status: ticket.status,
        via_id: viaId === undefined ? null : String(viaId),
        update_type: 'Change',
        [SESSION_STATE_FIELD]: conversation ? (account.sessionStates.get(ticket.id) ?? 'active') : null,
      },
      changes,
    };
  }

  /** zen:event-type:ticket.status_changed, as an event-subscribed webhook receives it. */
  function statusChangedEvent(ticket: ZendeskTicket, change: { previous: string | null; current: string | null }): string {
    // https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events/ (detail
    // properties; event.meta.sequence). Status case varies between versions (FACTS.md): upper here.
    const upper = (s: string | null) => (s === null ? null : s.toUpperCase());
    return JSON.stringify({
      type: 'zen:event-type:ticket.status_changed',
      account_id: 10000001,
      id: randomUUID(),
      time: ticket.updated_at,
      zendesk_event_version: '2022-11-06',
      subject: `zen:ticket:${ticket.id}`,
      detail: {
        actor_id: String(ticket.assignee_id ?? ''),
        assignee_id: ticket.assignee_id === null ? null : String(ticket.assignee_id),
        brand_id: String(ticket.brand_id),
        created_at: ticket.created_at,
        group_id: ticket.group_id === null ? null : String(ticket.group_id),
        id: String(ticket.id),
        is_public: ticket.is_public,
        organization_id: ticket.organization_id === null ? null : String(ticket.organization_id),
        priority: ticket.priority === null ? null : ticket.priority.toUpperCase(),
        requester_id: String(ticket.requester_id),
        status: upper(ticket.status),
        subject: ticket.subject,
        submitter_id: String(ticket.submitter_id),
        tags: ticket.tags,
        type: ticket.type === null ? null : ticket.type.toUpperCase(),
        updated_at: ticket.updated_at,
        via: { channel: ticket.via.channel },
      },
      event: { current: upper(change.current), previous: upper(change.previous), meta: { sequence: { id: randomUUID(), position: 1 } } },
    });
  }

  /**
   * Runs the account's active triggers on a control update (position order, one pass) and builds
   * the webhook requests they cause, plus the event payload for webhooks subscribed to status
   * changes. Without any trigger linked to a webhook (nor an event-subscribed one), the old single
   * request is built instead, so tests that sign with a chosen secret keep working.
   */
  async function runTicketUpdate(
    account: ZendeskAccountState,
    ticket: ZendeskTicket,
    update: ControlUpdate,
    options: Record<string, unknown>,
  ): Promise<ZendeskTicketUpdateResult> {
    const wantedId = typeof options.webhookId === 'string' ? options.webhookId : undefined;
    const webhookActions = (t: ZendeskAccountState['triggers'][number]) =>
      (t.actions as { field?: string; value?: unknown }[]).filter(
        (a): a is { field: string; value: unknown[] } => a.field === 'notification_webhook' && Array.isArray(a.value),
      );
    const liveHook = (id: string) => {
      const hook = account.webhooks.get(id);
      return hook && hook.webhook.status === 'active' ? hook : undefined;
    };
    const linked = account.triggers.filter(
      (t) => t.active === true && webhookActions(t).some((a) => (wantedId ? String(a.value[0]) === wantedId : liveHook(String(a.value[0])))),
    );
    const eventHooks = [...account.webhooks.values()].filter(
      (h) =>
        h.webhook.status === 'active' &&
        (h.webhook.subscriptions as unknown[]).includes('zen:event-type:ticket.status_changed') &&
        (!wantedId || h.webhook.id === wantedId),
    );
    const pass = { timestamp: options.timestamp, webhookUrl: options.webhookUrl };
    const requests: ZendeskWebhookRequest[] = [];
    let firedTriggerIds: number[] = [];
    if (linked.length === 0 && eventHooks.length === 0) {
      if (update.legacyEvent !== null) {
        const legacy = { ticket_id: String(ticket.id), event: update.legacyEvent, status: ticket.status, updated_at: ticket.updated_at };
        requests.push(await buildWebhookRequest(account, ticket, { ...options, deliver: false, body: options.body ?? JSON.stringify(legacy) }));
      }
    } else {
      const facts = ticketFacts(account, ticket, update.changes);
      const fired = account.triggers
        .filter((t) => t.active === true)
        .sort((a, b) => Number(a.position) - Number(b.position))
        .filter((t) => triggerFires(t.conditions as { all?: Condition[]; any?: Condition[] }, facts));
      firedTriggerIds = fired.map((t) => t.id);
      for (const trigger of fired) {
        for (const action of webhookActions(trigger)) {
          const hook = liveHook(String(action.value[0]));
          if (!hook) continue;
          const body = renderPlaceholders(String(action.value[1] ?? ''), account, ticket);
          requests.push({ ...(await buildWebhookRequest(account, ticket, { ...pass, webhookId: hook.webhook.id, body })), triggerId: trigger.id });
        }
      }
      const statusChange = update.changes.status;
      if (statusChange) {
        for (const hook of eventHooks) {
          requests.push(await buildWebhookRequest(account, ticket, { ...pass, webhookId: hook.webhook.id, body: statusChangedEvent(ticket, statusChange) }));
        }
      }
    }
    if (options.deliver === true) {
      for (const r of requests) r.delivery = r.url ? await postWebhook(r.url, r.headers, r.body) : { status: 0, body: '', error: 'no webhookUrl' };
    }
    const top = requests.find((r) => !wantedId || r.webhookId === wantedId) ?? { url: null, webhookId: wantedId ?? '', headers: {}, body: '' };
    return { ...top, requests, firedTriggerIds };
  }

  async function buildWebhookRequest(
    account: ZendeskAccountState | null,
    ticket: ZendeskTicket | null,
    options: Record<string, unknown>,
  ): Promise<ZendeskWebhookRequest> {
    const wantedId = typeof options.webhookId === 'string' ? options.webhookId : undefined;
    const hooks = account ? [...account.webhooks.values()] : [];
    const hook = wantedId ? hooks.find((h) => h.webhook.id === wantedId) : hooks[0];
    const trigger =
      account && hook
        ? account.triggers.find(
            (t) =>
              t.active === true &&
              (t.actions as { field?: string; value?: unknown }[]).some(
                (a) => a.field === 'notification_webhook' && Array.isArray(a.value) && a.value[0] === hook.webhook.id,
              ),
          )
        : undefined;
    const template = trigger
      ? (trigger.actions as { field?: string; value?: unknown[] }[]).find(
          (a) => a.field === 'notification_webhook' && a.value?.[0] === hook?.webhook.id,
        )?.value?.[1]
      : undefined;

    let body: string;
    if (typeof options.body === 'string') body = options.body;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    else if (account && ticket && typeof template === 'string') body = renderPlaceholders(template, account, ticket);
    else if (ticket) {
      body = JSON.stringify({
        ticket_id: String(ticket.id),
        event: 'ticket_solved',
        status: ticket.status,
        updated_at: ticket.updated_at,
      });
    } else body = '';

    const secret = typeof options.signingSecret === 'string' ? options.signingSecret : hook?.secret;
    if (!secret) throw new Error('signingSecret is required (or create a webhook through the API first)');
    const timestamp = typeof options.timestamp === 'string' ? options.timestamp : zendeskTimestamp(new Date());
    const webhookId = wantedId ?? hook?.webhook.id ?? `01${randomBytes(12).toString('hex').toUpperCase()}`;
    const url = typeof options.webhookUrl === 'string' ? options.webhookUrl : (hook?.webhook.endpoint ?? null);
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Zendesk Webhook',
      'X-Zendesk-Account-Id': '10000001',
      'X-Zendesk-Webhook-Id': webhookId,
      'X-Zendesk-Webhook-Invocation-Id': String(BigInt(`0x${randomUUID().replace(/-/g, '').slice(0, 15)}`)),
      'X-Zendesk-Webhook-Signature': signZendeskWebhook(secret, body, timestamp),
      'X-Zendesk-Webhook-Signature-Timestamp': timestamp,
    };
    const result: ZendeskWebhookRequest = { url, webhookId, headers, body };
    if (options.deliver === true) {
      result.delivery = url ? await postWebhook(url, headers, body) : { status: 0, body: '', error: 'no webhookUrl' };
    }
    return result;
  }

  function snapshot(account: ZendeskAccountState): ZendeskAccountSnapshot {
    return {
      subdomain: account.subdomain,
      baseUrl: `${baseUrl}/${account.subdomain}`,
      tokens: account.tokens,
      refreshCount: account.refreshCount,
      users: account.users,
      groups: account.groups,
      groupMemberships: account.groupMemberships,
      tickets: account.tickets,
      comments: Object.fromEntries(account.comments),
      webhooks: [...account.webhooks.values()].map((w) => ({ ...w.webhook, signing_secret: w.secret })),
      triggers: account.triggers,
    };
  }

  return { url: server.url, close: server.close, state, seedAccount };
}

/** Default page size of the webhooks list (Zendesk's default is not documented; small on purpose). */
const WEBHOOKS_PAGE_SIZE = 20;

/** Validates the `clients` of `PUT|POST /__control/oauth-clients`. */
function readOAuthClients(value: unknown): ZendeskOAuthClientSeed[] {
  if (!Array.isArray(value)) throw new TypeError('clients (array) is required');
  return value.map((raw, index) => {
    const c = (raw ?? {}) as Partial<ZendeskOAuthClientSeed>;
    const where = `clients[${index}]`;
    if (typeof c.clientId !== 'string' || !c.clientId) throw new TypeError(`${where}.clientId (string) is required`);
    if (typeof c.clientSecret !== 'string' || !c.clientSecret) throw new TypeError(`${where}.clientSecret (string) is required`);
    if (!Array.isArray(c.redirectUris) || !c.redirectUris.every((u) => typeof u === 'string')) {
      throw new TypeError(`${where}.redirectUris (string[]) is required`);
    }
    for (const name of ['accessTokenTtlS', 'refreshTokenTtlS'] as const) {
      if (c[name] !== undefined && (typeof c[name] !== 'number' || !(c[name] > 0)))
        throw new TypeError(`${where}.${name} must be a positive number`);
    }
    return {
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      ...(typeof c.name === 'string' ? { name: c.name } : {}),
      redirectUris: [...c.redirectUris],
      accessTokenTtlS: c.accessTokenTtlS ?? 1800,
      refreshTokenTtlS: c.refreshTokenTtlS ?? 2_592_000,
    };
  });
}

function newSigningSecret(): string {
  return randomBytes(32).toString('base64');
}

/** Convenience for Node callers: the demo ids and credentials plus the seed itself. */
export const zendeskDemo = { ids: ZENDESK_DEMO, seed: demoAccount };
