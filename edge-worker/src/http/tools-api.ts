// Helpers of the rule editor and setup screen: preview a rule's exact message for a real ticket,
// send a test SMS, and create (or find and repair) the Zendesk webhook and triggers in one action,
// with a health read of them (zendesk/setup.ts).
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { maskPhone } from '../../../shared/phone/normalize.ts';
import { normalizeSender } from '../../../shared/phone/sender.ts';
import { compileRules, explainRules } from '../../../shared/rules/evaluate.ts';
import { ApiError, ZendeskSetupHealth, ZendeskSetupResult } from '../../../shared/schemas/api.ts';
import { RuleInput } from '../../../shared/schemas/rule.ts';
import { Send } from '../../../shared/schemas/send.ts';
import { randomToken } from '../crypto/secrets.ts';
import { insertAuditStatement } from '../db/audit.ts';
import { listOptedOut } from '../db/opt-outs.ts';
import { updateZendeskSetup } from '../db/installations.ts';
import { deleteWebhookSecretsStatement, listWebhookSecretIds, upsertWebhookSecretStatement } from '../db/webhook-secrets.ts';
import { AppError, invalid, UpstreamError } from '../errors.ts';
import { composeForRule, createSummaryLoader } from '../pipeline/compose-for-rule.ts';
import { buildSnapshot, type Snapshot } from '../pipeline/interaction-snapshot.ts';
import { resolveRecipients } from '../pipeline/recipients.ts';
import { telnyxFor } from '../telnyx/client.ts';
import type { ZendeskClient } from '../zendesk/client.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';
import { ensureZendeskSetup, readZendeskSetupHealth } from '../zendesk/setup.ts';
import { readTicketFields } from '../zendesk/ticket-fields-cache.ts';
import { APIError } from 'telnyx';
import { requireAdmin, requireManager } from './auth.ts';
import type { AppEnv } from './context.ts';
import { errors, guardedRoute, jsonBody, jsonResponse } from './openapi-helpers.ts';
import { phoneField } from './validation.ts';
import { webhookUrls } from '../webhook-urls.ts';
import { forgetZendeskWebhookKeys } from './zendesk-webhook-keys.ts';
import { assertMayTestText, enforceTestSendRate } from './test-send-limits.ts';

const TicketId = z.string().trim().regex(/^\d+$/, 'Must be a Zendesk ticket id');

const PreviewRequest = z.object({ ticketId: TicketId, rule: RuleInput });
const PreviewResponse = z
  .object({
    matched: z.boolean(),
    /** Why the rule would not fire for this ticket (explainRules reason), or null. */
    reason: z.string().nullable(),
    text: z.string(),
    segments: z.object({ encoding: z.enum(['GSM-7', 'UCS-2']), segments: z.number(), characters: z.number() }),
    detail: z.string().nullable(),
    recipients: z.array(z.object({ kind: z.string(), masked: z.string().nullable(), skipReason: z.string().nullable() })),
  })
  .meta({ id: 'PreviewResponse' });

const TestSendRequest = z.object({ rule: RuleInput, ticketId: TicketId.optional(), to: z.string().trim().min(3, 'Enter a phone number').max(32) });

async function loadSnapshot(zendesk: ZendeskClient, installationId: string, ticketId: string): Promise<Snapshot> {
  try {
    const [{ ticket, users = [], groups = [] }, ticketFields] = await Promise.all([
      zendesk.getTicket(ticketId),
      readTicketFields(installationId, zendesk, Date.now()),
    ]);
    return buildSnapshot({ event: 'ticket_solved', ticket, users, groups, ticketFields });
  } catch (err) {
    if (err instanceof UpstreamError && err.status === 404) throw invalid([{ field: 'ticketId', reason: 'No such ticket in Zendesk' }]);
    throw err;
  }
}

export const toolsApi = new OpenAPIHono<AppEnv>();

