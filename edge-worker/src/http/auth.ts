// Authentication of the app's requests and role enforcement (docs/identity-and-install.md).
//
// The app's pages are loaded by Zendesk with a token Zendesk signs (http/app-pages.ts); the worker
// then issues its own session (auth/session.ts). Every /v1 call carries that session as a bearer
// token: HS256 with SESSION_SECRET, which no browser code knows, so nothing the browser can
// produce names another user or account. The installation is resolved from the session's
// account and app installation; the role always comes from Zendesk (auth/user-access.ts).
import { createMiddleware } from 'hono/factory';
import type { ConnectionState, Role } from '../../../shared/schemas/api.ts';
import { type SessionSubject, verifySession } from '../auth/session.ts';
import { resolveUserAccess, roleFrom } from '../auth/user-access.ts';
import { type Installation, readInstallationBySubdomain } from '../db/installations.ts';
import type { Env } from '../env.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from './context.ts';

const unauthorized = (message: string) => new AppError('unauthorized', message);

/** Verifies the bearer session; sets `session`. Routes behind it know the account and the user. */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (!match?.[1]) throw unauthorized('Missing bearer token');
  const result = await verifySession(c.env.SESSION_SECRET, match[1], 'session', Date.now());
  if (!result.ok) {
    if (result.reason === 'expired') throw new AppError('session_expired', 'The session expired; refresh it');
    throw unauthorized('Invalid session token');
  }
  c.set('session', result.subject);
  await next();
});

/**
 * The installation a session belongs to, and whether it is usable. An installation answers only
 * to the Zendesk app installation it is bound to: after a reinstall (a new app installation id)
 * the account is "not connected" until an admin connects again.
 */
export async function resolveConnection(
  env: Env,
  session: SessionSubject,
): Promise<{ installation: Installation | null; connection: ConnectionState }> {
  const installation = await readInstallationBySubdomain(env.DB, session.subdomain);
  if (!installation || installation.appInstallationId !== session.appInstallationId) {
    return { installation: null, connection: 'not_connected' };
  }
  // A session issued before a disconnect and a new Connect names the old installation.
  if (session.installationId !== null && session.installationId !== installation.id) {
    return { installation: null, connection: 'not_connected' };
  }
  return { installation, connection: installation.status === 'reconnect_needed' ? 'reconnect_needed' : 'connected' };
}

/** Session + a connected installation + the caller's role (from Zendesk): sets `caller`. */
export const requireAppAuth = createMiddleware<AppEnv>(async (c, next) => {
  await requireSession(c, async () => {
    const session = c.get('session');
    const { installation, connection } = await resolveConnection(c.env, session);
    if (connection === 'not_connected' || !installation) {
      throw new AppError('not_connected', 'This Zendesk account is not connected yet: an admin connects it in the app');
    }
    if (connection === 'reconnect_needed') {
      throw new AppError('reconnect_needed', 'Zendesk refused the stored authorization: an admin must reconnect the app');
    }
    const access = await resolveUserAccess(c.env, installation, session.userId);
    c.set('caller', { installation, userId: session.userId, role: roleFrom(access), access });
    await next();
  });
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
