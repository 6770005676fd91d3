// Who is calling, proven by Zendesk: the signed page load, the worker's own sessions, roles from
// the Zendesk API. Every refusal is checked for having no side effect.
import { env } from 'cloudflare:test';
import { sign } from 'hono/jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueSession } from '../src/auth/session.ts';
import {
  as,
  call,
  control,
  createTenant,
  grantFromPage,
  loadPage,
  openSession,
  ruleInput,
  type Tenant,
  USERS,
  zendeskAppToken,
} from './helpers.ts';

let a: Tenant;
let b: Tenant;
beforeAll(async () => {
  [a, b] = await Promise.all([createTenant(), createTenant()]);
});

const b64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Replaces one character of the part at `index` (0 header, 1 payload, 2 signature). */
function tamper(token: string, index: number): string {
  const parts = token.split('.');
  const part = parts[index] as string;
  const at = Math.floor(part.length / 2);
  parts[index] = `${part.slice(0, at)}${part[at] === 'A' ? 'B' : 'A'}${part.slice(at + 1)}`;
  return parts.join('.');
}

async function expectRefusedPage(res: Response, status: number) {
  expect(res.status).toBe(status);
  const html = await res.text();
  expect(html).not.toContain('pisms-session');
  return html;
}

async function roleCacheRows(installationId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM user_roles WHERE installation_id = ?').bind(installationId).first<{ n: number }>();
  return row?.n ?? 0;
}

describe("Zendesk's signed page load", () => {
  it('serves the location with a session for a valid token, keeping the page free of secrets', async () => {
    const res = await loadPage('nav_bar', await zendeskAppToken(a, USERS.admin.id));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors');
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    const grant = grantFromPage(html);
    expect(grant.location).toBe('nav_bar');
    expect(Date.parse(grant.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(html).not.toContain(env.SESSION_SECRET);
    expect(html).not.toContain(env.ZENDESK_OAUTH_CLIENT_SECRET);
    const me = await call('GET', '/v1/me', { token: grant.token });
    expect(me.body).toMatchObject({ installationId: a.installationId, userId: String(USERS.admin.id), role: 'admin', connection: 'connected' });
  });

  it('refuses a load without a token, and a page fetched with GET', async () => {
    await expectRefusedPage(await loadPage('nav_bar', null), 401);
    await expectRefusedPage(await loadPage('nav_bar', 'not-a-jwt'), 401);
    expect((await call('GET', '/app/nav_bar')).status).toBe(405);
    expect((await call('GET', '/app/nav_bar.html')).status).toBe(405);
  });

  it('refuses a token changed by one character (header, payload or signature)', async () => {
    const token = await zendeskAppToken(a, USERS.admin.id);
    for (const part of [0, 1, 2]) await expectRefusedPage(await loadPage('nav_bar', tamper(token, part)), 401);
  });

  it('refuses an expired token and one issued for too long', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefusedPage(await loadPage('nav_bar', await zendeskAppToken(a, USERS.admin.id, { issuedAtS: now - 900, lifetimeS: 300 })), 401);
    await expectRefusedPage(await loadPage('nav_bar', await zendeskAppToken(a, USERS.admin.id, { lifetimeS: 3600 })), 401);
  });

  it('refuses a wrong audience, a wrong issuer and a subject of another account', async () => {
    const other = `https://${b.subdomain}.zendesk.com/api/v2/apps/installations/${b.appInstallationId}.json`;
    for (const claims of [
      { aud: other },
      { aud: 'https://worker.test' },
      { iss: `${b.subdomain}.zendesk.com` },
      { iss: 'evil.example.com' },
      { sub: `https://${b.subdomain}.zendesk.com/api/v2/users/${USERS.admin.id}.json` },
      { sub: 'admin' },
    ]) {
      await expectRefusedPage(await loadPage('nav_bar', await zendeskAppToken(a, USERS.admin.id, { claims })), 401);
    }
  });

  it('refuses a token for one location used to load another', async () => {
    const token = await zendeskAppToken(a, USERS.agent.id, { location: 'nav_bar' });
    await expectRefusedPage(await loadPage('ticket_sidebar', token), 401);
  });

  it('refuses alg none and HS256 signed with the public key (algorithm confusion)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: `${a.subdomain}.zendesk.com`,
      aud: `https://${a.subdomain}.zendesk.com/api/v2/apps/installations/${a.appInstallationId}.json`,
      sub: String(USERS.admin.id),
      iat: now,
      exp: now + 300,
    };
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    await expectRefusedPage(await loadPage('nav_bar', none), 401);
    const confused = await sign(claims, env.ZENDESK_APP_PUBLIC_KEY, 'HS256');
    await expectRefusedPage(await loadPage('nav_bar', confused), 401);
  });

  it('gives a suspended or deleted user no session, and remembers nothing for a refused token', async () => {
    const tenant = await createTenant();
    await patchUser(tenant, USERS.agent.id, { suspended: true });
    await patchUser(tenant, USERS.supervisor.id, { active: false });
    for (const user of [USERS.agent.id, USERS.supervisor.id]) {
      const html = await expectRefusedPage(await loadPage('ticket_sidebar', await zendeskAppToken(tenant, user, { location: 'ticket_sidebar' })), 403);
      expect(html).not.toContain(String(user));
    }
    const before = await roleCacheRows(a.installationId);
    await loadPage('nav_bar', tamper(await zendeskAppToken(a, USERS.supervisor.id), 2));
    expect(await roleCacheRows(a.installationId)).toBe(before);
  });

  it('refuses a user Zendesk does not know, and remembers it (one lookup for a flood)', async () => {
    const tenant = await createTenant();
    for (let i = 0; i < 3; i++) {
      await expectRefusedPage(await loadPage('nav_bar', await zendeskAppToken(tenant, USERS.admin.id, { claims: { sub: '999999' } })), 403);
    }
    const res = await control(env.FAKES_CONTROL_URL, 'GET', `/requests?subdomain=${tenant.subdomain}`);
    const { requests } = (await res.json()) as { requests: Array<{ path: string }> };
    expect(requests.filter((r) => r.path.includes('/users/999999')).length).toBe(1);
  });

  it('answers end users with 403', async () => {
    await expectRefusedPage(await loadPage('nav_bar', await zendeskAppToken(a, USERS.customer.id)), 403);
  });
});

