// Installing with nothing pasted: Connect through Zendesk's consent page (global OAuth client,
// PKCE), re-binding, "reconnect needed" from the token cron, and disconnecting.
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { REFRESH_AHEAD_MS, refreshZendeskTokens } from '../src/scheduled/refresh-zendesk-tokens.ts';
import {
  as,
  call,
  connectZendesk,
  control,
  createTenant,
  openSession,
  ruleInput,
  seedTelnyxAccount,
  seedZendeskAccount,
  type Tenant,
  uniqueAppInstallationId,
  uniqueSubdomain,
  USERS,
} from './helpers.ts';

interface AccountSnapshot {
  webhooks: Array<{ id: string }>;
  triggers: Array<{ id: number }>;
  tokens: Array<{ accessToken: string }>;
}

async function account(subdomain: string): Promise<AccountSnapshot> {
  return (await (await control(env.FAKES_CONTROL_URL, 'GET', `/accounts/${subdomain}`)).json()) as AccountSnapshot;
}

async function newAccount() {
  const subdomain = uniqueSubdomain('inst');
  await seedZendeskAccount(subdomain);
  return { subdomain, appInstallationId: uniqueAppInstallationId() };
}

async function installationRow(subdomain: string) {
  return env.DB.prepare('SELECT id, app_installation_id, status, connected_by FROM installations WHERE subdomain = ?')
    .bind(subdomain)
    .first<{ id: string; app_installation_id: string; status: string; connected_by: string }>();
}

