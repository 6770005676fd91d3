// FAKE Telnyx v2 messaging API for tests and local runs, at `/v2/...` (the SDK's baseURL is
// `http://127.0.0.1:PORT/v2`). Many accounts, keyed by API key.
//
// Contract followed (Telnyx OpenAPI spec team-telnyx/openapi spec3.json, the official SDK's types
// and paths in node_modules/telnyx, developers.telnyx.com/api/errors/<code> pages):
//  - `Authorization: Bearer <API key>`; unknown key -> 401 {errors:[{code:"10009",...}]}.
//  - POST /v2/messages: from/to +E.164, text, messaging_profile_id, webhook_url,
//    webhook_failover_url, use_profile_webhooks, encoding (auto|gsm7|ucs2) -> 200 {data: Message}
//    with parts counted by GSM-7/UCS-2 rules (sms-parts.ts). Errors {errors:[{code,title,detail,source}]}:
//    10004 missing parameter (422), 10016 not +E.164 (422), 10015 bad JSON (400),
//    40305 'from' not on the account (400), 40310 several 'to' (400), 40316 no content (400),
//    40302 more than 10 parts (400), 40321 profile without numbers (400),
//    40300 recipient sent STOP to this messaging profile (409 per the 40300 error page).
//  - GET /v2/messages/{id}; GET /v2/messaging_profiles, /v2/messaging_profiles/{id} (with its
//    `alpha_sender`), /v2/messaging_profiles/{id}/phone_numbers and /alphanumeric_sender_ids, and
//    /v2/alphanumeric_sender_ids[/{id}], paginated like the SDK's DefaultFlatPagination ({data,
//    meta:{page_number,page_size,total_pages,total_results}}, page[number]/page[size], size default
//    20 max 250).
//  - US registration, from seeded data: GET /v2/10dlc/phone_number_campaigns/{phoneNumber}
//    (PhoneNumberCampaign, no envelope; 404 when the number has no assignment) and the list
//    (PerPagePaginationV2: {records, page, totalRecords}, page / recordsPerPage); GET
//    /v2/messaging_tollfree/verification/requests (page and page_size required, phone_number and
//    status filters; {records, total_records}) and /requests/{id}. Numbers of other accounts are
//    not visible.
//  - Alphanumeric senders (docs/messaging/messages/alphanumeric-sender-id): `from` with a letter is
//    a sender ID: 1-11 letters, digits, spaces, at least one letter; messaging_profile_id required;
//    it must be the profile's alpha_sender or one of its alphanumeric_sender_ids (else 40305). To
//    +1 numbers Telnyx uses the record's us_long_code_fallback; without one the fake refuses with
//    40305 (Telnyx documents "cannot send to the United States, Canada, or Puerto Rico", not the code).
//  - Webhooks signed with Ed25519 over `${timestamp}|${body}` (telnyx-signature.ts): message.sent
//    then message.finalized (delivered | delivery_failed | sending_failed | expired |
//    delivery_unconfirmed, failures with errors[]), and message.received for inbound texts;
//    envelope {data:{event_type,id,occurred_at,payload,record_type:'event'},meta:{attempt,
//    delivered_to}}; failover URL tried when the primary fails. Any other status the SDK defines
//    (scheduled, cancelled, read, ...) can be produced as a signed event with
//    POST /__control/messages/{id}/events (Telnyx documents the statuses, not when each is sent).
//  - Keywords (docs/messaging/messages/advanced-opt-in-out): the whole message, trimmed,
//    case-insensitive. Opt-out STOP, STOPALL, STOP ALL, UNSUBSCRIBE, CANCEL, END, QUIT blocks the
//    sender for the messaging profile; START / UNSTOP unblock; HELP changes nothing. Seeded
//    autoresp_configs add keywords per profile. The inbound event's payload.autoresponse_type says
//    which applied (STOP | START | HELP), null otherwise.
// Left out: MMS/media on outbound messages (an inbound may carry `media` links), number pools and sticky senders beyond "first number of the profile",
// scheduling through the API, short codes, carrier blocking of unregistered US traffic, webhook
// retries beyond one failover attempt, auto-replies. Rate limiting is off unless configured:
// PUT /__control/rate-limits (telnyx-rate-limit.ts answers over-rate sends with Telnyx's 429).
// The HTTP statuses of 40302/40305/40316/40321 and of 10004/10016 are not published per code;
// the fake uses 400 for messaging (403xx) errors and 422 for parameter validation (100xx).
import { randomUUID } from 'node:crypto';
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
  sleep,
  startHttpServer,
} from './fake-http.ts';
import type { FakeRequest, FakeResponse, } from './fake-http.ts';
import { countSmsParts } from './sms-parts.ts';
import { demoTelnyxAccount, TELNYX_DEMO } from './telnyx-data.ts';
import type {
  TelnyxAccountSeed,
  TelnyxAlphanumericSenderSeed,
  TelnyxAutorespConfigSeed,
  TelnyxMessagingProfileSeed,
  TelnyxPhoneNumberSeed,
  TelnyxTenDlcAssignmentSeed,
  TelnyxTollFreeVerificationSeed,
} from './telnyx-data.ts';
import { generateTelnyxKeyPair, signTelnyxWebhook } from './telnyx-signature.ts';
import { TelnyxRateLimiter, TOO_MANY_REQUESTS, type RateLimitConfig } from './telnyx-rate-limit.ts';

export { demoTelnyxAccount, TELNYX_DEMO } from './telnyx-data.ts';
export type { TelnyxAccountSeed } from './telnyx-data.ts';
export { signTelnyxWebhook } from './telnyx-signature.ts';
export { countSmsParts } from './sms-parts.ts';

/** How a message ends (its message.finalized status). */
export type Outcome = 'delivered' | 'delivery_failed' | 'sending_failed' | 'expired' | 'delivery_unconfirmed';
const OUTCOMES: readonly Outcome[] = ['delivered', 'delivery_failed', 'sending_failed', 'expired', 'delivery_unconfirmed'];

