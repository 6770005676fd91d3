// One SMS per rule for one conversation, keyed on the ending itself (issue 11; README
// "Guarantees"): a chat / messaging conversation that ends and is solved texts each recipient once
// per rule, whichever happens first and whichever webhook arrives first; the trigger webhook and
// the event webhook of one solve are one receipt; a ticket solved, reopened and solved again 20
// minutes later is a new interaction with its own SMS. Everything goes through the triggers Setup
// installs in the Zendesk fake, signed by it, into the worker over HTTP.
import { describe, expect, it } from 'vitest';
import type { ZendeskWebhookRequest } from '../../test/fakes/zendesk-fake.ts';
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
  ticketSends,
  waitFor,
  zd,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;
const NUMBERS = { both: '+14155550111', endedOnly: '+14155550112', solvedOnly: '+14155550113' };

async function setUp(t: DeliveryTenant) {
  const res = await (await admin(t))('POST', '/v1/setup/zendesk', {});
  if (res.status !== 201 && res.status !== 200) throw new Error(`setup: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { webhookId: string; triggerIds: string[] };
}

/** Three rules on every group: one listens to both end events, one to each. */
async function threeRules(t: DeliveryTenant) {
  const rule = (label: string, number: string, events: string[]) =>
    deliveryRule(t, { label, recipients: { otherNumbers: [number] }, conditions: { groupIds: [], events }, content: { customText: label } });
  await createRules(
    t,
    rule('both', NUMBERS.both, ['ticket_solved', 'conversation_ended']),
    rule('ended only', NUMBERS.endedOnly, ['conversation_ended']),
    rule('solved only', NUMBERS.solvedOnly, ['ticket_solved']),
  );
}

/** The one request the update made (the trigger webhook Setup created). */
function only(result: { requests: ZendeskWebhookRequest[] }): ZendeskWebhookRequest {
  expect(result.requests).toHaveLength(1);
  return result.requests[0] as ZendeskWebhookRequest;
}

async function textsTo(t: DeliveryTenant): Promise<string[]> {
  return (await outbox(t)).map((m) => m.to[0]?.phone_number ?? '').sort();
}

const ORDERS = [
  { name: 'ended then solved, arriving in that order', first: 'end', arrival: 'in order', settleBetween: true },
  { name: 'ended then solved, the solve arriving first', first: 'end', arrival: 'reversed', settleBetween: true },
  { name: 'solved then ended, arriving in that order', first: 'solve', arrival: 'in order', settleBetween: true },
  { name: 'solved then ended, both at once in reverse', first: 'solve', arrival: 'reversed', settleBetween: false },
] as const;

describe('a chat or messaging conversation that ends and is solved', () => {
  it.each(ORDERS)('texts each recipient once per rule: $name', async ({ first, arrival, settleBetween }) => {
    const t = await createDeliveryTenant();
    await setUp(t);
    await threeRules(t);
    const end = async () => only(await zd.endConversation(t.subdomain, T.vipChat));
    const solve = async () => only(await zd.solveTicket(t.subdomain, T.vipChat));
    const made = first === 'end' ? [await end(), await solve()] : [await solve(), await end()];
    const arriving = arrival === 'in order' ? made : [...made].reverse();
    const answers = [];
    for (const req of arriving) {
      answers.push(await deliverWebhook(t, req));
      if (settleBetween) await settled(t, T.vipChat);
    }
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(answers[1]?.body).toMatchObject({ joined: true, interactionId: answers[0]?.body.interactionId });
    await waitFor(async () => ((await textsTo(t)).length >= 3 ? true : undefined), 'three texts');
    const done = await settled(t, T.vipChat);
    await new Promise((r) => setTimeout(r, 800));
    expect(await textsTo(t)).toEqual([NUMBERS.both, NUMBERS.endedOnly, NUMBERS.solvedOnly].sort());
    expect((await ticketSends(t, T.vipChat)).interactions).toHaveLength(1);
    expect(done.sends.map((s) => s.ruleLabel).sort()).toEqual(['both', 'ended only', 'solved only']);
  });

  it('a redelivery of either end event changes nothing', async () => {
    const t = await createDeliveryTenant();
    await setUp(t);
    await threeRules(t);
    const end = only(await zd.endConversation(t.subdomain, T.vipChat));
    const solve = only(await zd.solveTicket(t.subdomain, T.vipChat));
    await deliverWebhook(t, end);
    await deliverWebhook(t, solve);
    await settled(t, T.vipChat);
    for (const req of [end, solve, end]) expect((await deliverWebhook(t, req)).body).toMatchObject({ duplicate: true, joined: false });
    await new Promise((r) => setTimeout(r, 800));
    expect(await textsTo(t)).toHaveLength(3);
  });
});

describe('one solve seen twice', () => {
  it.each(['trigger first', 'event webhook first'])(
    'the trigger webhook and the event webhook of one solve are one receipt, each verified with its own secret (%s)',
    async (order) => {
      const t = await createDeliveryTenant();
      // An admin also made an event-subscription webhook for ticket status changes; Setup adopts
      // it (named like ours, pointing at this worker) and stores its secret too.
      const account = await zd.account(t.subdomain);
      const base = account.baseUrl;
      const created = await fetch(`${base}/api/v2/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          webhook: {
            name: 'Post-interaction SMS events',
            endpoint: `https://worker.test/v1/webhooks/zendesk/${t.installationId}`,
            http_method: 'POST',
            request_format: 'json',
            status: 'active',
            subscriptions: ['zen:event-type:ticket.status_changed'],
          },
        }),
      });
      expect(created.status).toBe(201);
      await setUp(t);
      await createRules(t, deliveryRule(t));
      const result = await zd.solveTicket(t.subdomain, T.damagedOrder);
      expect(result.requests).toHaveLength(2);
      const [viaTrigger, viaEvent] = result.requests as [ZendeskWebhookRequest, ZendeskWebhookRequest];
      expect(viaTrigger.headers['X-Zendesk-Webhook-Id']).not.toBe(viaEvent.headers['X-Zendesk-Webhook-Id']);
      const [a, b] = order === 'trigger first' ? [viaTrigger, viaEvent] : [viaEvent, viaTrigger];
      const first = await deliverWebhook(t, a);
      const second = await deliverWebhook(t, b);
      expect([first.status, second.status]).toEqual([202, 200]);
      expect(second.body).toMatchObject({ duplicate: true, interactionId: first.body.interactionId });
      await settled(t, T.damagedOrder);
      await new Promise((r) => setTimeout(r, 800));
      expect(await outbox(t)).toHaveLength(1);
    },
  );
});

