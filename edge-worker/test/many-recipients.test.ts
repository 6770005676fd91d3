// Limits the database imposes (issue 11): D1 binds at most 100 parameters per statement, so the
// opt-out and frequency-cap look-ups take their number lists as one JSON parameter. An interaction
// texting 250 recipients over 13 rules (fixed numbers) sends or skips every one with its reason,
// and the installation's caps (rules, recipients over all rules) answer 422 naming the field.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { RECIPIENTS_PER_INSTALLATION_MAX, RULES_PER_INSTALLATION_MAX, OTHER_NUMBERS_MAX } from '../../shared/schemas/rule.ts';
import {
  admin,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  outbox,
  settled,
  solve,
  tx,
  type DeliveryTenant,
} from './delivery-helpers.ts';
import { as, createTenant, ruleInput } from './helpers.ts';

const T = DEMO.tickets;

/** 240 distinct US numbers; tests run with their own tenant, so numbers may repeat across files. */
const NUMBERS = Array.from({ length: 240 }, (_, i) => `+1415600${String(i).padStart(4, '0')}`);

/** 12 rules of 20 fixed numbers, and a 13th listing the first rule's first 10 again: 250 recipients. */
function fanOutRules(t: DeliveryTenant) {
  const rules = Array.from({ length: 12 }, (_, r) =>
    deliveryRule(t, {
      label: `Fan-out ${r + 1}`,
      recipients: { otherNumbers: NUMBERS.slice(r * 20, r * 20 + 20) },
      content: { customText: `Rule ${r + 1}` },
      conditions: { groupIds: [] },
    }),
  );
  rules.push(
    deliveryRule(t, {
      label: 'Fan-out again',
      recipients: { otherNumbers: NUMBERS.slice(0, 10) },
      content: { customText: 'Again' },
      conditions: { groupIds: [] },
    }),
  );
  return rules;
}

async function optOut(t: DeliveryTenant, number: string): Promise<void> {
  const stop = await tx.inbound({ from: number, to: t.sender, text: 'STOP' });
  const res = await SELF.fetch(`https://worker.test/v1/webhooks/telnyx/${t.installationId}`, {
    method: 'POST',
    headers: stop.callback.headers,
    body: stop.callback.body,
  });
  expect(res.status).toBe(200);
}

