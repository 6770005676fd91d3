// The Telnyx fake against the Telnyx contract it claims, driven through the official SDK where the
// worker will use it: sends, errors and their classes, pagination, and signed callbacks that the
// SDK's own webhook verifier accepts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Telnyx, { APIConnectionError, AuthenticationError, ConflictError, NotFoundError, RateLimitError } from 'telnyx';
import type { APIError } from 'telnyx';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { telnyxControl } from './control-client.ts';
import type { TelnyxControl } from './control-client.ts';
import { countSmsParts, demoTelnyxAccount, startTelnyxFake, TELNYX_DEMO } from './telnyx-fake.ts';
import type { TelnyxFake } from './telnyx-fake.ts';

const D = TELNYX_DEMO;
const CUSTOMER = '+14155550201';
let fake: TelnyxFake;
let client: Telnyx;

let control: TelnyxControl;

type TelnyxErrorBody = { errors: { code: string; title: string; detail?: string }[] };
type WebhookEvent = { data: { event_type: string; payload: Record<string, unknown> } };
/** The SDK error a call fails with (the test fails if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<APIError & { error: TelnyxErrorBody }> {
  try {
    await promise;
  } catch (error) {
    return error as APIError & { error: TelnyxErrorBody };
  }
  throw new Error('expected the call to fail');
}
const errorOf = async (res: Response) => ((await res.json()) as TelnyxErrorBody).errors[0];
const eventOf = (body: string) => JSON.parse(body) as WebhookEvent & { meta: { attempt: number; delivered_to: string } };

const rawSend = (body: unknown, apiKey: string = D.apiKey) =>
  fetch(`${fake.url}/v2/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  fake = await startTelnyxFake();
  control = telnyxControl(fake.url);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  await control.reset();
  await control.seedAccount(D.apiKey, demoTelnyxAccount());
  const publicKey = await control.publicKey();
  client = new Telnyx({ apiKey: D.apiKey, baseURL: `${fake.url}/v2`, publicKey, maxRetries: 0 });
});

describe('auth', () => {
  it('rejects an unknown API key with 10009 (SDK: AuthenticationError)', async () => {
    const bad = new Telnyx({ apiKey: 'KEY_WRONG', baseURL: `${fake.url}/v2`, maxRetries: 0 });
    const error = await failure(bad.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'hi' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.error.errors[0]).toMatchObject({ code: '10009', title: 'Authentication failed' });
  });
});

describe('POST /v2/messages', () => {
  it('accepts a send through the SDK and returns a real-looking Message', async () => {
    const { data } = await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'Thanks for contacting Acme!' });
    expect(data).toMatchObject({
      record_type: 'message',
      direction: 'outbound',
      type: 'SMS',
      from: { phone_number: D.numbers.support1 },
      to: [{ phone_number: CUSTOMER, status: 'queued' }],
      text: 'Thanks for contacting Acme!',
      parts: 1,
      encoding: 'GSM-7',
      messaging_profile_id: D.profiles.support,
      sent_at: null,
      completed_at: null,
      errors: [],
    });
    expect(data?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(data?.cost).toEqual({ amount: expect.any(String), currency: 'USD' });

    const outbox = await control.messages({ apiKey: D.apiKey });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]?.id).toBe(data?.id);
  });

  it('records the request with the Authorization header and parsed body', async () => {
    const since = (await control.requests()).last;
    await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x', webhook_url: 'https://worker.test/t' });
    const { requests } = await control.requests({ since, apiKey: D.apiKey });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/v2/messages',
      body: { from: D.numbers.support1, to: CUSTOMER, text: 'x', webhook_url: 'https://worker.test/t' },
    });
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${D.apiKey}`);
  });

  it('picks the first number of messaging_profile_id when from is absent', async () => {
    const { data } = await client.messages.send({ messaging_profile_id: D.profiles.billing, to: CUSTOMER, text: 'x' });
    expect(data?.from?.phone_number).toBe(D.numbers.billing);
  });

  it('counts parts with GSM-7 and UCS-2 rules', async () => {
    const send = async (text: string) => (await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text })).data;
    expect(await send('a'.repeat(160))).toMatchObject({ parts: 1, encoding: 'GSM-7' });
    expect(await send('a'.repeat(161))).toMatchObject({ parts: 2, encoding: 'GSM-7' });
    expect(await send('{'.repeat(80))).toMatchObject({ parts: 1, encoding: 'GSM-7' });
    expect(await send('{'.repeat(81))).toMatchObject({ parts: 2 });
    expect(await send('é'.repeat(160))).toMatchObject({ parts: 1, encoding: 'GSM-7' });
    // 70 characters but 71 UTF-16 units (the emoji takes two): two parts.
    expect(await send('ü😀'.padEnd(71, 'x'))).toMatchObject({ parts: 2, encoding: 'UCS-2', num_chars: 70 });
    expect(await send('😀'.repeat(35))).toMatchObject({ parts: 1, encoding: 'UCS-2' });
    expect(await send('ą'.repeat(71))).toMatchObject({ parts: 2, encoding: 'UCS-2' });
  });

  it('never splits a GSM-7 escape pair or a surrogate pair across parts', () => {
    // 152 plain + "{" (2 septets) = 154 > 153: the brace moves to part 2.
    expect(countSmsParts(`${'a'.repeat(152)}{${'a'.repeat(152)}`).parts).toBe(3);
    expect(countSmsParts('a'.repeat(153 * 2)).parts).toBe(2);
    expect(countSmsParts(`${'ą'.repeat(66)}😀${'ą'.repeat(66)}`).parts).toBe(3);
    expect(countSmsParts('plain', 'ucs2')).toMatchObject({ encoding: 'UCS-2', parts: 1 });
  });

  it('rejects a to or from that is not +E.164 with 10016', async () => {
    for (const body of [
      { from: D.numbers.support1, to: '5557650001', text: 'x' },
      { from: '14155550301', to: CUSTOMER, text: 'x' },
    ]) {
      const res = await rawSend(body);
      expect(res.status).toBe(422);
      expect(await errorOf(res)).toMatchObject({ code: '10016', title: 'Phone number must be in +E.164 format' });
    }
  });

  it('rejects a from number that is not on the account with 40305', async () => {
    const res = await rawSend({ from: '+15559999999', to: CUSTOMER, text: 'x' });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: '40305', title: "Invalid 'from' address" });
  });

  it('rejects more than 10 parts with 40302', async () => {
    const res = await rawSend({ from: D.numbers.support1, to: CUSTOMER, text: 'a'.repeat(153 * 10 + 1) });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: '40302', title: 'Message too large' });
    expect((await rawSend({ from: D.numbers.support1, to: CUSTOMER, text: 'a'.repeat(153 * 10) })).status).toBe(200);
  });

  it('rejects missing parameters, empty text and several recipients', async () => {
    const missingTo = await rawSend({ from: D.numbers.support1, text: 'x' });
    expect(missingTo.status).toBe(422);
    expect((await errorOf(missingTo))?.code).toBe('10004');
    expect((await errorOf(await rawSend({ from: D.numbers.support1, to: CUSTOMER, text: '' })))?.code).toBe('40316');
    const several = await rawSend({ from: D.numbers.support1, to: [CUSTOMER, '+14155550202'], text: 'x' });
    expect((await errorOf(several))?.code).toBe('40310');
  });
});

describe('reads', () => {
  it('retrieves a sent message by id, for its own account only', async () => {
    const { data } = await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' });
    const got = await client.messages.retrieve(data!.id!);
    expect(got.data?.id).toBe(data?.id);

    await control.seedAccount('KEY_OTHER', { messagingProfiles: [], phoneNumbers: [] });
    const other = new Telnyx({ apiKey: 'KEY_OTHER', baseURL: `${fake.url}/v2`, maxRetries: 0 });
    const error = await failure(other.messages.retrieve(data!.id!));
    expect(error.status).toBe(404);
    expect(error.error.errors[0]?.code).toBe('10005');
  });

  it('lists messaging profiles with flat pagination the SDK can follow', async () => {
    const first = await client.messagingProfiles.list({ 'page[size]': 2 });
    expect(first.data.map((p) => p.name)).toEqual(['Support line', 'Billing line']);
    expect(first.meta).toMatchObject({ page_number: 1, total_pages: 2 });
    const names: string[] = [];
    for await (const profile of client.messagingProfiles.list({ 'page[size]': 2 })) names.push(profile.name!);
    expect(names).toEqual(['Support line', 'Billing line', 'Unused profile']);
  });

  it('filters messaging profiles by name', async () => {
    const page = await client.messagingProfiles.list({ 'filter[name][contains]': 'Billing' });
    expect(page.data.map((p) => p.id)).toEqual([D.profiles.billing]);
  });

  it('lists the phone numbers of a messaging profile, page by page', async () => {
    const numbers: string[] = [];
    for await (const n of client.messagingProfiles.listPhoneNumbers(D.profiles.support, { 'page[size]': 2 })) {
      numbers.push(n.phone_number!);
    }
    expect(numbers).toEqual([D.numbers.support1, D.numbers.support2, D.numbers.tollFree]);
    const empty = await client.messagingProfiles.listPhoneNumbers(D.profiles.empty);
    expect(empty.data).toEqual([]);
    expect(empty.meta).toMatchObject({ total_results: 0 });
  });

  it('answers 404 10005 for an unknown messaging profile', async () => {
    const error = await failure(client.messagingProfiles.listPhoneNumbers('00000000-0000-0000-0000-000000000000'));
    expect(error.status).toBe(404);
  });
});

describe('delivery callbacks', () => {
  it('builds message.sent then message.finalized that the SDK verifies (delivered)', async () => {
    const { data } = await client.messages.send({
      from: D.numbers.support1,
      to: CUSTOMER,
      text: 'x',
      webhook_url: 'https://worker.test/t',
    });
    const callbacks = await control.callbacks(data!.id!);
    expect(callbacks).toHaveLength(2);
    const events = [];
    for (const callback of callbacks) {
      expect(callback.url).toBe('https://worker.test/t');
      expect(callback.headers['telnyx-timestamp']).toMatch(/^\d+$/);
      events.push(await client.webhooks.unwrap(callback.body, { headers: callback.headers }));
    }
    expect(events.map((e) => (e as { data: { event_type: string } }).data.event_type)).toEqual(['message.sent', 'message.finalized']);
    const finalized = JSON.parse(callbacks[1]!.body);
    expect(finalized).toMatchObject({
      data: {
        event_type: 'message.finalized',
        record_type: 'event',
        id: expect.any(String),
        occurred_at: expect.any(String),
        payload: { id: data?.id, to: [{ status: 'delivered' }], errors: [] },
      },
      meta: { attempt: 1, delivered_to: 'https://worker.test/t' },
    });
    const retrieved = await client.messages.retrieve(data!.id!);
    expect((retrieved.data as { to: { status: string }[] }).to[0]!.status).toBe('delivered');
  });

  it('rejects a tampered body and a stale timestamp (SDK verifier)', async () => {
    const { data } = await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' });
    const callbacks = await control.callbacks(data!.id!);
    await expect(client.webhooks.unwrap(callbacks[0]!.body.replace('"x"', '"y"'), { headers: callbacks[0]!.headers })).rejects.toThrow(
      /signature/i,
    );
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    const old = await control.callbacks(data!.id!, { timestamp: stale });
    await expect(client.webhooks.unwrap(old[0]!.body, { headers: old[0]!.headers })).rejects.toThrow(/timestamp/i);
  });

  it('finalizes as delivery_failed with errors when the outcome says so', async () => {
    await control.setOutcome({ to: CUSTOMER, outcome: 'delivery_failed', errorCode: '40001', errorTitle: 'Not routable' });
    const { data } = await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' });
    const callbacks = await control.callbacks(data!.id!);
    const payload = JSON.parse(callbacks.at(-1)!.body).data.payload;
    expect(payload.to[0].status).toBe('delivery_failed');
    expect(payload.errors).toEqual([{ code: '40001', title: 'Not routable', detail: expect.any(String) }]);
  });

  it('finalizes as sending_failed without a message.sent event', async () => {
    await control.setOutcome({ to: CUSTOMER, outcome: 'sending_failed' });
    const { data } = await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' });
    const callbacks = await control.callbacks(data!.id!);
    expect(callbacks.map((c) => eventOf(c.body).data.event_type)).toEqual(['message.finalized']);
    expect(JSON.parse(callbacks[0]!.body).data.payload.to[0].status).toBe('sending_failed');
  });

  it('delivers callbacks to the webhook URL (with failover) when asked, and by itself with autoCallbacks', async () => {
    const received: { path: string; body: string; headers: Record<string, string> }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body, headers: req.headers as Record<string, string> });
        res.writeHead(req.url === '/down' ? 500 : 200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    try {
      const { data } = await client.messages.send({
        from: D.numbers.support1,
        to: CUSTOMER,
        text: 'x',
        webhook_url: `${base}/down`,
        webhook_failover_url: `${base}/up`,
      });
      await control.callbacks(data!.id!, { deliver: true });
      expect(received.map((r) => r.path)).toEqual(['/down', '/up', '/down', '/up']);
      const failover = received[1]!;
      expect(JSON.parse(failover.body).meta).toEqual({ attempt: 2, delivered_to: `${base}/up` });
      await client.webhooks.unwrap(failover.body, { headers: failover.headers });

      received.length = 0;
      await control.setConfig({ autoCallbacks: true, callbackDelayMs: 10 });
      await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'auto', webhook_url: `${base}/up` });
      await expect.poll(() => received.length, { timeout: 2000 }).toBe(2);
      expect((await control.deliveries()).length).toBeGreaterThanOrEqual(6);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('uses the profile webhook_url unless use_profile_webhooks is false', async () => {
    await control.seedAccount(D.apiKey, demoTelnyxAccount({ webhookUrl: 'https://worker.test/profile' }));
    const a = await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' });
    expect(a.data?.webhook_url).toBe('https://worker.test/profile');
    const b = await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x', use_profile_webhooks: false });
    expect(b.data?.webhook_url).toBeNull();
  });
});

describe('inbound messages and opt-out', () => {
  it('STOP blocks sends from that profile with 40300 (SDK: ConflictError 409); START clears it', async () => {
    const stop = await control.inbound({ from: CUSTOMER, to: D.numbers.support1, text: '  stop ' });
    expect(stop.optedOut).toBe(true);
    const event = (await client.webhooks.unwrap(stop.callback.body, { headers: stop.callback.headers })) as {
      data: { event_type: string; payload: { direction: string; text: string; from: { phone_number: string } } };
    };
    expect(event.data).toMatchObject({
      event_type: 'message.received',
      payload: { direction: 'inbound', from: { phone_number: CUSTOMER } },
    });

    const error = await failure(client.messages.send({ from: D.numbers.support2, to: CUSTOMER, text: 'x' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.status).toBe(409);
    expect(error.error.errors[0]).toMatchObject({
      code: '40300',
      title: 'Blocked due to STOP message',
      detail: `Messages cannot be sent from ${D.numbers.support2} to ${CUSTOMER} due to an existing block rule.`,
    });

    // Another messaging profile is not blocked.
    expect((await client.messages.send({ from: D.numbers.billing, to: CUSTOMER, text: 'x' })).data?.id).toBeDefined();

    const start = await control.inbound({ from: CUSTOMER, to: D.numbers.support1, text: 'START' });
    expect(start.optedOut).toBe(false);
    expect((await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' })).data?.id).toBeDefined();
  });

  it('treats every opt-out keyword, and only whole-message keywords', async () => {
    for (const word of ['STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit']) {
      const res = await control.inbound({ from: CUSTOMER, to: D.numbers.support1, text: word });
      expect(res.optedOut).toBe(true);
      await control.inbound({ from: CUSTOMER, to: D.numbers.support1, text: 'unstop' });
    }
    const chat = await control.inbound({ from: CUSTOMER, to: D.numbers.support1, text: 'please stop texting' });
    expect(chat.optedOut).toBe(false);
  });
});

describe('faults', () => {
  it('injects a 429 (SDK: RateLimitError with Retry-After)', async () => {
    await control.addFault({ pathPattern: '^/v2/messages$', status: 429, headers: { 'Retry-After': '3' } });
    const error = await failure(client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.headers?.get('retry-after')).toBe('3');
    expect(error.error.errors[0]?.code).toBe('10011');
    expect(await control.messages()).toHaveLength(0);
  });

  it('afterAccept: the message is accepted, the client sees an error (the ambiguous case)', async () => {
    await control.addFault({ method: 'POST', pathPattern: '^/v2/messages$', status: 503, afterAccept: true });
    const error = await failure(client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' }));
    expect(error.status).toBe(503);
    expect(await control.messages()).toHaveLength(1);
  });

  it('dropConnection (SDK: APIConnectionError), also after accepting', async () => {
    await control.addFault({ pathPattern: '^/v2/messages$', dropConnection: true, afterAccept: true });
    const error = await failure(client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' }));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(await control.messages()).toHaveLength(1);
  });

  it('delayMs makes a client timeout fire', async () => {
    await control.addFault({ pathPattern: '^/v2/messages$', delayMs: 400 });
    const impatient = new Telnyx({ apiKey: D.apiKey, baseURL: `${fake.url}/v2`, maxRetries: 0, timeout: 100 });
    const error = await failure(impatient.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' }));
    expect(error).toBeInstanceOf(APIConnectionError);
  });

  it('scopes a fault to one API key', async () => {
    await control.seedAccount('KEY_OTHER', demoTelnyxAccount());
    await control.addFault({ pathPattern: '.', status: 500, apiKey: 'KEY_OTHER', times: -1 });
    expect((await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' })).data).toBeDefined();
    expect((await rawSend({ from: D.numbers.support1, to: CUSTOMER, text: 'x' }, 'KEY_OTHER')).status).toBe(500);
    await control.clearFaults();
    expect((await rawSend({ from: D.numbers.support1, to: CUSTOMER, text: 'x' }, 'KEY_OTHER')).status).toBe(200);
  });
});

describe('random faults (soak)', () => {
  const sendStatuses = async (n: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      statuses.push(
        await rawSend({ from: D.numbers.support1, to: CUSTOMER, text: `m${i}` }).then(
          (r) => r.status,
          () => 0,
        ),
      );
    }
    return statuses;
  };

  it('injects by rate and kind from a seed, the same faults for the same seed, and counts them', async () => {
    const config = { seed: 7, rate: 0.5, kinds: { '5xx': 1, '429': 1, drop: 1 }, method: 'POST', pathPattern: '^/v2/messages$', retryAfterS: 2 };
    await control.setRandomFaults(config);
    const first = await sendStatuses(40);
    const counts = await control.randomFaults();
    expect(counts.considered).toBe(40);
    const injected = Object.values(counts.injected).reduce((a, b) => a + (b ?? 0), 0);
    expect(injected).toBe(first.filter((s) => s !== 200).length);
    expect(injected).toBeGreaterThan(5);
    expect(injected).toBeLessThan(35);
    expect(first.filter((s) => s === 429).length).toBe(counts.injected['429'] ?? 0);
    expect(first.filter((s) => s === 0).length).toBe(counts.injected.drop ?? 0);
    expect((await control.messages()).length).toBe(first.filter((s) => s === 200).length);

    await control.clearRandomFaults(true);
    expect((await sendStatuses(3)).every((s) => s === 200)).toBe(true);
    await control.setRandomFaults(config);
    expect(await sendStatuses(40)).toEqual(first);
  });

  it('a 429 carries Retry-After; GETs outside the pattern are never touched', async () => {
    await control.setRandomFaults({ seed: 1, rate: 1, kinds: { '429': 1 }, method: 'POST', pathPattern: '^/v2/messages$', retryAfterS: 3 });
    const res = await rawSend({ from: D.numbers.support1, to: CUSTOMER, text: 'x' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect((await client.messagingProfiles.list()).data.length).toBeGreaterThan(0);
  });

  it('an outage answers every matching request until it ends, then requests pass again', async () => {
    await control.setRandomFaults({ seed: 1, rate: 0, pathPattern: '^/v2/messages$', outage: { durationMs: 300, status: 503 } });
    expect(await sendStatuses(2)).toEqual([503, 503]);
    await new Promise((r) => setTimeout(r, 350));
    expect(await sendStatuses(1)).toEqual([200]);
    expect((await control.randomFaults()).injected.outage).toBe(2);
  });

  it('dropAfterAccept: the message is accepted but the caller loses the connection', async () => {
    await control.setRandomFaults({ seed: 3, rate: 1, kinds: { dropAfterAccept: 1 }, pathPattern: '^/v2/messages$' });
    const error = await failure(client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' }));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(await control.messages()).toHaveLength(1);
  });

  it('refuses an unknown kind or a rate outside 0..1', async () => {
    await expect(control.setRandomFaults({ seed: 1, rate: 2 })).rejects.toThrow(/400/);
    await expect(control.setRandomFaults({ seed: 1, rate: 0.1, kinds: { nope: 1 } as never })).rejects.toThrow(/unknown kind/);
  });
});

describe('control: sign', () => {
  it("signs an arbitrary body with the fake's key", async () => {
    const body = '{"data":{"event_type":"message.finalized"}}';
    const headers = await control.sign(body);
    await expect(client.webhooks.unwrap(body, { headers })).resolves.toBeDefined();
  });
});

describe('alphanumeric sender IDs', () => {
  const UK = '+447700900123';

  it("serves the profile's alpha_sender and its alphanumeric_sender_ids through the SDK", async () => {
    await control.seedAccount(D.apiKey, {
      ...demoTelnyxAccount(),
      messagingProfiles: demoTelnyxAccount().messagingProfiles.map((p) => (p.id === D.profiles.billing ? { ...p, alpha_sender: 'AcmeBill' } : p)),
    });
    expect((await client.messagingProfiles.retrieve(D.profiles.billing)).data?.alpha_sender).toBe('AcmeBill');
    expect((await client.messagingProfiles.retrieve(D.profiles.support)).data?.alpha_sender).toBeNull();
    const ids: string[] = [];
    for await (const a of client.messagingProfiles.listAlphanumericSenderIDs(D.profiles.support)) ids.push(a.alphanumeric_sender_id!);
    expect(ids).toEqual([D.alphaSender]);
    const all = await client.alphanumericSenderIDs.list({ 'filter[messaging_profile_id]': D.profiles.billing });
    expect(all.data).toEqual([]);
  });

  it('sends from a sender ID of the profile (messaging_profile_id required) and refuses others', async () => {
    const { data } = await client.messages.send({ from: D.alphaSender, to: UK, text: 'x', messaging_profile_id: D.profiles.support });
    expect(data?.from).toMatchObject({ phone_number: D.alphaSender });
    const noProfile = await rawSend({ from: D.alphaSender, to: UK, text: 'x' });
    expect(noProfile.status).toBe(422);
    expect((await errorOf(noProfile))?.code).toBe('10004');
    for (const from of ['Other', 'Acme_Help', 'TwelveChars1']) {
      const res = await rawSend({ from, to: UK, text: 'x', messaging_profile_id: D.profiles.support });
      expect(res.status, from).toBe(400);
      expect((await errorOf(res))?.code, from).toBe('40305');
    }
    // Another profile's sender ID is not this one's.
    const wrongProfile = await rawSend({ from: D.alphaSender, to: UK, text: 'x', messaging_profile_id: D.profiles.billing });
    expect((await errorOf(wrongProfile))?.code).toBe('40305');
  });

  it('cannot send to +1 numbers unless the record has a US long code fallback', async () => {
    const toUs = await rawSend({ from: D.alphaSender, to: CUSTOMER, text: 'x', messaging_profile_id: D.profiles.support });
    expect(toUs.status).toBe(400);
    expect(await errorOf(toUs)).toMatchObject({ code: '40305', detail: expect.stringContaining('United States') });
    await control.seedAccount(D.apiKey, {
      ...demoTelnyxAccount(),
      alphanumericSenderIds: [{ alphanumeric_sender_id: D.alphaSender, messaging_profile_id: D.profiles.support, us_long_code_fallback: D.numbers.support2 }],
    });
    const { data } = await client.messages.send({ from: D.alphaSender, to: CUSTOMER, text: 'x', messaging_profile_id: D.profiles.support });
    expect(data?.from?.phone_number).toBe(D.numbers.support2);
  });

  it('refuses to seed a sender ID Telnyx would not allow', async () => {
    await expect(
      control.seedAccount('KEY_BAD', { messagingProfiles: [{ id: 'p', name: 'p', alpha_sender: 'Not_Allowed' }], phoneNumbers: [] }),
    ).rejects.toThrow(/alphanumeric/);
  });
});

describe('US registration: 10DLC campaigns and toll-free verification', () => {
  it('answers a number 10DLC assignment, 404 for a number without one (SDK NotFoundError)', async () => {
    const assigned = await client.messaging10dlc.phoneNumberCampaigns.retrieve(D.numbers.support1);
    expect(assigned).toMatchObject({ phoneNumber: D.numbers.support1, assignmentStatus: 'ASSIGNED', tcrCampaignId: 'CDEMO01' });
    expect((await client.messaging10dlc.phoneNumberCampaigns.retrieve(D.numbers.billing)).assignmentStatus).toBe('PENDING_ASSIGNMENT');
    const error = await failure(client.messaging10dlc.phoneNumberCampaigns.retrieve(D.numbers.support2));
    expect(error).toBeInstanceOf(NotFoundError);
    // Another account's assignments are not visible.
    await control.seedAccount('KEY_OTHER', { messagingProfiles: [], phoneNumbers: [] });
    const other = new Telnyx({ apiKey: 'KEY_OTHER', baseURL: `${fake.url}/v2`, maxRetries: 0 });
    expect(await failure(other.messaging10dlc.phoneNumberCampaigns.retrieve(D.numbers.support1))).toBeInstanceOf(NotFoundError);
    const page = await client.messaging10dlc.phoneNumberCampaigns.list();
    expect(page.records.map((r) => r.phoneNumber)).toEqual([D.numbers.support1, D.numbers.billing]);
  });

  it('lists toll-free verification requests by phone number and status; page and page_size are required', async () => {
    const page = await client.messagingTollfree.verification.requests.list({ page: 1, page_size: 20, phone_number: D.numbers.tollFree });
    expect(page.records).toHaveLength(1);
    expect(page.records[0]).toMatchObject({ verificationStatus: 'Verified', phoneNumbers: [{ phoneNumber: D.numbers.tollFree }] });
    expect(page.total_records).toBe(1);
    const none = await client.messagingTollfree.verification.requests.list({ page: 1, page_size: 20, phone_number: D.numbers.support1 });
    expect(none.records).toEqual([]);
    const rejected = await client.messagingTollfree.verification.requests.list({ page: 1, page_size: 20, status: 'Rejected' });
    expect(rejected.records).toEqual([]);
    const one = await client.messagingTollfree.verification.requests.retrieve(page.records[0]!.id);
    expect(one.verificationStatus).toBe('Verified');
    const missing = await fetch(`${fake.url}/v2/messaging_tollfree/verification/requests?page=1`, { headers: { authorization: `Bearer ${D.apiKey}` } });
    expect(missing.status).toBe(422);
  });
});

describe('message statuses', () => {
  it('finalizes as expired (nothing reached a carrier) and as delivery_unconfirmed (sent, no error)', async () => {
    await control.setOutcome({ to: CUSTOMER, outcome: 'expired' });
    const expired = (await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' })).data!;
    const expiredCallbacks = await control.callbacks(expired.id!);
    expect(expiredCallbacks.map((c) => eventOf(c.body).data.event_type)).toEqual(['message.finalized']);
    expect(eventOf(expiredCallbacks[0]!.body).data.payload).toMatchObject({ to: [{ status: 'expired' }], errors: [{ code: '40014' }] });

    await control.setOutcome({ to: CUSTOMER, outcome: 'delivery_unconfirmed' });
    const unconfirmed = (await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x' })).data!;
    const callbacks = await control.callbacks(unconfirmed.id!);
    expect(callbacks.map((c) => eventOf(c.body).data.event_type)).toEqual(['message.sent', 'message.finalized']);
    expect(eventOf(callbacks[1]!.body).data.payload).toMatchObject({ to: [{ status: 'delivery_unconfirmed' }], errors: [] });
  });

  it('signs an event with any status the SDK defines (scheduled, cancelled, read), and only those', async () => {
    const { data } = await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'x', webhook_url: 'https://worker.test/t' });
    for (const [eventType, status] of [
      ['message.sent', 'scheduled'],
      ['message.finalized', 'cancelled'],
      ['message.read', 'read'],
    ] as const) {
      const callback = await control.event(data!.id!, { eventType, status });
      const event = (await client.webhooks.unwrap(callback.body, { headers: callback.headers })) as WebhookEvent;
      expect(event.data.event_type).toBe(eventType);
      expect((event.data.payload as { to: { status: string }[] }).to[0]!.status).toBe(status);
      expect(callback.url).toBe('https://worker.test/t');
    }
    expect(((await client.messages.retrieve(data!.id!)).data as { to: { status: string }[] }).to[0]!.status).toBe('read');
    await expect(control.event(data!.id!, { eventType: 'message.finalized', status: 'vanished' })).rejects.toThrow(/400/);
    await expect(control.event(data!.id!, { eventType: 'message.received' as 'message.sent', status: 'sent' })).rejects.toThrow(/400/);
  });
});

describe('keywords', () => {
  const payloadOf = (r: { callback: { body: string } }) => eventOf(r.callback.body).data.payload as { autoresponse_type: string | null };

  it('HELP is not auto-answered without a help config (autoresponse_type null), nor blocked; ordinary text has autoresponse_type null', async () => {
    const help = await control.inbound({ from: CUSTOMER, to: D.numbers.support1, text: ' help ' });
    expect(help.optedOut).toBe(false);
    expect(payloadOf(help).autoresponse_type).toBeNull();
    const chat = await control.inbound({ from: CUSTOMER, to: D.numbers.support1, text: 'thanks!' });
    expect(payloadOf(chat).autoresponse_type).toBeNull();
  });

  it('STOP ALL with any case and spacing is an opt-out (autoresponse_type STOP)', async () => {
    const res = await control.inbound({ from: CUSTOMER, to: D.numbers.support1, text: '  stop   all ' });
    expect(res.optedOut).toBe(true);
    expect(payloadOf(res).autoresponse_type).toBe('STOP');
  });

  it("a profile's own autoresp config keywords act like the defaults, on that profile only", async () => {
    await control.seedAccount(D.apiKey, {
      ...demoTelnyxAccount(),
      autorespConfigs: [{ messaging_profile_id: D.profiles.support, op: 'stop', keywords: ['ARRET'] }],
    });
    const res = await control.inbound({ from: CUSTOMER, to: D.numbers.support1, text: 'arret' });
    expect(res.optedOut).toBe(true);
    expect(payloadOf(res).autoresponse_type).toBe('STOP');
    const other = await control.inbound({ from: CUSTOMER, to: D.numbers.billing, text: 'arret' });
    expect(other.optedOut).toBe(false);
    expect(payloadOf(other).autoresponse_type).toBeNull();
  });
});

describe('rate-limit mode (issue 13)', () => {
  it('answers a send over the number’s rate with Telnyx’s 429 (10011, x-ratelimit-* headers) and counts it', async () => {
    await control.setRateLimits({ numbers: { [D.numbers.support1]: { perSecond: 1, burst: 2 } } });
    const send = () => client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'hi' }).withResponse();
    const first = await send();
    expect(first.response.headers.get('x-ratelimit-limit')).toBe('2');
    await send();
    const error = await failure(send());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.status).toBe(429);
    expect(error.error.errors[0]).toEqual({ code: '10011', title: 'Too many requests', detail: 'You have exceeded the maximum number of allowed requests.' });
    expect(error.headers?.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(error.headers?.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(error.headers?.get('retry-after')).toBeNull();
    // Sending again before the reset is an unhonoured 429; another number is not limited.
    await failure(send());
    await client.messages.send({ from: D.numbers.support2, to: CUSTOMER, text: 'hi' });
    const { summary, decisions } = await control.rateLimits();
    expect(summary).toEqual({ requests: 4, accepted: 2, tooManyRequests: 2, unhonoured: 1 });
    expect(decisions.every((d) => d.from === D.numbers.support1)).toBe(true);
    expect((await control.messages()).length).toBe(3);
  });

  it('limits an account across its numbers', async () => {
    await control.setRateLimits({ accounts: { [D.apiKey]: { perSecond: 1, burst: 1 } } });
    await client.messages.send({ from: D.numbers.support1, to: CUSTOMER, text: 'hi' });
    const error = await failure(client.messages.send({ from: D.numbers.support2, to: CUSTOMER, text: 'hi' }));
    expect(error.status).toBe(429);
    expect((await control.rateLimits()).decisions.map((d) => d.limitedBy ?? null)).toEqual([null, 'account']);
  });
});
