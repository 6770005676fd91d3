// Installation settings and write-only credentials, the caller, the sender-number picker and
// the audit log. Secrets go in and never come out: responses carry ConnectionStatus only.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { APIError } from 'telnyx';
import { ApiError, AuditEntry, Requirements } from '../../../shared/schemas/api.ts';
import { TelnyxSenders } from '../../../shared/schemas/telnyx.ts';
import {
  ConnectionStatus,
  Settings,
  SettingsPatch,
  TelnyxCredentials,
} from '../../../shared/schemas/settings.ts';
import { listAudit, diffFields, insertAuditStatement } from '../db/audit.ts';
import {
  readInstallation,
  readTelnyx,
  readZendeskOAuth,
  updateSettingsStatement,
  updateTelnyxStatement,
  updateWebhookSecret,
  type Installation,
} from '../db/installations.ts';
import { clearCachedRolesStatement } from '../db/user-roles.ts';
import { listWebhookSecretIds } from '../db/webhook-secrets.ts';
import type { Env } from '../env.ts';
import { AppError, invalid, notFound, UpstreamError } from '../errors.ts';
import { readRequirements } from '../rules/requirements.ts';
import { createTelnyx, readSenders, telnyxFor } from '../telnyx/client.ts';
import { requireAdmin, requireManager } from './auth.ts';
import type { AppEnv, Caller } from './context.ts';
import { authErrors, bearerSecurity, errors, jsonBody, jsonResponse } from './openapi-helpers.ts';
import { webhookUrls } from '../webhook-urls.ts';
import { forgetZendeskWebhookKeys } from './zendesk-webhook-keys.ts';
import { assertMayChangeLimits } from './privacy-api.ts';
import { budgetRaised, releaseHeldSends } from '../send/daily-budget.ts';

const SettingsView = z
  .object({
    settings: Settings,
    connection: ConnectionStatus,
    requirements: Requirements,
    webhookUrls: z.object({ zendesk: z.string(), telnyx: z.string() }),
  })
  .meta({ id: 'SettingsView' });
type SettingsView = z.infer<typeof SettingsView>;

async function readConnection(env: Env, inst: Installation): Promise<ConnectionStatus> {
  const telnyx = await readTelnyx(env.SECRETS_KEY, inst);
  const oauth = await readZendeskOAuth(env.SECRETS_KEY, inst);
  return {
    telnyx: {
      apiKeySet: telnyx.apiKey !== null,
      apiKeyHint: telnyx.apiKey ? `…${telnyx.apiKey.slice(-4)}` : null,
      messagingProfileId: telnyx.messagingProfileId,
      publicKeySet: telnyx.publicKey !== null,
      sandboxAvailable: Boolean(env.SANDBOX_TELNYX_API_KEY && env.SANDBOX_TELNYX_PUBLIC_KEY),
    },
    zendesk: {
      oauthConnected: oauth !== null,
      state: inst.status === 'reconnect_needed' ? 'reconnect_needed' : oauth ? 'connected' : 'not_connected',
      tokenExpiresAt: oauth?.expiresAt ?? null,
    },
    // The legacy single secret, or one per Zendesk webhook stored by Setup (db/webhook-secrets.ts).
    webhookSigningSecretSet: inst.sealed.webhookSecret !== null || (await listWebhookSecretIds(env.DB, inst.id)).length > 0,
  };
}

async function settingsView(env: Env, installationId: string): Promise<SettingsView> {
  const inst = await readInstallation(env.DB, installationId);
  if (!inst) throw notFound('Installation');
  const [connection, { senderNumbers: _numbers, ...requirements }] = await Promise.all([
    readConnection(env, inst),
    readRequirements(env, inst),
  ]);
  return { settings: inst.settings, connection, requirements, webhookUrls: webhookUrls(env, inst.id) };
}

