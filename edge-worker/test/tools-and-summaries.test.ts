// The rule editor's preview and test send, the one-click Zendesk setup, and summaries in sent
// messages (enabled per installation; extractive without a Workers AI binding).
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  admin,
  asUser,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  outbox,
  settled,
  solve,
  zd,
} from './delivery-helpers.ts';
import { demoAccount } from '../../test/fakes/zendesk-data.ts';

const T = DEMO.tickets;

describe('preview', () => {
  it('shows the exact message and masked recipients for a real ticket', async () => {
    const t = await createDeliveryTenant();
    const res = await (await admin(t))('POST', '/v1/preview', {
      ticketId: String(T.damagedOrder),
      rule: deliveryRule(t, { recipients: { customer: true, assignedAgent: true }, content: { customText: 'Hi', dataFields: [{ field: 'subject' }] } }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      matched: true,
      reason: null,
      text: 'Hi\n\nSubject: Order #A-1042 arrived damaged',
      segments: { encoding: 'GSM-7', segments: 1 },
      recipients: [
        { kind: 'assigned_agent', masked: '+1 *** *** 0103', skipReason: null },
        { kind: 'customer', masked: '+1 *** *** 0201', skipReason: null },
      ],
    });
  });

  it('says why a rule would not fire and validates the ticket id', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    const other = await api('POST', '/v1/preview', { ticketId: String(T.damagedOrder), rule: deliveryRule(t, { conditions: { groupIds: [String(DEMO.groups.billing)] } }) });
    expect(other.body).toMatchObject({ matched: false, reason: 'group_not_selected' });
    const missing = await api('POST', '/v1/preview', { ticketId: '424242', rule: deliveryRule(t) });
    expect(missing.status).toBe(422);
    expect(missing.body.error.fields).toEqual([{ field: 'ticketId', reason: 'No such ticket in Zendesk' }]);
    const bad = await api('POST', '/v1/preview', { ticketId: 'x', rule: { label: '' } });
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['ticketId', 'rule.label']));
  });
});

