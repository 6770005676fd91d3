// Send timing (issue 14): a rule may send N minutes after the interaction ends (0 to 7 days).
//
// Planning: the send is stored `held` with reason `send_delay` and `scheduled_for` = the end of
// the interaction + N minutes, the same hold quiet hours use, so the queue machinery is one: the
// send job is enqueued with the delay (at most the queue's 12 h; a longer hold is re-enqueued
// when the job comes back early, send/send-sms.ts handleUnclaimed) and the send job's claim
// takes the row only once it is due and checked.
//
// When it is due (sendWhenDue, before the claim), three things are checked again, in this order:
//   1. the rule is still there and enabled; else skipped, `rule_disabled`. (Disabling or deleting
//      a rule also cancels its delayed sends at once: http/rules-api.ts; this catches a race.)
//   2. the ticket was not reopened: read afresh from Zendesk (one call). An interaction that
//      ended with the ticket solved counts as reopened when the ticket is no longer solved or
//      closed. Why read it now rather than listen for a reopen: the setup's triggers only report
//      ends (a reopen trigger would be one more trigger in every account), and the status at the
//      moment of sending is the one that matters. A conversation that ended on a ticket that was
//      not solved has nothing to reopen; its delayed send goes unless cancelled.
//   3. quiet hours at that moment, in the recipient's zone (the Zendesk user's, read with the
//      ticket): inside them, the send waits until they end and is checked again then.
// Then the send is claimed and made as any other (send/send-sms.ts sendOne).
// A send held for the daily budget (send/daily-budget.ts) gets check 3 only when it is released,
// in the zone stored with it (sends.recipient_time_zone): no Zendesk call for a midnight release.
import type { SendRow } from '../db/sends.ts';
import { claimSendForJob, readSend } from '../db/sends.ts';
import { cancelHeldSend, interactionEndEvents, postponeHeldSend } from '../db/delayed-sends.ts';
import { readInstallation, type Installation } from '../db/installations.ts';
import { readRule } from '../db/rules.ts';
import type { Env } from '../env.ts';
import { AppError, UpstreamError } from '../errors.ts';
import { log } from '../log.ts';
import type { QueueAction, SendJob } from '../jobs.ts';
import { handleUnclaimed, requeueHeldSend, sendOne, sendClaimed } from '../send/send-sms.ts';
import type { ZendeskTicket, ZendeskUser } from '../zendesk/client.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';
import { quietHoursRelease } from './quiet-hours.ts';

/**
 * The hold of a delayed send planned for an interaction that ended at `endedMs`. No detail: the
 * reason (`send_delay`) and `scheduled_for` say it all, and the sidebar shows both.
 */
export function delayedHold(delayMinutes: number, endedMs: number): { scheduledFor: string; detail: null } {
  return { scheduledFor: new Date(endedMs + delayMinutes * 60_000).toISOString(), detail: null };
}

/** Ticket statuses that mean the interaction is still over (Tickets API `status`). */
const ENDED_STATUSES = new Set(['solved', 'closed']);

function recipientUser(send: SendRow, ticket: ZendeskTicket, users: readonly ZendeskUser[]): ZendeskUser | null {
  const id = send.recipient_kind === 'customer' ? ticket.requester_id : send.recipient_kind === 'assigned_agent' ? ticket.assignee_id : null;
  return id ? (users.find((u) => u.id === id) ?? null) : null;
}

/** Run a send job: the checks above for a due delayed send, then the send itself. */
export async function sendWhenDue(env: Env, job: SendJob, nowMs: number): Promise<QueueAction> {
  const now = new Date(nowMs).toISOString();
  // Most send jobs (a retry, a paced send, a quiet-hours hold) need no check: claimed at once.
  // A delayed or budget-held send that is due is left to the checks below.
  const claimed = await claimSendForJob(env.DB, job.installationId, job.sendId, now, false);
  if (claimed) return sendClaimed(env, claimed, now);
  const row = await readSend(env.DB, job.installationId, job.sendId);
  const due = row?.status === 'held' && row.scheduled_for !== null && Date.parse(row.scheduled_for) <= nowMs;
  // A send held for the daily budget is released at the next UTC midnight (or when an admin raises
  // the budget): quiet hours apply at that moment too, in the zone stored when it was planned.
  const budgetRelease = due && row.reason === 'budget_exceeded';
  if (!row || !due || (row.reason !== 'send_delay' && !budgetRelease)) return handleUnclaimed(env, job, row, nowMs);
  const installation = await readInstallation(env.DB, row.installation_id);
  if (!installation) return { action: 'ack' };
  const verdict = budgetRelease
    ? quietVerdict(installation, row.recipient_time_zone, nowMs)
    : await checkDelayedSend(env, installation, row, nowMs);
  if (verdict.kind === 'cancel') {
    await cancelHeldSend(env.DB, installation.id, row.id, verdict.reason, verdict.detail, now);
    return { action: 'ack' };
  }
  if (verdict.kind === 'wait') {
    const until = new Date(verdict.untilMs).toISOString();
    const what = budgetRelease ? 'Released from the daily budget; held' : 'Delayed send held';
    if (await postponeHeldSend(env.DB, row.id, until, `${what} for quiet hours until ${until}`, now)) await requeueHeldSend(env, job, verdict.untilMs, nowMs);
    return { action: 'ack' };
  }
  return sendOne(env, job, nowMs);
}

type Verdict = { kind: 'send' } | { kind: 'wait'; untilMs: number } | { kind: 'cancel'; reason: 'rule_disabled' | 'ticket_reopened'; detail: string };

async function checkDelayedSend(env: Env, installation: Installation, send: SendRow, nowMs: number): Promise<Verdict> {
  const rule = await readRule(env.DB, installation.id, send.rule_id);
  if (!rule) return { kind: 'cancel', reason: 'rule_disabled', detail: 'The rule was deleted before the delayed SMS went out' };
  if (!rule.enabled) return { kind: 'cancel', reason: 'rule_disabled', detail: 'The rule was disabled before the delayed SMS went out' };

  let ticket: ZendeskTicket;
  let users: ZendeskUser[];
  try {
    const zendesk = await zendeskFor(env, installation);
    ({ ticket, users = [] } = await zendesk.getTicket(send.ticket_id));
  } catch (err) {
    // Zendesk down or busy: the queue tries again later (the send stays held).
    if ((err instanceof UpstreamError && err.isTransient) || !(err instanceof UpstreamError || err instanceof AppError)) throw err;
    // A deleted ticket was not reopened. Zendesk refusing for good (a 4xx, or the installation
    // must reconnect): the send goes as it would have without a delay, rather than never.
    log('warn', 'delayed send: ticket not read, sent without the reopen check', { sendId: send.id, error: String(err) });
    return quietVerdict(installation, null, nowMs);
  }
  const events = await interactionEndEvents(env.DB, send.interaction_id);
  if (events.includes('ticket_solved') && !ENDED_STATUSES.has(ticket.status)) {
    return { kind: 'cancel', reason: 'ticket_reopened', detail: `The ticket was reopened (now ${ticket.status}) before the delayed SMS went out` };
  }
  return quietVerdict(installation, recipientUser(send, ticket, users)?.iana_time_zone ?? null, nowMs);
}

/** Quiet hours now, in the recipient's zone (else the installation's): send, or wait for their end. */
function quietVerdict(installation: Installation, zone: string | null, nowMs: number): Verdict {
  const release = quietHoursRelease(installation.settings.quietHours, zone, nowMs);
  return release === null ? { kind: 'send' } : { kind: 'wait', untilMs: release };
}
