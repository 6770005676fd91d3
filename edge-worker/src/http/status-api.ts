// What the ticket sidebar shows: every interaction of a ticket with its sends (numbers masked)
// and the SMS replies to each send (masked too), and the retry of a failed send. Any agent of the
// installation may read; retry per settings.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { maskPhone } from '../../../shared/phone/normalize.ts';
import { compileRules, explainRules } from '../../../shared/rules/evaluate.ts';
import { Send, TicketSends, type SmsReply } from '../../../shared/schemas/send.ts';
import type { Settings } from '../../../shared/schemas/settings.ts';
import type { Role } from '../../../shared/schemas/api.ts';
import { listInteractionsForTicket } from '../db/interactions.ts';
import { listRepliesForTicket, type ReplyRow } from '../db/replies.ts';
import { listRulesForEvents } from '../db/rules.ts';
import { parseMedia } from '../replies/apply-reply.ts';
import { listSendsForTicket, readSend, reopenFailedSend, type SendRow } from '../db/sends.ts';
import { isErasedRecipient } from '../db/erasure.ts';
import { diffFields, insertAuditStatement } from '../db/audit.ts';
import { cancelHeldSend } from '../db/delayed-sends.ts';
import { AppError, notFound } from '../errors.ts';
import { buildSnapshot } from '../pipeline/interaction-snapshot.ts';
import { mayViewTicket } from '../auth/user-access.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';
import { readTicketFields } from '../zendesk/ticket-fields-cache.ts';
import { canManageRules } from './auth.ts';
import type { AppEnv } from './context.ts';
import { authErrors, bearerSecurity, errors, jsonResponse } from './openapi-helpers.ts';

const RETRYABLE = new Set(['telnyx_rejected', 'carrier_failed', 'retries_exhausted']);

export function mayRetry(role: Role, settings: Settings): boolean {
  return settings.retryAllowedFor === 'agents' || canManageRules(role);
}

export function toSend(row: SendRow, canRetry: boolean): Send {
  return {
    id: row.id,
    interactionId: row.interaction_id,
    ruleId: row.rule_id,
    ruleLabel: row.rule_label,
    recipientKind: row.recipient_kind,
    recipientMasked: row.recipient && !isErasedRecipient(row.recipient) ? maskPhone(row.recipient) : null,
    fromNumber: row.from_number,
    body: row.body,
    segments: row.segments,
    summarySource: row.summary_source === 'workers-ai' || row.summary_source === 'extractive' ? row.summary_source : null,
    encoding: row.encoding,
    status: row.status,
    reason: row.reason,
    // What happened to the send first; else what happened while composing it.
    detail: row.detail ?? row.compose_note,
    carrierErrorCode: row.carrier_error_code,
    telnyxMessageId: row.telnyx_message_id,
    scheduledFor: row.scheduled_for,
    attempts: row.attempts,
    canRetry: canRetry && row.status === 'failed' && row.reason !== null && RETRYABLE.has(row.reason) && !isErasedRecipient(row.recipient),
    // Who may retry may also stop a held send (delayed, or waiting for quiet hours) before it goes.
    canCancel: canRetry && row.status === 'held',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    // Reserved with a due retry: waiting out a Telnyx outage (db/outages.ts).
    ...(row.status === 'reserved' && row.outage_since && row.retry_at
      ? { waitingFor: 'telnyx' as const, nextTryAt: row.retry_at }
      : { waitingFor: null, nextTryAt: null }),
  };
}

/** A reply as the sidebar sees it: the number masked, never in full. */
export function toSmsReply(row: ReplyRow): SmsReply {
  return {
    id: row.telnyx_message_id,
    text: row.body,
    media: parseMedia(row.media_json),
    fromMasked: maskPhone(row.from_phone),
    receivedAt: row.received_at,
    status: row.status === 'applied' ? 'applied' : row.status === 'failed' ? 'failed' : 'pending',
    commentKind: row.comment_kind,
    detail: row.status === 'failed' ? row.reason : null,
  };
}

const TicketParam = z.object({ ticketId: z.string().regex(/^\d+$/, 'Must be a Zendesk ticket id') });
const SendParam = z.object({ id: z.string().min(1).max(64) });
const TicketStatus = TicketSends.extend({
  wouldFire: z
    .array(z.object({ ruleId: z.string(), label: z.string() }))
    .nullable()
    .meta({ description: 'With ?explain=1: the enabled rules that would fire if the ticket were solved now' }),
}).meta({ id: 'TicketStatus' });

export const statusApi = new OpenAPIHono<AppEnv>();

