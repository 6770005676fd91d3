// The soak's verdict, from what the fakes recorded (the Telnyx fake's accepted messages) and what
// D1 holds (interactions, their end events, sends), against the plan (soak/plan.ts). Pure.
//
// Checks (each fails the run when its count is not 0):
//  - recorded:        every ended ticket has an interaction
//  - one_per_ending:  no ticket has two interactions (duplicates and swapped end events collapse)
//  - terminal:        every interaction is done or failed
//  - not_lost:        every interaction has a send row for each rule that matches it (a failed
//                     interaction without its sends counts here)
//  - sends_settled:   no send is still reserved / held / sending
//  - reasons:         every failed or skipped send has a reason
//  - no_duplicates:   at most one SMS per send row, and per ticket, rule and recipient
//  - true_records:    a send recorded as accepted has its SMS at Telnyx, and an SMS at Telnyx is
//                     not recorded as "not sent" (only outcome_unknown may hide one)
//  - right_recipient: each SMS went to its row's recipient, the number the ticket names
//  - outages_delay:   no send failed with retries_exhausted (every outage of the soak is far
//                     shorter than the 24 h that work must survive)
import type { PlannedTicket } from './plan.ts';

export interface RuleUnderTest {
  id: string;
  /** The end events it listens to. */
  events: string[];
  /** A marker in the rule's text that names it in an SMS, e.g. `[soak-customer]`. */
  marker: string;
  recipientKind: 'customer' | 'assigned_agent';
}

export interface InteractionRecord {
  id: string;
  ticket_id: string;
  status: string;
  detail: string | null;
  attempts: number;
}

export interface SendRecord {
  id: string;
  interaction_id: string;
  ticket_id: string;
  rule_id: string;
  recipient_kind: string;
  recipient: string;
  status: string;
  reason: string | null;
  detail: string | null;
  telnyx_message_id: string | null;
  attempts: number;
}

export interface OutboxRecord {
  id: string;
  to: string;
  text: string;
  /** The send id the worker put into webhook_url (`?send=`), or null. */
  sendId: string | null;
}

export interface SoakRecords {
  tickets: PlannedTicket[];
  rules: RuleUnderTest[];
  agentPhone: string;
  interactions: InteractionRecord[];
  sends: SendRecord[];
  messages: OutboxRecord[];
  /** Tickets none of whose webhooks the worker accepted (Zendesk gave up on every one). */
  undeliveredTickets: Set<number>;
  /** Per ticket, the end events none of whose webhooks the worker accepted. */
  refusedEvents: Map<number, Set<string>>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  count: number;
  /** Up to 5 examples, for a person to follow up. */
  examples: string[];
}

export interface Verdict {
  ok: boolean;
  checks: CheckResult[];
  interactions: number;
  interactionsRecorded: number;
  interactionsByStatus: Record<string, number>;
  failedInteractionDetails: Record<string, number>;
  sms: number;
  duplicates: number;
  lost: number;
  lostBy: Record<string, number>;
  unknown: number;
  unknownButSent: number;
  stuckInteractions: number;
  stuckSends: number;
  sendsByStatus: Record<string, number>;
  sendReasons: Record<string, number>;
}

const TERMINAL_INTERACTION = new Set(['done', 'failed']);
const UNSETTLED_SEND = new Set(['reserved', 'held', 'sending']);
const ACCEPTED_SEND = new Set(['queued', 'sent', 'delivered']);
/** Reasons that say "this SMS was not sent" for sure. */
const SURELY_NOT_SENT = new Set(['retries_exhausted', 'telnyx_rejected', 'no_valid_number', 'opted_out', 'frequency_cap', 'rule_disabled', 'sms_not_connected', 'duplicate_recipient', 'summary_unavailable', 'quiet_hours']);

const bump = (map: Record<string, number>, key: string, by = 1) => {
  map[key] = (map[key] ?? 0) + by;
};

function check(name: string, failures: string[]): CheckResult {
  return { name, ok: failures.length === 0, count: failures.length, examples: failures.slice(0, 5) };
}

