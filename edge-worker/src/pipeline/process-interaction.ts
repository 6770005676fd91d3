// The pipeline for one ended interaction, run by the queue consumer. Three D1 round trips when
// nothing was stored for it before and its installation is cached in the isolate (issue 13):
//   1. claim the interaction (done already? stop: redeliveries are no-ops); the claim returns its
//      end events (a conversation's end and its solve may both be there: db/interactions.ts),
//      how many sends are stored and its installation's row version, which finds the installation
//      in the isolate's cache (db/installations.ts readInstallationAt)
//   2. fetch the ticket with users and groups sideloaded (1 Zendesk call) and the ticket field
//      metadata (cached per isolate)
//   3. evaluate the installation's rules of those events (compiled once per rules version and
//      isolate: rules/rule-set-cache.ts) for each end event; a rule that fires for both is one
//      rule (its sends are unique per interaction and recipient); at most
//      RECIPIENTS_PER_INTERACTION_MAX recipients (recipient-limit.ts)
//   4. per matched rule: resolve recipients, compose ONE message (summary when enabled)
//   5. decide per recipient: send, hold for quiet hours or a send delay, or skip with a reason
//      (rule disabled, no summary, no valid number, country not allowed, duplicate, SMS not
//      connected); then, inside the statement that stores them: opted out, frequency cap
//   6. store every decision in ONE statement (db/sends.ts insertPlannedSends: unique on
//      interaction+rule+recipient, so reprocessing never adds a second send); a send to make now
//      is stored `sending`, which claims it for this run alone
//   7. make each claimed send now (send/send-sms.ts calls Telnyx); enqueue send jobs for retries
//      and for held sends, delayed until they are due
//   8. write Telnyx's acceptances and mark the interaction done in one batch (only now: a crash
//      before it means the queue redelivers, and the stored rows make the rerun send nothing
//      twice), unless an end event joined meanwhile: then the joining receipt's job runs it
//      again, and only sends for rules and recipients not stored yet are added
//   9. optionally add an internal note to the ticket listing what was sent (once)
import { countryNotAllowed } from '../../../shared/phone/destination-country.ts';
import { maskPhone } from '../../../shared/phone/normalize.ts';
import type { Rule } from '../../../shared/schemas/rule.ts';
import type { SendReason, SendStatus } from '../../../shared/schemas/send.ts';
import { randomToken } from '../crypto/secrets.ts';
import { readInstallationAt, type Installation } from '../db/installations.ts';
import { claimInteraction, claimNote, finishInteraction, type InteractionRow } from '../db/interactions.ts';
import { isErasedRecipient } from '../db/erasure.ts';
import { claimSendForJob, insertPlannedSends, listSendsForInteraction, type ClaimedSend, type NewSend, type SendRow } from '../db/sends.ts';
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
import { dailyBudgetGate, estimatedCostMicros, noteBudgetExceeded } from '../send/daily-budget.ts';
import { deliverClaimed } from '../send/send-sms.ts';
import { fireRules } from '../../../shared/rules/rule-set.ts';
import { loadRuleSet } from '../rules/rule-set-cache.ts';
import { withinRecipientLimit } from './recipient-limit.ts';

const QUEUE_BATCH_MAX = 100;

