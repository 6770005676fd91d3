// The caller and their session: who is calling (GET /v1/me) and a fresh session before the old
// one expires (POST /v1/session/refresh). A refresh looks the user up in Zendesk again, without
// the cache: a user suspended, deleted or demoted since the page loaded gets no new session.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { Me, SessionGrant } from '../../../shared/schemas/api.ts';
import { issueSession, verifySession } from '../auth/session.ts';
import { resolveRole } from '../auth/user-access.ts';
import { AppError } from '../errors.ts';
import { canManageRules, requireSession, resolveConnection } from './auth.ts';
import type { AppEnv } from './context.ts';
import { authErrors, bearerSecurity, jsonBody, jsonResponse } from './openapi-helpers.ts';

const RefreshRequest = z.object({ refreshToken: z.string().min(1).max(4096) });

export const sessionApi = new OpenAPIHono<AppEnv>();
sessionApi.use('/me', requireSession);

sessionApi.openapi(
  createRoute({
    method: 'get',
    path: '/me',
    tags: ['Caller'],
    security: bearerSecurity,
    summary: 'Who is calling, whether the account is connected, and may they manage rules',
    responses: { 200: jsonResponse(Me, 'The caller'), ...authErrors },
  }),
  async (c) => {
    const session = c.get('session');
    const { installation, connection } = await resolveConnection(c.env, session);
    const role = installation && connection === 'connected' ? await resolveRole(c.env, installation, session.userId) : null;
    return c.json(
      {
        installationId: connection === 'not_connected' ? null : (installation?.id ?? null),
        subdomain: session.subdomain,
        userId: session.userId,
        role,
        canManageRules: role !== null && canManageRules(role),
        connection,
      },
      200,
    );
  },
);

sessionApi.openapi(
  createRoute({
    method: 'post',
    path: '/session/refresh',
    tags: ['Caller'],
    summary: 'A new session from the refresh token the page was given (the user is checked in Zendesk again)',
    request: { body: jsonBody(RefreshRequest) },
    responses: { 200: jsonResponse(SessionGrant, 'A new session'), ...authErrors },
  }),
  async (c) => {
    const { refreshToken } = c.req.valid('json');
    const verified = await verifySession(c.env.SESSION_SECRET, refreshToken, 'refresh', Date.now());
    if (!verified.ok) {
      throw new AppError('unauthorized', verified.reason === 'expired' ? 'The session ended; reload the app' : 'Invalid refresh token');
    }
    const subject = verified.subject;
    const { installation, connection } = await resolveConnection(c.env, { ...subject, installationId: null });
    if (installation && connection === 'connected') await resolveRole(c.env, installation, subject.userId, { fresh: true });
    // The new session names the installation the account has now (e.g. right after Connect).
    const grant = await issueSession(
      c.env.SESSION_SECRET,
      { ...subject, installationId: connection === 'not_connected' ? null : (installation?.id ?? null) },
      Date.now(),
    );
    return c.json(grant, 200);
  },
);