/** Every `to[].status` the SDK defines for an outbound message (OutboundMessagePayload, MessageCancelScheduledResponse). */
export const OUTBOUND_STATUSES = [
  'scheduled', 'queued', 'sending', 'sent', 'cancelled', 'expired', 'sending_failed', 'delivery_unconfirmed', 'delivered', 'delivery_failed', 'read',
] as const;
/** Outbound message events (SDK OutboundMessage.event_type). */
export const OUTBOUND_EVENTS = ['message.sent', 'message.finalized', 'message.read'] as const;

export interface OutcomeRule {
  outcome: Outcome;
  errorCode?: string;
  errorTitle?: string;
  errorDetail?: string;
}

export interface TelnyxError {
  code: string;
  title: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string };
}

/** The Message object as the API returns it (OutboundMessagePayload in the SDK). */
export interface TelnyxMessage {
  record_type: 'message';
  id: string;
  direction: 'outbound' | 'inbound';
  type: 'SMS' | 'MMS';
  messaging_profile_id: string;
  organization_id: string;
  from: { phone_number: string; carrier: string; line_type: string };
  to: { phone_number: string; status: string; carrier: string; line_type: string }[];
  cc: unknown[];
  text: string;
  subject: null;
  media: unknown[];
  parts: number;
  encoding: string;
  num_chars: number;
  smart_encoding_applied: boolean;
  cost: { amount: string; currency: string } | null;
  tags: string[];
  webhook_url: string | null;
  webhook_failover_url: string | null;
  received_at: string;
  sent_at: string | null;
  completed_at: string | null;
  valid_until: string;
  errors: TelnyxError[];
  autoresponse_type?: string | null;
  [key: string]: unknown;
}

export interface StoredMessage {
  apiKey: string;
  message: TelnyxMessage;
  outcome: OutcomeRule;
  /** Signed callbacks built so far (each lifecycle is built once and then reused). */
  callbacks: SignedCallback[];
}

export interface SignedCallback {
  url: string | null;
  failoverUrl: string | null;
  headers: Record<string, string>;
  body: string;
  delivery?: { status: number; body: string; error?: string; url: string }[];
}

/** `GET /__control/messages`: the outbox, each message with its account and planned outcome. */
export type OutboxMessage = TelnyxMessage & { apiKey: string; outcome: Outcome };

/** `POST /__control/inbound`. */
export interface InboundResult {
  /** Whether `from` is now opted out of the messaging profile that owns `to`. */
  optedOut: boolean;
  messagingProfileId: string;
  /** The signed message.received webhook (with `delivery` when `deliver: true`). */
  callback: SignedCallback;
}

export interface TelnyxAccountState {
  apiKey: string;
  profiles: (TelnyxMessagingProfileSeed & Record<string, unknown>)[];
  numbers: (TelnyxPhoneNumberSeed & Record<string, unknown>)[];
  alphanumericSenders: Record<string, unknown>[];
  tenDlc: Record<string, unknown>[];
  tollFree: Record<string, unknown>[];
  autoresp: TelnyxAutorespConfigSeed[];
}

export interface TelnyxFakeState {
  accounts: Map<string, TelnyxAccountState>;
  /** Accepted messages in order (the outbox). */
  messages: StoredMessage[];
  /** `${messagingProfileId}|${number}` of numbers that sent STOP to that profile. */
  optOuts: Set<string>;
  /** Outcome rules by recipient, optionally per API key (`${apiKey}|${to}` wins over `*|${to}`). */
  outcomes: Map<string, OutcomeRule>;
  config: { autoCallbacks: boolean; callbackDelayMs: number };
  requests: RequestLog;
  faults: FaultList;
  /** Seeded random faults and outages for the soak (`/__control/random-faults`, fake-http.ts). */
  randomFaults: RandomFaults;
  /** Every webhook POST the fake made (auto callbacks, inbound, `deliver: true`). */
  deliveries: { url: string; eventType: string; status: number; error?: string; time: string }[];
  publicKey: string;
  /** Rate-limit mode (issue 13): per number and per API key; off until configured. */
  rateLimits: TelnyxRateLimiter;
}

export interface TelnyxFake {
  url: string;
  close(): Promise<void>;
  state: TelnyxFakeState;
  /** base64 raw Ed25519 public key; pass it to the SDK as `publicKey`. */
  publicKey: string;
  seedAccount(apiKey: string, seed: TelnyxAccountSeed): TelnyxAccountState;
  /** Signs any body as Telnyx would (for negative tests). */
  sign(body: string, timestamp?: string): Record<string, string>;
}

const E164 = /^\+[1-9]\d{1,14}$/;
const STOP_WORDS = ['STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'];
const START_WORDS = ['START', 'UNSTOP'];
/** Alphanumeric sender ID format (docs/messaging/messages/alphanumeric-sender-id). */
const ALPHANUMERIC = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const ORGANIZATION_ID = 'b448f9cc-a842-4578-a0fa-5e1e0f2b0ce3';
const CREATED = '2026-01-05T08:00:00.000+00:00';

const err = (status: number, ...errors: TelnyxError[]) => json(status, { errors });

const DEFAULT_FAILURES: Record<Exclude<Outcome, 'delivered'>, { code: string; title: string; detail: string }> = {
  delivery_failed: {
    code: '40008',
    title: 'Undeliverable',
    detail: 'The recipient carrier did not accept the message.',
  },
  sending_failed: {
    code: '40006',
    title: 'Recipient server unavailable',
    detail: 'The recipient server is unavailable or not responding.',
  },
  // Codes from the messaging error reference (developers.telnyx.com/docs/messaging/messages/error-codes).
  expired: { code: '40014', title: 'Expired in queue', detail: 'The message sat in queue past its validity period.' },
  delivery_unconfirmed: { code: '', title: '', detail: '' },
};