export async function processInteraction(env: Env, job: InteractionJob, nowMs: number): Promise<QueueAction> {
  const now = new Date(nowMs).toISOString();
  // Round trip 1: the claim, which also returns the end events, the number of stored sends and the
  // installation's row version. Done already (a redelivery) or unknown: nothing to do.
  const claimed = await claimInteraction(env.DB, job.interactionId, now);
  if (!claimed || claimed.interaction.installation_id !== job.installationId || claimed.installationVersion === null) return { action: 'ack' };
  const { interaction } = claimed;
  // No round trip while this isolate holds the installation at that version.
  const installation = await readInstallationAt(env.DB, interaction.installation_id, claimed.installationVersion);
  if (!installation) return { action: 'ack' };
  const finish = (status: 'done' | 'failed', detail: string, alongside?: D1PreparedStatement[]) =>
    finishInteraction(env.DB, interaction.id, interaction.events_version, status, detail, now, alongside);
  const events = claimed.events.length > 0 ? claimed.events : [interaction.event];

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
  const { matched, disabledMatches, leftOut } = withinRecipientLimit(fired.matched, fired.disabledMatches);
  if (matched.length === 0 && disabledMatches.length === 0) {
    await finish('done', 'No rule matched');
    return { action: 'ack' };
  }

  const conn = await telnyxFor(env, installation);
  // A rerun (an end event joined, or a redelivery) starts from what is stored.
  const storedBefore = claimed.storedSends > 0 ? await listSendsForInteraction(env.DB, interaction.id) : [];
  // Erased (db/erasure.ts): what was sent is forgotten, so a rerun must not plan it again.
  const rows = storedBefore.some((s) => isErasedRecipient(s.recipient))
    ? []
    : await planSends(env, { installation, interaction, snapshot, matched, disabledMatches, zendesk, conn, nowMs, stored: storedBefore });
  // Round trip 2: the planned sends stored in one statement, opt-outs, the frequency cap and the
  // daily budget applied inside it, and the ones to send now claimed by that same insert
  // (db/sends.ts insertPlannedSends).
  const cap = installation.settings.frequencyCap;
  const budget = dailyBudgetGate(installation.settings, nowMs);
  const inserted = await insertPlannedSends(
    env.DB,
    { installationId: installation.id, interactionId: interaction.id, ticketId: interaction.ticket_id, nowIso: now },
    rows,
    cap
      ? {
          maxMessages: cap.maxMessages,
          sinceIso: new Date(nowMs - cap.periodHours * 3_600_000).toISOString(),
          detail: `At most ${cap.maxMessages} per ${cap.periodHours} h to one number`,
        }
      : null,
    budget,
  );
  // Sends beyond the daily budget were stored held until the next UTC day (enqueued below with
  // the other held sends); the first of the day tells the admins.
  if (inserted.some((s) => s.status === 'held' && s.reason === 'budget_exceeded')) await noteBudgetExceeded(env, installation, budget.day, now);
  // On a rerun, or when another run stored some of the same sends meanwhile, act on what is stored:
  // a reserved send left by a crash still goes out, claimed by exactly one attempt; a `sending`
  // one belongs to the run that claimed it.
  const rerun = storedBefore.length > 0 || inserted.length < rows.length;
  const current = rerun ? await listSendsForInteraction(env.DB, interaction.id) : inserted;
  const claimedNow = [
    ...inserted.filter((s) => s.status === 'sending'),
    ...(await Promise.all(current.filter((s) => s.status === 'reserved').map((s) => claimSendForJob(env.DB, installation.id, s.id, now, true)))).filter(
      (s): s is ClaimedSend => s !== null,
    ),
  ];
  const jobs: Array<{ body: Job; delaySeconds?: number }> = [];
  // Claimed sends go out from here, at once: a second queue hop would only add latency. What must
  // be retried becomes a send job; Telnyx's acceptances are written with the finish below.
  const acceptedWrites: D1PreparedStatement[] = [];
  const outcomes = await Promise.all(
    claimedNow.map(async (s) => ({ id: s.id, action: await deliverClaimed(env, installation, s, now, conn, acceptedWrites) })),
  );
  for (const { id, action } of outcomes) {
    if (action.action === 'retry') jobs.push({ body: { kind: 'send', sendId: id, installationId: installation.id }, delaySeconds: action.delaySeconds });
  }
  for (const s of current) {
    if (s.status === 'held' && s.scheduled_for) {
      const delay = Math.min(MAX_QUEUE_DELAY_S, Math.max(0, Math.ceil((Date.parse(s.scheduled_for) - nowMs) / 1000)));
      jobs.push({ body: { kind: 'send', sendId: s.id, installationId: installation.id }, delaySeconds: delay });
    }
  }
  // Cloudflare Queues takes at most 100 messages per sendBatch call
  // (https://developers.cloudflare.com/queues/platform/limits/).
  for (let i = 0; i < jobs.length; i += QUEUE_BATCH_MAX) await env.SEND_QUEUE.sendBatch(jobs.slice(i, i + QUEUE_BATCH_MAX));
  // Round trip 3: the sends' outcomes and the interaction's finish, one batch.
  await finish('done', `${matched.length} rule(s) matched${leftOut ? `; ${leftOut.detail}` : ''}`, acceptedWrites);

  if (installation.settings.internalNoteEnabled && (await claimNote(env.DB, interaction.id))) {
    await zendesk.addInternalNote(interaction.ticket_id, renderInternalNote(current)).catch((err: unknown) => {
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
  /** The sends stored for this interaction before this run (a rerun), oldest first. */
  stored: readonly SendRow[];
}

/**
 * What to store for each matched rule and recipient: send (reserved), hold, or skip with a
 * reason. Opt-outs and the frequency cap are applied where the rows are stored (db/sends.ts
 * insertPlannedSends), against the data of that moment, so planning reads nothing from D1.
 */
async function planSends(env: Env, p: PlanInput): Promise<NewSend[]> {
  const { installation, interaction, snapshot, nowMs, stored } = p;
  const settings = installation.settings;
  const now = new Date(nowMs).toISOString();
  const conn = p.conn;
  const summaries = createSummaryLoader(env, { zendesk: p.zendesk, ticketId: interaction.ticket_id, snapshot, settings });

  const planned: Array<{ rule: Rule; disabled: boolean; recipients: ReturnType<typeof resolveRecipients> }> = [
    ...p.matched.map((rule) => ({ rule, disabled: false, recipients: resolveRecipients(rule, snapshot, settings) })),
    ...p.disabledMatches.map((rule) => ({ rule, disabled: true, recipients: resolveRecipients(rule, snapshot, settings) })),
  ];

  const rows: NewSend[] = [];
  // Numbers already texted for this interaction stay "texted", and stored decisions are not planned again.
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
      // (Then opted out, then the frequency cap: applied where the rows are stored.)
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
      if (r.ok && status !== 'skipped') textedNow.add(r.e164);
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
        budget_cost_micros: estimatedCostMicros(settings, message.segments),
        created_at: now,
      });
    }
  }
  return rows;
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