function auditSettings(env: Env, caller: Caller, action: string, changes: Record<string, { from: unknown; to: unknown }>, now: string) {
  return insertAuditStatement(env.DB, {
    installationId: caller.installation.id,
    actorUserId: caller.userId,
    actorRole: caller.role,
    action,
    subjectId: null,
    changes,
    now,
  });
}

export const settingsApi = new OpenAPIHono<AppEnv>();
const tags = ['Settings'];

settingsApi.use('/settings', requireManager);
settingsApi.use('/settings/*', requireManager);
settingsApi.use('/telnyx/*', requireManager);
settingsApi.use('/audit', requireManager);

settingsApi.openapi(
  createRoute({ method: 'get', path: '/settings', tags, security: bearerSecurity, summary: 'Settings, connection status (no secrets) and the requirements checklist', responses: { 200: jsonResponse(SettingsView, 'Settings'), ...authErrors } }),
  async (c) => c.json(await settingsView(c.env, c.get('caller').installation.id), 200),
);

settingsApi.openapi(
  createRoute({
    method: 'patch', path: '/settings', tags, security: bearerSecurity, summary: 'Change settings',
    request: { body: jsonBody(SettingsPatch) },
    responses: { 200: jsonResponse(SettingsView, 'Settings'), ...authErrors, ...errors },
  }),
  async (c) => {
    const caller = c.get('caller');
    const before = caller.installation.settings;
    const patch = c.req.valid('json');
    assertMayChangeLimits(caller, patch);
    const next = Settings.safeParse({ ...before, ...patch });
    if (!next.success) throw invalid(next.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })));
    const now = new Date().toISOString();
    const changes = diffFields(before, next.data);
    await c.env.DB.batch([
      updateSettingsStatement(c.env.DB, caller.installation.id, next.data, now),
      auditSettings(c.env, caller, 'settings.update', changes, now),
      // Who counts as supervisor may have changed.
      ...('supervisorRoleNames' in changes ? [clearCachedRolesStatement(c.env.DB, caller.installation.id)] : []),
    ]);
    // A raised (or lifted) budget lets the sends held for it go now (send/daily-budget.ts).
    if (budgetRaised(before, next.data)) await releaseHeldSends(c.env, caller.installation.id, Date.now());
    return c.json(await settingsView(c.env, caller.installation.id), 200);
  },
);

settingsApi.openapi(
  createRoute({
    method: 'put', path: '/settings/telnyx', tags, security: bearerSecurity, summary: 'Connect Telnyx (admins; write-only: null clears a field, an absent field is kept)',
    request: { body: jsonBody(TelnyxCredentials) },
    responses: { 200: jsonResponse(SettingsView, 'Settings'), ...authErrors, ...errors },
    middleware: [requireAdmin] as const,
  }),
  async (c) => {
    const caller = c.get('caller');
    const before = await readTelnyx(c.env.SECRETS_KEY, caller.installation);
    const next = { ...before, ...c.req.valid('json') };
    const now = new Date().toISOString();
    await c.env.DB.batch([
      await updateTelnyxStatement(c.env.DB, c.env.SECRETS_KEY, caller.installation.id, next, now),
      auditSettings(c.env, caller, 'telnyx.update', diffFields(before, next, ['apiKey', 'publicKey']), now),
    ]);
    return c.json(await settingsView(c.env, caller.installation.id), 200);
  },
);

