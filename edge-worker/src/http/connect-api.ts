// Connecting a Zendesk account (install with nothing to paste) and disconnecting it.
//   POST   /v1/connect/zendesk       (session) -> { authorizeUrl }: Zendesk's consent page for the
//          product's global OAuth client, authorization code + PKCE S256.
//   GET    /oauth/zendesk/callback   Zendesk redirects here after consent: the code is exchanged,
//          the consenting user must be an admin of the same account and the user who pressed
//          Connect; then the installation is created or re-bound. Answers a small HTML page.
//   GET    /v1/installation          (admins) what a disconnect would delete
//   DELETE /v1/installation          (admins) remove our webhook and triggers from Zendesk, revoke
//          the token, delete the installation and every row of it.
// OAuth: https://developer.zendesk.com/documentation/api-basics/authentication/oauth-pkce and
// https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/ (the code is
// valid for 120 seconds; the answer carries expires_in and refresh_token_expires_in).
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { InstallationSummary } from '../../../shared/schemas/api.ts';
import { Settings } from '../../../shared/schemas/settings.ts';
import { bytesToBase64, randomToken } from '../crypto/secrets.ts';
import { insertAuditStatement } from '../db/audit.ts';
import {
  countInstallationData,
  deleteInstallation,
  insertInstallation,
  readInstallationBySubdomain,
  rebindInstallation,
} from '../db/installations.ts';
import { insertOAuthState, takeOAuthState } from '../db/oauth-states.ts';
import type { Env } from '../env.ts';
import { invalid, UpstreamError } from '../errors.ts';
import { createZendeskClient, type TokenGrant, tokensFromGrant } from '../zendesk/client.ts';
import { zendeskBaseUrl, zendeskClientDefaults, zendeskFor } from '../zendesk/for-installation.ts';
import { requireAdmin, requireAppAuth, requireSession } from './auth.ts';
import type { AppEnv } from './context.ts';
import { authErrors, bearerSecurity, errors, jsonBody, jsonResponse } from './openapi-helpers.ts';

const STATE_TTL_MS = 10 * 60_000;
/** Read tickets, users, fields; write webhooks, triggers and internal notes. */
const SCOPES = 'read write';

export const callbackUrl = (env: Env) => `${env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/oauth/zendesk/callback`;