toolsApi.openapi(
  guardedRoute(requireManager, {
    method: 'post', path: '/preview', tags: ['Rules'],
    summary: "The exact message a rule would send for a ticket, and to whom (masked)",
    request: { body: jsonBody(PreviewRequest) },
    responses: { 200: jsonResponse(PreviewResponse, 'Preview'), 422: errors[422] },
  }),
  async (c) => {
    const { installation } = c.get('caller');
    const { ticketId, rule: input } = c.req.valid('json');
    const zendesk = await zendeskFor(c.env, installation);
    const snapshot = await loadSnapshot(zendesk, installation.id, ticketId);
    const rule = { ...input, id: 'preview', position: 0, enabled: true };
    const [explanation] = explainRules(compileRules([rule]), { ...snapshot.interaction, event: input.conditions.events[0] ?? 'ticket_solved' });
    const settings = installation.settings;
    const message = await composeForRule(rule, snapshot, settings.maxParts, settings.summariesEnabled, createSummaryLoader(c.env, { zendesk, ticketId, snapshot, settings }));
    const recipients = resolveRecipients(rule, snapshot, settings);
    const numbers = recipients.flatMap((r) => (r.ok ? [r.e164] : []));
    const optedOut = await listOptedOut(c.env.DB, installation.id, numbers);
    return c.json(
      {
        matched: explanation?.matched ?? false,
        reason: explanation?.reason ?? null,
        text: message.text,
        segments: { encoding: message.encoding, segments: message.segments, characters: message.characters },
        detail: message.detail,
        recipients: recipients.map((r) => ({
          kind: r.kind,
          masked: r.ok ? maskPhone(r.e164) : null,
          skipReason: !r.ok ? r.detail : optedOut.has(r.e164) ? 'opted_out' : null,
        })),
      },
      200,
    );
  },
);

toolsApi.openapi(
  guardedRoute(requireManager, {
    method: 'post', path: '/test-send', tags: ['Rules'],
    summary:
      "Send a rule's message now to your own phone (your Zendesk profile's) or a number an admin allowed in Settings; at most 5 a minute per person and 20 per account (429 with Retry-After); audited",
    request: { body: jsonBody(TestSendRequest) },
    responses: {
      200: jsonResponse(Send, 'The attempt and its outcome'),
      409: errors[409],
      422: errors[422],
      429: { description: 'Too many test messages; Retry-After says when to try again', content: { 'application/json': { schema: ApiError } } },
    },
  }),
  async (c) => {
    const caller = c.get('caller');
    const { installation } = caller;
    const { rule, ticketId, to } = c.req.valid('json');
    const settings = installation.settings;
    const toE164 = phoneField('to', to, settings.defaultCountry);
    // Only to a number the caller may text, and not too often (test-send-limits.ts).
    await enforceTestSendRate(c.env, caller);
    await assertMayTestText(c.env, caller, toE164);
    const sender = normalizeSender(rule.senderNumber, settings.defaultCountry);
    if (!sender.ok) throw invalid([{ field: 'rule.senderNumber', reason: sender.reason }]);
    const conn = await telnyxFor(c.env, installation);
    if (!conn) throw new AppError('requirements_not_met', 'Connect Telnyx before sending a test message');
    if ((await listOptedOut(c.env.DB, installation.id, [toE164])).size > 0) {
      throw invalid([{ field: 'to', reason: 'This number replied STOP; it cannot be texted' }]);
    }
    let snapshot: Snapshot | null = null;
    let loader = null;
    if (ticketId) {
      const zendesk = await zendeskFor(c.env, installation);
      snapshot = await loadSnapshot(zendesk, installation.id, ticketId);
      loader = createSummaryLoader(c.env, { zendesk, ticketId, snapshot, settings });
    }
    const message = await composeForRule(rule, snapshot, settings.maxParts, settings.summariesEnabled, loader);
    const now = new Date().toISOString();
    let status: Send['status'] = 'queued';
    let detail: string | null = message.detail;
    let code: string | null = null;
    let messageId: string | null = null;
    try {
      const res = await conn.client.messages.send({ from: sender.sender, to: toE164, text: message.text, messaging_profile_id: conn.messagingProfileId });
      messageId = res.data?.id ?? null;
    } catch (err) {
      status = 'failed';
      const first = err instanceof APIError ? (err.error as { errors?: Array<{ code?: string; title?: string }> } | undefined)?.errors?.[0] : undefined;
      code = first?.code ? String(first.code) : null;
      detail = first?.title ?? (err instanceof Error ? err.message : 'Send failed');
    }
    await insertAuditStatement(c.env.DB, {
      installationId: installation.id,
      actorUserId: caller.userId,
      actorRole: caller.role,
      action: 'test_send',
      subjectId: null,
      changes: { to: { from: null, to: maskPhone(toE164) }, outcome: { from: null, to: status === 'queued' ? 'queued' : `failed: ${detail}` } },
      now,
    }).run();
    return c.json(
      {
        id: `test_${randomToken(9)}`,
        interactionId: 'test',
        ruleId: 'test',
        ruleLabel: rule.label,
        recipientKind: 'other' as const,
        recipientMasked: maskPhone(toE164),
        fromNumber: sender.sender,
        body: message.text,
        segments: message.segments,
        encoding: message.encoding,
        status,
        reason: status === 'failed' ? ('telnyx_rejected' as const) : null,
        detail,
        carrierErrorCode: code,
        telnyxMessageId: messageId,
        scheduledFor: null,
        attempts: 1,
        canRetry: false,
        createdAt: now,
        updatedAt: now,
      },
      200,
    );
  },
);

