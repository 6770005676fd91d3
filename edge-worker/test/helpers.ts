// Test helpers for the worker: seed the fakes over their control APIs, install the app as an admin
// would (a Zendesk-signed page load, Connect, consent on the fake's page, the OAuth callback), and
// call the API with the session the page was given.
import { SELF, env } from 'cloudflare:test';
import { SessionGrant } from '../../shared/schemas/api.ts';

export const OPERATOR_TOKEN = 'test-provisioning-token-0123456789';

/** Users every seeded Zendesk account has (ids are the same in each account). */
export const USERS = {
  admin: { id: 101, name: 'Ada Admin', role: 'admin', phone: '+14155550101' },
  supervisor: { id: 102, name: 'Sam Supervisor', role: 'agent', custom_role_id: 9001, phone: '+14155550102' },
  agent: { id: 103, name: 'Alex Agent', role: 'agent', custom_role_id: 9002, phone: '+14155550103' },
  customer: { id: 201, name: 'Casey Customer', role: 'end-user', phone: '+14155550201' },
} as const;
export const SENDER = '+14155550999';
export const GROUPS = { support: 360001, billing: 360002 } as const;

export async function control(base: string, method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${base}/__control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`fake control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

export interface Tenant {
  subdomain: string;
  installationId: string;
  /** Zendesk's id of the app installation in this account (the `aud` of its signed loads). */
  appInstallationId: number;
  telnyxApiKey: string;
  messagingProfileId: string;
}

let counter = 0;
/** A unique subdomain per call so tests never share fake accounts or D1 rows. */
export function uniqueSubdomain(prefix = 'acme'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

/** A Zendesk app installation id no other tenant of this run uses. */
export function uniqueAppInstallationId(): number {
  counter += 1;
  return Number(`${Date.now() % 1e9}${counter}`);
}

export async function seedZendeskAccount(subdomain: string, extra: Record<string, unknown> = {}): Promise<void> {
  await control(env.FAKES_CONTROL_URL, 'PUT', `/accounts/${subdomain}`, {
    users: Object.values(USERS),
    customRoles: [
      { id: 9001, name: 'Supervisor', configuration: { manage_business_rules: true } },
      { id: 9002, name: 'Light agent plus', configuration: { manage_business_rules: false } },
    ],
    groups: [
      { id: GROUPS.support, name: 'Support' },
      { id: GROUPS.billing, name: 'Billing' },
    ],
    ticketFields: [{ id: 5001, title: 'phoneNumber', type: 'text', active: true }],
    tickets: [],
    comments: {},
    ...extra,
  });
}

export async function seedTelnyxAccount(apiKey: string, profileId: string, numbers: string[] = [SENDER]): Promise<void> {
  await control(env.TELNYX_FAKE_URL, 'PUT', `/accounts/${apiKey}`, {
    messagingProfiles: [{ id: profileId, name: 'Support follow-ups' }],
    phoneNumbers: numbers.map((phone_number) => ({ phone_number, messaging_profile_id: profileId })),
  });
}

export interface AppTokenOptions {
  location?: 'nav_bar' | 'ticket_sidebar';
  lifetimeS?: number;
  issuedAtS?: number;
  /** Merged over the claims Zendesk would sign (to break one). */
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
}

/** The JWT Zendesk signs (RS256, the app's key held by the fake) when it loads a location. */
export async function zendeskAppToken(
  account: { subdomain: string; appInstallationId: number },
  userId: number,
  opts: AppTokenOptions = {},
): Promise<string> {
  const res = await control(env.FAKES_CONTROL_URL, 'POST', '/app-tokens', {
    subdomain: account.subdomain,
    appInstallationId: account.appInstallationId,
    userId,
    location: opts.location ?? 'nav_bar',
    ...(opts.lifetimeS === undefined ? {} : { lifetimeS: opts.lifetimeS }),
    ...(opts.issuedAtS === undefined ? {} : { issuedAtS: opts.issuedAtS }),
    ...(opts.claims ? { claims: opts.claims } : {}),
    ...(opts.header ? { header: opts.header } : {}),
  });
  return ((await res.json()) as { token: string }).token;
}

/** Zendesk's signed POST of a location page, with the query string Zendesk adds. */
export function loadPage(location: string, token: string | null): Promise<Response> {
  const query = new URLSearchParams({ origin: 'https://acme.zendesk.com', app_guid: 'guid-1' });
  return SELF.fetch(`https://worker.test/app/${location}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: token === null ? '' : new URLSearchParams({ token }).toString(),
  });
}

/** The session grant a served page carries in <meta name="pisms-session">. */
export function grantFromPage(html: string): SessionGrant {
  const match = /<meta name="pisms-session" content="([^"]*)">/.exec(html);
  if (!match?.[1]) throw new Error('the page carries no session');
  const json = match[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return SessionGrant.parse(JSON.parse(json));
}