async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return bytesToBase64(new Uint8Array(digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const ConnectResponse = z.object({ authorizeUrl: z.string() }).meta({ id: 'ConnectResponse' });
const DisconnectRequest = z.object({ confirmSubdomain: z.string().trim().toLowerCase().min(1).max(63) });
const DisconnectResponse = z
  .object({
    disconnected: z.literal(true),
    zendesk: z.object({ webhookRemoved: z.boolean(), triggersRemoved: z.number().int(), tokenRevoked: z.boolean() }),
  })
  .meta({ id: 'DisconnectResponse' });

export const connectApi = new OpenAPIHono<AppEnv>();
connectApi.use('/v1/connect/*', requireSession);
connectApi.use('/v1/installation', requireAppAuth, requireAdmin);

connectApi.openapi(
  createRoute({
    method: 'post',
    path: '/v1/connect/zendesk',
    tags: ['Install'],
    security: bearerSecurity,
    summary: "Start connecting this Zendesk account: the URL of Zendesk's consent page (an admin must approve)",
    responses: { 200: jsonResponse(ConnectResponse, 'Open this URL in a window'), ...authErrors },
  }),
  async (c) => {
    const session = c.get('session');
    const now = Date.now();
    const state = randomToken(32);
    const codeVerifier = randomToken(48);
    await insertOAuthState(
      c.env.DB,
      { state, subdomain: session.subdomain, appInstallationId: session.appInstallationId, userId: session.userId, codeVerifier, expiresMs: now + STATE_TTL_MS },
      now,
    );
    const url = new URL(`${zendeskBaseUrl(c.env, session.subdomain)}/oauth/authorizations/new`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: c.env.ZENDESK_OAUTH_CLIENT_ID,
      redirect_uri: callbackUrl(c.env),
      scope: SCOPES,
      state,
      code_challenge: await pkceChallenge(codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    return c.json({ authorizeUrl: url.toString() }, 200);
  },
);

/** The page the consent window ends on. Fixed texts only; nothing from the request is echoed. */
function callbackPage(env: Env, status: 200 | 400 | 403 | 502, title: string, text: string): Response {
  const ok = status === 200;
  const origin = new URL(env.PUBLIC_BASE_URL).origin;
  const script = ok
    ? `<script>try{window.opener&&window.opener.postMessage({type:'pisms:zendesk-connected'},${JSON.stringify(origin)})}catch(e){}setTimeout(function(){window.close()},1500)</script>`
    : '';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family:system-ui,sans-serif;padding:24px;max-width:520px"><h1 style="font-size:20px">${title}</h1><p>${text}</p>${script}</body></html>`;
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
}

connectApi.get('/oauth/zendesk/callback', async (c) => {
  const fail = (status: 400 | 403 | 502, text: string) => callbackPage(c.env, status, 'Zendesk was not connected', text);
  const state = c.req.query('state');
  if (!state) return fail(400, 'This page is opened by Zendesk after you approve the app. Press Connect in the app to start.');
  const pending = await takeOAuthState(c.env.DB, state, Date.now());
  if (!pending) return fail(400, 'This connection attempt expired or was already used. Press Connect in the app again.');
  if (c.req.query('error')) return fail(403, 'Access was not granted in Zendesk. Press Connect in the app to try again.');
  const code = c.req.query('code');
  if (!code) return fail(400, 'Zendesk sent no authorization code. Press Connect in the app again.');

  const baseUrl = zendeskBaseUrl(c.env, pending.subdomain);
  const tokenRes = await fetch(`${baseUrl}/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...zendeskClientDefaults(c.env).headers },
    body: JSON.stringify({
      grant_type: 'authorization_code',
      code,
      client_id: c.env.ZENDESK_OAUTH_CLIENT_ID,
      client_secret: c.env.ZENDESK_OAUTH_CLIENT_SECRET,
      redirect_uri: callbackUrl(c.env),
      code_verifier: pending.codeVerifier,
      scope: SCOPES,
    }),
    signal: AbortSignal.timeout(10_000),
  }).catch(() => null);
  if (!tokenRes?.ok) {
    console.warn(JSON.stringify({ msg: 'zendesk code exchange refused', status: tokenRes?.status ?? 0 }));
    return fail(502, 'Zendesk did not accept the authorization. Press Connect in the app again.');
  }
  const now = new Date();
  const oauth = { ...tokensFromGrant((await tokenRes.json()) as TokenGrant, now.getTime()), clientId: null, clientSecret: null };
  const zendesk = createZendeskClient({ ...zendeskClientDefaults(c.env), baseUrl, credentials: oauth });
  const me = await zendesk.getMe().catch(() => null);
  const refuse = async (text: string) => {
    await zendesk.revokeCurrentToken().catch(() => undefined);
    return fail(403, text);
  };
  if (!me) return fail(502, 'Zendesk did not answer. Press Connect in the app again.');
  if (me.role !== 'admin') return refuse('Only a Zendesk admin can connect the app. Ask an admin of this account.');
  if (String(me.id) !== pending.userId) {
    return refuse('The Zendesk user who approved is not the one who pressed Connect. Sign in to Zendesk as yourself and try again.');
  }

  const existing = await readInstallationBySubdomain(c.env.DB, pending.subdomain);
  const stamp = now.toISOString();
  const binding = { appInstallationId: pending.appInstallationId, connectedBy: pending.userId, oauth };
  let installationId: string;
  if (existing) {
    installationId = existing.id;
    // The authorization being replaced is revoked (best effort: it may be dead already).
    const previous = await zendeskFor(c.env, existing).catch(() => null);
    await previous?.revokeCurrentToken().catch(() => undefined);
    await rebindInstallation(c.env.DB, c.env.SECRETS_KEY, existing.id, binding, stamp);
  } else {
    installationId = `inst_${randomToken(12)}`;
    await insertInstallation(c.env.DB, c.env.SECRETS_KEY, {
      id: installationId,
      subdomain: pending.subdomain,
      appInstallationId: pending.appInstallationId,
      connectedBy: pending.userId,
      webhookSecret: null,
      settings: Settings.parse({ defaultCountry: 'US' }),
      telnyx: null,
      zendeskOAuth: oauth,
      now: stamp,
    });
  }
  await insertAuditStatement(c.env.DB, {
    installationId,
    actorUserId: pending.userId,
    actorRole: 'admin',
    action: existing ? 'zendesk.reconnect' : 'zendesk.connect',
    subjectId: pending.appInstallationId,
    changes: { appInstallationId: { from: existing?.appInstallationId ?? null, to: pending.appInstallationId } },
    now: stamp,
  }).run();
  return callbackPage(c.env, 200, 'Zendesk is connected', 'You can close this window and go back to the app.');
});

connectApi.openapi(
  createRoute({
    method: 'get',
    path: '/v1/installation',
    tags: ['Install'],
    security: bearerSecurity,
    summary: 'This installation and what disconnecting it would delete (admins)',
    responses: { 200: jsonResponse(InstallationSummary, 'The installation'), ...authErrors },
  }),
  async (c) => {
    const { installation } = c.get('caller');
    const counts = await countInstallationData(c.env.DB, installation.id);
    return c.json(
      {
        installationId: installation.id,
        subdomain: installation.subdomain,
        // requireAppAuth lets only connected installations through.
        connection: 'connected' as const,
        connectedBy: installation.connectedBy,
        connectedAt: installation.connectedAt,
        counts,
        zendesk: {
          webhooks: installation.zendeskSetup ? 1 : 0,
          triggers: installation.zendeskSetup?.triggerIds.length ?? 0,
        },
      },
      200,
    );
  },
);

connectApi.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/installation',
    tags: ['Install'],
    security: bearerSecurity,
    summary: 'Disconnect: remove our webhook and triggers from Zendesk, revoke the token, delete every row (admins)',
    request: { body: jsonBody(DisconnectRequest) },
    responses: { 200: jsonResponse(DisconnectResponse, 'Disconnected'), ...authErrors, 422: errors[422] },
  }),
  async (c) => {
    const { installation, userId } = c.get('caller');
    if (c.req.valid('json').confirmSubdomain !== installation.subdomain) {
      throw invalid([{ field: 'confirmSubdomain', reason: "Type this account's subdomain to confirm" }]);
    }
    const zendesk = await zendeskFor(c.env, installation);
    // Zendesk first: if it is unreachable nothing is deleted here and the admin can try again.
    // What is already gone there (404) counts as removed.
    const gone = async (remove: () => Promise<void>): Promise<boolean> => {
      try {
        await remove();
        return true;
      } catch (err) {
        if (err instanceof UpstreamError && err.status === 404) return true;
        if (err instanceof UpstreamError && err.isTransient) throw err;
        return false;
      }
    };
    const setup = installation.zendeskSetup;
    let triggersRemoved = 0;
    for (const id of setup?.triggerIds ?? []) if (await gone(() => zendesk.deleteTrigger(id))) triggersRemoved += 1;
    const webhookRemoved = setup ? await gone(() => zendesk.deleteWebhook(setup.webhookId)) : true;
    const tokenRevoked = await gone(() => zendesk.revokeCurrentToken());
    await deleteInstallation(c.env.DB, installation.id);
    console.log(JSON.stringify({ msg: 'installation disconnected', installationId: installation.id, by: userId, triggersRemoved, webhookRemoved, tokenRevoked }));
    return c.json({ disconnected: true as const, zendesk: { webhookRemoved, triggersRemoved, tokenRevoked } }, 200);
  },
);