describe('test send', () => {
  it("sends the composed message to the caller's own phone now and audits it", async () => {
    const t = await createDeliveryTenant();
    // The admin's phone in their Zendesk profile (test SMS limits: spend-limits.test.ts).
    const res = await (await admin(t))('POST', '/v1/test-send', { rule: deliveryRule(t), to: '(415) 555-0101' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'queued', recipientMasked: '+1 *** *** 0101', body: 'Thanks for contacting Acme. Reply STOP to opt out.' });
    expect((await outbox(t)).map((m) => [m.from.phone_number, m.to[0]?.phone_number])).toEqual([[t.sender, DEMO.phones.admin]]);
    const audit = await (await admin(t))('GET', '/v1/audit');
    expect(audit.body.entries[0]).toMatchObject({ action: 'test_send', changes: { to: { to: '+1 *** *** 0101' } } });
  });

  it('is for admins and supervisors only, and validates the number', async () => {
    const t = await createDeliveryTenant();
    const agent = await asUser(t, DEMO.users.agent);
    expect((await agent('POST', '/v1/test-send', { rule: deliveryRule(t), to: '+14155550177' })).status).toBe(403);
    const bad = await (await admin(t))('POST', '/v1/test-send', { rule: deliveryRule(t), to: 'call me' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields[0].field).toBe('to');
    expect(await outbox(t)).toHaveLength(0);
  });
});

describe('one-click Zendesk setup', () => {
  it('creates the webhook and both triggers, stores the signing secret, and the triggers then work', async () => {
    const t = await createDeliveryTenant();
    const res = await (await admin(t))('POST', '/v1/setup/zendesk', {});
    expect(res.status).toBe(201);
    expect(res.body.triggerIds).toHaveLength(2);
    const account = await zd.account(t.subdomain);
    expect(account.webhooks[0]).toMatchObject({ endpoint: `https://worker.test/v1/webhooks/zendesk/${t.installationId}`, http_method: 'POST' });
    expect(account.triggers.map((tr) => tr.title)).toEqual([
      'Post-interaction SMS: ticket solved',
      'Post-interaction SMS: chat or messaging conversation ended',
    ]);
    // The new secret is the one the worker now verifies with: a solve signed by Zendesk's
    // webhook (the fake fills in the trigger body) goes through.
    await createRules(t, deliveryRule(t));
    const req = await zd.solveTicket(t.subdomain, T.damagedOrder, { webhookId: res.body.webhookId });
    const delivered = await SELF.fetch(`https://worker.test/v1/webhooks/zendesk/${t.installationId}`, { method: 'POST', headers: req.headers, body: req.body });
    expect(delivered.status).toBe(202);
    expect((await settled(t, T.damagedOrder)).sends[0]?.status).toBe('queued');
  });

  it('is for admins only', async () => {
    const t = await createDeliveryTenant();
    expect((await (await asUser(t, DEMO.users.supervisor))('POST', '/v1/setup/zendesk', {})).status).toBe(403);
  });
});

describe('summaries in messages', () => {
  it('adds a short extractive summary of the public conversation when enabled', async () => {
    const t = await createDeliveryTenant({ settings: { summariesEnabled: true, maxParts: 2 } });
    await createRules(t, deliveryRule(t, { content: { customText: 'Ticket solved.', includeSummary: true } }));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    const sms = (await outbox(t))[0];
    expect(sms?.text.startsWith('Ticket solved.\n\n')).toBe(true);
    expect(sms?.text.length).toBeGreaterThan('Ticket solved.\n\n'.length + 20);
    expect(sms?.parts).toBeLessThanOrEqual(2);
    expect(done.sends[0]?.detail).toBeNull();
    expect(done.sends[0]).toMatchObject({ summarySource: 'extractive' });
  });

  it('sends without the summary, and says so, after summaries are turned off', async () => {
    const t = await createDeliveryTenant({ settings: { summariesEnabled: true } });
    await createRules(t, deliveryRule(t, { content: { customText: 'Ticket solved.', includeSummary: true } }));
    await (await admin(t))('PATCH', '/v1/settings', { summariesEnabled: false });
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect((await outbox(t))[0]?.text).toBe('Ticket solved.');
    expect(done.sends[0]?.detail).toBe('Summary left out: interaction summaries are turned off');
  });

  it('uses at most 3 Zendesk API calls with a summary', async () => {
    const t = await createDeliveryTenant({ settings: { summariesEnabled: true } });
    await createRules(t, deliveryRule(t, { content: { customText: 'x', includeSummary: true } }));
    const before = (await zd.requests({ subdomain: t.subdomain })).last;
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    const calls = (await zd.requests({ subdomain: t.subdomain, since: before })).requests.filter((r) => r.path.includes('/api/v2/'));
    expect(calls.length).toBeLessThanOrEqual(3);
  });
});

describe('when no summary can be made', () => {
  it('skips the send with the reason when the rule says so', async () => {
    const t = await createDeliveryTenant({ settings: { summariesEnabled: true } });
    await createRules(t, deliveryRule(t, { content: { customText: 'Solved.', includeSummary: true, skipIfNoSummary: true } }));
    // A ticket whose conversation is gone: nothing to summarise.
    await zd.seedAccount(t.subdomain, { ...demoAccount(), comments: {} });
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends[0]).toMatchObject({ status: 'skipped', reason: 'summary_unavailable' });
    expect(done.sends[0]?.detail).toContain('no usable content');
    expect(await outbox(t)).toHaveLength(0);
  });

  it('sends without it and says why otherwise', async () => {
    const t = await createDeliveryTenant({ settings: { summariesEnabled: true } });
    await createRules(t, deliveryRule(t, { content: { customText: 'Solved.', includeSummary: true } }));
    await zd.seedAccount(t.subdomain, { ...demoAccount(), comments: {} });
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends[0]).toMatchObject({ status: 'queued', detail: 'Summary left out: no usable content' });
    expect((await outbox(t))[0]?.text).toBe('Solved.');
  });
});