/** Loads a location as the user and returns the session the page was given. */
export async function openSession(
  account: { subdomain: string; appInstallationId: number },
  userId: number,
  location: 'nav_bar' | 'ticket_sidebar' = 'nav_bar',
): Promise<SessionGrant> {
  const res = await loadPage(location, await zendeskAppToken(account, userId, { location }));
  const html = await res.text();
  if (res.status !== 200) throw new Error(`page load refused: ${res.status} ${html}`);
  return grantFromPage(html);
}

/**
 * What an admin does to install: open the nav bar, press Connect, approve on Zendesk's consent
 * page (the fake's), and land on the worker's callback. Returns the callback's answer.
 */
export async function connectZendesk(
  account: { subdomain: string; appInstallationId: number },
  pressedBy: number,
  consentBy: number = pressedBy,
  decision: 'allow' | 'deny' = 'allow',
): Promise<Response> {
  const grant = await openSession(account, pressedBy);
  const started = await call('POST', '/v1/connect/zendesk', { token: grant.token });
  if (started.status !== 200) throw new Error(`connect refused: ${started.status} ${JSON.stringify(started.body)}`);
  const authorizeUrl = new URL(started.body.authorizeUrl as string);
  const consentPage = await fetch(authorizeUrl);
  if (consentPage.status !== 200) throw new Error(`consent page: ${consentPage.status} ${await consentPage.text()}`);
  const form = new URLSearchParams(authorizeUrl.searchParams);
  form.set('user_id', String(consentBy));
  form.set('decision', decision);
  const approved = await fetch(`${authorizeUrl.origin}${authorizeUrl.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  const location = approved.headers.get('location');
  if (approved.status !== 302 || !location) throw new Error(`consent: ${approved.status} ${await approved.text()}`);
  const callback = new URL(location);
  return SELF.fetch(`https://worker.test${callback.pathname}${callback.search}`);
}

/** Seeds both fakes, installs the app through Connect, connects Telnyx and names the supervisors. */
export async function createTenant(
  opts: { telnyx?: boolean; settings?: Record<string, unknown>; zendesk?: Record<string, unknown> } = {},
): Promise<Tenant> {
  const subdomain = uniqueSubdomain();
  const appInstallationId = uniqueAppInstallationId();
  const telnyxApiKey = `KEY_${subdomain}_0123456789`;
  const messagingProfileId = `profile-${subdomain}`;
  await seedZendeskAccount(subdomain, opts.zendesk);
  await seedTelnyxAccount(telnyxApiKey, messagingProfileId);
  const connected = await connectZendesk({ subdomain, appInstallationId }, USERS.admin.id);
  if (connected.status !== 200) throw new Error(`connect failed: ${connected.status} ${await connected.text()}`);
  const tenant = { subdomain, appInstallationId, telnyxApiKey, messagingProfileId, installationId: '' };
  const admin = await as(tenant, 'admin');
  const me = await admin('GET', '/v1/me');
  tenant.installationId = me.body.installationId;
  const settings = await admin('PATCH', '/v1/settings', { supervisorRoleNames: ['Supervisor'], ...opts.settings });
  if (settings.status !== 200) throw new Error(`settings: ${settings.status} ${JSON.stringify(settings.body)}`);
  if (opts.telnyx !== false) {
    const telnyx = await admin('PUT', '/v1/settings/telnyx', { apiKey: telnyxApiKey, messagingProfileId });
    if (telnyx.status !== 200) throw new Error(`telnyx: ${telnyx.status} ${JSON.stringify(telnyx.body)}`);
  }
  return tenant;
}

export async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies loosely; each test asserts the shape it relies on.
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined || opts.rawBody !== undefined) headers['content-type'] = 'application/json';
  const res = await SELF.fetch(`https://worker.test${path}`, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? null : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: see the return type above.
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* keep text */
  }
  return { status: res.status, body };
}

/** Calls the API as a user of the tenant, with the session a page load gave them. */
export async function as(tenant: Pick<Tenant, 'subdomain' | 'appInstallationId'>, user: keyof typeof USERS | number) {
  const { token } = await openSession(tenant, typeof user === 'number' ? user : USERS[user].id);
  return (method: string, path: string, body?: unknown) => call(method, path, { token, body });
}

export function ruleInput(overrides: Record<string, unknown> = {}) {
  return {
    label: 'Thank the customer',
    senderNumber: SENDER,
    recipients: { customer: true },
    content: { customText: 'Thanks for contacting us!' },
    conditions: { groupIds: [String(GROUPS.support)], events: ['ticket_solved'] },
    ...overrides,
  };
}
