// OAuth side of the Zendesk fake: the consent page (`/oauth/authorizations/new`, authorization
// code grant with PKCE S256) and the token endpoint (`POST /oauth/tokens`, grants
// `authorization_code` and `refresh_token`). Pure functions over one account's state; the server
// in zendesk-fake.ts routes to them. Sources:
//  - https://developer.zendesk.com/documentation/api-basics/authentication/oauth-pkce
//    (code_challenge + code_challenge_method "S256"; code_verifier at the token step)
//  - https://developer.zendesk.com/api-reference/ticketing/oauth/grant_type_tokens/
//    (JSON body; fields grant_type, code, client_id, client_secret, redirect_uri, scope,
//    code_verifier, expires_in, refresh_token_expires_in; the code is "valid for 120 seconds")
//  - https://support.zendesk.com/hc/en-us/articles/9182123625370 ("A successful request will also
//    return a refresh token and delete the previous access and refresh tokens")
//  - https://support.zendesk.com/hc/en-us/articles/10212201463962 (global clients: access 30 min,
//    refresh 30 days; bounds 5 min..48 h and 7..90 days)
// Error pages do not redirect (RFC 6749 §4.1.2.1 for a bad client or redirect URI; the fake does
// the same for every invalid request). The fake has no login: the consent form picks the user.
import { createHash, randomBytes } from 'node:crypto';
import { json } from './fake-http.ts';
import type { FakeResponse } from './fake-http.ts';
import { escapeHtml } from './zendesk-data.ts';
import type { ZendeskOAuthClientSeed, ZendeskUser } from './zendesk-data.ts';
import type { ZendeskAccountState, ZendeskTokenState } from './zendesk-fake.ts';

/** An issued authorization code, single use. */
export interface ZendeskAuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  userId: number;
  scope: string;
  /** BASE64URL(SHA256(verifier)); null when the request had no PKCE. */
  codeChallenge: string | null;
  expiresAtMs: number;
  used: boolean;
}

export interface ZendeskOAuthContext {
  account: ZendeskAccountState;
  /** Global clients (valid on every account), after the account's own. */
  globalClients: ZendeskOAuthClientSeed[];
  /** The fake's clock, epoch ms. */
  now: number;
  /** Authorization code lifetime; Zendesk: 120 s. */
  codeTtlS: number;
}

export const AUTHORIZATION_CODE_TTL_S = 120;
export const GLOBAL_ACCESS_TOKEN_TTL_S = 30 * 60;
export const LOCAL_ACCESS_TOKEN_TTL_S = 2 * 3600;
export const REFRESH_TOKEN_TTL_S = 30 * 24 * 3600;
const ACCESS_TTL_BOUNDS = [5 * 60, 48 * 3600] as const;
const REFRESH_TTL_BOUNDS = [7 * 24 * 3600, 90 * 24 * 3600] as const;

