// "Needs attention" for admins and supervisors (issue 12): failed interactions and failed or
// unknown-outcome sends with their reasons, and a bulk retry / reprocess that first says how many
// SMS would go out. POST /v1/attention/retry is a dry run unless dryRun is false; the app shows
// the count and asks before it sends the real request. Never a duplicate SMS: reopened rows are
// claimed once (db/needs-attention.ts); a send whose outcome is unknown is retried only with
// includeUnknown (the admin confirmed that it may text the person twice).
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { maskPhone } from '../../../shared/phone/normalize.ts';
import { AttentionRetryRequest, AttentionRetryResult, NeedsAttention } from '../../../shared/schemas/attention.ts';
import { insertAuditStatement } from '../db/audit.ts';
import { countRetry, listNeedsAttention, reopenForRetry, RETRYABLE_REASONS } from '../db/needs-attention.ts';
import type { Job } from '../jobs.ts';
import { log } from '../log.ts';
import { requireManager } from './auth.ts';
import type { AppEnv } from './context.ts';
import { authErrors, bearerSecurity, errors, jsonBody, jsonResponse } from './openapi-helpers.ts';

export const attentionApi = new OpenAPIHono<AppEnv>();
const tags = ['Needs attention'];
attentionApi.use('/attention', requireManager);
attentionApi.use('/attention/*', requireManager);

/** Cloudflare Queues takes at most 100 messages per sendBatch (https://developers.cloudflare.com/queues/platform/limits/). */
const QUEUE_BATCH_MAX = 100;

attentionApi.openapi(
  createRoute({
    method: 'get', path: '/attention', tags, security: bearerSecurity,
    summary: 'Failed interactions and failed sends (reason, detail), newest first, and what waits out an outage; at most 100 of each',
    responses: { 200: jsonResponse(NeedsAttention, 'What needs attention'), ...authErrors },
  }),
  async (c) => {
    const { interactions, sends, waiting, truncated } = await listNeedsAttention(c.env.DB, c.get('caller').installation.id);
    return c.json(
      {
        interactions: interactions.map((i) => ({ id: i.id, ticketId: i.ticket_id, event: i.event, receivedAt: i.received_at, failedAt: i.updated_at, detail: i.detail })),
        sends: sends.map((s) => ({
          id: s.id,
          interactionId: s.interaction_id,
          ticketId: s.ticket_id,
          ruleLabel: s.rule_label,
          recipientKind: s.recipient_kind,
          recipientMasked: s.recipient ? maskPhone(s.recipient) : null,
          reason: s.reason,
          detail: s.detail,
          failedAt: s.updated_at,
          retryable: s.reason !== null && RETRYABLE_REASONS.includes(s.reason),
          mayDuplicate: s.reason === 'outcome_unknown',
        })),
        waiting: waiting.map((w) => ({
          kind: w.kind,
          id: w.id,
          ticketId: w.ticket_id,
          waitingFor: w.waiting_for,
          nextTryAt: w.retry_at,
          since: w.outage_since,
          detail: w.detail,
        })),
        truncated,
      },
      200,
    );
  },
);

attentionApi.openapi(
  createRoute({
    method: 'post', path: '/attention/retry', tags, security: bearerSecurity,
    summary: 'Count (dryRun, the default) or do the retry of failed sends and the reprocessing of failed interactions',
    description:
      'A dry run changes nothing and answers how many SMS the send retries would send. With dryRun=false the named rows that are still failed are reopened and queued, each exactly once even under concurrent calls. Sends whose outcome is unknown (the earlier attempt may have gone out) are retried only with includeUnknown=true.',
    request: { body: jsonBody(AttentionRetryRequest) },
    responses: { 200: jsonResponse(AttentionRetryResult, 'Counted, or done'), ...authErrors, 422: errors[422] },
  }),
  async (c) => {
    const caller = c.get('caller');
    const installationId = caller.installation.id;
    const { interactionIds, sendIds, includeUnknown, dryRun } = c.req.valid('json');
    const named = new Set(interactionIds).size + new Set(sendIds).size;
    const counted = await countRetry(c.env.DB, installationId, interactionIds, sendIds);
    if (dryRun) {
      const sms = counted.sends + (includeUnknown ? counted.unknown : 0);
      return c.json(
        {
          dryRun: true,
          interactions: counted.interactions,
          sms,
          unknownSms: includeUnknown ? counted.unknown : 0,
          unknownNeedConfirmation: includeUnknown ? 0 : counted.unknown,
          notEligible: Math.max(0, named - counted.interactions - counted.sends - counted.unknown),
        },
        200,
      );
    }
    const now = new Date().toISOString();
    const moved = await reopenForRetry(c.env.DB, installationId, { interactionIds, sendIds, includeUnknown, now });
    const jobs: Array<{ body: Job }> = [
      ...moved.interactions.map((id) => ({ body: { kind: 'interaction', interactionId: id, installationId } as const })),
      ...moved.sends.map((s) => ({ body: { kind: 'send', sendId: s.id, installationId } as const })),
    ];
    try {
      for (let i = 0; i < jobs.length; i += QUEUE_BATCH_MAX) await c.env.SEND_QUEUE.sendBatch(jobs.slice(i, i + QUEUE_BATCH_MAX));
    } catch (err) {
      // The rows are reopened with their due time now: the sweeper queues them within minutes.
      log('warn', 'bulk retry enqueue failed; the sweeper takes over', { error: String(err) });
    }
    const unknownSms = moved.sends.filter((s) => s.unknown).length;
    await insertAuditStatement(c.env.DB, {
      installationId,
      actorUserId: caller.userId,
      actorRole: caller.role,
      action: 'attention.retry',
      subjectId: null,
      changes: {
        interactionsReprocessed: { from: null, to: moved.interactions.length },
        sendsRetried: { from: null, to: moved.sends.length },
        unknownOutcomeSendsRetried: { from: null, to: unknownSms },
      },
      now,
    }).run();
    return c.json(
      {
        dryRun: false,
        interactions: moved.interactions.length,
        sms: moved.sends.length,
        unknownSms,
        unknownNeedConfirmation: includeUnknown ? 0 : counted.unknown,
        notEligible: Math.max(0, named - moved.interactions.length - moved.sends.length - (includeUnknown ? 0 : counted.unknown)),
      },
      200,
    );
  },
);
