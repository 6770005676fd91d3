// Authentication of the app's requests and role enforcement.
//
// The Zendesk app calls the worker with ZAF secure requests that carry an HS256 JWT signed by
// Zendesk's proxy with the installation's shared secret (a `secure: true` app setting browser code
// cannot read). Claims: iss = installation id, sub = Zendesk user id, exp (required, <= 1 h ahead).
// The claims are chosen by browser code, so the role is NOT taken from the token: it is looked up
// through the Zendesk API with the installation's OAuth credentials and cached for ROLE_TTL_MS.
// Remaining risk (documented in README "Security"): an agent of the same account who crafts a
// request in devtools can put another user's id in `sub`; the signature proves the installation,
// not the user. Mitigation would be ZAF signed URLs (iframe served by the worker).
import { createMiddleware } from 'hono/factory';
import { decode, verify } from 'hono/jwt';
import type { Role } from '../../../shared/schemas/api.ts';
import { readInstallation, readSharedSecret } from '../db/installations.ts';
import { readCachedRole, writeCachedRole } from '../db/user-roles.ts';
import { AppError } from '../errors.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';
import type { AppEnv } from './context.ts';
import type { Env } from '../env.ts';
import type { Installation } from '../db/installations.ts';

export const MAX_TOKEN_LIFETIME_S = 3600;
export const ROLE_TTL_MS = 5 * 60_000;

const unauthorized = (message: string) => new AppError('unauthorized', message);

/** Verifies the app's JWT and resolves the caller; every route behind it is tenant-scoped. */
export const requireAppAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthorized('Missing bearer token');
  const token = match[1];

  let claimedInstallation: unknown;
  try {
    claimedInstallation = decode(token).payload.iss;
  } catch {
    throw unauthorized('Malformed token');
  }
  if (typeof claimedInstallation !== 'string' || claimedInstallation === '') throw unauthorized('Token has no installation (iss)');
  const installation = await readInstallation(c.env.DB, claimedInstallation);
  // Same answer as a bad signature: do not reveal which installation ids exist.
  if (!installation) throw unauthorized('Invalid token signature');

  let payload: Awaited<ReturnType<typeof verify>>;
  try {
    payload = await verify(token, await readSharedSecret(c.env.SECRETS_KEY, installation), { alg: 'HS256' });
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'JwtTokenExpired') throw unauthorized('Token expired');
    if (name === 'JwtTokenNotBefore' || name === 'JwtTokenIssuedAt') throw unauthorized('Token not valid yet');
    throw unauthorized('Invalid token signature');
  }
  const nowS = Math.floor(Date.now() / 1000);
  if (typeof payload.exp !== 'number') throw unauthorized('Token has no expiry (exp)');
  if (payload.exp - nowS > MAX_TOKEN_LIFETIME_S) throw unauthorized('Token lifetime too long');
  const sub = payload.sub;
  if ((typeof sub !== 'string' && typeof sub !== 'number') || !/^\d+$/.test(String(sub))) {
    throw unauthorized('Token has no Zendesk user id (sub)');
  }

  const userId = String(sub);
  const role = await resolveRole(c.env, installation, userId);
  c.set('caller', { installation, userId, role });
  await next();
});

/** Admins and supervisors may manage rules and settings; agents only read status. */
export const requireManager = createMiddleware<AppEnv>(async (c, next) => {
  if (!canManageRules(c.get('caller').role)) {
    throw new AppError('forbidden', 'Only admins and supervisors can manage rules and settings');
  }
  await next();
});

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get('caller').role !== 'admin') throw new AppError('forbidden', 'Only Zendesk admins can do this');
  await next();
});

export function canManageRules(role: Role): boolean {
  return role === 'admin' || role === 'supervisor';
}

async function resolveRole(env: Env, installation: Installation, userId: string): Promise<Role> {
  const now = Date.now();
  const cached = await readCachedRole(env.DB, installation.id, userId, now - ROLE_TTL_MS);
  const role = cached ?? (await lookUpRole(env, installation, userId));
  if (!cached) await writeCachedRole(env.DB, installation.id, userId, role, now);
  if (role === 'end-user') throw new AppError('forbidden', 'Only agents can use this app');
  return role;
}

async function lookUpRole(env: Env, installation: Installation, userId: string): Promise<Role | 'end-user'> {
  const zendesk = await zendeskFor(env, installation);
  const user = await zendesk.getUser(userId).catch((err: unknown) => {
    if (err instanceof Error && 'status' in err && err.status === 404) throw unauthorized('Unknown Zendesk user');
    throw err;
  });
  if (user.role === 'admin') return 'admin';
  if (user.role !== 'agent') return 'end-user';
  const supervisorNames = installation.settings.supervisorRoleNames.map((n) => n.trim().toLowerCase());
  if (user.custom_role_id && supervisorNames.length > 0) {
    const roles = await zendesk.listCustomRoles();
    const name = roles.find((r) => r.id === user.custom_role_id)?.name.trim().toLowerCase();
    if (name && supervisorNames.includes(name)) return 'supervisor';
  }
  return 'agent';
}