describe('Connect', () => {
  it('takes a fresh account from the first page load to Setup with nothing pasted', async () => {
    const acct = await newAccount();
    const before = await openSession(acct, USERS.admin.id);
    const me = await call('GET', '/v1/me', { token: before.token });
    expect(me.body).toEqual({ installationId: null, subdomain: acct.subdomain, userId: String(USERS.admin.id), role: null, canManageRules: false, connection: 'not_connected' });
    // Data routes wait for Connect.
    const early = await call('GET', '/v1/settings', { token: before.token });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('not_connected');

    const started = await call('POST', '/v1/connect/zendesk', { token: before.token });
    const url = new URL(started.body.authorizeUrl);
    expect(url.pathname).toBe(`/${acct.subdomain}/oauth/authorizations/new`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: env.ZENDESK_OAUTH_CLIENT_ID,
      redirect_uri: 'https://worker.test/oauth/zendesk/callback',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const done = await connectZendesk(acct, USERS.admin.id);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Zendesk is connected');
    const row = await installationRow(acct.subdomain);
    expect(row).toMatchObject({ app_installation_id: String(acct.appInstallationId), status: 'active', connected_by: String(USERS.admin.id) });

    // The session from before Connect now sees the installation; a refreshed one names it.
    const after = await call('GET', '/v1/me', { token: before.token });
    expect(after.body).toMatchObject({ installationId: row?.id, role: 'admin', connection: 'connected' });
    const refreshed = await call('POST', '/v1/session/refresh', { body: { refreshToken: before.refreshToken } });
    const settings = await call('GET', '/v1/settings', { token: refreshed.body.token });
    expect(settings.status).toBe(200);
    expect(settings.body.connection.zendesk).toMatchObject({ oauthConnected: true, state: 'connected' });
    expect(settings.body.requirements.missing).toContain('sms_connected');
    const audit = await call('GET', '/v1/audit', { token: refreshed.body.token });
    expect(audit.body.entries[0]).toMatchObject({ action: 'zendesk.connect', actorUserId: String(USERS.admin.id) });
    // The stored tokens are encrypted and never shown.
    expect(JSON.stringify(settings.body)).not.toMatch(/zdat_|access_token|refresh/i);
  });

  it('refuses consent by an agent, by another admin than the one who pressed Connect, and a denied consent', async () => {
    const acct = await newAccount();
    await seedZendeskAccount(acct.subdomain, {
      users: [...Object.values(USERS), { id: 105, name: 'Other Admin', role: 'admin', phone: null }],
    });
    const byAgent = await connectZendesk(acct, USERS.agent.id);
    expect(byAgent.status).toBe(403);
    expect(await byAgent.text()).toContain('Only a Zendesk admin');
    const byOther = await connectZendesk(acct, USERS.admin.id, 105);
    expect(byOther.status).toBe(403);
    const denied = await connectZendesk(acct, USERS.admin.id, USERS.admin.id, 'deny');
    expect(denied.status).toBe(403);
    expect(await installationRow(acct.subdomain)).toBeNull();
    // Refused tokens were revoked again: only the tokens the seed holds are left.
    expect((await account(acct.subdomain)).tokens.length).toBe(0);
  });

  it('uses a consent state once, and never with a forged one', async () => {
    const acct = await newAccount();
    const grant = await openSession(acct, USERS.admin.id);
    await call('POST', '/v1/connect/zendesk', { token: grant.token });
    const forged = await SELF.fetch('https://worker.test/oauth/zendesk/callback?code=abc&state=forged');
    expect(forged.status).toBe(400);
    expect(await forged.text()).not.toContain('forged');
    const done = await connectZendesk(acct, USERS.admin.id);
    expect(done.status).toBe(200);
    const again = await SELF.fetch(done.url);
    expect(again.status).toBe(400);
  });

  it('re-binds the installation when the app is reinstalled, keeping its rules', async () => {
    const tenant = await createTenant();
    const created = await (await as(tenant, 'admin'))('POST', '/v1/rules', ruleInput());
    expect(created.status).toBe(201);
    const reinstalled = { subdomain: tenant.subdomain, appInstallationId: uniqueAppInstallationId() };
    // The new app installation is not the bound one: not connected until an admin connects.
    const stale = await openSession(reinstalled, USERS.admin.id);
    expect((await call('GET', '/v1/me', { token: stale.token })).body.connection).toBe('not_connected');
    expect((await connectZendesk(reinstalled, USERS.admin.id)).status).toBe(200);
    const admin = await as(reinstalled, 'admin');
    expect((await admin('GET', '/v1/me')).body.installationId).toBe(tenant.installationId);
    expect((await admin('GET', `/v1/rules/${created.body.id}`)).status).toBe(200);
    // Sessions of the old app installation no longer reach it.
    expect((await (await as(tenant, 'admin'))('GET', '/v1/rules')).status).toBe(409);
  });

  it('names the product on every Zendesk API call it makes (marketplace headers)', async () => {
    const tenant = await createTenant();
    await (await as(tenant, 'supervisor'))('GET', '/v1/settings');
    const res = await control(env.FAKES_CONTROL_URL, 'GET', `/requests?subdomain=${tenant.subdomain}`);
    const { requests } = (await res.json()) as { requests: Array<{ path: string; headers: Record<string, string> }> };
    const apiCalls = requests.filter((r) => r.path.includes('/api/v2/') || r.path.endsWith('/oauth/tokens'));
    expect(apiCalls.length).toBeGreaterThan(3);
    for (const r of apiCalls) {
      expect(r.headers, r.path).toMatchObject({
        'x-zendesk-marketplace-name': 'Post-Interaction SMS',
        'x-zendesk-marketplace-organization-id': '4242',
        'x-zendesk-marketplace-app-id': '987654',
      });
    }
  });
});

describe('tokens: refreshed by the cron, "reconnect needed" when refused', () => {
  async function setRefreshExpiry(t: Tenant, ms: number) {
    await env.DB.prepare('UPDATE installations SET refresh_expires_ms = ? WHERE id = ?').bind(ms, t.installationId).run();
  }

  it('refreshes tokens whose refresh token would lapse soon, and leaves the others alone', async () => {
    const soon = await createTenant();
    const later = await createTenant();
    const laterMs = Date.now() + REFRESH_AHEAD_MS + 3600_000;
    await setRefreshExpiry(soon, Date.now() + 60_000);
    await setRefreshExpiry(later, laterMs);
    const report = await refreshZendeskTokens(env, Date.now());
    expect(report.refreshed).toBeGreaterThanOrEqual(1);
    const rows = await env.DB.prepare('SELECT id, refresh_expires_ms FROM installations WHERE id IN (?, ?)')
      .bind(soon.installationId, later.installationId)
      .all<{ id: string; refresh_expires_ms: number }>();
    const byId = new Map(rows.results.map((r) => [r.id, r.refresh_expires_ms]));
    // Zendesk's answer carries refresh_token_expires_in (30 days by default).
    expect(byId.get(soon.installationId)).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);
    expect(byId.get(later.installationId)).toBe(laterMs);
    expect((await (await as(soon, 'admin'))('GET', '/v1/settings')).status).toBe(200);
  });

  it('marks the installation reconnect_needed when Zendesk refuses the refresh, and Reconnect restores it', async () => {
    const t = await createTenant();
    await setRefreshExpiry(t, Date.now() + 60_000);
    await control(env.FAKES_CONTROL_URL, 'POST', `/accounts/${t.subdomain}/revoke-refresh-tokens`, {});
    // The Cron Trigger itself, through the worker's scheduled handler.
    const ctx = createExecutionContext();
    await worker.scheduled({ scheduledTime: Date.now(), cron: '*/15 * * * *', noRetry() {} }, env, ctx);
    await waitOnExecutionContext(ctx);
    const grant = await openSession(t, USERS.admin.id);
    expect((await call('GET', '/v1/me', { token: grant.token })).body).toMatchObject({ connection: 'reconnect_needed', role: null });
    const blocked = await call('GET', '/v1/rules', { token: grant.token });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('reconnect_needed');
    expect((await connectZendesk(t, USERS.admin.id)).status).toBe(200);
    expect((await (await as(t, 'admin'))('GET', '/v1/me')).body).toMatchObject({ connection: 'connected', installationId: t.installationId });
  });

  it('still serves the page when the stored authorization is refused at load time, so admins see Reconnect', async () => {
    const t = await createTenant();
    await control(env.FAKES_CONTROL_URL, 'POST', `/accounts/${t.subdomain}/expire-tokens`, {});
    await control(env.FAKES_CONTROL_URL, 'POST', `/accounts/${t.subdomain}/revoke-refresh-tokens`, {});
    await env.DB.prepare('DELETE FROM user_roles WHERE installation_id = ?').bind(t.installationId).run();
    const grant = await openSession(t, USERS.admin.id);
    expect((await call('GET', '/v1/me', { token: grant.token })).body).toMatchObject({ connection: 'reconnect_needed' });
  });
});

