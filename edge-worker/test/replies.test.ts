// SMS replies into the ticket, through signed message.received callbacks of the Telnyx fake into
// the worker and the queue consumer running for real: the requester's reply becomes their public
// comment, another number's an internal note with the number masked; a redelivery adds nothing;
// STOP still opts out without a comment; HELP is answered once per 24 h; a reply after the window
// is ignored and recorded; the reopen setting reopens; the status API shows replies under the send.
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HELP_REPLY_TEXT } from '../../shared/schemas/settings.ts';
import {
  admin,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  outbox,
  settled,
  solve,
  ticketSends,
  tx,
  uniqueNumber,
  waitFor,
  zd,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;
const CUSTOMER = DEMO.phones.customer;

async function textIn(t: DeliveryTenant, from: string, text: string, extra: { media?: Array<{ url: string; content_type?: string }> } = {}) {
  const inbound = await tx.inbound({ from, to: t.sender, text, ...extra });
  const res = await post(t, inbound.callback);
  return { callback: inbound.callback, status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const post = (t: DeliveryTenant, callback: { headers: Record<string, string>; body: string }) =>
  SELF.fetch(`https://worker.test/v1/webhooks/telnyx/${t.installationId}`, { method: 'POST', headers: callback.headers, body: callback.body });

async function comments(t: DeliveryTenant, ticketId: number) {
  const account = await zd.account(t.subdomain);
  return account.comments[String(ticketId)] ?? [];
}

async function replyRow(t: DeliveryTenant, messageId: string) {
  return env.DB.prepare('SELECT * FROM replies WHERE installation_id = ? AND telnyx_message_id = ?')
    .bind(t.installationId, messageId)
    .first<{ status: string; reason: string | null; comment_kind: string | null; ticket_id: string | null }>();
}

const messageIdOf = (callback: { body: string }) => (JSON.parse(callback.body) as { data: { payload: { id: string } } }).data.payload.id;

/** A tenant whose rule texted the customer (and optionally another number) on ticket 5001. */
async function afterSolve(opts: { settings?: Record<string, unknown>; otherNumbers?: string[] } = {}) {
  const t = await createDeliveryTenant({ settings: opts.settings });
  await createRules(
    t,
    deliveryRule(t, { recipients: { customer: true, ...(opts.otherNumbers ? { otherNumbers: opts.otherNumbers } : {}) } }),
  );
  expect((await solve(t, T.damagedOrder)).status).toBe(202);
  await settled(t, T.damagedOrder);
  return t;
}

async function waitApplied(t: DeliveryTenant, messageId: string) {
  return waitFor(async () => {
    const row = await replyRow(t, messageId);
    return row && row.status !== 'pending' ? row : undefined;
  }, `reply ${messageId} to be applied`);
}

describe('SMS replies into the ticket', () => {
  it("adds the requester's reply as their public comment, and the status API shows it under the SMS (masked)", async () => {
    const t = await afterSolve();
    const before = (await comments(t, T.damagedOrder)).length;
    const res = await textIn(t, CUSTOMER, 'Still broken, the lid is cracked', {
      media: [{ url: 'https://media.telnyx.example/photo.jpg', content_type: 'image/jpeg' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.reply).toMatchObject({ ticketId: String(T.damagedOrder) });
    const row = await waitApplied(t, messageIdOf(res.callback));
    expect(row).toMatchObject({ status: 'applied', comment_kind: 'public' });

    const added = (await comments(t, T.damagedOrder)).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ author_id: DEMO.users.customer, public: true });
    expect(added[0]?.body).toContain('Still broken, the lid is cracked');
    expect(added[0]?.body).toContain('https://media.telnyx.example/photo.jpg');

    const status = await ticketSends(t, T.damagedOrder);
    const send = status.interactions[0]?.sends[0] as unknown as { replies: Array<Record<string, unknown>> };
    expect(send.replies).toEqual([
      expect.objectContaining({ text: 'Still broken, the lid is cracked', status: 'applied', commentKind: 'public', fromMasked: expect.stringMatching(/\*/) }),
    ]);
    expect(JSON.stringify(status)).not.toContain(CUSTOMER);
    // Not reopened unless the setting says so.
    const ticket = (await zd.account(t.subdomain)).tickets.find((x) => x.id === T.damagedOrder);
    expect(ticket?.status).toBe('solved');
  });

  it('adds a reply from another texted number as an internal note naming the number masked', async () => {
    const other = uniqueNumber();
    const t = await afterSolve({ otherNumbers: [other] });
    const before = (await comments(t, T.damagedOrder)).length;
    const res = await textIn(t, other, 'Manager here: refund approved');
    const row = await waitApplied(t, messageIdOf(res.callback));
    expect(row).toMatchObject({ status: 'applied', comment_kind: 'internal' });
    const added = (await comments(t, T.damagedOrder)).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]?.public).toBe(false);
    expect(added[0]?.author_id).not.toBe(DEMO.users.customer);
    expect(added[0]?.body).toContain('Manager here: refund approved');
    expect(added[0]?.body).toContain(`***`);
    expect(added[0]?.body).not.toContain(other);
    expect(added[0]?.body).toContain(other.slice(-4));
  });

  it('applies a redelivered inbound once', async () => {
    const t = await afterSolve();
    const before = (await comments(t, T.damagedOrder)).length;
    const first = await textIn(t, CUSTOMER, 'Thanks, all good now');
    const again = await post(t, first.callback);
    expect(await again.json()).toEqual({ ok: true, ignored: 'duplicate' });
    await waitApplied(t, messageIdOf(first.callback));
    await new Promise((r) => setTimeout(r, 300));
    expect((await comments(t, T.damagedOrder)).slice(before)).toHaveLength(1);
  });

  it('STOP still opts out and adds no comment', async () => {
    const t = await afterSolve();
    const before = (await comments(t, T.damagedOrder)).length;
    const res = await textIn(t, CUSTOMER, 'STOP');
    expect(res.body).toEqual({ ok: true, keyword: 'opt_out' });
    const opted = await env.DB.prepare('SELECT 1 AS x FROM opt_outs WHERE installation_id = ? AND phone = ?').bind(t.installationId, CUSTOMER).first();
    expect(opted).not.toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect((await comments(t, T.damagedOrder)).length).toBe(before);
    expect((await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0]).toMatchObject({ replies: [] });
  });

  it('answers HELP from the same sender once per 24 h, with the configured text, and adds no comment', async () => {
    const t = await afterSolve({ settings: { helpReplyText: 'Acme support: reply with your question. STOP to opt out.' } });
    const sentBefore = (await outbox(t)).length;
    const first = await textIn(t, CUSTOMER, 'help');
    expect(first.body).toEqual({ ok: true, keyword: 'help', help: 'answered' });
    const second = await textIn(t, CUSTOMER, 'HELP');
    expect(second.body).toEqual({ ok: true, keyword: 'help', help: 'answered_recently' });
    const answers = (await outbox(t)).slice(sentBefore);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ text: 'Acme support: reply with your question. STOP to opt out.', from: { phone_number: t.sender } });
    expect(answers[0]?.to[0]?.phone_number).toBe(CUSTOMER);
  });

  it('does not answer a HELP that Telnyx already auto-answered (autoresponse_type), so no loops', async () => {
    const t = await createDeliveryTenant();
    await tx.seedAccount(t.telnyxApiKey, {
      messagingProfiles: [{ id: t.messagingProfileId, name: 'Support line' }],
      phoneNumbers: [{ phone_number: t.sender, messaging_profile_id: t.messagingProfileId }],
      autorespConfigs: [{ messaging_profile_id: t.messagingProfileId, op: 'help', keywords: ['INFO'] }],
    });
    const res = await textIn(t, CUSTOMER, 'info');
    expect(res.body).toEqual({ ok: true, keyword: 'help', help: 'auto_answered_by_telnyx' });
    expect(await outbox(t)).toHaveLength(0);
    expect(DEFAULT_HELP_REPLY_TEXT).toBe('Reply STOP to opt out. For help, reply with your question.');
  });

  it('ignores and records a reply after the window, and one without any SMS to that number', async () => {
    const t = await afterSolve({ settings: { replyWindowDays: 2 } });
    const eightDaysAgo = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000).toISOString();
    await env.DB.prepare('UPDATE sends SET created_at = ? WHERE installation_id = ?').bind(eightDaysAgo, t.installationId).run();
    const before = (await comments(t, T.damagedOrder)).length;
    const late = await textIn(t, CUSTOMER, 'Hello? Anyone there?');
    expect(late.body).toEqual({ ok: true, ignored: 'outside_window' });
    expect(await replyRow(t, messageIdOf(late.callback))).toMatchObject({ status: 'ignored', reason: 'outside_window' });
    const stranger = await textIn(t, uniqueNumber(), 'Who is this?');
    expect(stranger.body).toEqual({ ok: true, ignored: 'no_matching_send' });
    expect(await replyRow(t, messageIdOf(stranger.callback))).toMatchObject({ status: 'ignored', reason: 'no_matching_send' });
    await new Promise((r) => setTimeout(r, 300));
    expect((await comments(t, T.damagedOrder)).length).toBe(before);
  });

  it('reopens the ticket when the setting says so', async () => {
    const t = await afterSolve({ settings: { replyReopensTicket: true } });
    const res = await textIn(t, CUSTOMER, 'It broke again');
    await waitApplied(t, messageIdOf(res.callback));
    const ticket = (await zd.account(t.subdomain)).tickets.find((x) => x.id === T.damagedOrder);
    expect(ticket?.status).toBe('open');
  });

  it('goes to the ticket of the latest SMS when the number was texted on several tickets', async () => {
    const t = await createDeliveryTenant();
    const shared = uniqueNumber();
    await createRules(t, deliveryRule(t, { recipients: { otherNumbers: [shared] }, conditions: { events: ['ticket_solved'] } }));
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    await env.DB.prepare('UPDATE sends SET created_at = ? WHERE installation_id = ?')
      .bind(new Date(Date.now() - 60_000).toISOString(), t.installationId)
      .run();
    await solve(t, T.doubleCharge);
    await settled(t, T.doubleCharge);
    const res = await textIn(t, shared, 'Which order was this about?');
    expect(res.body.reply).toMatchObject({ ticketId: String(T.doubleCharge) });
  });

  it('retries when Zendesk answers 5xx, then adds the reply', async () => {
    const t = await afterSolve();
    await zd.addFault({ method: 'PUT', pathPattern: `^/${t.subdomain}/api/v2/tickets/${T.damagedOrder}\\.json$`, status: 503, headers: { 'Retry-After': '0' } });
    const before = (await comments(t, T.damagedOrder)).length;
    const res = await textIn(t, CUSTOMER, 'Retry me');
    const row = await waitApplied(t, messageIdOf(res.callback));
    expect(row?.status).toBe('applied');
    expect((await comments(t, T.damagedOrder)).slice(before)).toHaveLength(1);
  });
});

