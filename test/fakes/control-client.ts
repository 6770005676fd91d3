// Typed clients for the fakes' `/__control/...` HTTP APIs. Only `fetch` at run time (the imports
// below are types and are erased), so worker tests inside workerd can use them as well as Node.
// Every method throws on a non-2xx control answer, with the fake's error in the message.
import type { Fault, FaultSpec, RandomFaultConfig, RandomFaultCounts, RecordedRequest } from './fake-http.ts';
import type { InboundResult, OutboxMessage, Outcome, SignedCallback, TelnyxAccountState } from './telnyx-fake.ts';
import type { TelnyxAccountSeed } from './telnyx-data.ts';
import type { RateDecision, RateLimitConfig } from './telnyx-rate-limit.ts';
import type {
  ZendeskAccountSnapshot,
  ZendeskAppTokenRequest,
  ZendeskTicketUpdateResult,
  ZendeskWebhookRequest,
  ZendeskWebhookRequestOptions,
} from './zendesk-fake.ts';
import type { ZendeskAccountSeed, ZendeskOAuthClientSeed } from './zendesk-data.ts';

/** A global OAuth client as `PUT /__control/oauth-clients` takes it (redirectUris required). */
export type ZendeskGlobalClient = ZendeskOAuthClientSeed & { redirectUris: string[] };

export interface RequestsQuery {
  /** Only requests after this cursor (the `last` of an earlier answer). */
  since?: number;
  method?: string;
  /** Regex on the path. */
  pathPattern?: string;
}

export interface RequestsPage {
  requests: RecordedRequest[];
  /** Cursor of the newest request recorded so far. */
  last: number;
}

