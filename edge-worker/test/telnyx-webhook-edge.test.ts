// The Telnyx webhook's edge, through HTTP into the worker and the Telnyx fake's signed callbacks:
// the body is capped while it streams (an 8 MiB body is refused with 413 long before it is read
// whole), the signed message id decides which send a receipt moves (the unsigned `?send=` query
// only settles a send whose Telnyx answer was lost, and only for that send's recipient), unknown
// installations and bad signatures answer alike, and the route is in /openapi.json.
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  outbox,
  settled,
  solve,
  ticketSends,
  tx,
  waitFor,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;
const MiB = 1024 * 1024;
const OTHER = '+14155550177';

const postTelnyx = (installationId: string, headers: Record<string, string>, body: BodyInit, query = '') =>
  SELF.fetch(`https://worker.test/v1/webhooks/telnyx/${installationId}${query}`, { method: 'POST', headers, body });

/** A chunked body of `total` bytes that counts how much of it the worker pulled. */
function countingStream(total: number, chunk = 64 * 1024) {
  const counter = { pulled: 0 };
  const piece = new Uint8Array(chunk).fill(0x61);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) {
        controller.close();
        return;
      }
      counter.pulled += piece.byteLength;
      controller.enqueue(piece);
    },
  });
  return { stream, counter };
}

async function errorBody(res: Response): Promise<{ status: number; text: string }> {
  return { status: res.status, text: await res.text() };
}

describe('Telnyx webhook: body size', () => {
  it('refuses an 8 MiB chunked body with 413 without reading it whole', async () => {
    const t = await createDeliveryTenant();
    const { stream, counter } = countingStream(8 * MiB);
    const res = await postTelnyx(t.installationId, { 'content-type': 'application/json' }, stream);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    // The cap is 64 KiB: the worker stops pulling shortly after it (stream buffers allow a little more).
    expect(counter.pulled).toBeLessThan(1 * MiB);
  });

  it('refuses a body whose Content-Length is over the cap before reading it, for any installation id', async () => {
    const t = await createDeliveryTenant();
    const big = 'x'.repeat(8 * MiB);
    for (const id of [t.installationId, 'inst_doesnotexist']) {
      const res = await postTelnyx(id, { 'content-type': 'application/json' }, big);
      expect(res.status, id).toBe(413);
    }
  });
});

describe('Telnyx webhook: unknown installation vs bad signature', () => {
  it('answers an unknown installation id exactly like a known one with a bad signature', async () => {
    const t = await createDeliveryTenant();
    const body = JSON.stringify({ data: { event_type: 'message.finalized', payload: { id: 'x' } } });
    const headers = await tx.sign(body);
    const forged = { ...headers, 'telnyx-signature-ed25519': btoa('x'.repeat(64)) };
    const unknown = await errorBody(await postTelnyx('inst_doesnotexist', headers, body));
    const badSignature = await errorBody(await postTelnyx(t.installationId, forged, body));
    const unsigned = await errorBody(await postTelnyx(t.installationId, { 'content-type': 'application/json' }, body));
    expect(unknown.status).toBe(401);
    expect(badSignature).toEqual(unknown);
    expect(unsigned).toEqual(unknown);
    // A good signature is accepted.
    expect((await postTelnyx(t.installationId, headers, body)).status).toBe(200);
  });

  it('answers an installation without a Telnyx public key like the others', async () => {
    const t = await createDeliveryTenant({ telnyx: false });
    const body = JSON.stringify({ data: { event_type: 'message.finalized' } });
    const headers = await tx.sign(body);
    const noKey = await errorBody(await postTelnyx(t.installationId, headers, body));
    const unknown = await errorBody(await postTelnyx('inst_doesnotexist', headers, body));
    expect(noKey).toEqual(unknown);
  });
});

async function twoSends(t: DeliveryTenant) {
  await createRules(t, deliveryRule(t, { recipients: { customer: true, otherNumbers: [OTHER] } }));
  await solve(t, T.damagedOrder);
  const done = await settled(t, T.damagedOrder);
  const customer = done.sends.find((s) => s.recipientKind === 'customer');
  const other = done.sends.find((s) => s.recipientKind === 'other');
  if (!customer?.telnyxMessageId || !other) throw new Error('expected two queued sends');
  return { customer, other };
}

const statusOf = async (t: DeliveryTenant, sendId: string) =>
  (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends.find((s) => s.id === sendId)?.status;

describe('Telnyx webhook: which send a receipt moves', () => {
  it('trusts the signed message id over a ?send= naming another send', async () => {
    const t = await createDeliveryTenant();
    const { customer, other } = await twoSends(t);
    const [, finalized] = await tx.callbacks(String(customer.telnyxMessageId));
    if (!finalized) throw new Error('missing callback');
    const res = await postTelnyx(t.installationId, finalized.headers, finalized.body, `?send=${encodeURIComponent(other.id)}`);
    expect(res.status).toBe(200);
    expect(await statusOf(t, customer.id)).toBe('delivered');
    expect(await statusOf(t, other.id)).toBe('queued');
  });

  it("settles a send whose Telnyx answer was lost through ?send=, but not with another recipient's receipt", async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    // Telnyx accepts the message and the connection drops: recorded outcome_unknown, no message id.
    await tx.addFault({ apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$', afterAccept: true, dropConnection: true });
    await solve(t, T.damagedOrder);
    const lost = (await settled(t, T.damagedOrder, { final: ['failed', 'queued'] })).sends[0];
    expect(lost).toMatchObject({ status: 'failed', reason: 'outcome_unknown', telnyxMessageId: null });
    const accepted = await waitFor(async () => (await outbox(t))[0], 'the accepted message');

    // A genuine receipt of another message of this account (another recipient), replayed with ?send=.
    const otherMessage = await fetch(`${env.TELNYX_BASE_URL}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.telnyxApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: t.sender, to: OTHER, text: 'unrelated' }),
    }).then((r) => r.json() as Promise<{ data: { id: string } }>);
    const [, strayFinal] = await tx.callbacks(otherMessage.data.id);
    if (!strayFinal || !lost) throw new Error('missing callback');
    await postTelnyx(t.installationId, strayFinal.headers, strayFinal.body, `?send=${encodeURIComponent(lost.id)}`);
    expect(await statusOf(t, lost.id)).toBe('failed');

    // The lost message's own receipt settles it, through ?send= (its id was never recorded).
    const [, finalized] = await tx.callbacks(accepted.id);
    if (!finalized) throw new Error('missing callback');
    await postTelnyx(t.installationId, finalized.headers, finalized.body, `?send=${encodeURIComponent(lost.id)}`);
    const settledSend = (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0];
    expect(settledSend).toMatchObject({ status: 'delivered', telnyxMessageId: accepted.id });
  });
});

describe('/openapi.json', () => {
  it('documents the Telnyx webhook route', async () => {
    const doc = (await (await SELF.fetch('https://worker.test/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: Array<{ name: string; in: string }> }>>;
    };
    const route = doc.paths['/v1/webhooks/telnyx/{installationId}']?.post;
    expect(route).toBeDefined();
    expect(Object.keys(route?.responses ?? {}).sort()).toEqual(['200', '401', '413']);
    expect(route?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['path:installationId', 'query:send', 'header:telnyx-signature-ed25519', 'header:telnyx-timestamp']),
    );
  });
});