export function judge(r: SoakRecords): Verdict {
  const interactionsByTicket = new Map<string, InteractionRecord[]>();
  for (const ix of r.interactions) {
    const list = interactionsByTicket.get(ix.ticket_id) ?? [];
    list.push(ix);
    interactionsByTicket.set(ix.ticket_id, list);
  }
  const sendsByInteraction = new Map<string, SendRecord[]>();
  for (const s of r.sends) {
    const list = sendsByInteraction.get(s.interaction_id) ?? [];
    list.push(s);
    sendsByInteraction.set(s.interaction_id, list);
  }
  const sendById = new Map(r.sends.map((s) => [s.id, s]));
  const ticketById = new Map(r.tickets.map((t) => [String(t.id), t]));

  // Interactions: recorded, one per ending, terminal.
  const notRecorded: string[] = [];
  const split: string[] = [];
  const notTerminal: string[] = [];
  const interactionsByStatus: Record<string, number> = {};
  const failedInteractionDetails: Record<string, number> = {};
  for (const t of r.tickets) {
    const list = interactionsByTicket.get(String(t.id)) ?? [];
    if (list.length === 0) {
      notRecorded.push(`ticket ${t.id} (${t.shape}): no interaction${r.undeliveredTickets.has(t.id) ? '; Zendesk gave up delivering its webhooks' : ''}`);
    }
    if (list.length > 1) split.push(`ticket ${t.id} (${t.shape}): ${list.length} interactions ${list.map((i) => i.id).join(', ')}`);
  }
  for (const ix of r.interactions) {
    bump(interactionsByStatus, ix.status);
    if (ix.status === 'failed') bump(failedInteractionDetails, (ix.detail ?? '(no detail)').replace(/\d+/g, 'N'));
    if (!TERMINAL_INTERACTION.has(ix.status)) notTerminal.push(`${ix.id} ticket ${ix.ticket_id}: ${ix.status} after ${ix.attempts} attempt(s)`);
  }

  // Lost: an ended ticket whose rules did not each get a send row.
  const lostFailures: string[] = [];
  const lostBy: Record<string, number> = {};
  for (const t of r.tickets) {
    const list = interactionsByTicket.get(String(t.id)) ?? [];
    const rows = list.flatMap((ix) => sendsByInteraction.get(ix.id) ?? []);
    const missing = r.rules.filter((rule) => !rows.some((s) => s.rule_id === rule.id));
    if (missing.length === 0) continue;
    const refused = r.refusedEvents.get(t.id) ?? new Set<string>();
    const why =
      list.length === 0
        ? r.undeliveredTickets.has(t.id)
          ? 'never_recorded_webhook_refused'
          : 'never_recorded'
        : missing.every((rule) => rule.events.every((e) => refused.has(e)))
          ? // The rule's end event never got in (the worker refused every copy of its webhook).
            'event_never_recorded_webhook_refused'
          : list.some((ix) => ix.status === 'failed')
          ? 'interaction_failed'
          : list.some((ix) => !TERMINAL_INTERACTION.has(ix.status))
            ? `interaction_stuck_${list.find((ix) => !TERMINAL_INTERACTION.has(ix.status))?.status}`
            : 'done_without_send';
    bump(lostBy, why);
    const detail = list.map((ix) => `${ix.status}${ix.detail ? ` "${ix.detail}"` : ''}`).join(', ');
    lostFailures.push(`ticket ${t.id} (${t.shape}): no send for ${missing.map((m) => m.marker).join(' ')}; ${why}${detail ? `: ${detail}` : ''}`);
  }

  // Sends: settled, with reasons.
  const unsettled: string[] = [];
  const noReason: string[] = [];
  const sendsByStatus: Record<string, number> = {};
  const sendReasons: Record<string, number> = {};
  for (const s of r.sends) {
    bump(sendsByStatus, s.status);
    if (s.reason) bump(sendReasons, `${s.status}/${s.reason}`);
    if (UNSETTLED_SEND.has(s.status)) unsettled.push(`${s.id} ticket ${s.ticket_id}: ${s.status} after ${s.attempts} attempt(s)${s.detail ? `: ${s.detail}` : ''}`);
    if ((s.status === 'failed' || s.status === 'skipped') && !s.reason) noReason.push(`${s.id} ticket ${s.ticket_id}: ${s.status} without a reason`);
  }

  // SMS at Telnyx: duplicates, records that do not match, recipients.
  const markerOf = (text: string) => r.rules.find((rule) => text.includes(rule.marker));
  const bySend = new Map<string, OutboxRecord[]>();
  const byTicketRuleTo = new Map<string, OutboxRecord[]>();
  const wrongRecipient: string[] = [];
  for (const m of r.messages) {
    if (m.sendId) bySend.set(m.sendId, [...(bySend.get(m.sendId) ?? []), m]);
    const ticket = /Soak ticket (\d+)/.exec(m.text)?.[1] ?? '?';
    const rule = markerOf(m.text);
    const key = `${ticket}|${rule?.marker ?? '?'}|${m.to}`;
    byTicketRuleTo.set(key, [...(byTicketRuleTo.get(key) ?? []), m]);
    const row = m.sendId ? sendById.get(m.sendId) : undefined;
    const planned = ticketById.get(ticket);
    const expectedTo = rule?.recipientKind === 'customer' ? planned?.customerPhone : r.agentPhone;
    if (!row) wrongRecipient.push(`message ${m.id}: no send row ${m.sendId ?? '(no send id)'}`);
    else if (row.recipient !== m.to) wrongRecipient.push(`message ${m.id}: to ${m.to}, its send ${row.id} names ${row.recipient}`);
    else if (!rule || m.to !== expectedTo) wrongRecipient.push(`message ${m.id} (ticket ${ticket}, ${rule?.marker ?? 'no rule marker'}): to ${m.to}, expected ${expectedTo}`);
    else if (row.ticket_id !== ticket) wrongRecipient.push(`message ${m.id}: text names ticket ${ticket}, its send ${row.id} ticket ${row.ticket_id}`);
  }
  const duplicateFailures: string[] = [];
  let duplicates = 0;
  for (const [sendId, list] of bySend) {
    if (list.length > 1) {
      duplicates += list.length - 1;
      duplicateFailures.push(`send ${sendId}: ${list.length} SMS (${list.map((m) => m.id).join(', ')})`);
    }
  }
  for (const [key, list] of byTicketRuleTo) {
    const sendIds = new Set(list.map((m) => m.sendId));
    // Several SMS for one ticket, rule and recipient from different send rows: also a duplicate.
    if (list.length > 1 && sendIds.size > 1) {
      duplicates += sendIds.size - 1;
      duplicateFailures.push(`ticket|rule|to ${key}: ${list.length} SMS from sends ${[...sendIds].join(', ')}`);
    }
  }

  const untrue: string[] = [];
  let unknown = 0;
  let unknownButSent = 0;
  for (const s of r.sends) {
    const sent = (bySend.get(s.id) ?? []).length > 0;
    if (s.reason === 'outcome_unknown') {
      unknown += 1;
      if (sent) unknownButSent += 1;
      continue;
    }
    if (ACCEPTED_SEND.has(s.status) && !sent) untrue.push(`${s.id} ticket ${s.ticket_id}: recorded ${s.status}, Telnyx has no SMS for it`);
    if (sent && s.reason && SURELY_NOT_SENT.has(s.reason)) untrue.push(`${s.id} ticket ${s.ticket_id}: recorded ${s.status}/${s.reason}, but Telnyx accepted its SMS`);
  }

  const outageFailures = r.sends
    .filter((s) => s.reason === 'retries_exhausted')
    .map((s) => `${s.id} ticket ${s.ticket_id}: retries_exhausted${s.detail ? ` (${s.detail})` : ''}`);

  const checks = [
    check('recorded', notRecorded),
    check('one_per_ending', split),
    check('terminal', notTerminal),
    check('not_lost', lostFailures),
    check('sends_settled', unsettled),
    check('reasons', noReason),
    check('no_duplicates', duplicateFailures),
    check('true_records', untrue),
    check('right_recipient', wrongRecipient),
    check('outages_delay', outageFailures),
  ];
  return {
    ok: checks.every((c) => c.ok),
    checks,
    interactions: r.tickets.length,
    interactionsRecorded: r.interactions.length,
    interactionsByStatus,
    failedInteractionDetails,
    sms: r.messages.length,
    duplicates,
    lost: lostFailures.length,
    lostBy,
    unknown,
    unknownButSent,
    stuckInteractions: notTerminal.length,
    stuckSends: unsettled.length,
    sendsByStatus,
    sendReasons,
  };
}
