// Test helpers for the worker: seed the fakes over their control APIs, provision installations
// through the real HTTP route, and call the API with ZAF-style JWTs.
import { SELF, env } from 'cloudflare:test';
import { sign } from 'hono/jwt';

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
  sharedSecret: string;
  zendeskToken: string;
  telnyxApiKey: string;
  messagingProfileId: string;
}

let counter = 0;
/** A unique subdomain per call so tests never share fake accounts or D1 rows. */
export function uniqueSubdomain(prefix = 'acme'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

export async function seedZendeskAccount(subdomain: string, token: string, extra: Record<string, unknown> = {}): Promise<void> {
  await control(env.FAKES_CONTROL_URL, 'PUT', `/accounts/${subdomain}`, {
    tokens: [{ accessToken: token, refreshToken: `${token}-refresh` }],
    oauthClients: [{ clientId: 'pisms', clientSecret: 'pisms-client-secret' }],
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

/** Seeds both fakes and provisions an installation with Telnyx connected and supervisors named. */
export async function createTenant(opts: { telnyx?: boolean; settings?: Record<string, unknown> } = {}): Promise<Tenant> {
  const subdomain = uniqueSubdomain();
  const zendeskToken = `zd-token-${subdomain}`;
  const telnyxApiKey = `KEY_${subdomain}_0123456789`;
  const messagingProfileId = `profile-${subdomain}`;
  await seedZendeskAccount(subdomain, zendeskToken);
  await seedTelnyxAccount(telnyxApiKey, messagingProfileId);
  const res = await SELF.fetch('https://worker.test/v1/installations', {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      subdomain,
      zendeskOAuth: { accessToken: zendeskToken, refreshToken: `${zendeskToken}-refresh`, clientId: 'pisms', clientSecret: 'pisms-client-secret' },
      ...(opts.telnyx === false ? {} : { telnyx: { apiKey: telnyxApiKey, messagingProfileId } }),
      settings: { supervisorRoleNames: ['Supervisor'], ...opts.settings },
    }),
  });
  if (res.status !== 201) throw new Error(`provisioning failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { installationId: string; sharedSecret: string };
  return { subdomain, installationId: body.installationId, sharedSecret: body.sharedSecret, zendeskToken, telnyxApiKey, messagingProfileId };
}

/** A token as Zendesk's ZAF proxy would sign it for this installation and user. */
export function appToken(
  tenant: Pick<Tenant, 'installationId' | 'sharedSecret'>,
  userId: number | string,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ iss: tenant.installationId, sub: String(userId), iat: now, exp: now + 300, ...claims }, tenant.sharedSecret, 'HS256');
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

/** Calls the API as a user of the tenant. */
export async function as(tenant: Tenant, user: keyof typeof USERS) {
  const token = await appToken(tenant, USERS[user].id);
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
