// Webhook endpoints: signatures verified (forged, stale, tampered -> 401 and nothing stored),
// malformed input answered with a clear 4xx, an unknown installation answered like a bad
// signature, bodies capped while they stream, keys cached per isolate, both documented in
// /openapi.json; delivery receipts and STOP / START from Telnyx.
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { zendeskWebhookKeyLoads } from '../src/http/zendesk-webhook-keys.ts';
import {
  admin,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliverWebhook,
  deliveryRule,
  outbox,
  settled,
  signedWebhook,
  solve,
  ticketSends,
  tx,
  waitFor,
  zd,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;

async function countRows(t: DeliveryTenant): Promise<{ interactions: number; sends: number; optOuts: number }> {
  const [i, s, o] = await env.DB.batch<{ n: number }>([
    env.DB.prepare('SELECT COUNT(*) AS n FROM interactions WHERE installation_id = ?').bind(t.installationId),
    env.DB.prepare('SELECT COUNT(*) AS n FROM sends WHERE installation_id = ?').bind(t.installationId),
    env.DB.prepare('SELECT COUNT(*) AS n FROM opt_outs WHERE installation_id = ?').bind(t.installationId),
  ]);
  return { interactions: i?.results[0]?.n ?? 0, sends: s?.results[0]?.n ?? 0, optOuts: o?.results[0]?.n ?? 0 };
}

/** The customer reopens the ticket and it is solved again `minutes` later: Zendesk's new update time. */
async function resolveLater(t: DeliveryTenant, ticketId: number, minutes: number) {
  await zd.solveTicket(t.subdomain, ticketId, { status: 'open', signingSecret: t.webhookSecret });
  const later = new Date(Date.now() + minutes * 60_000).toISOString();
  const res = await deliverWebhook(t, await zd.solveTicket(t.subdomain, ticketId, { signingSecret: t.webhookSecret, at: later }));
  expect(res.status).toBe(202);
}

const postZendesk = (t: DeliveryTenant, headers: Record<string, string>, body: string) =>
  SELF.fetch(`https://worker.test/v1/webhooks/zendesk/${t.installationId}`, { method: 'POST', headers, body });
const postTelnyx = (t: DeliveryTenant, headers: Record<string, string>, body: string, query = '') =>
  SELF.fetch(`https://worker.test/v1/webhooks/telnyx/${t.installationId}${query}`, { method: 'POST', headers, body });

describe('Zendesk webhook verification', () => {
  it('rejects forged, stale, tampered and unsigned requests with 401 and stores nothing', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    const body = JSON.stringify({ ticket_id: String(T.damagedOrder), event: 'ticket_solved' });
    const good = await zd.webhookRequest({ signingSecret: t.webhookSecret, body });
    const forged = await zd.webhookRequest({ signingSecret: 'not-the-secret-0123456789', body });
    const stale = await zd.webhookRequest({ signingSecret: t.webhookSecret, body, timestamp: new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z') });
    const future = await zd.webhookRequest({ signingSecret: t.webhookSecret, body, timestamp: new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z') });
    const cases: Array<[string, Record<string, string>, string, string]> = [
      ['forged', forged.headers, forged.body, 'bad_signature'],
      ['stale', stale.headers, stale.body, 'stale_timestamp'],
      ['future', future.headers, future.body, 'future_timestamp'],
      ['tampered body', good.headers, good.body.replace(String(T.damagedOrder), String(T.doubleCharge)), 'bad_signature'],
      ['no signature', { 'content-type': 'application/json' }, good.body, 'missing_headers'],
    ];
    for (const [name, headers, raw, reason] of cases) {
      const res = await postZendesk(t, headers, raw);
      expect(res.status, name).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message, name).toContain(reason);
    }
    expect(await countRows(t)).toEqual({ interactions: 0, sends: 0, optOuts: 0 });
    // The genuine one still works.
    expect((await deliverWebhook(t, good)).status).toBe(202);
  });

  it('answers malformed bodies and unknown installations with clear 4xx', async () => {
    const t = await createDeliveryTenant();
    const notJson = await signedWebhook(t, 'ticket solved!');
    const res1 = await deliverWebhook(t, notJson);
    expect(res1.status).toBe(400);
    const missing = await deliverWebhook(t, await signedWebhook(t, { event: 'ticket_solved' }));
    expect(missing.status).toBe(422);
    const badEvent = await deliverWebhook(t, await signedWebhook(t, { ticket_id: '5', event: 'ticket_exploded' }));
    expect(badEvent.status).toBe(422);
    const badId = await deliverWebhook(t, await signedWebhook(t, { ticket_id: 'abc', event: 'ticket_solved' }));
    expect(badId.status).toBe(422);
    const req = await signedWebhook(t, { ticket_id: '5', event: 'ticket_solved' });
    const huge = await postZendesk(t, req.headers, 'x'.repeat(70 * 1024));
    expect(huge.status).toBe(413);
    expect(await countRows(t)).toEqual({ interactions: 0, sends: 0, optOuts: 0 });
  });

  it('answers an unknown installation exactly like a known one with a wrong signature', async () => {
    const t = await createDeliveryTenant();
    const body = JSON.stringify({ ticket_id: '5', event: 'ticket_solved' });
    const forged = await zd.webhookRequest({ signingSecret: 'not-the-secret-0123456789', body });
    const genuine = await zd.webhookRequest({ signingSecret: t.webhookSecret, body });
    const answers = await Promise.all(
      [
        [t.installationId, forged],
        ['inst_nope0123456789', genuine],
        ['inst_nope0123456789', forged],
        ['not-even-an-id', genuine],
      ].map(async ([id, req]) => {
        const r = req as { headers: Record<string, string>; body: string };
        const res = await SELF.fetch(`https://worker.test/v1/webhooks/zendesk/${id as string}`, { method: 'POST', headers: r.headers, body: r.body });
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({ status: 401, body: JSON.stringify({ error: { code: 'unauthorized', message: 'Webhook signature rejected: bad_signature' } }) });
  });

  it('refuses an 8 MiB body with 413 before reading it whole (no Content-Length, streamed)', async () => {
    const t = await createDeliveryTenant();
    const req = await signedWebhook(t, { ticket_id: '5', event: 'ticket_solved' });
    const chunk = new Uint8Array(64 * 1024).fill(0x78);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 8 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const headers = { ...req.headers };
    delete headers['Content-Length'];
    const res = await SELF.fetch(`https://worker.test/v1/webhooks/zendesk/${t.installationId}`, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    // The cap is 64 KiB: a few chunks were read (some buffering in between), not 8 MiB.
    expect(pulled).toBeLessThan(1024 * 1024);
    // A declared length over the cap is refused without reading anything.
    const declared = await SELF.fetch(`https://worker.test/v1/webhooks/zendesk/${t.installationId}`, {
      method: 'POST',
      headers: { ...req.headers, 'Content-Length': String(8 * 1024 * 1024) },
      body: 'x'.repeat(100),
    });
    expect(declared.status).toBe(413);
  });

  it('serves a forged or unsigned flood for a known installation from the per-isolate key cache (no D1 reads)', async () => {
    const t = await createDeliveryTenant();
    const body = JSON.stringify({ ticket_id: String(T.damagedOrder), event: 'ticket_solved' });
    // Warm: one genuine request loads the installation's keys once.
    expect((await deliverWebhook(t, await zd.webhookRequest({ signingSecret: t.webhookSecret, body }))).status).toBe(202);
    const loads = zendeskWebhookKeyLoads();
    const forged = await zd.webhookRequest({ signingSecret: 'not-the-secret-0123456789', body });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => postZendesk(t, i % 2 ? forged.headers : { 'content-type': 'application/json' }, forged.body)),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(401));
    expect(zendeskWebhookKeyLoads()).toBe(loads);
    expect((await countRows(t)).interactions).toBe(1);
  });
});

describe('after a disconnect', () => {
  it('a webhook whose keys this isolate still holds is answered like an unknown installation, not a 500', async () => {
    const t = await createDeliveryTenant();
    const body = JSON.stringify({ ticket_id: String(T.damagedOrder), event: 'ticket_solved' });
    expect((await deliverWebhook(t, await zd.webhookRequest({ signingSecret: t.webhookSecret, body }))).status).toBe(202);
    const gone = await (await admin(t))('DELETE', '/v1/installation', { confirmSubdomain: t.subdomain });
    expect(gone.status).toBe(200);
    const late = await deliverWebhook(t, await zd.webhookRequest({ signingSecret: t.webhookSecret, body: body.replace('ticket_solved', 'conversation_ended') }));
    expect(late).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: 'Webhook signature rejected: bad_signature' } } });
  });
});

describe('the OpenAPI document', () => {
  it('covers the Zendesk webhook route (with its body schemas) and /health', async () => {
    const doc = (await (await SELF.fetch('https://worker.test/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
    };
    const hook = doc.paths['/v1/webhooks/zendesk/{installationId}']?.post;
    expect(hook).toBeDefined();
    expect(Object.keys(hook?.responses ?? {}).sort()).toEqual(['200', '202', '400', '401', '413', '422', '503']);
    expect(JSON.stringify(hook?.requestBody)).toContain('ZendeskTriggerBody');
    expect(doc.paths['/health']?.get).toBeDefined();
    expect(doc.paths['/v1/setup/zendesk']?.get).toBeDefined();
  });
});

describe('Telnyx callbacks', () => {
  it('moves a send through sent to delivered from signed receipts, in any order, idempotently', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    const messageId = done.sends[0]?.telnyxMessageId;
    expect(messageId).toBeTruthy();
    const callbacks = await tx.callbacks(String(messageId));
    expect(callbacks.map((c) => JSON.parse(c.body).data.event_type)).toEqual(['message.sent', 'message.finalized']);
    const [sent, finalized] = callbacks;
    if (!sent || !finalized) throw new Error('missing callbacks');
    // Out of order and repeated: the final status wins and never moves back.
    expect((await postTelnyx(t, finalized.headers, finalized.body)).status).toBe(200);
    expect((await postTelnyx(t, sent.headers, sent.body)).status).toBe(200);
    expect((await postTelnyx(t, finalized.headers, finalized.body)).status).toBe(200);
    expect((await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0]).toMatchObject({ status: 'delivered', reason: null });
  });

  it('records a carrier failure with its code and reason', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await tx.setOutcome({ to: DEMO.phones.customer, outcome: 'delivery_failed', errorCode: '40008', errorTitle: 'Undeliverable', apiKey: t.telnyxApiKey });
    try {
      await solve(t, T.damagedOrder);
      const done = await settled(t, T.damagedOrder);
      for (const cb of await tx.callbacks(String(done.sends[0]?.telnyxMessageId))) await postTelnyx(t, cb.headers, cb.body);
      expect((await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0]).toMatchObject({
        status: 'failed',
        reason: 'carrier_failed',
        carrierErrorCode: '40008',
        detail: 'Undeliverable',
        canRetry: true,
      });
    } finally {
      await tx.clearOutcomes();
    }
  });

  it('rejects forged, stale and tampered receipts with 401 and changes nothing', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    const [, finalized] = await tx.callbacks(String(done.sends[0]?.telnyxMessageId));
    if (!finalized) throw new Error('missing callback');
    const staleHeaders = await tx.sign(finalized.body, String(Math.floor(Date.now() / 1000) - 600));
    const cases: Array<[string, Record<string, string>, string]> = [
      ['tampered', finalized.headers, finalized.body.replace('delivered', 'delivery_failed')],
      ['stale', staleHeaders, finalized.body],
      ['forged signature', { ...finalized.headers, 'telnyx-signature-ed25519': btoa('x'.repeat(64)) }, finalized.body],
      ['unsigned', { 'content-type': 'application/json' }, finalized.body],
    ];
    for (const [name, headers, raw] of cases) expect((await postTelnyx(t, headers, raw)).status, name).toBe(401);
    expect((await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0]?.status).toBe('queued');
  });

  it('STOP opts a number out (the next solve is skipped with the reason); START lets it through again', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { conditions: { groupIds: [] } }));
    const stop = await tx.inbound({ from: DEMO.phones.customer, to: t.sender, text: ' stop ' });
    expect((await postTelnyx(t, stop.callback.headers, stop.callback.body)).status).toBe(200);
    await solve(t, T.damagedOrder);
    const skipped = await settled(t, T.damagedOrder);
    expect(skipped.sends[0]).toMatchObject({ status: 'skipped', reason: 'opted_out' });
    expect(await outbox(t)).toHaveLength(0);

    const start = await tx.inbound({ from: DEMO.phones.customer, to: t.sender, text: 'START' });
    await postTelnyx(t, start.callback.headers, start.callback.body);
    // A new interaction for the same customer: the ticket is reopened and solved again later.
    await resolveLater(t, T.damagedOrder, 20);
    await waitFor(async () => ((await ticketSends(t, T.damagedOrder)).interactions.length === 2 ? true : undefined), 'second interaction');
    const again = await settled(t, T.damagedOrder);
    expect(again.sends[0]).toMatchObject({ status: 'queued' });
    expect(await outbox(t)).toHaveLength(1);
  });

  it('marks a number opted out when Telnyx answers 40300', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    // Telnyx itself knows about the STOP (sent to the fake only, not to us).
    await tx.inbound({ from: DEMO.phones.customer, to: t.sender, text: 'STOP' });
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends[0]).toMatchObject({ status: 'skipped', reason: 'opted_out', carrierErrorCode: '40300' });
    expect((await countRows(t)).optOuts).toBe(1);
  });
});

