// The pipeline for one ended interaction, run by the queue consumer:
//   1. load the interaction, its end events (a conversation's end and its solve may both be
//      there: db/interactions.ts) and its installation (done already? stop: redeliveries are no-ops)
//   2. fetch the ticket with users and groups sideloaded (1 Zendesk call) and the ticket field
//      metadata (cached per isolate)
//   3. evaluate the installation's rules of those events (compiled once per rules version and
//      isolate: rules/rule-set-cache.ts) for each end event; a rule that fires for both is one
//      rule (its sends are unique per interaction and recipient); at most
//      RECIPIENTS_PER_INTERACTION_MAX recipients (send-budget.ts)
//   4. per matched rule: resolve recipients, compose ONE message (summary when enabled)
//   5. decide per recipient: reserve, hold for quiet hours, or skip with a reason
//      (no valid number, country not allowed, duplicate, SMS not connected, opted out, frequency
//      cap, rule disabled)
//   6. write every decision to D1 in one batch (INSERT OR IGNORE on interaction+rule+recipient:
//      reprocessing never adds a second send)
//   7. send each reserved send now (claimed first, send/send-sms.ts makes the Telnyx call);
//      enqueue send jobs for retries and for held sends, delayed until quiet hours end
//   8. mark the interaction done (only now: a crash before it means the queue redelivers, and
//      the stored rows and their claims make the rerun send nothing twice), unless an end event
//      joined meanwhile: then the joining receipt's job runs it again, and only sends for rules
//      and recipients not stored yet are added
//   9. optionally add an internal note to the ticket listing what was sent (once)
import { countryNotAllowed } from '../../../shared/phone/destination-country.ts';
import { maskPhone } from '../../../shared/phone/normalize.ts';
import type { Rule } from '../../../shared/schemas/rule.ts';
import type { SendReason, SendStatus } from '../../../shared/schemas/send.ts';
import { randomToken } from '../crypto/secrets.ts';
import { readInstallation, type Installation } from '../db/installations.ts';
import { claimInteraction, claimNote, finishInteraction, listInteractionEvents, type InteractionRow } from '../db/interactions.ts';
import { isErasedRecipient } from '../db/erasure.ts';
import { listOptedOut } from '../db/opt-outs.ts';
import { claimSend, countRecentSends, insertSendStatement, listSendsForInteraction, type NewSend, type SendRow } from '../db/sends.ts';
import type { Env } from '../env.ts';
import { UpstreamError } from '../errors.ts';
import { log } from '../log.ts';
import { MAX_QUEUE_DELAY_S, type InteractionJob, type Job, type QueueAction } from '../jobs.ts';
import { telnyxFor, type TelnyxConnection } from '../telnyx/client.ts';
import type { ZendeskClient } from '../zendesk/client.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';
import { readTicketFields } from '../zendesk/ticket-fields-cache.ts';
import { composeForRule, createSummaryLoader } from './compose-for-rule.ts';
import { buildSnapshot, type Snapshot } from './interaction-snapshot.ts';
import { quietHoursRelease } from './quiet-hours.ts';
import { resolveRecipients } from './recipients.ts';
import { delayedHold } from './send-delay.ts';
import { deliverClaimed } from '../send/send-sms.ts';
import { fireRules } from '../../../shared/rules/rule-set.ts';
import { loadRuleSet } from '../rules/rule-set-cache.ts';
import { withinSendBudget } from './send-budget.ts';

const QUEUE_BATCH_MAX = 100;