statusApi.openapi(
  createRoute({
    method: 'get', path: '/tickets/{ticketId}/sends', tags: ['Status'], security: bearerSecurity,
    summary: 'SMS sent (or skipped) for a ticket, newest interaction first',
    request: { params: TicketParam, query: z.object({ explain: z.enum(['0', '1']).optional() }) },
    responses: { 200: jsonResponse(TicketStatus, 'Status'), ...authErrors, 422: errors[422] },
  }),
  async (c) => {
    const { installation, role, userId, access } = c.get('caller');
    const { ticketId } = c.req.valid('param');
    // Only for tickets Zendesk lets this user view (auth/user-access.ts); others look absent.
    if (!(await mayViewTicket(c.env, installation, userId, access, ticketId))) throw notFound('Ticket');
    const [interactions, sends, replies] = await Promise.all([
      listInteractionsForTicket(c.env.DB, installation.id, ticketId),
      listSendsForTicket(c.env.DB, installation.id, ticketId),
      listRepliesForTicket(c.env.DB, installation.id, ticketId),
    ]);
    const retry = mayRetry(role, installation.settings);
    let wouldFire: Array<{ ruleId: string; label: string }> | null = null;
    // Costs a Zendesk call, so only on request (the sidebar's empty state).
    if (c.req.valid('query').explain === '1') {
      const zendesk = await zendeskFor(c.env, installation);
      const [{ ticket, users = [], groups = [] }, ticketFields, rules] = await Promise.all([
        zendesk.getTicket(ticketId),
        readTicketFields(installation.id, zendesk, Date.now()),
        listRulesForEvents(c.env.DB, installation.id, ['ticket_solved']),
      ]);
      const snapshot = buildSnapshot({ event: 'ticket_solved', ticket, users, groups, ticketFields });
      wouldFire = explainRules(compileRules(rules), snapshot.interaction)
        .filter((e) => e.matched)
        .map((e) => ({ ruleId: e.rule.id, label: e.rule.label }));
    }
    return c.json(
      {
        ticketId,
        interactions: interactions.map((i) => ({
          id: i.id,
          ticketId: i.ticket_id,
          event: i.event,
          receivedAt: i.received_at,
          status: i.status,
          detail: i.detail,
          ...(i.waiting_for && (i.status === 'received' || i.status === 'processing')
            ? { waitingFor: i.waiting_for, nextTryAt: i.retry_at }
            : { waitingFor: null, nextTryAt: null }),
          sends: sends
            .filter((s) => s.interaction_id === i.id)
            .map((s) => ({ ...toSend(s, retry), replies: replies.filter((r) => r.send_id === s.id).map(toSmsReply) })),
        })),
        wouldFire,
      },
      200,
    );
  },
);

statusApi.openapi(
  createRoute({
    method: 'post', path: '/sends/{id}/retry', tags: ['Status'], security: bearerSecurity,
    summary: 'Retry a failed send (once; concurrent retries send one message)',
    request: { params: SendParam },
    responses: { 202: jsonResponse(Send, 'Queued again'), ...authErrors, 404: errors[404], 409: errors[409] },
  }),
  async (c) => {
    const caller = c.get('caller');
    const { installation, role } = caller;
    if (!mayRetry(role, installation.settings)) throw new AppError('forbidden', 'Only admins and supervisors may retry sends here');
    const { id } = c.req.valid('param');
    const existing = await readSend(c.env.DB, installation.id, id);
    if (!existing || !(await mayViewTicket(c.env, installation, caller.userId, caller.access, existing.ticket_id))) throw notFound('Send');
    const now = new Date().toISOString();
    if (!(await reopenFailedSend(c.env.DB, installation.id, id, now))) {
      throw new AppError('conflict', `This send cannot be retried (status ${existing.status}${existing.reason ? `, ${existing.reason}` : ''})`);
    }
    await c.env.SEND_QUEUE.send({ kind: 'send', sendId: id, installationId: installation.id });
    await insertAuditStatement(c.env.DB, {
      installationId: installation.id,
      actorUserId: caller.userId,
      actorRole: role,
      action: 'send.retry',
      subjectId: id,
      changes: diffFields({ status: existing.status }, { status: 'reserved' }),
      now,
    }).run();
    const row = await readSend(c.env.DB, installation.id, id);
    if (!row) throw notFound('Send');
    return c.json(toSend(row, true), 202);
  },
);

statusApi.openapi(
  createRoute({
    method: 'post', path: '/sends/{id}/cancel', tags: ['Status'], security: bearerSecurity,
    summary: 'Cancel a held send (a delayed send, or one waiting for quiet hours) before it goes',
    description: 'Allowed for whoever may retry sends (settings.retryAllowedFor). The send becomes skipped (cancelled_by_agent); a send already handed to Telnyx cannot be cancelled (409).',
    request: { params: SendParam },
    responses: { 200: jsonResponse(Send, 'Cancelled'), ...authErrors, 404: errors[404], 409: errors[409] },
  }),
  async (c) => {
    const caller = c.get('caller');
    const { installation, role } = caller;
    if (!mayRetry(role, installation.settings)) throw new AppError('forbidden', 'Only admins and supervisors may cancel sends here');
    const { id } = c.req.valid('param');
    const existing = await readSend(c.env.DB, installation.id, id);
    if (!existing || !(await mayViewTicket(c.env, installation, caller.userId, caller.access, existing.ticket_id))) throw notFound('Send');
    const now = new Date().toISOString();
    if (!(await cancelHeldSend(c.env.DB, installation.id, id, 'cancelled_by_agent', `Cancelled by an agent (Zendesk user ${caller.userId})`, now))) {
      throw new AppError('conflict', `This send cannot be cancelled (status ${existing.status}${existing.reason ? `, ${existing.reason}` : ''})`);
    }
    await insertAuditStatement(c.env.DB, {
      installationId: installation.id,
      actorUserId: caller.userId,
      actorRole: role,
      action: 'send.cancel',
      subjectId: id,
      changes: diffFields({ status: existing.status }, { status: 'skipped' }),
      now,
    }).run();
    const row = await readSend(c.env.DB, installation.id, id);
    if (!row) throw notFound('Send');
    return c.json(toSend(row, true), 200);
  },
);