describe('reply settings', () => {
  it('defaults to a 7-day window, no reopen and the standard HELP answer, and refuses a window outside 1..30', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    const res = await api('GET', '/v1/settings');
    expect(res.body.settings).toMatchObject({ replyWindowDays: 7, replyReopensTicket: false, helpReplyText: DEFAULT_HELP_REPLY_TEXT });
    for (const replyWindowDays of [0, 31, 2.5]) {
      const bad = await api('PATCH', '/v1/settings', { replyWindowDays });
      expect(bad.status, String(replyWindowDays)).toBe(422);
      expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['replyWindowDays']);
    }
    expect((await api('PATCH', '/v1/settings', { helpReplyText: '   ' })).status).toBe(422);
  });
});

describe('/openapi.json', () => {
  it('documents the reply settings and the replies in the ticket status', async () => {
    const doc = (await (await SELF.fetch('https://worker.test/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const text = JSON.stringify(doc);
    for (const field of ['replyWindowDays', 'replyReopensTicket', 'helpReplyText']) expect(text).toContain(`"${field}"`);
    expect(doc.components.schemas.Send?.properties).toHaveProperty('replies');
    expect(Object.keys(doc.components.schemas.SmsReply?.properties ?? {})).toEqual(
      expect.arrayContaining(['text', 'receivedAt', 'fromMasked', 'media', 'status', 'commentKind']),
    );
  });
});