function tally(sends: Array<{ status: string; reason: string | null }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sends) {
    const key = s.reason ? `${s.status}:${s.reason}` : s.status;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describe('an interaction with 250 recipients', () => {
  it('sends or skips every one with its reason, and the frequency cap sees all of them next time', async () => {
    const t = await createDeliveryTenant({ settings: { frequencyCap: { maxMessages: 1, periodHours: 24 } } });
    await createRules(t, ...fanOutRules(t));
    const optedOut = NUMBERS.slice(20, 30);
    for (const n of optedOut) await optOut(t, n);

    await solve(t, T.damagedOrder);
    const first = await settled(t, T.damagedOrder);
    expect(first.sends).toHaveLength(250);
    expect(tally(first.sends)).toEqual({ queued: 230, 'skipped:opted_out': 10, 'skipped:duplicate_recipient': 10 });
    const sms = await outbox(t);
    expect(sms).toHaveLength(230);
    const texted = sms.map((m) => m.to[0]?.phone_number);
    expect(new Set(texted).size).toBe(230);
    expect(texted.filter((n) => optedOut.includes(n ?? ''))).toEqual([]);

    // Another ticket, the same 250 recipients: the frequency cap counts the 230 sends just made
    // (the 13th rule's numbers, skipped by the cap under rule 1, are capped again, not duplicates).
    await solve(t, T.doubleCharge);
    const second = await settled(t, T.doubleCharge);
    expect(second.sends).toHaveLength(250);
    expect(tally(second.sends)).toEqual({ 'skipped:frequency_cap': 240, 'skipped:opted_out': 10 });
    expect(await outbox(t)).toHaveLength(230);
  });

  it('holds 240 sends for quiet hours without overflowing the queue (at most 100 messages per sendBatch)', async () => {
    // A quiet window from an hour ago to two hours ahead (UTC): every send is held.
    const hhmm = (offsetH: number) => new Date(Date.now() + offsetH * 3600_000).toISOString().slice(11, 16);
    const t = await createDeliveryTenant({ settings: { quietHours: { start: hhmm(-1), end: hhmm(2), timeZone: 'UTC' } } });
    await createRules(t, ...fanOutRules(t).slice(0, 12));
    await solve(t, T.damagedOrder);
    const held = await settled(t, T.damagedOrder);
    expect(held.sends).toHaveLength(240);
    expect(tally(held.sends)).toEqual({ 'held:quiet_hours': 240 });
    expect(await outbox(t)).toHaveLength(0);
  });
});

describe('caps', () => {
  it(`allows ${RECIPIENTS_PER_INSTALLATION_MAX} recipients over all rules, not one more (create, replace, duplicate)`, async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    const rules = await createRules(t, ...fanOutRules(t));
    const oneMore = await api(
      'POST',
      '/v1/rules',
      deliveryRule(t, { label: 'One more', recipients: { otherNumbers: ['+14155559999'] }, conditions: { groupIds: [] } }),
    );
    expect(oneMore.status).toBe(422);
    expect(oneMore.body.error.fields).toEqual([
      { field: 'recipients.otherNumbers', reason: expect.stringContaining(`At most ${RECIPIENTS_PER_INSTALLATION_MAX} recipients`) },
    ]);
    const customer = await api('POST', '/v1/rules', deliveryRule(t, { label: 'Customer', recipients: { customer: true } }));
    expect(customer.status).toBe(422);
    expect(customer.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['recipients']);
    const copy = await api('POST', `/v1/rules/${rules[0]?.id}/duplicate`);
    expect(copy.status).toBe(422);
    expect(copy.body.error.fields[0].field).toBe('recipients.otherNumbers');

    // Replacing a rule counts its new recipients instead of its old ones.
    const last = rules[12];
    if (!last) throw new Error('13 rules expected');
    const swap = await api(
      'PUT',
      `/v1/rules/${last.id}`,
      deliveryRule(t, { label: 'Swap', recipients: { otherNumbers: NUMBERS.slice(230, 240) }, conditions: { groupIds: [] } }),
    );
    expect(swap.status).toBe(200);
    const grow = await api('PATCH', `/v1/rules/${last.id}`, { recipients: { otherNumbers: [...NUMBERS.slice(230, 240), '+14155559999'] } });
    expect(grow.status).toBe(422);
    expect(grow.body.error.fields[0].field).toBe('recipients.otherNumbers');
    // Room again after a delete.
    expect((await api('DELETE', `/v1/rules/${last.id}`)).status).toBe(204);
    expect((await api('POST', '/v1/rules', deliveryRule(t, { label: 'Now fits', recipients: { customer: true } }))).status).toBe(201);
  });

  it(`allows ${OTHER_NUMBERS_MAX} fixed numbers per rule`, async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    const res = await api('POST', '/v1/rules', deliveryRule(t, { recipients: { otherNumbers: NUMBERS.slice(0, OTHER_NUMBERS_MAX + 1) } }));
    expect(res.status).toBe(422);
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['recipients.otherNumbers']);
  });

  it(`allows ${RULES_PER_INSTALLATION_MAX} rules per installation`, async () => {
    const t = await createTenant();
    const api = await as(t, 'admin');
    for (let i = 0; i < RULES_PER_INSTALLATION_MAX; i++) {
      const res = await api('POST', '/v1/rules', ruleInput({ label: `Rule ${i + 1}` }));
      expect(res.status, `rule ${i + 1}`).toBe(201);
    }
    const extra = await api('POST', '/v1/rules', ruleInput({ label: 'One too many' }));
    expect(extra.status).toBe(422);
    expect(extra.body.error.fields).toEqual([
      { field: 'rules', reason: `At most ${RULES_PER_INSTALLATION_MAX} rules per installation: delete a rule first` },
    ]);
    const list = await api('GET', '/v1/rules');
    expect(list.body.rules).toHaveLength(RULES_PER_INSTALLATION_MAX);
    const copy = await api('POST', `/v1/rules/${list.body.rules[0].id}/duplicate`);
    expect(copy.status).toBe(422);
    expect(copy.body.error.fields[0].field).toBe('rules');
  }, 120_000);
});
