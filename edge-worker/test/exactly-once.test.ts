// No duplicate SMS for one interaction, ever; nothing lost when Zendesk or Telnyx misbehave.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { readSend } from '../src/db/sends.ts';
import { sendOne } from '../src/send/send-sms.ts';
import {
  admin,
  asUser,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliverWebhook,
  deliveryRule,
  outbox,
  settled,
  solve,
  ticketSends,
  tx,
  waitFor,
  zd,
} from './delivery-helpers.ts';

const T = DEMO.tickets;

describe('duplicates collapse into one interaction', () => {
  it('one SMS per recipient for 3 concurrent + 3 sequential deliveries and a matching event webhook', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { recipients: { customer: true, assignedAgent: true } }));
    // Redeliveries of ONE solve carry its time; a solve at a later minute would be a new interaction.
    const at = new Date().toISOString();
    const req = await zd.solveTicket(t.subdomain, T.damagedOrder, { signingSecret: t.webhookSecret, at });
    const concurrent = await Promise.all([deliverWebhook(t, req), deliverWebhook(t, req), deliverWebhook(t, req)]);
    expect(concurrent.map((r) => r.status).sort()).toEqual([200, 200, 202]);
    const ids = new Set(concurrent.map((r) => r.body.interactionId));
    expect(ids.size).toBe(1);
    for (let i = 0; i < 3; i++) {
      const again = await deliverWebhook(t, await zd.solveTicket(t.subdomain, T.damagedOrder, { signingSecret: t.webhookSecret, at }));
      expect(again.body).toMatchObject({ duplicate: true, interactionId: [...ids][0] });
    }
    const event = await zd.webhookRequest({
      signingSecret: t.webhookSecret,
      body: JSON.stringify({
        type: 'zen:event-type:ticket.status_changed',
        account_id: 1,
        id: 'evt-1',
        time: new Date().toISOString(),
        zendesk_event_version: '2022-11-06',
        subject: `zen:ticket:${T.damagedOrder}`,
        detail: { id: String(T.damagedOrder), status: 'SOLVED' },
        event: { current: 'SOLVED', previous: 'OPEN' },
      }),
    });
    expect((await deliverWebhook(t, event)).body).toMatchObject({ duplicate: true });
    const done = await settled(t, T.damagedOrder);
    expect(done.sends).toHaveLength(2);
    // Give any stray queue message time to run, then count what Telnyx received.
    await new Promise((r) => setTimeout(r, 1500));
    const sms = await outbox(t);
    expect(sms.map((m) => m.to[0]?.phone_number).sort()).toEqual([DEMO.phones.agent, DEMO.phones.customer].sort());
    expect((await ticketSends(t, T.damagedOrder)).interactions).toHaveLength(1);
  });

  it('ignores event webhooks for other status changes', async () => {
    const t = await createDeliveryTenant();
    const req = await zd.webhookRequest({
      signingSecret: t.webhookSecret,
      body: JSON.stringify({
        type: 'zen:event-type:ticket.status_changed',
        detail: { id: String(T.damagedOrder) },
        event: { current: 'PENDING', previous: 'OPEN' },
      }),
    });
    const res = await deliverWebhook(t, req);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: false });
    expect((await ticketSends(t, T.damagedOrder)).interactions).toHaveLength(0);
  });
});