describe('Disconnect', () => {
  it('says what it deletes, wants the subdomain typed, then removes everything it created', async () => {
    const t = await createTenant();
    const admin = await as(t, 'admin');
    expect((await admin('POST', '/v1/rules', ruleInput())).status).toBe(201);
    const setup = await admin('POST', '/v1/setup/zendesk', {});
    expect(setup.status).toBe(201);
    const summary = await admin('GET', '/v1/installation');
    expect(summary.body).toMatchObject({
      installationId: t.installationId,
      subdomain: t.subdomain,
      connection: 'connected',
      counts: { rules: 1 },
      zendesk: { webhooks: 1, triggers: 2 },
    });
    const wrong = await admin('DELETE', '/v1/installation', { confirmSubdomain: 'someone-else' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.fields[0].field).toBe('confirmSubdomain');
    expect(JSON.stringify(wrong.body)).not.toContain('someone-else');

    const done = await admin('DELETE', '/v1/installation', { confirmSubdomain: t.subdomain.toUpperCase() });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ disconnected: true, zendesk: { webhookRemoved: true, triggersRemoved: 2, tokenRevoked: true } });
    const after = await account(t.subdomain);
    expect(after.webhooks).toEqual([]);
    expect(after.triggers).toEqual([]);
    expect(after.tokens).toEqual([]);
    for (const table of ['installations', 'rules', 'audit_log', 'user_roles', 'sends', 'interactions']) {
      const column = table === 'installations' ? 'id' : 'installation_id';
      const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).bind(t.installationId).first<{ n: number }>();
      expect(row?.n, table).toBe(0);
    }
    expect((await admin('GET', '/v1/me')).body).toMatchObject({ installationId: null, connection: 'not_connected' });
  });
});

describe('the operator path (self-hosted, one account)', () => {
  it('binds the first verified page load to an installation provisioned from the command line', async () => {
    const subdomain = uniqueSubdomain('op');
    await seedZendeskAccount(subdomain, { tokens: [{ accessToken: `zd-${subdomain}-token`, refreshToken: `zd-${subdomain}-refresh` }] });
    await seedTelnyxAccount(`KEY_${subdomain}_0123456789`, `profile-${subdomain}`);
    const res = await call('POST', '/v1/installations', {
      token: 'test-provisioning-token-0123456789',
      body: { subdomain, zendeskOAuth: { accessToken: `zd-${subdomain}-token`, refreshToken: `zd-${subdomain}-refresh` } },
    });
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('sharedSecret');
    const acct = { subdomain, appInstallationId: uniqueAppInstallationId() };
    expect((await (await as(acct, 'admin'))('GET', '/v1/me')).body).toMatchObject({ installationId: res.body.installationId, connection: 'connected' });
    // Bound now: another app installation of the same account is not.
    const other = await as({ subdomain, appInstallationId: uniqueAppInstallationId() }, 'admin');
    expect((await other('GET', '/v1/me')).body.connection).toBe('not_connected');
  });
});
