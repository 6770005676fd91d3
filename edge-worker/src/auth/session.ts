// The worker's own tokens, issued after Zendesk's signed page load was verified
// (docs/identity-and-install.md). HS256 with SESSION_SECRET, a worker secret that never reaches
// a browser, so nothing browser code can produce is accepted. `now` is passed in.
//   session  15 minutes; the bearer of every /v1 call.
//   refresh  only for POST /v1/session/refresh, until MAX_SESSION_AGE_S after Zendesk signed the
//            load; each use looks the user up in Zendesk again.
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import type { AppLocation } from '../verify/zendesk-app-token.ts';

export const SESSION_TTL_S = 15 * 60;
export const MAX_SESSION_AGE_S = 12 * 60 * 60;
const AUDIENCE = 'pisms-worker';

/** What a session names: the account, the app installation, the user and (once connected) the installation. */
export interface SessionSubject {
  subdomain: string;
  appInstallationId: string;
  userId: string;
  installationId: string | null;
  location: AppLocation;
  /** When Zendesk signed the page load this session descends from (epoch s). */
  authTimeS: number;
}

const Claims = z.object({
  iss: z.literal(AUDIENCE),
  aud: z.literal(AUDIENCE),
  typ: z.enum(['session', 'refresh']),
  sub: z.string().regex(/^\d+$/),
  zd: z.string().min(1),
  zai: z.string().regex(/^\d+$/),
  inst: z.string().nullable(),
  loc: z.enum(['nav_bar', 'ticket_sidebar']),
  auth_time: z.number().int(),
  exp: z.number().int(),
});

export interface SessionGrant {
  token: string;
  expiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
  location: AppLocation;
}

export type SessionFailure = 'malformed' | 'bad_signature' | 'expired' | 'wrong_type';

async function mint(secret: string, typ: 'session' | 'refresh', s: SessionSubject, expS: number): Promise<string> {
  return sign(
    {
      iss: AUDIENCE,
      aud: AUDIENCE,
      typ,
      sub: s.userId,
      zd: s.subdomain,
      zai: s.appInstallationId,
      inst: s.installationId,
      loc: s.location,
      auth_time: s.authTimeS,
      iat: Math.floor(Date.now() / 1000),
      exp: expS,
    },
    secret,
    'HS256',
  );
}

export async function issueSession(secret: string, subject: SessionSubject, nowMs: number): Promise<SessionGrant> {
  const nowS = Math.floor(nowMs / 1000);
  const refreshExpS = subject.authTimeS + MAX_SESSION_AGE_S;
  const expS = Math.min(nowS + SESSION_TTL_S, refreshExpS);
  return {
    token: await mint(secret, 'session', subject, expS),
    expiresAt: new Date(expS * 1000).toISOString(),
    refreshToken: await mint(secret, 'refresh', subject, refreshExpS),
    refreshExpiresAt: new Date(refreshExpS * 1000).toISOString(),
    location: subject.location,
  };
}

export async function verifySession(
  secret: string,
  token: string,
  typ: 'session' | 'refresh',
  nowMs: number,
): Promise<{ ok: true; subject: SessionSubject } | { ok: false; reason: SessionFailure }> {
  if (secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
  let payload: unknown;
  try {
    // Our own expiry check below (with `nowMs`); the algorithm is fixed here, not read from the token.
    payload = await verify(token, secret, { alg: 'HS256', exp: false, nbf: false, iat: false, iss: AUDIENCE, aud: AUDIENCE });
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    return { ok: false, reason: name === 'JwtTokenInvalid' || name === 'JwtHeaderInvalid' ? 'malformed' : 'bad_signature' };
  }
  const claims = Claims.safeParse(payload);
  if (!claims.success) return { ok: false, reason: 'malformed' };
  const c = claims.data;
  if (c.typ !== typ) return { ok: false, reason: 'wrong_type' };
  if (c.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    subject: {
      subdomain: c.zd,
      appInstallationId: c.zai,
      userId: c.sub,
      installationId: c.inst,
      location: c.loc,
      authTimeS: c.auth_time,
    },
  };
}