describe('a ticket solved, reopened and solved again 20 minutes later', () => {
  it.each(['in order', 'the later solve first'])('is a new interaction with its own SMS (%s)', async (order) => {
    const t = await createDeliveryTenant();
    await setUp(t);
    await createRules(t, deliveryRule(t));
    const t0 = Date.now();
    const firstSolve = only(await zd.solveTicket(t.subdomain, T.damagedOrder, { at: new Date(t0).toISOString() }));
    expect((await zd.solveTicket(t.subdomain, T.damagedOrder, { status: 'open' })).requests).toHaveLength(0);
    const secondSolve = only(await zd.solveTicket(t.subdomain, T.damagedOrder, { at: new Date(t0 + 20 * 60_000).toISOString() }));
    const arriving = order === 'in order' ? [firstSolve, secondSolve] : [secondSolve, firstSolve];
    const answers = [await deliverWebhook(t, arriving[0]!), await deliverWebhook(t, arriving[1]!)];
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(answers[0]?.body.interactionId).not.toBe(answers[1]?.body.interactionId);
    // Redeliveries of either collapse onto their own interaction.
    expect((await deliverWebhook(t, firstSolve)).body).toMatchObject({ duplicate: true });
    expect((await deliverWebhook(t, secondSolve)).body).toMatchObject({ duplicate: true });
    await waitFor(async () => ((await outbox(t)).length === 2 ? true : undefined), 'two texts');
    await settled(t, T.damagedOrder);
    await new Promise((r) => setTimeout(r, 800));
    expect(await outbox(t)).toHaveLength(2);
    expect((await ticketSends(t, T.damagedOrder)).interactions).toHaveLength(2);
  });
});

describe('bodies of triggers installed before the key (no updated_at)', () => {
  it('still collapse for 60 minutes, and their chat-ended receipt joins the solve', async () => {
    const t = await createDeliveryTenant();
    await threeRules(t);
    const solved = await signedWebhook(t, { ticket_id: String(T.vipChat), event: 'ticket_solved' });
    const ended = await signedWebhook(t, { ticket_id: String(T.vipChat), event: 'conversation_ended' });
    const first = await deliverWebhook(t, solved);
    expect((await deliverWebhook(t, await signedWebhook(t, { ticket_id: String(T.vipChat), event: 'ticket_solved' }))).body).toMatchObject({
      duplicate: true,
      interactionId: first.body.interactionId,
    });
    expect((await deliverWebhook(t, ended)).body).toMatchObject({ joined: true, interactionId: first.body.interactionId });
    await waitFor(async () => ((await textsTo(t)).length >= 3 ? true : undefined), 'three texts');
    await settled(t, T.vipChat);
    await new Promise((r) => setTimeout(r, 800));
    expect(await textsTo(t)).toEqual([NUMBERS.both, NUMBERS.endedOnly, NUMBERS.solvedOnly].sort());
  });
});