describe('Telnyx failures: sent once eventually, or recorded failed with the reason', () => {
  it('retries after 429 and 500 (nothing was accepted) and sends exactly once', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await tx.addFault({ apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$', status: 429, headers: { 'Retry-After': '1' } });
    await tx.addFault({ apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$', status: 500 });
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder, { final: ['queued', 'failed', 'skipped'] });
    expect(done.sends[0]).toMatchObject({ status: 'queued' });
    expect(await outbox(t)).toHaveLength(1);
    const attempts = (await tx.requests({ apiKey: t.telnyxApiKey })).requests.filter((r) => r.method === 'POST' && r.path === '/v2/messages');
    expect(attempts).toHaveLength(3);
  });

  it('waits out a Telnyx outage past any attempt count; only after the outage horizon records retries_exhausted', async () => {
    const t = await createDeliveryTenant();
    const [rule] = await createRules(t, deliveryRule(t));
    // Retry-After of 10 minutes: the queue's own retry stays away while the test drives the send
    // job itself (a retry racing the test's calls would claim the send first).
    await tx.addFault({ apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$', status: 503, times: -1, headers: { 'Retry-After': '600' } });
    try {
      await solve(t, T.damagedOrder);
      // Drive the send job directly: the queue's backoff would make this test slow.
      const sendId = await waitFor(async () => (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0]?.id, 'a send row');
      for (let i = 0; i < 10; i++) {
        expect(await sendOne(env, { kind: 'send', sendId, installationId: t.installationId }, Date.now())).toMatchObject({ action: 'retry' });
        expect(await readSend(env.DB, t.installationId, sendId)).toMatchObject({ status: 'reserved' });
      }
      // The clock passes the default 24-hour outage horizon (counted from the first failure).
      const last = await sendOne(env, { kind: 'send', sendId, installationId: t.installationId }, Date.now() + 24 * 3_600_000 + 60_000);
      const row = await readSend(env.DB, t.installationId, sendId);
      expect(row).toMatchObject({ status: 'failed', reason: 'retries_exhausted' });
      expect(last).toEqual({ action: 'ack' });
      expect(await outbox(t)).toHaveLength(0);
      expect(rule).toBeTruthy();
    } finally {
      await tx.clearFaults();
    }
  });

  it('does not resend after a timeout (the message may have gone out): failed with outcome_unknown', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    // Telnyx accepts the message, then answers too late.
    await tx.addFault({ apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$', delayMs: 4000 });
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder, { final: ['failed', 'queued'] });
    expect(done.sends[0]).toMatchObject({ status: 'failed', reason: 'outcome_unknown', canRetry: false });
    await new Promise((r) => setTimeout(r, 3500));
    expect(await outbox(t)).toHaveLength(1);
  });

  it('does not resend when the connection drops after Telnyx accepted the message', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await tx.addFault({ apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$', afterAccept: true, dropConnection: true });
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder, { final: ['failed', 'queued'] });
    expect(done.sends[0]).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await outbox(t)).toHaveLength(1);
  });

  it('records a refused connection without resending (workerd cannot tell it from a lost one)', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { enabled: false }));
    await createRules(t, deliveryRule(t, { label: 'live' }));
    await solve(t, T.damagedOrder);
    const sendId = await waitFor(async () => {
      const s = (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends.find((x) => x.ruleLabel === 'live');
      return s && s.status !== 'reserved' ? s.id : undefined;
    }, 'the live send');
    // Put it back to reserved and send it against a closed port: the same code, another base URL.
    await env.DB.prepare("UPDATE sends SET status = 'reserved' WHERE id = ?").bind(sendId).run();
    const refused = await sendOne({ ...env, TELNYX_BASE_URL: 'http://127.0.0.1:9/v2' }, { kind: 'send', sendId, installationId: t.installationId }, Date.now());
    expect(refused).toEqual({ action: 'ack' });
    expect(await readSend(env.DB, t.installationId, sendId)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
    expect(await outbox(t)).toHaveLength(1); // the first, real send only
  });

  it('records a Telnyx rejection with its code and lets an agent retry once, without a double send', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await tx.addFault({
      apiKey: t.telnyxApiKey,
      method: 'POST',
      pathPattern: '^/v2/messages$',
      status: 400,
      body: { errors: [{ code: '40310', title: 'Invalid to address', detail: 'The destination number is invalid.' }] },
    });
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    const failed = done.sends[0];
    expect(failed).toMatchObject({ status: 'failed', reason: 'telnyx_rejected', carrierErrorCode: '40310', detail: 'Invalid to address', canRetry: true });
    const agent = await asUser(t, DEMO.users.agent);
    const retries = await Promise.all([agent('POST', `/v1/sends/${failed?.id}/retry`), agent('POST', `/v1/sends/${failed?.id}/retry`)]);
    expect(retries.map((r) => r.status).sort()).toEqual([202, 409]);
    await waitFor(async () => ((await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0]?.status === 'queued' ? true : undefined), 'the retried send');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await outbox(t)).toHaveLength(1);
    const audit = await (await admin(t))('GET', '/v1/audit');
    expect(audit.body.entries[0]).toMatchObject({ action: 'send.retry', actorUserId: String(DEMO.users.agent) });
  });
});

describe('Zendesk API failures', () => {
  it('retries the interaction after 429 and 503 from Zendesk and sends once', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    const ticketPath = `^/${t.subdomain}/api/v2/tickets/${T.damagedOrder}\\.json$`;
    await zd.addFault({ method: 'GET', pathPattern: ticketPath, status: 429, headers: { 'Retry-After': '1' } });
    await zd.addFault({ method: 'GET', pathPattern: ticketPath, status: 503 });
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends[0]?.status).toBe('queued');
    expect(await outbox(t)).toHaveLength(1);
  });

  it('marks the interaction failed when the ticket does not exist', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    const res = await deliverWebhook(t, await zd.webhookRequest({ signingSecret: t.webhookSecret, body: JSON.stringify({ ticket_id: '999999', event: 'ticket_solved' }) }));
    expect(res.status).toBe(202);
    const done = await settled(t, 999999);
    expect(done).toMatchObject({ status: 'failed', detail: 'Ticket not found in Zendesk' });
  });

  it('refreshes an expired OAuth token and continues', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await zd.expireTokens(t.subdomain);
    await solve(t, T.damagedOrder);
    expect((await settled(t, T.damagedOrder)).sends[0]?.status).toBe('queued');
    expect((await zd.account(t.subdomain)).refreshCount).toBeGreaterThanOrEqual(1);
  });
});

describe('who may retry', () => {
  it('keeps retries for admins and supervisors when the installation says so', async () => {
    const t = await createDeliveryTenant({ settings: { retryAllowedFor: 'admins' } });
    await createRules(t, deliveryRule(t));
    await tx.addFault({
      apiKey: t.telnyxApiKey,
      method: 'POST',
      pathPattern: '^/v2/messages$',
      status: 400,
      body: { errors: [{ code: '40310', title: 'Invalid to address' }] },
    });
    await solve(t, T.damagedOrder);
    const failed = (await settled(t, T.damagedOrder)).sends[0];
    const agent = await asUser(t, DEMO.users.agent);
    const agentView = await agent('GET', `/v1/tickets/${T.damagedOrder}/sends`);
    expect(agentView.body.interactions[0].sends[0].canRetry).toBe(false);
    expect((await agent('POST', `/v1/sends/${failed?.id}/retry`)).status).toBe(403);
    const supervisor = await asUser(t, DEMO.users.supervisor);
    expect((await supervisor('POST', `/v1/sends/${failed?.id}/retry`)).status).toBe(202);
  });
});