export async function processInteraction(env: Env, job: InteractionJob, nowMs: number): Promise<QueueAction> {
  const now = new Date(nowMs).toISOString();
  // Done already (a redelivery) or unknown: nothing to do.
  const interaction = await claimInteraction(env.DB, job.interactionId, now);
  if (!interaction || interaction.installation_id !== job.installationId) return { action: 'ack' };
  const installation = await readInstallation(env.DB, interaction.installation_id);
  if (!installation) return { action: 'ack' };
  const finish = (status: 'done' | 'failed', detail: string) =>
    finishInteraction(env.DB, interaction.id, interaction.events_version, status, detail, now);
  const recorded = await listInteractionEvents(env.DB, interaction.id);
  const events = recorded.length > 0 ? recorded : [interaction.event];

  const ruleSet = await loadRuleSet(env.DB, installation, events);
  if (ruleSet.rules.length === 0) {
    await finish('done', 'No rule fires on this event');
    return { action: 'ack' };
  }

  const zendesk = await zendeskFor(env, installation);
  let snapshot: Snapshot;
  try {
    const [{ ticket, users = [], groups = [] }, ticketFields] = await Promise.all([
      zendesk.getTicket(interaction.ticket_id),
      readTicketFields(installation.id, zendesk, nowMs),
    ]);
    snapshot = buildSnapshot({ event: events[0] ?? interaction.event, ticket, users, groups, ticketFields });
  } catch (err) {
    if (err instanceof UpstreamError && err.status === 404) {
      await finish('failed', 'Ticket not found in Zendesk');
      return { action: 'ack' };
    }
    throw err;
  }

  const fired = fireRules(ruleSet, snapshot.interaction, events);
  const { matched, disabledMatches, leftOut } = withinSendBudget(fired.matched, fired.disabledMatches);
  if (matched.length === 0 && disabledMatches.length === 0) {
    await finish('done', 'No rule matched');
    return { action: 'ack' };
  }

  const conn = await telnyxFor(env, installation);
  const { rows, hadStored } = await planSends(env, { installation, interaction, snapshot, matched, disabledMatches, zendesk, conn, nowMs });
  const results = rows.length ? await env.DB.batch<SendRow>(rows.map((row) => insertSendStatement(env.DB, row))) : [];
  // Enqueue from what is stored, not from the plan. On a rerun (rows stored before, or an insert
  // that returned no row: a concurrent run), the stored rows are read back: a reserved one left by
  // a crash still goes out, claimed by exactly one attempt.
  const inserted = results.slice(0, rows.length).map((r) => r.results[0]);
  const stored =
    !hadStored && inserted.every((r) => r !== undefined) ? (inserted as SendRow[]) : await listSendsForInteraction(env.DB, interaction.id);
  const jobs: Array<{ body: Job; delaySeconds?: number }> = [];
  // Reserved sends go out from here, at once: a second queue hop would only add latency. Each is
  // claimed first (one winner, as in a send job); what must be retried becomes a send job.
  const outcomes = await Promise.all(
    stored
      .filter((s) => s.status === 'reserved')
      .map(async (s) => {
        const claimed = await claimSend(env.DB, s.id, now);
        return { id: s.id, action: claimed ? await deliverClaimed(env, installation, claimed, now, conn) : ({ action: 'ack' } as const) };
      }),
  );
  for (const { id, action } of outcomes) {
    if (action.action === 'retry') jobs.push({ body: { kind: 'send', sendId: id, installationId: installation.id }, delaySeconds: action.delaySeconds });
  }
  for (const s of stored) {
    if (s.status === 'held' && s.scheduled_for) {
      const delay = Math.min(MAX_QUEUE_DELAY_S, Math.max(0, Math.ceil((Date.parse(s.scheduled_for) - nowMs) / 1000)));
      jobs.push({ body: { kind: 'send', sendId: s.id, installationId: installation.id }, delaySeconds: delay });
    }
  }
  // Cloudflare Queues takes at most 100 messages per sendBatch call
  // (https://developers.cloudflare.com/queues/platform/limits/).
  for (let i = 0; i < jobs.length; i += QUEUE_BATCH_MAX) await env.SEND_QUEUE.sendBatch(jobs.slice(i, i + QUEUE_BATCH_MAX));
  await finish('done', `${matched.length} rule(s) matched${leftOut ? `; ${leftOut.detail}` : ''}`);

  if (installation.settings.internalNoteEnabled && (await claimNote(env.DB, interaction.id))) {
    await zendesk.addInternalNote(interaction.ticket_id, renderInternalNote(stored)).catch((err: unknown) => {
      // Best effort: the sends are already recorded; the sidebar shows them regardless.
      log('warn', 'internal note failed', { interactionId: interaction.id, error: String(err) });
    });
  }
  return { action: 'ack' };
}

interface PlanInput {
  installation: Installation;
  interaction: InteractionRow;
  snapshot: Snapshot;
  matched: Rule[];
  disabledMatches: Rule[];
  zendesk: ZendeskClient;
  conn: TelnyxConnection | null;
  nowMs: number;
}

