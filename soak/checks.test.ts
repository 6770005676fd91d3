// The soak's verdict (soak/checks.ts) on small hand-made records: a clean run passes, and each
// kind of damage the soak exists to find is counted under its own check.
import { describe, expect, it } from 'vitest';
import { judge } from './checks.ts';
import type { InteractionRecord, OutboxRecord, SendRecord, SoakRecords } from './checks.ts';
import { customerPhoneFor, FIRST_TICKET, planTickets, sizesFor } from './plan.ts';

const AGENT = '+14155550103';
const RULES = [
  { id: 'rule_c', events: ['ticket_solved', 'conversation_ended'], marker: '[soak-customer]', recipientKind: 'customer' as const },
  { id: 'rule_a', events: ['ticket_solved'], marker: '[soak-agent]', recipientKind: 'assigned_agent' as const },
];

/** A clean outcome for `n` tickets: each done, two sends delivered, one SMS each. */
function cleanRecords(n: number): SoakRecords {
  const tickets = planTickets(5, { ...sizesFor('quick'), interactions: n }, '2026-12-01T10:00:00Z');
  const interactions: InteractionRecord[] = [];
  const sends: SendRecord[] = [];
  const messages: OutboxRecord[] = [];
  for (const t of tickets) {
    const ix = `ix_${t.id}`;
    interactions.push({ id: ix, ticket_id: String(t.id), status: 'done', detail: '2 rule(s) matched', attempts: 1 });
    for (const rule of RULES) {
      const to = rule.recipientKind === 'customer' ? t.customerPhone : AGENT;
      const id = `snd_${t.id}_${rule.id}`;
      sends.push({ id, interaction_id: ix, ticket_id: String(t.id), rule_id: rule.id, recipient_kind: rule.recipientKind, recipient: to, status: 'delivered', reason: null, detail: null, telnyx_message_id: `msg_${id}`, attempts: 1 });
      messages.push({ id: `msg_${id}`, to, text: `${rule.marker} Ticket: Soak ticket ${t.id}`, sendId: id });
    }
  }
  return { tickets, rules: RULES, agentPhone: AGENT, interactions, sends, messages, undeliveredTickets: new Set(), refusedEvents: new Map() };
}

const failing = (r: SoakRecords) =>
  Object.fromEntries(
    judge(r)
      .checks.filter((c) => !c.ok)
      .map((c) => [c.name, c.count]),
  );

describe('soak verdict', () => {
  it('passes a clean run and counts its SMS', () => {
    const v = judge(cleanRecords(4));
    expect(v.ok).toBe(true);
    expect(v).toMatchObject({ interactions: 4, sms: 8, duplicates: 0, lost: 0, unknown: 0 });
  });

  it('plans a unique customer number per ticket, from the seed', () => {
    const a = planTickets(9, sizesFor('quick'), '2026-12-01T10:00:00Z');
    expect(new Set(a.map((t) => t.customerPhone)).size).toBe(a.length);
    expect(a[0]?.customerPhone).toBe(customerPhoneFor(0));
    expect(a[0]?.id).toBe(FIRST_TICKET);
    expect(planTickets(9, sizesFor('quick'), '2026-12-01T10:00:00Z')).toEqual(a);
    expect(new Set(a.map((t) => t.shape))).toEqual(new Set(['solve', 'redelivered', 'both-sources', 'swapped-end']));
  });

  it('a second SMS for one send, or for one ticket, rule and recipient, is a duplicate', () => {
    const r = cleanRecords(3);
    const first = r.messages[0] as OutboxRecord;
    r.messages.push({ ...first, id: 'msg_again' });
    const other = r.messages[2] as OutboxRecord;
    r.messages.push({ ...other, id: 'msg_other_row', sendId: 'snd_ghost' });
    r.sends.push({ ...(r.sends[2] as SendRecord), id: 'snd_ghost', rule_id: 'rule_c_copy' });
    const v = judge(r);
    expect(v.duplicates).toBe(2);
    expect(failing(r)).toMatchObject({ no_duplicates: 2 });
  });

  it('a failed interaction without its sends is lost; a missing interaction is lost and unrecorded', () => {
    const r = cleanRecords(3);
    const [a, b] = r.tickets;
    r.interactions = r.interactions.map((ix) => (ix.ticket_id === String(a?.id) ? { ...ix, status: 'failed', detail: 'Zendesk answered 503 (gave up after retries)' } : ix));
    r.interactions = r.interactions.filter((ix) => ix.ticket_id !== String(b?.id));
    const gone = new Set([`ix_${a?.id}`, `ix_${b?.id}`]);
    r.sends = r.sends.filter((s) => !gone.has(s.interaction_id));
    r.messages = r.messages.filter((m) => r.sends.some((s) => s.id === m.sendId));
    r.undeliveredTickets.add(b?.id as number);
    const v = judge(r);
    expect(v.lost).toBe(2);
    expect(v.lostBy).toEqual({ interaction_failed: 1, never_recorded_webhook_refused: 1 });
    expect(failing(r)).toEqual({ recorded: 1, not_lost: 2 });
  });

  it('stuck interactions and sends, and a failed send without a reason, fail their checks', () => {
    const r = cleanRecords(2);
    (r.interactions[0] as InteractionRecord).status = 'processing';
    (r.sends[0] as SendRecord).status = 'sending';
    r.messages = r.messages.filter((m) => m.sendId !== r.sends[0]?.id);
    Object.assign(r.sends[1] as SendRecord, { status: 'failed', reason: null });
    r.messages = r.messages.filter((m) => m.sendId !== r.sends[1]?.id);
    expect(failing(r)).toEqual({ terminal: 1, sends_settled: 1, reasons: 1 });
  });

  it('outcome_unknown is reported, not failed; "not sent" with an SMS at Telnyx is untrue; retries_exhausted fails outages_delay', () => {
    const r = cleanRecords(3);
    Object.assign(r.sends[0] as SendRecord, { status: 'failed', reason: 'outcome_unknown' });
    Object.assign(r.sends[1] as SendRecord, { status: 'failed', reason: 'retries_exhausted' });
    const v = judge(r);
    expect(v.unknown).toBe(1);
    expect(v.unknownButSent).toBe(1);
    expect(failing(r)).toEqual({ true_records: 1, outages_delay: 1 });
  });

  it('an SMS to another number than the ticket names is caught', () => {
    const r = cleanRecords(2);
    const m = r.messages[0] as OutboxRecord;
    m.to = '+14155550999';
    (r.sends[0] as SendRecord).recipient = '+14155550999';
    expect(failing(r)).toEqual({ right_recipient: 1 });
  });

  it('a rule without a send because its end event was refused at ingest is lost, and says so', () => {
    const r = cleanRecords(2);
    const t = r.tickets[0];
    // Only the chat end got in: the solve's webhook was refused, so the agent rule never fired.
    r.sends = r.sends.filter((s) => !(s.ticket_id === String(t?.id) && s.rule_id === 'rule_a'));
    r.messages = r.messages.filter((m) => r.sends.some((s) => s.id === m.sendId));
    r.refusedEvents.set(t?.id as number, new Set(['ticket_solved']));
    const v = judge(r);
    expect(v.lostBy).toEqual({ event_never_recorded_webhook_refused: 1 });
    expect(failing(r)).toEqual({ not_lost: 1 });
  });

  it('two interactions for one ending fail one_per_ending', () => {
    const r = cleanRecords(2);
    r.interactions.push({ id: 'ix_extra', ticket_id: String(r.tickets[0]?.id), status: 'done', detail: null, attempts: 1 });
    expect(failing(r)).toEqual({ one_per_ending: 1 });
  });
});