function telnyxFaultBody(status: number): unknown {
  if (status === 401) {
    return {
      errors: [
        {
          code: '10009',
          title: 'Authentication failed',
          detail: 'The required authentication headers were either invalid or not included in the request.',
        },
      ],
    };
  }
  if (status === 404) {
    return { errors: [{ code: '10005', title: 'Resource not found', detail: 'The requested resource or URL could not be found.' }] };
  }
  if (status === 408) return { errors: [{ code: '10008', title: 'Request timeout', detail: 'The request timed out.' }] };
  if (status === 429) {
    return {
      errors: [{ code: '10011', title: 'Too many requests', detail: 'You have exceeded the maximum number of allowed requests.' }],
    };
  }
  return { errors: [{ code: '10007', title: 'Unexpected error', detail: 'An unexpected error occured.' }] };
}

function isoNow(): string {
  return new Date().toISOString().replace('Z', '+00:00');
}

function profileRecord(profile: TelnyxMessagingProfileSeed): Record<string, unknown> {
  return {
    record_type: 'messaging_profile',
    enabled: true,
    webhook_url: null,
    webhook_failover_url: null,
    webhook_api_version: '2',
    whitelisted_destinations: ['US', 'CA'],
    number_pool_settings: null,
    url_shortener_settings: null,
    alpha_sender: null,
    daily_spend_limit: '100.00',
    daily_spend_limit_enabled: false,
    mms_fall_back_to_sms: false,
    mms_transcoding: false,
    mobile_only: false,
    organization_id: ORGANIZATION_ID,
    created_at: CREATED,
    updated_at: CREATED,
    ...profile,
  };
}

function numberRecord(number: TelnyxPhoneNumberSeed, index: number): Record<string, unknown> {
  return {
    record_type: 'messaging_phone_number',
    id: number.id ?? String(1_293_384_261_075_731_000 + index),
    country_code: number.country_code ?? (number.phone_number.startsWith('+1') ? 'US' : 'XX'),
    type: 'long-code',
    messaging_product: 'P2P',
    traffic_type: 'P2P',
    eligible_messaging_products: ['A2P', 'P2P'],
    features: { sms: { domestic_two_way: true, international_inbound: true, international_outbound: true }, mms: null },
    health: { inbound_outbound_ratio: 0.43, message_count: 122, spam_ratio: 0.06, success_ratio: 0.94 },
    tags: [],
    organization_id: ORGANIZATION_ID,
    created_at: CREATED,
    updated_at: CREATED,
    ...number,
  };
}

/** SDK DefaultFlatPagination: page[number] (1-based), page[size] (default 20, max 250). */
export function paginateFlat<T>(items: T[], query: URLSearchParams): { data: T[]; meta: Record<string, number> } {
  const size = Math.min(250, Math.max(1, Number(query.get('page[size]')) || 20));
  const pageNumber = Math.max(1, Number(query.get('page[number]')) || 1);
  return {
    data: items.slice((pageNumber - 1) * size, pageNumber * size),
    meta: {
      page_number: pageNumber,
      page_size: size,
      total_pages: Math.ceil(items.length / size),
      total_results: items.length,
    },
  };
}

function alphanumericSenderRecord(seed: TelnyxAlphanumericSenderSeed, index: number): Record<string, unknown> {
  return {
    record_type: 'alphanumeric_sender_id',
    id: seed.id ?? `0b1c2d3e-0000-4000-8000-${String(index).padStart(12, '0')}`,
    organization_id: ORGANIZATION_ID,
    ...seed,
  };
}

function tenDlcRecord(seed: TelnyxTenDlcAssignmentSeed): Record<string, unknown> {
  return {
    campaignId: seed.campaignId ?? seed.tcrCampaignId ?? 'CDEMO00',
    createdAt: '2026-01-05T08:00:00.000000',
    updatedAt: '2026-01-05T08:00:00.000000',
    brandId: '7ba705b7-22af-493f-addc-ac04b7ca071c',
    tcrBrandId: 'BDEMO01',
    telnyxCampaignId: '3008dd9f-66d7-40e0-bf23-bf2d8d1a96ba',
    ...seed,
  };
}

function tollFreeRecord(seed: TelnyxTollFreeVerificationSeed, index: number): Record<string, unknown> {
  const { phoneNumbers, ...rest } = seed;
  return {
    id: seed.id ?? `7c4f1a52-0000-4000-8000-${String(index).padStart(12, '0')}`,
    additionalInformation: '',
    businessAddr1: '600 Congress Avenue',
    businessCity: 'Austin',
    businessContactEmail: 'ops@example.com',
    businessContactFirstName: 'Ada',
    businessContactLastName: 'Admin',
    businessContactPhone: '+18005550100',
    businessName: 'Acme Inc',
    businessState: 'Texas',
    businessZip: '78701',
    corporateWebsite: 'https://example.com',
    messageVolume: '1,000',
    optInWorkflow: 'Customers give their number when they contact support.',
    optInWorkflowImageURLs: [],
    productionMessageContent: 'Thanks for contacting Acme support.',
    useCase: 'Customer Care',
    useCaseSummary: 'Follow-ups after support conversations',
    reason: null,
    createdAt: CREATED,
    updatedAt: CREATED,
    ...rest,
    phoneNumbers: phoneNumbers.map((phoneNumber) => ({ phoneNumber })),
  };
}

/** The 10DLC and toll-free APIs: PerPagePaginationV2 ({records, page, totalRecords}). */
function paginatePerPage<T>(items: T[], query: URLSearchParams): { records: T[]; page: number; totalRecords: number } {
  const size = Math.max(1, Number(query.get('recordsPerPage')) || 20);
  const page = Math.max(1, Number(query.get('page')) || 1);
  return { records: items.slice((page - 1) * size, page * size), page, totalRecords: items.length };
}