async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/__control/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`fake control ${method} /__control/${path} -> ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Answer of the `/__control/random-faults` routes: the configuration in force and the counts. */
export type RandomFaultAnswer = RandomFaultCounts & { config: RandomFaultConfig | null };

export function zendeskControl(url: string) {
  return {
    url,
    /** Whole fake (accounts, requests, faults), or only one account and its recorded requests. */
    reset: (subdomain?: string) => call<{ ok: true }>(url, 'POST', 'reset', subdomain ? { subdomain } : {}),
    seedAccount: (subdomain: string, seed: ZendeskAccountSeed) =>
      call<{ subdomain: string; baseUrl: string }>(url, 'PUT', `accounts/${subdomain}`, seed),
    account: (subdomain: string) => call<ZendeskAccountSnapshot>(url, 'GET', `accounts/${subdomain}`),
    deleteAccount: (subdomain: string) => call<{ ok: true }>(url, 'DELETE', `accounts/${subdomain}`),
    /** Makes every access token of the account expired (refresh tokens keep working). */
    expireTokens: (subdomain: string) => call<{ expired: number }>(url, 'POST', `accounts/${subdomain}/expire-tokens`),
    /** Every refresh token of the account stops working (refresh answers 400 invalid_grant). */
    revokeRefreshTokens: (subdomain: string) => call<{ revoked: number }>(url, 'POST', `accounts/${subdomain}/revoke-refresh-tokens`),
    /** Replaces the global OAuth clients (valid on every account); TTLs default to 1800 s / 30 days. */
    setOAuthClients: async (clients: ZendeskGlobalClient[]) =>
      (await call<{ clients: ZendeskGlobalClient[] }>(url, 'PUT', 'oauth-clients', { clients })).clients,
    /** Adds global OAuth clients (or replaces those with the same clientId), keeping the others. */
    addOAuthClients: async (clients: ZendeskGlobalClient[]) =>
      (await call<{ clients: ZendeskGlobalClient[] }>(url, 'POST', 'oauth-clients', { clients })).clients,
    oauthClients: async () => (await call<{ clients: ZendeskGlobalClient[] }>(url, 'GET', 'oauth-clients')).clients,
    /** Shifts the fake's clock (token, refresh token and authorization code expiry) by offsetMs. */
    setClockOffset: (offsetMs: number) => call<{ offsetMs: number; now: string }>(url, 'PUT', 'clock', { offsetMs }),
    clock: () => call<{ offsetMs: number; now: string }>(url, 'GET', 'clock'),
    /** `{ publicKeyPem }`: the app's public key (SPKI PEM), as `GET /api/v2/apps/{id}/public_key.pem` serves it. */
    appKey: () => call<{ publicKeyPem: string }>(url, 'GET', 'app-key'),
    /** `{ token }`: a ZAF signed-URL token (RS256 JWT) as Zendesk posts it when a signed location loads. */
    appToken: (options: ZendeskAppTokenRequest) => call<{ token: string }>(url, 'POST', 'app-tokens', options),
    requests: (query: RequestsQuery & { subdomain?: string } = {}) =>
      call<RequestsPage>(url, 'GET', `requests${queryString({ ...query })}`),
    addFault: async (spec: FaultSpec) => (await call<{ fault: Fault }>(url, 'POST', 'faults', spec)).fault,
    faults: async () => (await call<{ faults: Fault[] }>(url, 'GET', 'faults')).faults,
    clearFaults: () => call<{ ok: true }>(url, 'DELETE', 'faults'),
    /** Seeded random faults (and an optional outage) from now on; answers the counts so far. */
    setRandomFaults: (config: RandomFaultConfig) => call<RandomFaultAnswer>(url, 'PUT', 'random-faults', config),
    randomFaults: () => call<RandomFaultAnswer>(url, 'GET', 'random-faults'),
    /** Stops random faults; `resetCounts` also zeroes the counts. */
    clearRandomFaults: (resetCounts = false) => call<RandomFaultAnswer>(url, 'DELETE', `random-faults${resetCounts ? '?counts=reset' : ''}`),
    /**
     * Sets the ticket solved (or `options.status`, e.g. `open` to reopen), runs the account's
     * triggers and returns the signed webhook requests Zendesk would send (the first at the top).
     */
    solveTicket: (subdomain: string, ticketId: number | string, options: ZendeskWebhookRequestOptions = {}) =>
      call<ZendeskTicketUpdateResult>(url, 'POST', `tickets/${subdomain}/${ticketId}/solve`, options),
    /** The chat / messaging session of the ticket ends; the triggers run as for solveTicket. */
    endConversation: (subdomain: string, ticketId: number | string, options: ZendeskWebhookRequestOptions = {}) =>
      call<ZendeskTicketUpdateResult>(url, 'POST', `tickets/${subdomain}/${ticketId}/end-conversation`, options),
    /** A signed webhook request for any body, without touching a ticket. */
    webhookRequest: (options: ZendeskWebhookRequestOptions & { body: string; signingSecret: string }) =>
      call<ZendeskWebhookRequest>(url, 'POST', 'webhook-requests', options),
  };
}

export function telnyxControl(url: string) {
  return {
    url,
    /** Whole fake, or only one API key's account, messages, outcomes and recorded requests. */
    reset: (apiKey?: string) => call<{ ok: true }>(url, 'POST', 'reset', apiKey ? { apiKey } : {}),
    seedAccount: (apiKey: string, seed: TelnyxAccountSeed) =>
      call<{ apiKey: string; profiles: number; numbers: number }>(url, 'PUT', `accounts/${encodeURIComponent(apiKey)}`, seed),
    account: (apiKey: string) => call<TelnyxAccountState>(url, 'GET', `accounts/${encodeURIComponent(apiKey)}`),
    requests: (query: RequestsQuery & { apiKey?: string } = {}) => call<RequestsPage>(url, 'GET', `requests${queryString({ ...query })}`),
    addFault: async (spec: FaultSpec) => (await call<{ fault: Fault }>(url, 'POST', 'faults', spec)).fault,
    faults: async () => (await call<{ faults: Fault[] }>(url, 'GET', 'faults')).faults,
    clearFaults: () => call<{ ok: true }>(url, 'DELETE', 'faults'),
    /** Seeded random faults (and an optional outage) from now on; answers the counts so far. */
    setRandomFaults: (config: RandomFaultConfig) => call<RandomFaultAnswer>(url, 'PUT', 'random-faults', config),
    randomFaults: () => call<RandomFaultAnswer>(url, 'GET', 'random-faults'),
    /** Stops random faults; `resetCounts` also zeroes the counts. */
    clearRandomFaults: (resetCounts = false) => call<RandomFaultAnswer>(url, 'DELETE', `random-faults${resetCounts ? '?counts=reset' : ''}`),
    /** The outbox: accepted messages, oldest first. */
    messages: async (query: { apiKey?: string; to?: string } = {}) =>
      (await call<{ messages: OutboxMessage[] }>(url, 'GET', `messages${queryString(query)}`)).messages,
    /** How future messages to `to` end (optionally only for one API key). */
    setOutcome: (rule: { to: string; outcome: Outcome; errorCode?: string; errorTitle?: string; errorDetail?: string; apiKey?: string }) =>
      call<{ ok: true }>(url, 'POST', 'outcomes', rule),
    clearOutcomes: () => call<{ ok: true }>(url, 'DELETE', 'outcomes'),
    /** The message's signed lifecycle callbacks (built once); `deliver` also POSTs them. */
    callbacks: async (messageId: string, options: { deliver?: boolean; timestamp?: string } = {}) =>
      (await call<{ callbacks: SignedCallback[] }>(url, 'POST', `messages/${messageId}/callbacks`, options)).callbacks,
    /**
     * A signed outbound event for the message with any status the SDK defines (scheduled,
     * cancelled, read, ...); the message takes that status. `deliver` also POSTs it.
     */
    event: async (
      messageId: string,
      event: { eventType: 'message.sent' | 'message.finalized' | 'message.read'; status: string; errors?: unknown[]; deliver?: boolean; timestamp?: string },
    ) => (await call<{ callback: SignedCallback }>(url, 'POST', `messages/${messageId}/events`, event)).callback,
    setConfig: (config: { autoCallbacks?: boolean; callbackDelayMs?: number }) =>
      call<{ config: { autoCallbacks: boolean; callbackDelayMs: number } }>(url, 'PUT', 'config', config),
    /** base64 raw Ed25519 public key (Mission Control format). */
    publicKey: async () => (await call<{ publicKey: string }>(url, 'GET', 'public-key')).publicKey,
    /** A text from `from` to our number `to`; STOP/START keywords change the opt-out state. */
    inbound: (message: { from: string; to: string; text: string; media?: Array<{ url: string; content_type?: string }>; deliver?: boolean; webhookUrl?: string; timestamp?: string }) =>
      call<InboundResult>(url, 'POST', 'inbound', message),
    optOuts: async () => (await call<{ optOuts: { messagingProfileId: string; number: string }[] }>(url, 'GET', 'opt-outs')).optOuts,
    deliveries: async () =>
      (
        await call<{
          deliveries: { url: string; eventType: string; status: number; error?: string; time: string }[];
        }>(url, 'GET', 'deliveries')
      ).deliveries,
    /** Rate-limit mode: over-rate sends from these numbers / API keys get Telnyx's 429 (10011). */
    setRateLimits: (config: RateLimitConfig) => call<{ ok: true }>(url, 'PUT', 'rate-limits', config),
    clearRateLimits: () => call<{ ok: true }>(url, 'DELETE', 'rate-limits'),
    /** Every rate-limit decision (optionally for one number) and the counts of 429s and unhonoured 429s. */
    rateLimits: (from?: string) =>
      call<{ summary: { requests: number; accepted: number; tooManyRequests: number; unhonoured: number }; decisions: RateDecision[] }>(
        url,
        'GET',
        `rate-limits${from ? `?from=${encodeURIComponent(from)}` : ''}`,
      ),
    /** Telnyx signature headers for any body (Unix-seconds timestamp, default now). */
    sign: async (body: string, timestamp?: string) =>
      (await call<{ headers: Record<string, string> }>(url, 'POST', 'sign', { body, timestamp })).headers,
  };
}

export type ZendeskControl = ReturnType<typeof zendeskControl>;
export type TelnyxControl = ReturnType<typeof telnyxControl>;