/** Changes a user in the Zendesk fake (as an admin would in Zendesk). */
function patchUser(tenant: Tenant, userId: number, fields: Record<string, unknown>) {
  return control(env.FAKES_CONTROL_URL, 'PATCH', `/accounts/${tenant.subdomain}/users/${userId}`, fields);
}

describe("the worker's session", () => {
  it('refuses a session token changed by one character', async () => {
    const { token } = await openSession(a, USERS.admin.id);
    for (const part of [0, 1, 2]) {
      const res = await call('GET', '/v1/rules', { token: tamper(token, part) });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it("keeps another installation's session out of this installation's data", async () => {
    const created = await (await as(a, 'admin'))('POST', '/v1/rules', ruleInput());
    expect(created.status).toBe(201);
    const asB = await as(b, 'admin');
    expect((await asB('GET', `/v1/rules/${created.body.id}`)).status).toBe(404);
    expect((await asB('PATCH', `/v1/rules/${created.body.id}`, { enabled: false })).status).toBe(404);
    expect((await asB('GET', '/v1/me')).body.installationId).toBe(b.installationId);
    // A session signed with another key is not a session.
    const forged = await sign({ iss: 'pisms-worker', aud: 'pisms-worker', typ: 'session', sub: '101', zd: a.subdomain, zai: String(a.appInstallationId), inst: a.installationId, loc: 'nav_bar', auth_time: 0, exp: Math.floor(Date.now() / 1000) + 600 }, 'x'.repeat(40), 'HS256');
    expect((await call('GET', '/v1/rules', { token: forged })).status).toBe(401);
  });

  it('answers an expired session with session_expired, and the refresh token renews it', async () => {
    const subject = { subdomain: a.subdomain, appInstallationId: String(a.appInstallationId), userId: String(USERS.admin.id), installationId: a.installationId, location: 'nav_bar' as const };
    const old = await issueSession(env.SESSION_SECRET, { ...subject, authTimeS: Math.floor(Date.now() / 1000) - 3600 }, Date.now() - 20 * 60_000);
    const expired = await call('GET', '/v1/rules', { token: old.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('session_expired');
    const renewed = await call('POST', '/v1/session/refresh', { body: { refreshToken: old.refreshToken } });
    expect(renewed.status).toBe(200);
    expect((await call('GET', '/v1/rules', { token: renewed.body.token })).status).toBe(200);
  });

  it('ends the session 12 hours after Zendesk signed the load', async () => {
    const stale = await issueSession(
      env.SESSION_SECRET,
      { subdomain: a.subdomain, appInstallationId: String(a.appInstallationId), userId: String(USERS.admin.id), installationId: a.installationId, location: 'nav_bar', authTimeS: Math.floor(Date.now() / 1000) - 13 * 3600 },
      Date.now() - 13 * 3600_000,
    );
    expect((await call('POST', '/v1/session/refresh', { body: { refreshToken: stale.refreshToken } })).status).toBe(401);
  });

  it('refuses a session with a wrong audience, a refresh token as bearer, and a session token as refresh token', async () => {
    const grant = await openSession(a, USERS.admin.id);
    const wrongAud = await sign({ iss: 'pisms-worker', aud: 'someone-else', typ: 'session', sub: '101', zd: a.subdomain, zai: String(a.appInstallationId), inst: a.installationId, loc: 'nav_bar', auth_time: 0, exp: Math.floor(Date.now() / 1000) + 600 }, env.SESSION_SECRET, 'HS256');
    expect((await call('GET', '/v1/me', { token: wrongAud })).status).toBe(401);
    const [, payload] = grant.token.split('.');
    expect((await call('GET', '/v1/me', { token: `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.` })).status).toBe(401);
    expect((await call('GET', '/v1/me', { token: grant.refreshToken })).status).toBe(401);
    expect((await call('POST', '/v1/session/refresh', { body: { refreshToken: grant.token } })).status).toBe(401);
  });

  it('gives no new session to a user suspended after the page loaded', async () => {
    const tenant = await createTenant();
    const grant = await openSession(tenant, USERS.supervisor.id);
    await patchUser(tenant, USERS.supervisor.id, { suspended: true });
    const res = await call('POST', '/v1/session/refresh', { body: { refreshToken: grant.refreshToken } });
    expect(res.status).toBe(403);
  });
});

describe('roles (looked up through the Zendesk API, never taken from the browser)', () => {
  it('tells each user their role', async () => {
    for (const [user, role, canManage] of [
      ['admin', 'admin', true],
      ['supervisor', 'supervisor', true],
      ['agent', 'agent', false],
    ] as const) {
      const res = await (await as(a, user))('GET', '/v1/me');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        installationId: a.installationId,
        subdomain: a.subdomain,
        userId: String(USERS[user].id),
        role,
        canManageRules: canManage,
        connection: 'connected',
      });
    }
  });

  it("gives an agent's session 403 on every admin and supervisor route, with nothing changed", async () => {
    const created = await (await as(a, 'supervisor'))('POST', '/v1/rules', ruleInput({ label: 'Kept as it is' }));
    expect(created.status).toBe(201);
    const agent = await as(a, 'agent');
    const auditBefore = (await (await as(a, 'admin'))('GET', '/v1/audit')).body.entries.length;
    for (const [method, path, body] of [
      ['GET', '/v1/rules', undefined],
      ['POST', '/v1/rules', ruleInput()],
      ['GET', `/v1/rules/${created.body.id}`, undefined],
      ['PUT', `/v1/rules/${created.body.id}`, ruleInput()],
      ['PATCH', `/v1/rules/${created.body.id}`, { enabled: false }],
      ['DELETE', `/v1/rules/${created.body.id}`, undefined],
      ['POST', `/v1/rules/${created.body.id}/duplicate`, undefined],
      ['PUT', '/v1/rules/order', { ruleIds: [created.body.id] }],
      ['GET', '/v1/settings', undefined],
      ['PATCH', '/v1/settings', { summariesEnabled: true }],
      ['PUT', '/v1/settings/telnyx', { apiKey: 'KEY_x_0123456789' }],
      ['PUT', '/v1/settings/telnyx/sandbox', undefined],
      ['PUT', '/v1/settings/zendesk-webhook', { signingSecret: 'x'.repeat(32) }],
      ['GET', '/v1/audit', undefined],
      ['GET', '/v1/telnyx/numbers', undefined],
      ['POST', '/v1/preview', { ticketId: '1', rule: ruleInput() }],
      ['POST', '/v1/test-send', { rule: ruleInput(), to: '+14155550100' }],
      ['POST', '/v1/setup/zendesk', {}],
      ['GET', '/v1/installation', undefined],
      ['DELETE', '/v1/installation', { confirmSubdomain: a.subdomain }],
    ] as const) {
      const res = await agent(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const admin = await as(a, 'admin');
    expect((await admin('GET', `/v1/rules/${created.body.id}`)).body).toMatchObject({ label: 'Kept as it is', enabled: true });
    expect((await admin('GET', '/v1/audit')).body.entries.length).toBe(auditBefore);
  });

  it('keeps Telnyx credentials and disconnecting for admins only', async () => {
    const supervisor = await as(a, 'supervisor');
    const res = await supervisor('PUT', '/v1/settings/telnyx', { apiKey: 'KEY_other_0123456789' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('Only Zendesk admins can do this');
    expect((await supervisor('DELETE', '/v1/installation', { confirmSubdomain: a.subdomain })).status).toBe(403);
  });

  it('does not echo request paths or bodies in errors', async () => {
    const res = await call('GET', '/v1/no-such-route-<script>');
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('no-such-route');
  });
});
