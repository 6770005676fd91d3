// A solved ticket becomes exactly the expected SMS at the Telnyx fake, for a matrix of rules:
// groups, field operators, order and stop, each recipient kind, data lines.
import { describe, expect, it } from 'vitest';
import {
  admin,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  outbox,
  settled,
  signedWebhook,
  deliverWebhook,
  solve,
  zendeskApiCalls,
  zd,
} from './delivery-helpers.ts';
import { demoAccount } from '../../test/fakes/zendesk-data.ts';

const T = DEMO.tickets;
const P = DEMO.phones;

describe('solved ticket -> SMS', () => {
  it('texts the customer at the phoneNumber field, from the rule number, with the exact text', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    const res = await solve(t, T.damagedOrder);
    expect(res.status).toBe(202);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends).toHaveLength(1);
    expect(done.sends[0]).toMatchObject({ recipientKind: 'customer', status: 'queued', recipientMasked: '+1 *** *** 0201' });
    const sms = await outbox(t);
    expect(sms.map((m) => [m.from.phone_number, m.to[0]?.phone_number, m.text])).toEqual([
      [t.sender, P.customer, 'Thanks for contacting Acme. Reply STOP to opt out.'],
    ]);
  });

  it('renders data lines with Zendesk titles, rule labels and dropdown option titles', async () => {
    const t = await createDeliveryTenant();
    await createRules(
      t,
      deliveryRule(t, {
        content: {
          customText: 'Your ticket is solved.',
          dataFields: [{ field: 'subject' }, { field: String(DEMO.fields.orderType), label: 'Order' }, { field: 'id', label: 'Ticket' }, { field: String(DEMO.fields.products) }],
        },
      }),
    );
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    expect((await outbox(t))[0]?.text).toBe(
      'Your ticket is solved.\n\nSubject: Order #A-1042 arrived damaged\nOrder: Online\nTicket: 5001\nProducts: Shade',
    );
  });

  it('only fires rules for the ticket group; an empty group list means every group', async () => {
    const t = await createDeliveryTenant();
    await createRules(
      t,
      deliveryRule(t, { label: 'Billing only', conditions: { groupIds: [String(DEMO.groups.billing)] }, content: { customText: 'billing' } }),
      deliveryRule(t, { label: 'Any group', conditions: { groupIds: [] }, content: { customText: 'any' } }),
    );
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends.map((s) => s.ruleLabel)).toEqual(['Any group']);
    expect((await outbox(t)).map((m) => m.text)).toEqual(['any']);
  });

  it('applies field conditions with each operator', async () => {
    const t = await createDeliveryTenant();
    const ruleWith = (label: string, fieldConditions: unknown[]) =>
      deliveryRule(t, { label, recipients: { otherNumbers: ['+14155550100'] }, content: { customText: label }, conditions: { groupIds: [], fieldConditions } });
    const order = String(DEMO.fields.orderType);
    await createRules(
      t,
      ruleWith('equals title', [{ field: order, operator: 'equals', value: 'online' }]),
      ruleWith('equals tag', [{ field: order, operator: 'equals', value: 'order_online' }]),
      ruleWith('not equals (no)', [{ field: order, operator: 'not_equals', value: 'Online' }]),
      ruleWith('contains', [{ field: 'subject', operator: 'contains', value: 'DAMAGED' }]),
      ruleWith('is set', [{ field: String(DEMO.fields.phoneNumber), operator: 'is_set' }]),
      ruleWith('is empty (no)', [{ field: 'subject', operator: 'is_empty' }]),
      ruleWith('one of', [{ field: 'priority', operator: 'one_of', values: ['urgent', 'normal'] }]),
      ruleWith('tags contain', [{ field: 'tags', operator: 'equals', value: 'damaged' }]),
      ruleWith('all must hold (no)', [
        { field: 'priority', operator: 'equals', value: 'normal' },
        { field: 'type', operator: 'equals', value: 'question' },
      ]),
    );
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    // One number across rules: the first matching rule texts it, the others are recorded as duplicates.
    expect(done.sends.map((s) => [s.ruleLabel, s.status, s.reason])).toEqual([
      ['equals title', 'queued', null],
      ['equals tag', 'skipped', 'duplicate_recipient'],
      ['contains', 'skipped', 'duplicate_recipient'],
      ['is set', 'skipped', 'duplicate_recipient'],
      ['one of', 'skipped', 'duplicate_recipient'],
      ['tags contain', 'skipped', 'duplicate_recipient'],
    ]);
    expect(await outbox(t)).toHaveLength(1);
  });

  it('honours rule order and "stop processing"', async () => {
    const t = await createDeliveryTenant();
    const [first, second, third] = await createRules(
      t,
      deliveryRule(t, { label: 'first', recipients: { otherNumbers: ['+14155550101'] }, content: { customText: 'one' } }),
      deliveryRule(t, { label: 'second (stops)', stopProcessing: true, recipients: { otherNumbers: ['+14155550102'] }, content: { customText: 'two' } }),
      deliveryRule(t, { label: 'third', recipients: { otherNumbers: ['+14155550103'] }, content: { customText: 'three' } }),
    );
    // Move "third" to the top: it fires, then first, then second stops.
    await (await admin(t))('PUT', '/v1/rules/order', { ruleIds: [third?.id, first?.id, second?.id] });
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends.map((s) => s.ruleLabel)).toEqual(['third', 'first', 'second (stops)']);

    const t2 = await createDeliveryTenant();
    await createRules(
      t2,
      deliveryRule(t2, { label: 'stops', stopProcessing: true, recipients: { otherNumbers: ['+14155550101'] }, content: { customText: 'a' } }),
      deliveryRule(t2, { label: 'never', recipients: { otherNumbers: ['+14155550102'] }, content: { customText: 'b' } }),
    );
    await solve(t2, T.damagedOrder);
    expect((await settled(t2, T.damagedOrder)).sends.map((s) => s.ruleLabel)).toEqual(['stops']);
    expect((await outbox(t2)).map((m) => m.text)).toEqual(['a']);
  });

  it('texts each recipient kind: assigned agent, customer, other numbers', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { recipients: { assignedAgent: true, customer: true, otherNumbers: ['(415) 555-0199'] }, content: { customText: 'done' } }));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends.map((s) => [s.recipientKind, s.status])).toEqual([
      ['assigned_agent', 'queued'],
      ['customer', 'queued'],
      ['other', 'queued'],
    ]);
    expect((await outbox(t)).map((m) => m.to[0]?.phone_number).sort()).toEqual([P.agent, P.customer, '+14155550199'].sort());
  });

  it("falls back to the requester's phone only when the installation allows it", async () => {
    const withFallback = await createDeliveryTenant({ settings: { allowedCountries: ['US', 'DE'] } });
    await createRules(withFallback, deliveryRule(withFallback, { conditions: { groupIds: [] } }));
    await solve(withFallback, T.vipChat); // no phoneNumber field value, requester has a German phone
    expect((await settled(withFallback, T.vipChat)).sends[0]).toMatchObject({ status: 'queued', recipientMasked: '+49 *** *** 5678' });

    const noFallback = await createDeliveryTenant({ settings: { customerFallbackToRequesterPhone: false } });
    await createRules(noFallback, deliveryRule(noFallback, { conditions: { groupIds: [] } }));
    await solve(noFallback, T.vipChat);
    const done = await settled(noFallback, T.vipChat);
    expect(done.sends[0]).toMatchObject({ status: 'skipped', reason: 'no_valid_number', recipientMasked: null });
    expect(done.sends[0]?.detail).toContain('phoneNumber field is empty');
    expect(await outbox(noFallback)).toHaveLength(0);
  });

  it('records a skip, never silence, when there is no phone anywhere', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { recipients: { assignedAgent: true, customer: true }, conditions: { groupIds: [] } }));
    await solve(t, T.noPhone);
    const done = await settled(t, T.noPhone);
    expect(done.sends.map((s) => [s.recipientKind, s.status, s.reason])).toEqual([
      ['assigned_agent', 'skipped', 'no_valid_number'],
      ['customer', 'skipped', 'no_valid_number'],
    ]);
    expect(done.sends[0]?.detail).toBe('assigned agent has no phone in Zendesk');
  });

  it('records an invalid phoneNumber value as a skip with the reason', async () => {
    const t = await createDeliveryTenant({ settings: { customerFallbackToRequesterPhone: false } });
    const seed = demoAccount();
    const ticket = seed.tickets.find((x) => x.id === T.damagedOrder);
    const field = ticket?.custom_fields.find((f) => f.id === DEMO.fields.phoneNumber);
    if (!field) throw new Error('demo ticket without phoneNumber field');
    field.value = '12 34';
    await zd.seedAccount(t.subdomain, seed);
    await createRules(t, deliveryRule(t));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends[0]).toMatchObject({ status: 'skipped', reason: 'no_valid_number', recipientMasked: null });
    expect(done.sends[0]?.detail).toMatch(/^phoneNumber field: /);
    expect(await outbox(t)).toHaveLength(0);
  });

  it('records disabled rules that would have fired as skipped', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { enabled: false }));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends.map((s) => [s.status, s.reason])).toEqual([['skipped', 'rule_disabled']]);
    expect(await outbox(t)).toHaveLength(0);
  });

  it('fires conversation_ended rules on the chat-ended trigger and not on solve', async () => {
    // The chat's requester has a German phone.
    const t = await createDeliveryTenant({ settings: { allowedCountries: ['US', 'DE'] } });
    await createRules(
      t,
      deliveryRule(t, { label: 'chat', conditions: { groupIds: [], events: ['conversation_ended'] }, content: { customText: 'Thanks for chatting' } }),
    );
    await solve(t, T.vipChat);
    expect((await settled(t, T.vipChat)).sends).toHaveLength(0);
    const res = await deliverWebhook(t, await signedWebhook(t, { ticket_id: String(T.vipChat), event: 'conversation_ended' }));
    expect(res.status).toBe(202);
    const done = await settled(t, T.vipChat);
    expect(done.sends.map((s) => s.ruleLabel)).toEqual(['chat']);
    expect((await outbox(t)).map((m) => m.text)).toEqual(['Thanks for chatting']);
  });

  it('uses at most 2 Zendesk API calls per interaction without a summary', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    const before = (await zendeskApiCalls(t)).length;
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    const calls = (await zendeskApiCalls(t)).slice(before);
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls.map((c) => c.path)).toContain(`/${t.subdomain}/api/v2/tickets/${T.damagedOrder}.json`);
  });

  it('adds an internal note with masked numbers when the installation wants one', async () => {
    const t = await createDeliveryTenant({ settings: { internalNoteEnabled: true } });
    await createRules(t, deliveryRule(t));
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    const account = await zd.account(t.subdomain);
    const comments = account.comments[String(T.damagedOrder)] ?? [];
    const note = comments.at(-1);
    expect(note?.public).toBe(false);
    expect(note?.body).toContain('Thank the customer: customer +1 *** *** 0201: sending');
    expect(note?.body).not.toContain(P.customer);
  });
});
