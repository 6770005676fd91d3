// Authentication of the app's requests and role enforcement, through HTTP into the worker.
import { describe, expect, it, beforeAll } from 'vitest';
import { sign } from 'hono/jwt';
import { appToken, as, call, createTenant, ruleInput, USERS, type Tenant } from './helpers.ts';

let a: Tenant;
let b: Tenant;
beforeAll(async () => {
  [a, b] = await Promise.all([createTenant(), createTenant()]);
});

describe('app authentication', () => {
  it('rejects a request without a token', async () => {
    const res = await call('GET', '/v1/rules');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'unauthorized', message: 'Missing bearer token' });
  });

  it('rejects a malformed token', async () => {
    const res = await call('GET', '/v1/rules', { token: 'not-a-jwt' });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Malformed token');
  });

  it('rejects a token signed with the wrong secret', async () => {
    const token = await appToken({ installationId: a.installationId, sharedSecret: 'x'.repeat(40) }, USERS.admin.id);
    const res = await call('GET', '/v1/rules', { token });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Invalid token signature');
  });

  it("rejects a token for installation A signed with installation B's secret", async () => {
    const token = await appToken({ installationId: a.installationId, sharedSecret: b.sharedSecret }, USERS.admin.id);
    expect((await call('GET', '/v1/rules', { token })).status).toBe(401);
  });

  it('answers an unknown installation like a bad signature', async () => {
    const token = await appToken({ installationId: 'inst_doesnotexist', sharedSecret: a.sharedSecret }, USERS.admin.id);
    const res = await call('GET', '/v1/rules', { token });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Invalid token signature');
  });

  it('rejects an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await appToken(a, USERS.admin.id, { iat: now - 600, exp: now - 60 });
    const res = await call('GET', '/v1/rules', { token });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Token expired');
  });

  it('rejects a token without expiry or with a lifetime over an hour', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noExp = await sign({ iss: a.installationId, sub: String(USERS.admin.id), iat: now }, a.sharedSecret, 'HS256');
    expect((await call('GET', '/v1/rules', { token: noExp })).body.error.message).toBe('Token has no expiry (exp)');
    const long = await appToken(a, USERS.admin.id, { exp: now + 7200 });
    expect((await call('GET', '/v1/rules', { token: long })).body.error.message).toBe('Token lifetime too long');
  });

  it('rejects a token without a user id', async () => {
    const token = await appToken(a, USERS.admin.id, { sub: undefined });
    const res = await call('GET', '/v1/rules', { token });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Token has no Zendesk user id (sub)');
  });

  it('rejects a token whose algorithm is not HS256', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ iss: a.installationId, sub: '101', exp: now + 60 }, a.sharedSecret, 'HS512');
    expect((await call('GET', '/v1/rules', { token })).status).toBe(401);
  });
});

describe('roles (looked up through the Zendesk API, not taken from the token)', () => {
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
      });
    }
  });

  it('ignores a role claimed in the token', async () => {
    const token = await appToken(a, USERS.agent.id, { role: 'admin' });
    const res = await call('GET', '/v1/me', { token });
    expect(res.body.role).toBe('agent');
  });

  it('lets admins and supervisors manage rules and keeps agents out', async () => {
    const supervisor = await as(a, 'supervisor');
    const created = await supervisor('POST', '/v1/rules', ruleInput());
    expect(created.status).toBe(201);
    const agent = await as(a, 'agent');
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
      ['GET', '/v1/audit', undefined],
      ['GET', '/v1/telnyx/numbers', undefined],
    ] as const) {
      const res = await agent(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('keeps Telnyx credentials for admins only', async () => {
    const res = await (await as(a, 'supervisor'))('PUT', '/v1/settings/telnyx', { apiKey: 'KEY_other_0123456789' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('Only Zendesk admins can do this');
  });

  it('refuses end users', async () => {
    const res = await (await as(a, 'customer'))('GET', '/v1/me');
    expect(res.status).toBe(403);
  });

  it('refuses a user id that does not exist in the Zendesk account', async () => {
    const token = await appToken(a, 999999);
    expect((await call('GET', '/v1/me', { token })).status).toBe(401);
  });
});
