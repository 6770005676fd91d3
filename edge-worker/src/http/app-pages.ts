// The app's locations, served by the worker (ZAF signed URLs; docs/identity-and-install.md).
//   POST /app/{nav_bar|ticket_sidebar}  Zendesk loads the location with form field `token`, a JWT
//       it signs RS256. Verified -> the built page with a session grant in
//       <meta name="pisms-session">; refused -> a short HTML page, 401/403, nothing echoed.
//   GET  /app/{file}  the page's scripts, styles and images (static assets, zendesk-app/dist/assets).
// The page keeps the query string Zendesk adds (origin, app_guid), which ZAFClient.init() reads,
// and loads its scripts relative to /app/.
import { Hono } from 'hono';
import { issueSession, type SessionGrant } from '../auth/session.ts';
import { resolveRole } from '../auth/user-access.ts';
import { bindAppInstallation, readInstallationBySubdomain } from '../db/installations.ts';
import type { Env } from '../env.ts';
import { AppError, UpstreamError } from '../errors.ts';
import { type AppLocation, verifyZendeskAppToken } from '../verify/zendesk-app-token.ts';
import type { AppEnv } from './context.ts';

const LOCATIONS: ReadonlySet<string> = new Set<AppLocation>(['nav_bar', 'ticket_sidebar']);
/** The ZAF SDK script tag of the built pages (Zendesk's CDN), replaced by ZAF_SDK_URL when set. */
const ZAF_SDK_CDN = 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');

function pageHeaders(env: Env): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    // Only Zendesk may frame the app (the playground's origin locally).
    'content-security-policy': `frame-ancestors ${env.APP_FRAME_ANCESTORS ?? 'https://*.zendesk.com'}`,
  };
}

/** A fixed message per status: nothing from the request is echoed. */
function refusalPage(env: Env, status: 400 | 401 | 403 | 404 | 405, message: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Post-Interaction SMS</title></head>
<body style="font-family:system-ui,sans-serif;padding:16px"><p>${escapeHtml(message)}</p></body></html>`;
  return new Response(html, { status, headers: { ...pageHeaders(env), 'content-type': 'text/html; charset=utf-8' } });
}

async function locationHtml(env: Env, requestUrl: string, location: AppLocation): Promise<string | null> {
  const res = await env.ASSETS.fetch(new Request(new URL(`/${location}.html`, requestUrl)));
  if (!res.ok) return null;
  const html = await res.text();
  return env.ZAF_SDK_URL ? html.split(ZAF_SDK_CDN).join(env.ZAF_SDK_URL) : html;
}

function withGrant(html: string, grant: SessionGrant): string {
  const meta = `<meta name="pisms-session" content="${escapeHtml(JSON.stringify(grant))}">`;
  return html.includes('</head>') ? html.replace('</head>', `${meta}\n</head>`) : `${meta}${html}`;
}

export const appPages = new Hono<AppEnv>();

appPages.post('/:location', async (c) => {
  const location = c.req.param('location');
  if (!LOCATIONS.has(location)) return refusalPage(c.env, 404, 'This page does not exist.');
  const appLocation = location as AppLocation;
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const token = typeof form.token === 'string' ? form.token : '';
  if (token === '') return refusalPage(c.env, 401, 'Open this app from Zendesk.');

  const verified = await verifyZendeskAppToken(token, c.env.ZENDESK_APP_PUBLIC_KEY, { location: appLocation }, Date.now());
  if (!verified.ok) {
    console.warn(JSON.stringify({ msg: 'zendesk app token refused', reason: verified.reason, location }));
    return refusalPage(c.env, 401, 'Zendesk could not be verified as the origin of this page. Reload the app.');
  }
  const { identity } = verified;

  let installation = await readInstallationBySubdomain(c.env.DB, identity.subdomain);
  if (installation && installation.appInstallationId === null) {
    // Provisioned by an operator (no Connect): the first verified load binds the app installation.
    await bindAppInstallation(c.env.DB, installation.id, identity.appInstallationId, new Date().toISOString());
    installation = { ...installation, appInstallationId: identity.appInstallationId };
  }
  const connected = installation !== null && installation.appInstallationId === identity.appInstallationId;
  if (connected && installation?.status === 'active') {
    try {
      // Suspended, deleted and end users get no session at all.
      await resolveRole(c.env, installation, identity.userId);
    } catch (err) {
      if (err instanceof AppError && (err.status === 401 || err.status === 403)) {
        return refusalPage(c.env, 403, 'Your Zendesk user may not use this app.');
      }
      // Zendesk unreachable, or the stored authorization just refused (the installation is now
      // "reconnect needed"): the page still loads, every API call checks the user again, and
      // /v1/me tells the app what happened (e.g. Reconnect for admins).
      if (!(err instanceof UpstreamError)) throw err;
      console.warn(JSON.stringify({ msg: 'role check at page load failed', status: err.status }));
    }
  }

  const html = await locationHtml(c.env, c.req.url, appLocation);
  if (html === null) {
    console.error(JSON.stringify({ msg: 'app page missing from the static assets', location }));
    return c.json({ error: { code: 'internal_error', message: 'Something went wrong on our side' } }, 500);
  }
  const grant = await issueSession(
    c.env.SESSION_SECRET,
    { ...identity, installationId: connected && installation ? installation.id : null, location: appLocation, authTimeS: identity.issuedAtS },
    Date.now(),
  );
  return new Response(withGrant(html, grant), { status: 200, headers: { ...pageHeaders(c.env), 'content-type': 'text/html; charset=utf-8' } });
});

appPages.get('/:file{[A-Za-z0-9_.-]+}', async (c) => {
  const file = c.req.param('file');
  // Pages only through Zendesk's signed POST; a GET of one has no identity to offer.
  if (LOCATIONS.has(file) || file.endsWith('.html')) return refusalPage(c.env, 405, 'Open this app from Zendesk.');
  const res = await c.env.ASSETS.fetch(new Request(new URL(`/${file}`, c.req.url)));
  if (!res.ok) return refusalPage(c.env, 404, 'This file does not exist.');
  return res;
});