toolsApi.openapi(
  guardedRoute(requireAdmin, {
    method: 'post', path: '/setup/zendesk', tags: ['Settings'],
    summary: 'Create, or find and repair, the Zendesk webhook and the "solved" / "conversation ended" triggers, and store the signing secrets (admins; safe to press again)',
    responses: {
      201: jsonResponse(ZendeskSetupResult, 'Set up with a new webhook, and the health after it'),
      200: jsonResponse(ZendeskSetupResult, 'The existing webhook was kept (triggers reused, repaired or made), and the health after it'),
      409: errors[409],
    },
  }),
  async (c) => {
    const caller = c.get('caller');
    const { installation } = caller;
    const zendesk = await zendeskFor(c.env, installation);
    const endpoint = webhookUrls(c.env, installation.id).zendesk;
    const previous = installation.zendeskSetup;
    const now = new Date().toISOString();
    const outcome = await ensureZendeskSetup(zendesk, {
      endpoint,
      stored: previous,
      storeSecrets: async (secrets) => {
        await c.env.DB.batch(
          await Promise.all([...secrets].map(([id, secret]) => upsertWebhookSecretStatement(c.env.DB, c.env.SECRETS_KEY, installation.id, id, secret, now))),
        );
        forgetZendeskWebhookKeys(installation.id);
      },
    });
    // Remembered so that a disconnect removes exactly what the product created.
    const setup = { webhookId: outcome.webhookId, triggerIds: outcome.triggerIds };
    await updateZendeskSetup(c.env.DB, installation.id, setup, now);
    const removedWebhooks = outcome.removedWebhookIds.filter((id) => id !== outcome.webhookId);
    if (removedWebhooks.length) await deleteWebhookSecretsStatement(c.env.DB, installation.id, removedWebhooks).run();
    forgetZendeskWebhookKeys(installation.id);
    await insertAuditStatement(c.env.DB, {
      installationId: installation.id,
      actorUserId: caller.userId,
      actorRole: caller.role,
      action: 'zendesk.setup',
      subjectId: outcome.webhookId,
      changes: {
        webhook: { from: previous?.webhookId ?? null, to: outcome.webhookId },
        triggers: { from: previous?.triggerIds ?? null, to: outcome.triggerIds },
      },
      now,
    }).run();
    const health = await readZendeskSetupHealth(zendesk, { endpoint, stored: setup, secretIds: await listWebhookSecretIds(c.env.DB, installation.id) });
    const result = { ...setup, changes: outcome.changes, health };
    return outcome.changes.webhookCreated ? c.json(result, 201) : c.json(result, 200);
  },
);

toolsApi.openapi(
  guardedRoute(requireManager, {
    method: 'get', path: '/setup/zendesk', tags: ['Settings'],
    summary: 'Whether the webhook and triggers Setup made exist and are active in Zendesk (read from Zendesk; admins and supervisors)',
    responses: { 200: jsonResponse(ZendeskSetupHealth, 'Health') },
  }),
  async (c) => {
    const { installation } = c.get('caller');
    const zendesk = await zendeskFor(c.env, installation);
    const health = await readZendeskSetupHealth(zendesk, {
      endpoint: webhookUrls(c.env, installation.id).zendesk,
      stored: installation.zendeskSetup,
      secretIds: await listWebhookSecretIds(c.env.DB, installation.id),
    });
    return c.json(health, 200);
  },
);
