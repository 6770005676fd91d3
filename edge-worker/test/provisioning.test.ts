// Provisioning an installation: by an operator token, or self-service by a Zendesk admin.
import { describe, expect, it } from 'vitest';
import { call, OPERATOR_TOKEN, seedZendeskAccount, uniqueSubdomain, USERS } from './helpers.ts';
import { env } from 'cloudflare:test';

const oauth = (token: string) => ({ accessToken: token, refreshToken: null, clientId: null, clientSecret: null });

describe('POST /v1/installations', () => {
  it('lets an operator provision and returns the secret and webhook URLs once', async () => {
    const subdomain = uniqueSubdomain();
    await seedZendeskAccount(subdomain, `tok-${subdomain}`);
    const res = await call('POST', '/v1/installations', { token: OPERATOR_TOKEN, body: { subdomain, zendeskOAuth: oauth(`tok-${subdomain}`) } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ subdomain, provisionedBy: 'operator' });
    expect(res.body.sharedSecret.length).toBeGreaterThanOrEqual(32);
    expect(res.body.webhookUrls.zendesk).toBe(`https://worker.test/v1/webhooks/zendesk/${res.body.installationId}`);
  });

  it('rejects a wrong operator token', async () => {
    const res = await call('POST', '/v1/installations', { token: 'nope', body: { subdomain: uniqueSubdomain(), zendeskOAuth: oauth('tok-0123456789') } });
    expect(res.status).toBe(401);
  });

  it("lets a Zendesk admin self-provision with their account's OAuth token", async () => {
    const subdomain = uniqueSubdomain();
    await seedZendeskAccount(subdomain, `tok-${subdomain}`);
    // The fake answers /users/me with the first user of the account: the admin.
    const res = await call('POST', '/v1/installations', { body: { subdomain, zendeskOAuth: oauth(`tok-${subdomain}`), sharedSecret: 's'.repeat(40) } });
    expect(res.status).toBe(201);
    expect(res.body.provisionedBy).toBe('zendesk_admin');
    expect(res.body.sharedSecret).toBe('s'.repeat(40));
  });

  it("refuses self-provisioning with a non-admin's or an invalid token", async () => {
    const subdomain = uniqueSubdomain();
    await seedZendeskAccount(subdomain, `tok-${subdomain}`, { users: [USERS.agent] });
    const agentToken = await call('POST', '/v1/installations', { body: { subdomain, zendeskOAuth: oauth(`tok-${subdomain}`) } });
    expect(agentToken.status).toBe(401);
    const badToken = await call('POST', '/v1/installations', { body: { subdomain, zendeskOAuth: oauth('wrong-token-123') } });
    expect(badToken.status).toBe(401);
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM installations WHERE subdomain = ?').bind(subdomain).first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it('refuses a second installation for the same subdomain', async () => {
    const subdomain = uniqueSubdomain();
    await seedZendeskAccount(subdomain, `tok-${subdomain}`);
    const body = { subdomain, zendeskOAuth: oauth(`tok-${subdomain}`) };
    expect((await call('POST', '/v1/installations', { token: OPERATOR_TOKEN, body })).status).toBe(201);
    const again = await call('POST', '/v1/installations', { token: OPERATOR_TOKEN, body });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('validates the request', async () => {
    const res = await call('POST', '/v1/installations', {
      token: OPERATOR_TOKEN,
      body: { subdomain: 'Not A Subdomain!', sharedSecret: 'short', zendeskOAuth: {} },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(
      ['sharedSecret', 'subdomain', 'zendeskOAuth.accessToken'].sort(),
    );
  });
});

describe('API surface', () => {
  it('publishes an OpenAPI 3.1 document of every route', async () => {
    const res = await call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths).sort()).toEqual(
      expect.arrayContaining([
        '/v1/installations',
        '/v1/me',
        '/v1/settings',
        '/v1/settings/telnyx',
        '/v1/telnyx/numbers',
        '/v1/audit',
        '/v1/rules',
        '/v1/rules/{id}',
        '/v1/rules/{id}/duplicate',
        '/v1/rules/order',
      ]),
    );
    expect(res.body.paths['/v1/rules'].post.requestBody.content['application/json'].schema).toBeTruthy();
    expect(res.body.components.securitySchemes.zafJwt).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await call('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