/** PKCE S256: BASE64URL(SHA256(ASCII(code_verifier))) (RFC 7636 §4.2). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function findClient(
  ctx: Pick<ZendeskOAuthContext, 'account' | 'globalClients'>,
  clientId: unknown,
): { client: ZendeskOAuthClientSeed; global: boolean } | undefined {
  if (typeof clientId !== 'string' || clientId === '') return undefined;
  const local = ctx.account.oauthClients.find((c) => c.clientId === clientId);
  if (local) return { client: local, global: false };
  const global = ctx.globalClients.find((c) => c.clientId === clientId);
  return global ? { client: global, global: true } : undefined;
}

// --- Authorization (consent) ------------------------------------------------------------------

const SCOPE = /^(read|write|impersonate|[a-z_]+:(read|write))$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

type Checked =
  | { ok: true; client: ZendeskOAuthClientSeed; redirectUri: string; scope: string; challenge: string | null }
  | { ok: false; message: string };

function checkAuthorizationRequest(ctx: ZendeskOAuthContext, params: Record<string, string>): Checked {
  const found = findClient(ctx, params.client_id);
  if (!found) return { ok: false, message: 'Invalid OAuth client: unknown client_id.' };
  const redirectUri = params.redirect_uri ?? '';
  if (!redirectUri || !(found.client.redirectUris ?? []).includes(redirectUri)) {
    return { ok: false, message: 'The redirect_uri does not match a redirect URL registered for this client.' };
  }
  if (params.response_type !== 'code') return { ok: false, message: 'response_type must be "code".' };
  const scope = (params.scope ?? '').trim();
  const scopes = scope.split(/\s+/).filter(Boolean);
  if (scopes.length === 0 || !scopes.every((s) => SCOPE.test(s))) {
    return { ok: false, message: 'The requested scope is missing or invalid.' };
  }
  const challenge = params.code_challenge;
  const method = params.code_challenge_method;
  if (challenge !== undefined || method !== undefined) {
    if (method !== 'S256') return { ok: false, message: 'code_challenge_method must be "S256".' };
    if (!challenge || !CHALLENGE.test(challenge)) {
      return { ok: false, message: 'code_challenge must be the base64url SHA-256 of the code verifier (43 characters).' };
    }
  }
  return { ok: true, client: found.client, redirectUri, scope: scopes.join(' '), challenge: challenge ?? null };
}

/** Users who could be signed in and consent: active, not suspended admins and agents, admins first. */
function consentingUsers(account: ZendeskAccountState): ZendeskUser[] {
  const eligible = account.users.filter((u) => (u.role === 'admin' || u.role === 'agent') && u.active !== false && u.suspended !== true);
  return [...eligible.filter((u) => u.role === 'admin'), ...eligible.filter((u) => u.role === 'agent')];
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#2f3941}' +
  'h1{font-size:1.4rem}label{display:block;font-weight:600;margin:1rem 0 .25rem}select{font:inherit;padding:.3rem}' +
  '.actions{margin-top:1.5rem;display:flex;gap:.75rem}button{font:inherit;padding:.5rem 1.25rem;border-radius:4px;border:1px solid #1f73b7;cursor:pointer}' +
  'button[value=allow]{background:#1f73b7;color:#fff}button[value=deny]{background:#fff;color:#1f73b7}' +
  '.error{border-left:4px solid #cc3340;padding:.5rem 1rem;background:#fff0f1}';

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>\n`;
}

const html = (status: number, text: string): FakeResponse => ({
  status,
  body: text,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
});

function errorPage(subdomain: string, message: string): FakeResponse {
  return html(
    400,
    page(
      'Invalid authorization request',
      `<h1>Invalid authorization request</h1><p class="error" role="alert">${escapeHtml(message)}</p><p>The application that sent you to ${escapeHtml(subdomain)}.zendesk.com made an invalid request. You were not redirected back to it.</p>`,
    ),
  );
}

function consentPage(
  ctx: ZendeskOAuthContext,
  path: string,
  params: Record<string, string>,
  client: ZendeskOAuthClientSeed,
  scope: string,
) {
  const subdomain = ctx.account.subdomain;
  const users = consentingUsers(ctx.account);
  const firstAdmin = users.find((u) => u.role === 'admin') ?? users[0];
  const options = users
    .map(
      (u) =>
        `<option value="${u.id}"${u === firstAdmin ? ' selected' : ''}>${escapeHtml(u.name)} (${escapeHtml(u.email ?? '')}, ${u.role})</option>`,
    )
    .join('');
  const hidden = Object.entries(params)
    .filter(([name]) => name !== 'user_id' && name !== 'decision')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const clientName = escapeHtml(client.name ?? client.clientId);
  const scopeItems = scope
    .split(' ')
    .map((s) => `<li><code>${escapeHtml(s)}</code></li>`)
    .join('');
  return html(
    200,
    page(
      'Allow access to your Zendesk account?',
      `<h1>Allow access to your Zendesk account?</h1>` +
        `<p><strong>${clientName}</strong> is requesting access to the Zendesk account <strong>${escapeHtml(subdomain)}.zendesk.com</strong> with these scopes:</p>` +
        `<ul aria-label="Requested scopes">${scopeItems}</ul>` +
        `<form method="post" action="${escapeHtml(path)}">${hidden}` +
        `<label for="user_id">Signed in as</label><select id="user_id" name="user_id">${options}</select>` +
        `<div class="actions"><button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button></div>` +
        '</form>',
    ),
  );
}

function redirect(target: string, params: Record<string, string | undefined>): FakeResponse {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return { status: 302, headers: { location: url.toString(), 'cache-control': 'no-store' } };
}

/**
 * `GET|POST /{subdomain}/oauth/authorizations/new`. GET shows the consent page; POST (the form:
 * the query parameters as hidden fields plus `user_id` and `decision`) redirects to redirect_uri
 * with `code` or `error=access_denied`, and `state` when one was given.
 */
export function authorizationEndpoint(
  ctx: ZendeskOAuthContext,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): FakeResponse {
  const subdomain = ctx.account.subdomain;
  const params: Record<string, string> = Object.fromEntries(query);
  if (method === 'POST') {
    if (!body || typeof body !== 'object') return errorPage(subdomain, 'The form was not sent as application/x-www-form-urlencoded.');
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) if (typeof value === 'string') params[name] = value;
  } else if (method !== 'GET') {
    return html(405, page('Method not allowed', '<h1>Method not allowed</h1>'));
  }
  const checked = checkAuthorizationRequest(ctx, params);
  if (!checked.ok) return errorPage(subdomain, checked.message);
  if (method === 'GET') return consentPage(ctx, path, params, checked.client, checked.scope);

  if (params.decision === 'deny') {
    return redirect(checked.redirectUri, {
      error: 'access_denied',
      error_description: 'The resource owner or authorization server denied the request.',
      state: params.state,
    });
  }
  if (params.decision !== 'allow') return errorPage(subdomain, 'decision must be "allow" or "deny".');
  const user = consentingUsers(ctx.account).find((u) => String(u.id) === params.user_id);
  if (!user) return errorPage(subdomain, 'user_id must be an active admin or agent of this account.');
  const code: ZendeskAuthorizationCode = {
    code: randomBytes(20).toString('hex'),
    clientId: checked.client.clientId,
    redirectUri: checked.redirectUri,
    userId: user.id,
    scope: checked.scope,
    codeChallenge: checked.challenge,
    expiresAtMs: ctx.now + ctx.codeTtlS * 1000,
    used: false,
  };
  ctx.account.authCodes.set(code.code, code);
  return redirect(checked.redirectUri, { code: code.code, state: params.state });
}

// --- Token endpoint ---------------------------------------------------------------------------

const invalidRequest = () =>
  json(400, {
    error: 'invalid_request',
    error_description: 'The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.',
  });
const invalidClient = () =>
  json(401, {
    error: 'invalid_client',
    error_description:
      'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
  });
const invalidGrant = () =>
  json(400, {
    error: 'invalid_grant',
    error_description:
      'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  });

/** A lifetime from the request when within Zendesk's bounds, else the client's. */
function lifetime(requested: unknown, bounds: readonly [number, number], fallback: number): number {
  const value = Number(requested);
  return Number.isInteger(value) && value >= bounds[0] && value <= bounds[1] ? value : fallback;
}

function issueToken(
  ctx: ZendeskOAuthContext,
  found: { client: ZendeskOAuthClientSeed; global: boolean },
  params: Record<string, unknown>,
  userId: number,
  scope: string,
): FakeResponse {
  const accessTtl = lifetime(
    params.expires_in,
    ACCESS_TTL_BOUNDS,
    found.client.accessTokenTtlS ?? (found.global ? GLOBAL_ACCESS_TOKEN_TTL_S : LOCAL_ACCESS_TOKEN_TTL_S),
  );
  const refreshTtl = lifetime(params.refresh_token_expires_in, REFRESH_TTL_BOUNDS, found.client.refreshTokenTtlS ?? REFRESH_TOKEN_TTL_S);
  const token: ZendeskTokenState = {
    id: ctx.account.nextId++,
    accessToken: `zdat_${randomBytes(16).toString('hex')}`,
    refreshToken: `zdrt_${randomBytes(16).toString('hex')}`,
    expiresAtMs: ctx.now + accessTtl * 1000,
    refreshExpiresAtMs: ctx.now + refreshTtl * 1000,
    userId,
    clientId: found.client.clientId,
    scope,
  };
  ctx.account.tokens.push(token);
  return json(200, {
    access_token: token.accessToken,
    token_type: 'bearer',
    scope,
    refresh_token: token.refreshToken,
    expires_in: accessTtl,
    refresh_token_expires_in: refreshTtl,
  });
}

/** `POST /{subdomain}/oauth/tokens` (JSON or form body). */
export function tokenEndpoint(ctx: ZendeskOAuthContext, body: unknown): FakeResponse {
  const params = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const grantType = params.grant_type;
  if (typeof grantType !== 'string' || grantType === '') return invalidRequest();
  if (grantType !== 'refresh_token' && grantType !== 'authorization_code') {
    return json(400, {
      error: 'unsupported_grant_type',
      error_description: 'The authorization grant type is not supported by the authorization server.',
    });
  }
  const found = findClient(ctx, params.client_id);
  if (!found || typeof params.client_secret !== 'string' || found.client.clientSecret !== params.client_secret) {
    return invalidClient();
  }
  const { account, now } = ctx;

  if (grantType === 'authorization_code') {
    const code = typeof params.code === 'string' ? account.authCodes.get(params.code) : undefined;
    if (!code || code.used || code.clientId !== found.client.clientId) return invalidGrant();
    if (code.expiresAtMs <= now) {
      account.authCodes.delete(code.code);
      return invalidGrant();
    }
    if (params.redirect_uri !== code.redirectUri) return invalidGrant();
    const verifier = params.code_verifier;
    if (code.codeChallenge !== null) {
      if (typeof verifier !== 'string' || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return invalidGrant();
      if (pkceChallenge(verifier) !== code.codeChallenge) return invalidGrant();
    } else if (verifier !== undefined) {
      return invalidGrant();
    }
    const user = consentingUsers(account).find((u) => u.id === code.userId);
    if (!user) return invalidGrant();
    code.used = true;
    return issueToken(ctx, found, params, code.userId, code.scope);
  }

  const old = account.tokens.find(
    (t) =>
      t.refreshToken !== undefined &&
      t.refreshToken === params.refresh_token &&
      (t.clientId === undefined || t.clientId === found.client.clientId),
  );
  if (!old || (old.refreshExpiresAtMs !== null && old.refreshExpiresAtMs <= now)) return invalidGrant();
  // Rotation: "delete the previous access and refresh tokens" (article 9182123625370).
  account.tokens = account.tokens.filter((t) => t !== old);
  account.refreshCount += 1;
  return issueToken(ctx, found, params, old.userId, old.scope);
}