describe('quiet hours and frequency caps', () => {
  it('holds a message during quiet hours with the time it will go out', async () => {
    const now = new Date();
    const hh = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const start = new Date(now.getTime() - 60 * 60_000);
    const end = new Date(now.getTime() + 2 * 60 * 60_000);
    const t = await createDeliveryTenant({ settings: { quietHours: { start: hh(start), end: hh(end), timeZone: 'UTC' } } });
    // The demo requester has no time zone of its own here, so the installation's zone applies.
    await createRules(t, deliveryRule(t, { recipients: { otherNumbers: ['+14155550123'] } }));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends[0]).toMatchObject({ status: 'held', reason: 'quiet_hours' });
    expect(Date.parse(done.sends[0]?.scheduledFor ?? '')).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(await outbox(t)).toHaveLength(0);
  });

  it('skips a number that already got the maximum messages in the period', async () => {
    const t = await createDeliveryTenant({ settings: { frequencyCap: { maxMessages: 1, periodHours: 24 } } });
    await createRules(t, deliveryRule(t, { label: 'solved', recipients: { otherNumbers: ['+14155550123'] } }));
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    // Reopened and solved again 20 minutes later: a new interaction, left to the cap.
    await resolveLater(t, T.damagedOrder, 20);
    await waitFor(async () => ((await ticketSends(t, T.damagedOrder)).interactions.length === 2 ? true : undefined), 'second interaction');
    const second = await settled(t, T.damagedOrder);
    expect(second.sends[0]).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
    expect(await outbox(t)).toHaveLength(1);
  });
});
