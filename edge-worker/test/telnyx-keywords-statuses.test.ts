// Telnyx's keywords and message statuses, through signed callbacks of the Telnyx fake into the
// worker: every default opt-out / opt-in keyword (STOP ALL included) as a whole message, HELP
// changing nothing, a profile's own keyword told by `autoresponse_type`, another profile's STOP
// not blocking ours; and every status the SDK defines moving a send to the right state
// (scheduled, cancelled and read included) as the ticket sidebar's API shows it.
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS } from '../src/telnyx/keywords.ts';
import {
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  settled,
  solve,
  ticketSends,
  tx,
  uniqueNumber,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;
const CUSTOMER = DEMO.phones.customer;

const post = (t: DeliveryTenant, callback: { headers: Record<string, string>; body: string }) =>
  SELF.fetch(`https://worker.test/v1/webhooks/telnyx/${t.installationId}`, {
    method: 'POST',
    headers: callback.headers,
    body: callback.body,
  });

async function optedOut(t: DeliveryTenant, phone = CUSTOMER): Promise<boolean> {
  const row = await env.DB.prepare('SELECT 1 AS x FROM opt_outs WHERE installation_id = ? AND phone = ?')
    .bind(t.installationId, phone)
    .first();
  return row !== null;
}

async function text(t: DeliveryTenant, words: string, to = t.sender) {
  const inbound = await tx.inbound({ from: CUSTOMER, to, text: words });
  const res = await post(t, inbound.callback);
  return { status: res.status, body: (await res.json()) as { ok: boolean; keyword?: string; ignored?: string } };
}

describe('inbound keywords', () => {
  it("records every one of Telnyx's default opt-out keywords, in any case and spacing, and clears it with each opt-in keyword", async () => {
    const t = await createDeliveryTenant();
    const variants = [...OPT_OUT_KEYWORDS, ' stop all ', 'Stop  All', 'unsubscribe'];
    expect(OPT_OUT_KEYWORDS).toEqual(expect.arrayContaining(['STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']));
    for (const [i, word] of variants.entries()) {
      expect(await text(t, word), word).toEqual({ status: 200, body: { ok: true, keyword: 'opt_out' } });
      expect(await optedOut(t), word).toBe(true);
      const optIn = OPT_IN_KEYWORDS[i % OPT_IN_KEYWORDS.length] as string;
      expect((await text(t, optIn.toLowerCase())).body.keyword).toBe('opt_in');
      expect(await optedOut(t), optIn).toBe(false);
    }
  });

  it('treats HELP and ordinary messages (even ones containing STOP) as no change', async () => {
    const t = await createDeliveryTenant();
    expect(await text(t, 'help')).toEqual({ status: 200, body: { ok: true, keyword: 'help', help: 'answered' } });
    // Not keywords: read as replies (none of these answers an SMS of ours, so they are recorded and ignored).
    expect((await text(t, 'please stop texting me')).body).toEqual({ ok: true, ignored: 'no_matching_send' });
    expect((await text(t, 'STOP.')).body).toEqual({ ok: true, ignored: 'no_matching_send' });
    expect(await optedOut(t)).toBe(false);
  });

  it("follows Telnyx's autoresponse_type for a keyword the messaging profile added itself", async () => {
    const t = await createDeliveryTenant();
    await tx.seedAccount(t.telnyxApiKey, {
      messagingProfiles: [{ id: t.messagingProfileId, name: 'Support line' }],
      phoneNumbers: [{ phone_number: t.sender, messaging_profile_id: t.messagingProfileId }],
      autorespConfigs: [
        { messaging_profile_id: t.messagingProfileId, op: 'stop', keywords: ['ARRET'] },
        { messaging_profile_id: t.messagingProfileId, op: 'start', keywords: ['JOIN'] },
      ],
    });
    expect((await text(t, 'Arret')).body.keyword).toBe('opt_out');
    expect(await optedOut(t)).toBe(true);
    expect((await text(t, 'join')).body.keyword).toBe('opt_in');
    expect(await optedOut(t)).toBe(false);
  });

  it("ignores a STOP sent to another messaging profile's number (Telnyx blocks per profile)", async () => {
    const t = await createDeliveryTenant();
    const otherNumber = uniqueNumber();
    await tx.seedAccount(t.telnyxApiKey, {
      messagingProfiles: [
        { id: t.messagingProfileId, name: 'Support line' },
        { id: `${t.messagingProfileId}-marketing`, name: 'Marketing' },
      ],
      phoneNumbers: [
        { phone_number: t.sender, messaging_profile_id: t.messagingProfileId },
        { phone_number: otherNumber, messaging_profile_id: `${t.messagingProfileId}-marketing` },
      ],
    });
    expect((await text(t, 'STOP', otherNumber)).body).toEqual({ ok: true, ignored: 'another messaging profile' });
    expect(await optedOut(t)).toBe(false);
  });

  it('a STOP ALL reply makes the next solve skip the customer before Telnyx is asked', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await text(t, 'STOP ALL');
    const since = (await tx.requests()).last;
    await solve(t, T.damagedOrder);
    // Skipped from our own opt-out record: no send attempt, so no 40300 from Telnyx either.
    expect((await settled(t, T.damagedOrder)).sends[0]).toMatchObject({ status: 'skipped', reason: 'opted_out', carrierErrorCode: null });
    expect((await tx.requests({ since, apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$' })).requests).toEqual([]);
  });
});

describe('message statuses', () => {
  async function oneSend(t: DeliveryTenant) {
    await createRules(t, deliveryRule(t));
    await solve(t, T.damagedOrder);
    const send = (await settled(t, T.damagedOrder)).sends[0];
    if (!send?.telnyxMessageId) throw new Error('no queued send');
    return send as typeof send & { telnyxMessageId: string };
  }
  const current = async (t: DeliveryTenant) => (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0];

  it('maps scheduled to queued and cancelled to skipped / cancelled, not retryable', async () => {
    const t = await createDeliveryTenant();
    const send = await oneSend(t);
    const scheduled = await tx.event(send.telnyxMessageId, { eventType: 'message.sent', status: 'scheduled' });
    expect(await (await post(t, scheduled)).json()).toEqual({ ok: true, status: 'queued' });
    expect(await current(t)).toMatchObject({ status: 'queued' });
    const cancelled = await tx.event(send.telnyxMessageId, { eventType: 'message.finalized', status: 'cancelled' });
    expect((await post(t, cancelled)).status).toBe(200);
    expect(await current(t)).toMatchObject({ status: 'skipped', reason: 'cancelled', canRetry: false });
  });

  it('maps read (message.read) to delivered', async () => {
    const t = await createDeliveryTenant();
    const send = await oneSend(t);
    const read = await tx.event(send.telnyxMessageId, { eventType: 'message.read', status: 'read' });
    expect((await post(t, read)).status).toBe(200);
    expect(await current(t)).toMatchObject({ status: 'delivered', detail: 'Read by the recipient' });
  });

  it("maps expired to failed with Telnyx's error, and delivery_unconfirmed to sent with a note", async () => {
    const t = await createDeliveryTenant();
    await tx.setOutcome({ to: CUSTOMER, outcome: 'expired', apiKey: t.telnyxApiKey });
    try {
      const send = await oneSend(t);
      for (const cb of await tx.callbacks(send.telnyxMessageId)) await post(t, cb);
      expect(await current(t)).toMatchObject({
        status: 'failed',
        reason: 'carrier_failed',
        carrierErrorCode: '40014',
        detail: 'Expired in queue',
        canRetry: true,
      });
    } finally {
      await tx.clearOutcomes();
    }
    const u = await createDeliveryTenant();
    await tx.setOutcome({ to: CUSTOMER, outcome: 'delivery_unconfirmed', apiKey: u.telnyxApiKey });
    try {
      const send = await oneSend(u);
      // The finalized receipt first (message.sent is late): sent, with why it is not delivered.
      const [sent, finalized] = await tx.callbacks(send.telnyxMessageId);
      if (!sent || !finalized) throw new Error('missing callbacks');
      await post(u, finalized);
      expect(await current(u)).toMatchObject({ status: 'sent', reason: null, detail: 'The carrier did not confirm delivery' });
      await post(u, sent);
      expect(await current(u)).toMatchObject({ status: 'sent', detail: 'The carrier did not confirm delivery' });
    } finally {
      await tx.clearOutcomes();
    }
  });

  it('never moves a delivered send back, whatever status arrives late', async () => {
    const t = await createDeliveryTenant();
    const send = await oneSend(t);
    for (const cb of await tx.callbacks(send.telnyxMessageId)) await post(t, cb);
    for (const status of ['scheduled', 'queued', 'sending', 'sent']) {
      await post(t, await tx.event(send.telnyxMessageId, { eventType: 'message.sent', status }));
    }
    expect(await current(t)).toMatchObject({ status: 'delivered' });
  });
});