settingsApi.openapi(
  createRoute({
    method: 'put', path: '/settings/telnyx/sandbox', tags, security: bearerSecurity,
    summary: 'Connect the local SMS sandbox (admins; only on a worker that runs with one, such as npm start)',
    responses: { 200: jsonResponse(SettingsView, 'Settings'), ...authErrors, ...errors },
    middleware: [requireAdmin] as const,
  }),
  async (c) => {
    const caller = c.get('caller');
    if (!c.env.SANDBOX_TELNYX_API_KEY || !c.env.SANDBOX_TELNYX_PUBLIC_KEY) {
      throw new AppError('conflict', 'This worker has no SMS sandbox: connect a Telnyx account instead');
    }
    const sandbox = createTelnyx(c.env.SANDBOX_TELNYX_API_KEY, c.env.TELNYX_BASE_URL, Number(c.env.TELNYX_TIMEOUT_MS) || 10_000);
    let messagingProfileId: string | null = null;
    for await (const profile of sandbox.messagingProfiles.list()) {
      messagingProfileId = profile.id ?? null;
      if (messagingProfileId) break;
    }
    if (!messagingProfileId) throw new AppError('requirements_not_met', 'The SMS sandbox has no messaging profile');
    const before = await readTelnyx(c.env.SECRETS_KEY, caller.installation);
    // No key of its own: telnyx/client.ts then sends through the sandbox key.
    const next = { apiKey: null, messagingProfileId, publicKey: c.env.SANDBOX_TELNYX_PUBLIC_KEY };
    const now = new Date().toISOString();
    await c.env.DB.batch([
      await updateTelnyxStatement(c.env.DB, c.env.SECRETS_KEY, caller.installation.id, next, now),
      auditSettings(c.env, caller, 'telnyx.sandbox', diffFields(before, next, ['apiKey', 'publicKey']), now),
    ]);
    return c.json(await settingsView(c.env, caller.installation.id), 200);
  },
);

settingsApi.openapi(
  createRoute({
    method: 'put', path: '/settings/zendesk-webhook', tags, security: bearerSecurity, summary: "Store the Zendesk webhook's signing secret (admins; write-only)",
    request: { body: jsonBody(z.object({ signingSecret: z.string().trim().min(16, 'Signing secret looks too short').max(200) })) },
    responses: { 200: jsonResponse(SettingsView, 'Settings'), ...authErrors, ...errors },
    middleware: [requireAdmin] as const,
  }),
  async (c) => {
    const caller = c.get('caller');
    const now = new Date().toISOString();
    await updateWebhookSecret(c.env.DB, c.env.SECRETS_KEY, caller.installation.id, c.req.valid('json').signingSecret, now);
    forgetZendeskWebhookKeys(caller.installation.id);
    await auditSettings(c.env, caller, 'zendesk_webhook_secret.update', { signingSecret: { from: '[redacted]', to: '[redacted]' } }, now).run();
    return c.json(await settingsView(c.env, caller.installation.id), 200);
  },
);

settingsApi.openapi(
  createRoute({
    method: 'get', path: '/telnyx/numbers', tags, security: bearerSecurity,
    summary: "The messaging profile's senders (sender picker): each number with its type and whether it can text US recipients (10DLC campaign assignment, toll-free verification), and the profile's alphanumeric sender IDs",
    responses: { 200: jsonResponse(TelnyxSenders, 'Senders'), ...authErrors, 503: { description: 'Telnyx did not answer as expected', content: { 'application/json': { schema: ApiError } } } },
  }),
  async (c) => {
    const conn = await telnyxFor(c.env, c.get('caller').installation);
    if (!conn) return c.json({ messagingProfileId: null, numbers: [], alphanumericSenders: [] } satisfies TelnyxSenders, 200);
    try {
      return c.json(await readSenders(conn), 200);
    } catch (err) {
      // The profile itself could not be read (key revoked, profile deleted, Telnyx down).
      if (err instanceof APIError) throw new UpstreamError('telnyx', typeof err.status === 'number' ? err.status : 0, err.message);
      throw err;
    }
  },
);

settingsApi.openapi(
  createRoute({
    method: 'get', path: '/audit', tags: ['Audit'], security: bearerSecurity, summary: 'Who changed what, newest first',
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        before: z.coerce.number().int().positive().optional().meta({ description: 'Return entries older than this id (paging)' }),
      }),
    },
    responses: { 200: jsonResponse(z.object({ entries: z.array(AuditEntry) }), 'Entries'), ...authErrors, 422: errors[422] },
  }),
  async (c) => {
    const { limit, before } = c.req.valid('query');
    return c.json({ entries: await listAudit(c.env.DB, c.get('caller').installation.id, { limit, beforeId: before }) }, 200);
  },
);
