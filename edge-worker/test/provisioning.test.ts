// Provisioning by an operator (a self-hosted worker for one account). Accounts of a shared
// deployment connect from the app instead (connect.test.ts).
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { call, OPERATOR_TOKEN, seedZendeskAccount, uniqueSubdomain, USERS } from './helpers.ts';

const oauth = (token: string) => ({ accessToken: token, refreshToken: null, clientId: null, clientSecret: null });

async function accountWithToken(users: unknown[] = Object.values(USERS)): Promise<{ subdomain: string; token: string }> {
  const subdomain = uniqueSubdomain();
  const token = `tok-${subdomain}`;
  // The fake's seeded tokens belong to the account's first user.
  await seedZendeskAccount(subdomain, { tokens: [{ accessToken: token, refreshToken: `${token}-refresh` }], users });
  return { subdomain, token };
}

describe('POST /v1/installations', () => {
  it('lets an operator provision and returns the webhook URLs (no secret for the app any more)', async () => {
    const { subdomain, token } = await accountWithToken();
    const res = await call('POST', '/v1/installations', { token: OPERATOR_TOKEN, body: { subdomain, zendeskOAuth: oauth(token) } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ subdomain, provisionedBy: 'operator' });
    expect(res.body).not.toHaveProperty('sharedSecret');
    expect(res.body.webhookUrls.zendesk).toBe(`https://worker.test/v1/webhooks/zendesk/${res.body.installationId}`);
  });

  it('rejects a missing or wrong operator token: self-service is Connect now', async () => {
    const { subdomain, token } = await accountWithToken();
    for (const operatorToken of [undefined, 'nope']) {
      const res = await call('POST', '/v1/installations', { token: operatorToken, body: { subdomain, zendeskOAuth: oauth(token) } });
      expect(res.status).toBe(401);
    }
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM installations WHERE subdomain = ?').bind(subdomain).first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("refuses an OAuth token that is not an admin's of the account", async () => {
    const { subdomain, token } = await accountWithToken([USERS.agent]);
    const res = await call('POST', '/v1/installations', { token: OPERATOR_TOKEN, body: { subdomain, zendeskOAuth: oauth(token) } });
    expect(res.status).toBe(401);
    const bad = await call('POST', '/v1/installations', { token: OPERATOR_TOKEN, body: { subdomain, zendeskOAuth: oauth('wrong-token-123') } });
    expect(bad.status).toBe(401);
  });

  it('refuses a second installation for the same subdomain', async () => {
    const { subdomain, token } = await accountWithToken();
    const body = { subdomain, zendeskOAuth: oauth(token) };
    expect((await call('POST', '/v1/installations', { token: OPERATOR_TOKEN, body })).status).toBe(201);
    const again = await call('POST', '/v1/installations', { token: OPERATOR_TOKEN, body });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('validates the request', async () => {
    const res = await call('POST', '/v1/installations', {
      token: OPERATOR_TOKEN,
      body: { subdomain: 'Not A Subdomain!', zendeskOAuth: {} },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['subdomain', 'zendeskOAuth.accessToken'].sort());
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
        '/v1/session/refresh',
        '/v1/connect/zendesk',
        '/v1/installation',
        '/v1/settings/telnyx/sandbox',
      ]),
    );
    expect(res.body.paths['/v1/rules'].post.requestBody.content['application/json'].schema).toBeTruthy();
    expect(res.body.components.securitySchemes.session).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await call('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