async function planSends(env: Env, p: PlanInput): Promise<{ rows: NewSend[]; hadStored: boolean }> {
  const { installation, interaction, snapshot, nowMs } = p;
  const settings = installation.settings;
  const now = new Date(nowMs).toISOString();
  const conn = p.conn;
  const summaries = createSummaryLoader(env, { zendesk: p.zendesk, ticketId: interaction.ticket_id, snapshot, settings });

  const planned: Array<{ rule: Rule; disabled: boolean; recipients: ReturnType<typeof resolveRecipients> }> = [
    ...p.matched.map((rule) => ({ rule, disabled: false, recipients: resolveRecipients(rule, snapshot, settings) })),
    ...p.disabledMatches.map((rule) => ({ rule, disabled: true, recipients: resolveRecipients(rule, snapshot, settings) })),
  ];
  const numbers = [...new Set(planned.flatMap((x) => x.recipients.flatMap((r) => (r.ok ? [r.e164] : []))))];
  const cap = settings.frequencyCap;
  const [optedOut, recent] = await Promise.all([
    listOptedOut(env.DB, installation.id, numbers),
    cap ? countRecentSends(env.DB, installation.id, numbers, new Date(nowMs - cap.periodHours * 3_600_000).toISOString()) : new Map<string, number>(),
  ]);

  const rows: NewSend[] = [];
  // A rerun (an end event joined, or a redelivery) starts from what is stored: numbers already
  // texted for this interaction stay "texted", and stored decisions are not planned again.
  const stored = await listSendsForInteraction(env.DB, interaction.id);
  // Erased (db/erasure.ts): what was sent is forgotten, so a rerun must not plan it again.
  if (stored.some((s) => isErasedRecipient(s.recipient))) return { rows: [], hadStored: true };
  const decided = new Set(stored.map((s) => `${s.rule_id}|${s.recipient_kind}|${s.recipient}`));
  const textedNow = new Set<string>(stored.filter((s) => s.status !== 'skipped' && s.recipient).map((s) => s.recipient));
  for (const { rule, disabled, recipients } of planned) {
    const message = await composeForRule(rule, snapshot, settings.maxParts, settings.summariesEnabled, summaries);
    for (const r of recipients) {
      if (decided.has(`${rule.id}|${r.kind}|${r.ok ? r.e164 : ''}`)) continue;
      let status: SendStatus = 'reserved';
      let reason: SendReason | null = null;
      let detail: string | null = null;
      let scheduledFor: string | null = null;
      const notAllowed = r.ok ? countryNotAllowed(r.e164, settings) : null;
      if (disabled) [status, reason, detail] = ['skipped', 'rule_disabled', 'The rule is disabled'];
      else if (rule.content.includeSummary && rule.content.skipIfNoSummary && !message.hasSummary)
        [status, reason, detail] = ['skipped', 'summary_unavailable', message.detail ?? 'No summary could be made'];
      else if (!r.ok) [status, reason, detail] = ['skipped', 'no_valid_number', r.detail];
      else if (notAllowed) [status, reason, detail] = ['skipped', 'country_not_allowed', notAllowed];
      else if (textedNow.has(r.e164)) [status, reason, detail] = ['skipped', 'duplicate_recipient', 'An earlier rule already texts this number for this interaction'];
      else if (!conn) [status, reason, detail] = ['skipped', 'sms_not_connected', 'Telnyx is not connected'];
      else if (optedOut.has(r.e164)) [status, reason, detail] = ['skipped', 'opted_out', 'The recipient replied STOP'];
      else if (cap && (recent.get(r.e164) ?? 0) >= cap.maxMessages)
        [status, reason, detail] = ['skipped', 'frequency_cap', `At most ${cap.maxMessages} per ${cap.periodHours} h to one number`];
      else if (rule.sendDelayMinutes > 0) {
        // Quiet hours are checked when it is due (send-delay.ts), not now.
        [status, reason] = ['held', 'send_delay'];
        ({ scheduledFor, detail } = delayedHold(rule.sendDelayMinutes, interaction.received_ms));
      } else {
        const release = quietHoursRelease(settings.quietHours, r.timeZone, nowMs);
        if (release !== null) {
          status = 'held';
          reason = 'quiet_hours';
          scheduledFor = new Date(release).toISOString();
          detail = `Held for quiet hours until ${scheduledFor}`;
        }
      }
      if (r.ok && status !== 'skipped') {
        textedNow.add(r.e164);
        recent.set(r.e164, (recent.get(r.e164) ?? 0) + 1);
      }
      rows.push({
        id: `snd_${randomToken(12)}`,
        installation_id: installation.id,
        interaction_id: interaction.id,
        ticket_id: interaction.ticket_id,
        rule_id: rule.id,
        rule_label: rule.label,
        recipient_kind: r.kind,
        recipient: r.ok ? r.e164 : '',
        from_number: rule.senderNumber,
        body: message.text,
        segments: message.segments,
        encoding: message.encoding,
        status,
        reason,
        detail,
        summary_source: message.summarySource,
        compose_note: message.detail,
        scheduled_for: scheduledFor,
        recipient_time_zone: r.ok ? r.timeZone : null,
        created_at: now,
      });
    }
  }
  return { rows, hadStored: stored.length > 0 };
}

function renderInternalNote(sends: ReadonlyArray<{ rule_label: string; recipient: string; recipient_kind: string; status: string; reason: string | null; scheduled_for: string | null }>): string {
  const lines = sends.map((s) => {
    const who = s.recipient ? maskPhone(s.recipient) : '(no number)';
    const what =
      s.status === 'reserved' ? 'sending'
      : s.status === 'held' && s.reason === 'send_delay' ? `scheduled for ${s.scheduled_for}`
      : s.status === 'held' ? `held for quiet hours until ${s.scheduled_for}`
      : s.status === 'skipped' ? `not sent (${(s.reason ?? 'skipped').replace(/_/g, ' ')})`
      : s.status;
    return `- ${s.rule_label}: ${s.recipient_kind.replace('_', ' ')} ${who}: ${what}`;
  });
  return ['Post-interaction SMS:', ...lines].join('\n');
}