export async function startTelnyxFake(options: { port?: number; host?: string } = {}): Promise<TelnyxFake> {
  const keys = generateTelnyxKeyPair();
  const state: TelnyxFakeState = {
    accounts: new Map(),
    messages: [],
    optOuts: new Set(),
    outcomes: new Map(),
    config: { autoCallbacks: false, callbackDelayMs: 200 },
    requests: new RequestLog(),
    faults: new FaultList(),
    randomFaults: new RandomFaults(),
    deliveries: [],
    publicKey: keys.publicKeyBase64,
    rateLimits: new TelnyxRateLimiter(),
  };

  const sign = (body: string, timestamp = String(Math.floor(Date.now() / 1000))) => ({
    'content-type': 'application/json',
    'user-agent': 'telnyx-webhooks',
    'telnyx-signature-ed25519': signTelnyxWebhook(keys.privateKey, timestamp, body),
    'telnyx-timestamp': timestamp,
  });

  const seedAccount = (apiKey: string, seed: TelnyxAccountSeed) => {
    const copy = structuredClone(seed ?? {});
    const account: TelnyxAccountState = {
      apiKey,
      profiles: (copy.messagingProfiles ?? []).map((p) => profileRecord(p) as TelnyxAccountState['profiles'][number]),
      numbers: (copy.phoneNumbers ?? []).map((n, i) => numberRecord(n, i) as TelnyxAccountState['numbers'][number]),
      alphanumericSenders: (copy.alphanumericSenderIds ?? []).map(alphanumericSenderRecord),
      tenDlc: (copy.tenDlcAssignments ?? []).map(tenDlcRecord),
      tollFree: (copy.tollFreeVerifications ?? []).map(tollFreeRecord),
      autoresp: copy.autorespConfigs ?? [],
    };
    for (const sender of [...account.profiles.map((p) => p.alpha_sender), ...account.alphanumericSenders.map((a) => a.alphanumeric_sender_id)]) {
      if (sender !== null && sender !== undefined && !ALPHANUMERIC.test(String(sender))) throw new Error(`not an alphanumeric sender ID: ${String(sender)}`);
    }
    state.accounts.set(apiKey, account);
    return account;
  };

  const server = await startHttpServer(async (request) => {
    if (request.path.startsWith('/__control/') || request.path === '/__control') return control(request);
    recordRequest(state.requests, request);
    const fault = state.faults.take(request.method, request.path, bearerToken(request.headers)) ?? state.randomFaults.take(request.method, request.path);
    if (fault) {
      const outcome = await applyFault(fault, request, telnyxFaultBody);
      if (outcome.handled) return outcome.response;
    }
    const limited = rateLimit(request);
    if (limited?.status === 429) return json(429, TOO_MANY_REQUESTS, limited.headers);
    const response = api(request);
    if (limited) response.headers = { ...limited.headers, ...(response.headers ?? {}) };
    if (fault?.afterAccept) {
      if (fault.dropConnection) {
        request.req.socket.destroy();
        return undefined;
      }
      return faultResponse(fault, telnyxFaultBody);
    }
    return response;
  }, options);

  // --- the vendor API ---

  /** A send from a rate-limited number or account (only known keys; 401 comes first). */
  function rateLimit(request: FakeRequest) {
    if (!state.rateLimits.active || request.method !== 'POST' || request.path.replace(/\/+$/, '') !== '/v2/messages') return null;
    const apiKey = bearerToken(request.headers);
    const from = (request.body as { from?: unknown } | null)?.from;
    if (!apiKey || !state.accounts.has(apiKey) || typeof from !== 'string') return null;
    return state.rateLimits.check(apiKey, from);
  }

  function api(request: FakeRequest): FakeResponse {
    const apiKey = bearerToken(request.headers);
    const account = apiKey ? state.accounts.get(apiKey) : undefined;
    if (!account) return json(401, telnyxFaultBody(401));
    const path = request.path.replace(/\/+$/, '');
    const method = request.method;

    if (path === '/v2/messages' && method === 'POST') return sendMessage(account, request);
    const messageMatch = /^\/v2\/messages\/([^/]+)$/.exec(path);
    if (messageMatch && method === 'GET') {
      const stored = state.messages.find((m) => m.message.id === messageMatch[1] && m.apiKey === account.apiKey);
      return stored ? json(200, { data: stored.message }) : json(404, telnyxFaultBody(404));
    }
    if (path === '/v2/messaging_profiles' && method === 'GET') {
      const q = request.query;
      const eq = q.get('filter[name][eq]') ?? q.get('filter[name]');
      const contains = q.get('filter[name][contains]');
      const profiles = account.profiles.filter((p) => (eq === null || p.name === eq) && (contains === null || p.name.includes(contains)));
      return json(200, paginateFlat(profiles, q));
    }
    const profileMatch = /^\/v2\/messaging_profiles\/([^/]+)(\/phone_numbers|\/alphanumeric_sender_ids)?$/.exec(path);
    if (profileMatch && method === 'GET') {
      const profile = account.profiles.find((p) => p.id === profileMatch[1]);
      if (!profile) return json(404, telnyxFaultBody(404));
      if (!profileMatch[2]) return json(200, { data: profile });
      if (profileMatch[2] === '/alphanumeric_sender_ids') {
        return json(200, paginateFlat(account.alphanumericSenders.filter((a) => a.messaging_profile_id === profile.id), request.query));
      }
      const numbers = account.numbers.filter((n) => n.messaging_profile_id === profile.id);
      return json(200, paginateFlat(numbers, request.query));
    }
    if (path === '/v2/alphanumeric_sender_ids' && method === 'GET') {
      const profileId = request.query.get('filter[messaging_profile_id]');
      return json(200, paginateFlat(account.alphanumericSenders.filter((a) => profileId === null || a.messaging_profile_id === profileId), request.query));
    }
    const alphaMatch = /^\/v2\/alphanumeric_sender_ids\/([^/]+)$/.exec(path);
    if (alphaMatch && method === 'GET') {
      const record = account.alphanumericSenders.find((a) => a.id === alphaMatch[1]);
      return record ? json(200, { data: record }) : json(404, telnyxFaultBody(404));
    }
    if (path === '/v2/10dlc/phone_number_campaigns' && method === 'GET') return json(200, paginatePerPage(account.tenDlc, request.query));
    const campaignMatch = /^\/v2\/10dlc\/phone_number_campaigns\/([^/]+)$/.exec(path);
    if (campaignMatch && method === 'GET') {
      // The path carries the number URL-encoded (the SDK encodes "+" as %2B).
      const phoneNumber = decodeURIComponent(campaignMatch[1]!);
      const record = account.tenDlc.find((a) => a.phoneNumber === phoneNumber);
      return record ? json(200, record) : json(404, telnyxFaultBody(404));
    }
    if (path === '/v2/messaging_tollfree/verification/requests' && method === 'GET') return listTollFree(account, request.query);
    const tollFreeMatch = /^\/v2\/messaging_tollfree\/verification\/requests\/([^/]+)$/.exec(path);
    if (tollFreeMatch && method === 'GET') {
      const record = account.tollFree.find((r) => r.id === tollFreeMatch[1]);
      return record ? json(200, record) : json(404, telnyxFaultBody(404));
    }
    return json(404, telnyxFaultBody(404));
  }

  /** page and page_size are required (API reference "List Verification Requests"); page_size is clamped. */
  function listTollFree(account: TelnyxAccountState, query: URLSearchParams): FakeResponse {
    for (const name of ['page', 'page_size']) {
      const value = Number(query.get(name));
      if (!query.has(name) || !Number.isInteger(value) || value < 1) {
        return err(422, { code: '10004', title: 'Missing required parameter', detail: `The '${name}' parameter is required (an integer >= 1).`, source: { parameter: name } });
      }
    }
    const size = Math.min(100, Number(query.get('page_size')));
    const page = Number(query.get('page'));
    const phoneNumber = query.get('phone_number');
    const status = query.get('status');
    const matching = account.tollFree.filter(
      (r) =>
        (phoneNumber === null || (r.phoneNumbers as { phoneNumber: string }[]).some((p) => p.phoneNumber === phoneNumber)) &&
        (status === null || r.verificationStatus === status),
    );
    return json(200, { records: matching.slice((page - 1) * size, page * size), total_records: matching.length });
  }

  /** The profile an alphanumeric `from` belongs to, and the long code it falls back to for +1 numbers. */
  function alphanumericSender(account: TelnyxAccountState, from: string, profileId: string) {
    const profile = account.profiles.find((p) => p.id === profileId);
    if (!profile) return null;
    if (profile.alpha_sender === from) return { profile, fallback: null as string | null };
    const record = account.alphanumericSenders.find((a) => a.alphanumeric_sender_id === from && a.messaging_profile_id === profileId);
    return record ? { profile, fallback: (record.us_long_code_fallback as string | undefined) ?? null } : null;
  }

  function sendMessage(account: TelnyxAccountState, request: FakeRequest): FakeResponse {
    const body = request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return err(400, { code: '10015', title: 'Bad Request', detail: 'The request failed because it was not well-formed.' });
    }
    const input = body as Record<string, unknown>;

    // to: a string or an array of exactly one (multi-destination is not supported).
    let to = input.to;
    if (Array.isArray(to)) {
      if (to.length !== 1) {
        return err(400, {
          code: '40310',
          title: "Invalid 'to' address",
          detail: "The 'to' address should be a single valid number.",
          source: { pointer: '/to' },
        });
      }
      to = to[0];
    }
    if (to === undefined || to === null || to === '') return missing('to');
    if (typeof to !== 'string' || !E164.test(to)) return notE164('to');

    // from: a number on this account, or an alphanumeric sender ID of messaging_profile_id; or,
    // without it, the first number of messaging_profile_id.
    const invalidFrom = (detail = "The 'from' address should be a phone number or alphanumeric sender ID on your account, assigned to a messaging profile.") =>
      err(400, { code: '40305', title: "Invalid 'from' address", detail, source: { pointer: '/from' } });
    let fromAddress: string;
    let profile: TelnyxAccountState['profiles'][number] | undefined;
    if (typeof input.from === 'string' && /[A-Za-z]/.test(input.from)) {
      if (typeof input.messaging_profile_id !== 'string' || input.messaging_profile_id === '') return missing('messaging_profile_id');
      const found = ALPHANUMERIC.test(input.from) ? alphanumericSender(account, input.from, input.messaging_profile_id) : null;
      if (!found) return invalidFrom();
      profile = found.profile;
      if (to.startsWith('+1')) {
        if (!found.fallback) return invalidFrom('Alphanumeric sender IDs cannot send to the United States, Canada, or Puerto Rico; use a long code or toll-free number.');
        fromAddress = found.fallback;
      } else fromAddress = input.from;
    } else {
      let number: TelnyxAccountState['numbers'][number] | undefined;
      if (input.from !== undefined && input.from !== null && input.from !== '') {
        if (typeof input.from !== 'string' || !E164.test(input.from)) return notE164('from');
        number = account.numbers.find((n) => n.phone_number === input.from);
        if (!number?.messaging_profile_id) return invalidFrom();
      } else if (typeof input.messaging_profile_id === 'string') {
        number = account.numbers.find((n) => n.messaging_profile_id === input.messaging_profile_id);
        if (!number) {
          return err(400, {
            code: '40321',
            title: 'No usable numbers on messaging profile',
            detail: 'The messaging profile has no phone numbers that can send this message.',
            source: { pointer: '/messaging_profile_id' },
          });
        }
      } else {
        return missing('from');
      }
      fromAddress = number.phone_number;
      profile = account.profiles.find((p) => p.id === number.messaging_profile_id);
    }
    if (!profile) return missing('messaging_profile_id');

    const text = typeof input.text === 'string' ? input.text : '';
    if (text === '') {
      return err(400, {
        code: '40316',
        title: 'No content provided for message',
        detail: 'A message must have text or media.',
        source: { pointer: '/text' },
      });
    }
    const requested = input.encoding === 'gsm7' || input.encoding === 'ucs2' ? input.encoding : 'auto';
    const parts = countSmsParts(text, requested);
    if (parts.parts > 10) {
      return err(400, {
        code: '40302',
        title: 'Message too large',
        detail: `The message is ${parts.parts} parts long; at most 10 parts can be sent.`,
        source: { pointer: '/text' },
      });
    }
    if (state.optOuts.has(`${profile.id}|${to}`)) {
      return err(409, {
        code: '40300',
        title: 'Blocked due to STOP message',
        detail: `Messages cannot be sent from ${fromAddress} to ${to} due to an existing block rule.`,
      });
    }

    const useProfile = input.use_profile_webhooks !== false;
    const webhookUrl =
      typeof input.webhook_url === 'string' && input.webhook_url
        ? input.webhook_url
        : useProfile
          ? ((profile.webhook_url as string | null | undefined) ?? null)
          : null;
    const failoverUrl =
      typeof input.webhook_failover_url === 'string' && input.webhook_failover_url
        ? input.webhook_failover_url
        : useProfile
          ? ((profile.webhook_failover_url as string | null | undefined) ?? null)
          : null;
    const now = new Date();
    const message: TelnyxMessage = {
      record_type: 'message',
      id: randomUUID(),
      direction: 'outbound',
      type: 'SMS',
      messaging_profile_id: profile.id,
      organization_id: ORGANIZATION_ID,
      from: { phone_number: fromAddress, carrier: 'Telnyx', line_type: E164.test(fromAddress) ? 'VoIP' : '' },
      to: [{ phone_number: to, status: 'queued', carrier: 'T-Mobile USA', line_type: 'Wireless' }],
      cc: [],
      text,
      subject: null,
      media: [],
      parts: parts.parts,
      encoding: parts.encoding,
      num_chars: parts.numChars,
      smart_encoding_applied: false,
      cost: { amount: (0.004 * parts.parts).toFixed(4), currency: 'USD' },
      tags: [],
      webhook_url: webhookUrl,
      webhook_failover_url: failoverUrl,
      received_at: now.toISOString().replace('Z', '+00:00'),
      sent_at: null,
      completed_at: null,
      valid_until: new Date(now.getTime() + 4 * 3600_000).toISOString().replace('Z', '+00:00'),
      errors: [],
    };
    const outcome = state.outcomes.get(`${account.apiKey}|${to}`) ?? state.outcomes.get(`*|${to}`) ?? { outcome: 'delivered' as const };
    const stored: StoredMessage = { apiKey: account.apiKey, message, outcome, callbacks: [] };
    state.messages.push(stored);
    if (state.config.autoCallbacks) {
      void (async () => {
        await sleep(state.config.callbackDelayMs);
        await buildCallbacks(stored, { deliver: true });
      })();
    }
    return json(200, { data: structuredClone(message) });
  }

  const missing = (name: string) =>
    err(422, {
      code: '10004',
      title: 'Missing required parameter',
      detail: `The '${name}' parameter is required.`,
      source: { pointer: `/${name}` },
    });
  const notE164 = (name: string) =>
    err(422, {
      code: '10016',
      title: 'Phone number must be in +E.164 format',
      detail: 'The specified phone number parameter must be in +E.164 format.',
      source: { pointer: `/${name}` },
    });

  // --- webhooks ---

  function envelope(eventType: string, payload: TelnyxMessage, deliveredTo: string | null, attempt = 1): string {
    return JSON.stringify({
      data: { event_type: eventType, id: randomUUID(), occurred_at: isoNow(), payload, record_type: 'event' },
      meta: { attempt, delivered_to: deliveredTo ?? '' },
    });
  }

  /** Advances a message through its lifecycle (once) and returns the signed callbacks. */
  async function buildCallbacks(stored: StoredMessage, options: { deliver?: boolean; timestamp?: string }): Promise<SignedCallback[]> {
    const { message, outcome } = stored;
    if (stored.callbacks.length === 0) {
      const events: { type: string; payload: TelnyxMessage }[] = [];
      // Nothing reached a carrier when sending failed or the message expired in Telnyx's queue.
      if (outcome.outcome !== 'sending_failed' && outcome.outcome !== 'expired') {
        message.to[0]!.status = 'sent';
        message.sent_at = isoNow();
        events.push({ type: 'message.sent', payload: structuredClone(message) });
      }
      message.to[0]!.status = outcome.outcome;
      message.completed_at = isoNow();
      if (outcome.outcome !== 'delivered' && outcome.outcome !== 'delivery_unconfirmed') {
        const fallback = DEFAULT_FAILURES[outcome.outcome];
        message.errors = [
          {
            code: outcome.errorCode ?? fallback.code,
            title: outcome.errorTitle ?? fallback.title,
            detail: outcome.errorDetail ?? fallback.detail,
          },
        ];
      }
      events.push({ type: 'message.finalized', payload: structuredClone(message) });
      stored.callbacks = events.map((event) => {
        const body = envelope(event.type, event.payload, message.webhook_url);
        return { url: message.webhook_url, failoverUrl: message.webhook_failover_url, body, headers: sign(body, options.timestamp) };
      });
    } else if (options.timestamp) {
      for (const callback of stored.callbacks) callback.headers = sign(callback.body, options.timestamp);
    }
    if (options.deliver) {
      for (const callback of stored.callbacks) callback.delivery = await deliver(callback);
    }
    return stored.callbacks;
  }

  /** POSTs to the primary URL, then once to the failover URL if the primary did not answer 2xx. */
  async function deliver(callback: SignedCallback) {
    const attempts: { status: number; body: string; error?: string; url: string }[] = [];
    const eventType = (JSON.parse(callback.body) as { data: { event_type: string } }).data.event_type;
    const urls = [callback.url, callback.failoverUrl].filter((u): u is string => !!u);
    for (const [index, url] of urls.entries()) {
      const body = index === 0 ? callback.body : withAttempt(callback.body, index + 1, url);
      const headers = index === 0 ? callback.headers : sign(body);
      const result = await postWebhook(url, headers, body);
      attempts.push({ ...result, url });
      state.deliveries.push({ url, eventType, status: result.status, error: result.error, time: isoNow() });
      if (result.status >= 200 && result.status < 300) break;
    }
    return attempts;
  }

  async function inbound(options: Record<string, unknown>): Promise<InboundResult> {
    const from = String(options.from ?? '');
    const to = String(options.to ?? '');
    const text = String(options.text ?? '');
    if (!E164.test(from) || !E164.test(to)) throw new Error('from and to must be +E.164');
    const owner = [...state.accounts.values()].find((a) => a.numbers.some((n) => n.phone_number === to));
    const number = owner?.numbers.find((n) => n.phone_number === to);
    const profile = owner?.profiles.find((p) => p.id === number?.messaging_profile_id);
    if (!owner || !profile) throw new Error(`${to} is not a number on any seeded messaging profile`);

    // The whole message is the keyword; the profile's autoresp configs add to the defaults.
    const keyword = text.trim().replace(/\s+/g, ' ').toUpperCase();
    const custom = (op: TelnyxAutorespConfigSeed['op']) =>
      owner.autoresp.some((c) => c.messaging_profile_id === profile.id && c.op === op && c.keywords.some((k) => k.trim().toUpperCase() === keyword));
    let autoresponse: string | null = null;
    if (STOP_WORDS.includes(keyword) || custom('stop')) {
      state.optOuts.add(`${profile.id}|${from}`);
      autoresponse = 'STOP';
    } else if (START_WORDS.includes(keyword) || custom('start')) {
      state.optOuts.delete(`${profile.id}|${from}`);
      autoresponse = 'START';
    } else if (custom('help')) {
      // Telnyx answers HELP itself only with a profile's help auto-response (its default
      // behaviour is block rules for STOP / START alone), and then marks the inbound with it.
      autoresponse = 'HELP';
    }
    const media = Array.isArray(options.media)
      ? (options.media as Array<Record<string, unknown>>).map((m) => ({ url: String(m.url ?? ''), content_type: String(m.content_type ?? 'image/jpeg'), size: 1024, hash_sha256: null }))
      : [];
    const parts = countSmsParts(text);
    const webhookUrl = typeof options.webhookUrl === 'string' ? options.webhookUrl : ((profile.webhook_url as string | null) ?? null);
    const payload: TelnyxMessage = {
      record_type: 'message',
      id: randomUUID(),
      direction: 'inbound',
      type: media.length > 0 ? 'MMS' : 'SMS',
      messaging_profile_id: profile.id,
      organization_id: ORGANIZATION_ID,
      from: { phone_number: from, carrier: 'T-Mobile USA', line_type: 'Wireless' },
      to: [{ phone_number: to, status: 'webhook_delivered', carrier: 'Telnyx', line_type: 'Wireless' }],
      cc: [],
      text,
      subject: null,
      media,
      parts: parts.parts,
      encoding: parts.encoding,
      num_chars: parts.numChars,
      smart_encoding_applied: false,
      cost: null,
      tags: [],
      webhook_url: webhookUrl,
      webhook_failover_url: (profile.webhook_failover_url as string | null | undefined) ?? null,
      received_at: isoNow(),
      sent_at: null,
      completed_at: null,
      valid_until: isoNow(),
      errors: [],
      autoresponse_type: autoresponse,
    };
    const body = envelope('message.received', payload, webhookUrl);
    const callback: SignedCallback = {
      url: webhookUrl,
      failoverUrl: payload.webhook_failover_url,
      body,
      headers: sign(body, typeof options.timestamp === 'string' ? options.timestamp : undefined),
    };
    if (options.deliver === true) callback.delivery = await deliver(callback);
    return { optedOut: state.optOuts.has(`${profile.id}|${from}`), messagingProfileId: profile.id, callback };
  }

  // --- the control API ---
  // Besides the routes below: GET /requests, POST|GET|DELETE /faults and PUT|GET|DELETE
  // /random-faults (seeded random faults / outage, and counts), shared with the Zendesk fake (fake-http.ts).

  async function control(request: FakeRequest): Promise<FakeResponse> {
    const path = request.path.replace(/^\/__control/, '');
    const method = request.method;
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    try {
      if (path === '/health') return json(200, { ok: true });
      if (path === '/public-key' && method === 'GET') return json(200, { publicKey: state.publicKey });
      if (path === '/reset' && method === 'POST') {
        const apiKey = typeof body.apiKey === 'string' ? body.apiKey : undefined;
        if (apiKey) {
          state.accounts.delete(apiKey);
          state.messages = state.messages.filter((m) => m.apiKey !== apiKey);
          state.requests.clear((r) => r.headers.authorization !== `Bearer ${apiKey}`);
          for (const key of [...state.outcomes.keys()]) if (key.startsWith(`${apiKey}|`)) state.outcomes.delete(key);
        } else {
          state.accounts.clear();
          state.messages = [];
          state.optOuts.clear();
          state.outcomes.clear();
          state.deliveries = [];
          state.requests.clear();
          state.faults.clear();
          state.rateLimits.clear();
          state.randomFaults.clear();
          state.randomFaults.resetCounts();
          state.config = { autoCallbacks: false, callbackDelayMs: 200 };
        }
        return json(200, { ok: true });
      }
      if (path === '/config' && method === 'PUT') {
        if (typeof body.autoCallbacks === 'boolean') state.config.autoCallbacks = body.autoCallbacks;
        if (typeof body.callbackDelayMs === 'number') state.config.callbackDelayMs = body.callbackDelayMs;
        return json(200, { config: state.config });
      }
      if (path === '/config' && method === 'GET') return json(200, { config: state.config });
      if (path === '/rate-limits' && method === 'PUT') {
        state.rateLimits.configure(body as RateLimitConfig);
        return json(200, { ok: true });
      }
      if (path === '/rate-limits' && method === 'DELETE') {
        state.rateLimits.clear();
        return json(200, { ok: true });
      }
      if (path === '/rate-limits' && method === 'GET') {
        const from = request.query.get('from');
        const decisions = state.rateLimits.decisions.filter((d) => from === null || d.from === from);
        return json(200, { summary: state.rateLimits.summary(), decisions });
      }
      const shared = answerSharedControl(request, path, state, (r, query) => {
        const apiKey = query.get('apiKey');
        return !apiKey || r.headers.authorization === `Bearer ${apiKey}`;
      });
      if (shared) return shared;
      const accountMatch = /^\/accounts\/([^/]+)$/.exec(path);
      if (accountMatch) {
        const apiKey = decodeURIComponent(accountMatch[1]!);
        if (method === 'PUT') {
          const account = seedAccount(apiKey, request.body as TelnyxAccountSeed);
          return json(200, { apiKey, profiles: account.profiles.length, numbers: account.numbers.length });
        }
        if (method === 'GET') {
          const account = state.accounts.get(apiKey);
          return account ? json(200, account) : json(404, { error: 'unknown account' });
        }
        if (method === 'DELETE') {
          state.accounts.delete(apiKey);
          return json(200, { ok: true });
        }
      }
      if (path === '/messages' && method === 'GET') {
        const apiKey = request.query.get('apiKey');
        const to = request.query.get('to');
        const messages = state.messages
          .filter((m) => (!apiKey || m.apiKey === apiKey) && (!to || m.message.to[0]?.phone_number === to))
          .map((m): OutboxMessage => ({ ...m.message, apiKey: m.apiKey, outcome: m.outcome.outcome }));
        return json(200, { messages });
      }
      const callbacksMatch = /^\/messages\/([^/]+)\/callbacks$/.exec(path);
      if (callbacksMatch && method === 'POST') {
        const stored = state.messages.find((m) => m.message.id === callbacksMatch[1]);
        if (!stored) return json(404, { error: 'unknown message' });
        const callbacks = await buildCallbacks(stored, {
          deliver: body.deliver === true,
          timestamp: typeof body.timestamp === 'string' ? body.timestamp : undefined,
        });
        return json(200, { callbacks });
      }
      const eventMatch = /^\/messages\/([^/]+)\/events$/.exec(path);
      if (eventMatch && method === 'POST') {
        const stored = state.messages.find((m) => m.message.id === eventMatch[1]);
        if (!stored) return json(404, { error: 'unknown message' });
        const eventType = String(body.eventType ?? '');
        const status = String(body.status ?? '');
        if (!(OUTBOUND_EVENTS as readonly string[]).includes(eventType) || !(OUTBOUND_STATUSES as readonly string[]).includes(status)) {
          return json(400, { error: `eventType (${OUTBOUND_EVENTS.join(' | ')}) and status (${OUTBOUND_STATUSES.join(' | ')}) are required` });
        }
        stored.message.to[0]!.status = status;
        if (Array.isArray(body.errors)) stored.message.errors = body.errors as TelnyxError[];
        const payload = structuredClone(stored.message);
        const eventBody = envelope(eventType, payload, stored.message.webhook_url);
        const callback: SignedCallback = {
          url: stored.message.webhook_url,
          failoverUrl: stored.message.webhook_failover_url,
          body: eventBody,
          headers: sign(eventBody, typeof body.timestamp === 'string' ? body.timestamp : undefined),
        };
        if (body.deliver === true) callback.delivery = await deliver(callback);
        return json(200, { callback });
      }
      if (path === '/outcomes') {
        if (method === 'POST') {
          const outcome = body.outcome;
          if (typeof body.to !== 'string' || !OUTCOMES.includes(outcome as Outcome)) {
            return json(400, { error: `to and outcome (${OUTCOMES.join(' | ')}) are required` });
          }
          const rule: OutcomeRule = {
            outcome: outcome as Outcome,
            errorCode: typeof body.errorCode === 'string' ? body.errorCode : undefined,
            errorTitle: typeof body.errorTitle === 'string' ? body.errorTitle : undefined,
            errorDetail: typeof body.errorDetail === 'string' ? body.errorDetail : undefined,
          };
          state.outcomes.set(`${typeof body.apiKey === 'string' ? body.apiKey : '*'}|${body.to}`, rule);
          return json(200, { ok: true });
        }
        if (method === 'DELETE') {
          state.outcomes.clear();
          return json(200, { ok: true });
        }
      }
      if (path === '/inbound' && method === 'POST') return json(200, await inbound(body));
      if (path === '/opt-outs' && method === 'GET') {
        const optOuts = [...state.optOuts].map((key) => {
          const [messagingProfileId, number] = key.split('|');
          return { messagingProfileId, number };
        });
        return json(200, { optOuts });
      }
      if (path === '/deliveries' && method === 'GET') return json(200, { deliveries: state.deliveries });
      if (path === '/sign' && method === 'POST') {
        if (typeof body.body !== 'string') return json(400, { error: 'body (string) is required' });
        return json(200, {
          headers: sign(body.body, typeof body.timestamp === 'string' ? body.timestamp : undefined),
        });
      }
      return json(404, { error: `unknown control route ${method} ${request.path}` });
    } catch (error) {
      return json(400, { error: String(error) });
    }
  }

  return {
    url: server.url,
    close: server.close,
    state,
    publicKey: keys.publicKeyBase64,
    seedAccount,
    sign: (body, timestamp) => sign(body, timestamp),
  };
}

function withAttempt(body: string, attempt: number, deliveredTo: string): string {
  const parsed = JSON.parse(body) as { meta: { attempt: number; delivered_to: string } };
  parsed.meta = { attempt, delivered_to: deliveredTo };
  return JSON.stringify(parsed);
}

/** Convenience for Node callers: the demo key, ids and numbers plus the seed itself. */
export const telnyxDemo = { ids: TELNYX_DEMO, seed: demoTelnyxAccount };
