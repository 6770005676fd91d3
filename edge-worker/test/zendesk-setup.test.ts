// The one-click Zendesk setup (issue 11): the triggers it installs are the ones Zendesk's
// definitions offer and they fire on the right tickets only (the Zendesk fake evaluates the same
// condition fields); pressed twice it keeps one webhook and the same triggers and never loses a
// signing secret; it repairs what an admin changed and cleans up what an earlier double press
// left; the Setup checklist's health read says whether the webhook and triggers exist and are
// active; disconnect still removes everything it made.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { demoAccount, via, zendeskTicket } from '../../test/fakes/zendesk-data.ts';
import type { ZendeskWebhookRequest } from '../../test/fakes/zendesk-fake.ts';
import { FAKE_NATIVE_MESSAGING_VIA_ID, SESSION_STATE_FIELD } from '../../test/fakes/zendesk-triggers.ts';
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
  zd,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;
const CHAT_TICKET = 9901;
const endpoint = (t: DeliveryTenant) => `https://worker.test/v1/webhooks/zendesk/${t.installationId}`;
const SOLVED_TITLE = 'Post-interaction SMS: ticket solved';
const ENDED_TITLE = 'Post-interaction SMS: chat or messaging conversation ended';

async function zendeskApi(t: DeliveryTenant, method: string, path: string, body?: unknown) {
  const { baseUrl } = await zd.account(t.subdomain);
  const res = await fetch(`${baseUrl}/api/v2/${path}`, {
    method,
    headers: { authorization: `Bearer ${DEMO.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function pressSetup(t: DeliveryTenant) {
  return (await admin(t))('POST', '/v1/setup/zendesk', {});
}

async function health(t: DeliveryTenant) {
  const res = await (await admin(t))('GET', '/v1/setup/zendesk');
  expect(res.status).toBe(200);
  return res.body as {
    configured: boolean;
    ok: boolean;
    webhook: { id: string; exists: boolean; active: boolean; endpointMatches: boolean; signingSecretKnown: boolean } | null;
    triggers: Array<{ kind: string; id: string | null; exists: boolean; active: boolean; upToDate: boolean }>;
    conversationEndedAvailable: boolean;
  };
}

const only = (r: { requests: ZendeskWebhookRequest[] }) => {
  expect(r.requests).toHaveLength(1);
  return r.requests[0] as ZendeskWebhookRequest;
};

describe('the triggers Setup installs', () => {
  it('are "status changed to solved" and "messaging session state changed to ended" on Chat or Messaging tickets, read from the definitions', async () => {
    const t = await createDeliveryTenant();
    expect((await pressSetup(t)).status).toBe(201);
    const account = await zd.account(t.subdomain);
    const byTitle = Object.fromEntries(account.triggers.map((tr) => [tr.title, tr]));
    expect(Object.keys(byTitle).sort()).toEqual([ENDED_TITLE, SOLVED_TITLE].sort());
    expect(byTitle[SOLVED_TITLE]?.conditions).toEqual({ all: [{ field: 'status', operator: 'value', value: 'solved' }], any: [] });
    expect(byTitle[ENDED_TITLE]?.conditions).toEqual({
      all: [{ field: SESSION_STATE_FIELD, operator: 'value', value: 'ended' }],
      any: [
        { field: 'via_id', operator: 'is', value: '29' },
        { field: 'via_id', operator: 'is', value: String(FAKE_NATIVE_MESSAGING_VIA_ID) },
      ],
    });
    const actions = (byTitle[SOLVED_TITLE]?.actions ?? []) as Array<{ value: string[] }>;
    const body = JSON.parse(actions[0]?.value[1] ?? '{}');
    expect(body).toEqual({ ticket_id: '{{ticket.id}}', event: 'ticket_solved', updated_at: '{{ticket.updated_at_with_timestamp}}' });
  });

  it('fire on the right tickets: solved on every solve, ended only when a chat or messaging session ends', async () => {
    const t = await createDeliveryTenant();
    const seed = demoAccount();
    const chat = zendeskTicket({ id: CHAT_TICKET, subject: 'Chat with Casey', requester_id: DEMO.users.customer, group_id: DEMO.groups.support, via: via('chat') });
    await zd.seedAccount(t.subdomain, { ...seed, tickets: [...seed.tickets, chat] });
    const setup = (await pressSetup(t)).body as { triggerIds: string[] };
    const account = await zd.account(t.subdomain);
    const idOf = (title: string) => account.triggers.find((tr) => tr.title === title)?.id;
    expect(setup.triggerIds.map(Number).sort()).toEqual([idOf(SOLVED_TITLE), idOf(ENDED_TITLE)].sort());

    await createRules(
      t,
      deliveryRule(t, { label: 'chat', recipients: { otherNumbers: ['+14155550144'] }, conditions: { groupIds: [], events: ['conversation_ended'] } }),
    );
    // An e-mail / web ticket has no session: solving fires the solved trigger only.
    expect((await zd.solveTicket(t.subdomain, T.damagedOrder)).firedTriggerIds).toEqual([idOf(SOLVED_TITLE)]);
    await expect(zd.endConversation(t.subdomain, T.damagedOrder)).rejects.toThrow(/409/);
    // Messaging and Chat tickets: the end fires the ended trigger only, the solve the solved one only.
    for (const ticket of [T.vipChat, CHAT_TICKET]) {
      const ended = await zd.endConversation(t.subdomain, ticket);
      expect(ended.firedTriggerIds).toEqual([idOf(ENDED_TITLE)]);
      expect(JSON.parse(only(ended).body)).toMatchObject({ ticket_id: String(ticket), event: 'conversation_ended' });
      expect((await deliverWebhook(t, only(ended))).status).toBe(202);
      await settled(t, ticket);
      expect((await zd.solveTicket(t.subdomain, ticket)).firedTriggerIds).toEqual([idOf(SOLVED_TITLE)]);
    }
    expect((await outbox(t)).map((m) => m.text)).toHaveLength(2);
  });

  it('an account without messaging gets the solved trigger only, and the health says so', async () => {
    const t = await createDeliveryTenant();
    await zd.seedAccount(t.subdomain, { ...demoAccount(), messaging: false });
    expect((await pressSetup(t)).status).toBe(201);
    expect((await zd.account(t.subdomain)).triggers.map((tr) => tr.title)).toEqual([SOLVED_TITLE]);
    const h = await health(t);
    expect(h).toMatchObject({ ok: true, conversationEndedAvailable: false });
    expect(h.triggers.map((x) => x.kind)).toEqual(['ticket_solved']);
  });
});

describe('Setup pressed twice', () => {
  it('keeps one webhook and the same triggers, keeps verifying its calls, and disconnect still removes everything', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    const first = await pressSetup(t);
    expect(first.status).toBe(201);
    const before = await zd.account(t.subdomain);
    const solveOnce = only(await zd.solveTicket(t.subdomain, T.damagedOrder, { at: new Date(Date.now() - 30 * 60_000).toISOString() }));

    const second = await pressSetup(t);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      webhookId: first.body.webhookId,
      triggerIds: first.body.triggerIds,
      changes: { webhookCreated: false, triggersCreated: 0, triggersRepaired: 0, triggersRemoved: 0 },
      health: { ok: true },
    });
    const after = await zd.account(t.subdomain);
    expect(after.webhooks.map((w) => w.id)).toEqual([first.body.webhookId]);
    expect(after.triggers.map((tr) => tr.id)).toEqual(before.triggers.map((tr) => tr.id));
    // A call the webhook signed before the second press, and one after it, both verify.
    expect((await deliverWebhook(t, solveOnce)).status).toBe(202);
    await zd.solveTicket(t.subdomain, T.damagedOrder, { status: 'open' });
    expect((await deliverWebhook(t, only(await zd.solveTicket(t.subdomain, T.damagedOrder)))).status).toBe(202);

    const gone = await (await admin(t))('DELETE', '/v1/installation', { confirmSubdomain: t.subdomain });
    expect(gone.body).toMatchObject({ zendesk: { webhookRemoved: true, triggersRemoved: 2 } });
    const left = await zd.account(t.subdomain);
    expect([left.webhooks.length, left.triggers.length]).toEqual([0, 0]);
  });

  it('cleans up what an earlier double press left: two webhooks, duplicate triggers, a lost secret', async () => {
    const t = await createDeliveryTenant();
    const hook = async () =>
      ((
        await zendeskApi(t, 'POST', 'webhooks', {
          webhook: { name: 'Post-interaction SMS', endpoint: endpoint(t), http_method: 'POST', request_format: 'json', status: 'active', subscriptions: ['conditional_ticket_events'] },
        })
      ).body.webhook as { id: string }).id;
    const [lost, last] = [await hook(), await hook()];
    const oldBody = JSON.stringify({ ticket_id: '{{ticket.id}}', event: 'ticket_solved' });
    const trigger = async (webhookId: string) =>
      ((
        await zendeskApi(t, 'POST', 'triggers', {
          trigger: { title: SOLVED_TITLE, conditions: { all: [{ field: 'status', operator: 'value', value: 'solved' }], any: [] }, actions: [{ field: 'notification_webhook', value: [webhookId, oldBody] }] },
        })
      ).body.trigger as { id: number }).id;
    const triggerIds = [await trigger(lost), await trigger(last)];
    await env.DB.prepare('UPDATE installations SET zendesk_setup_json = ? WHERE id = ?')
      .bind(JSON.stringify({ webhookId: last, triggerIds: triggerIds.map(String) }), t.installationId)
      .run();
    // The worker knows neither webhook's secret (the old code overwrote the first with the second).
    const stale = await zd.solveTicket(t.subdomain, T.damagedOrder);
    expect(stale.requests).toHaveLength(2);
    for (const req of stale.requests) expect((await deliverWebhook(t, req)).status).toBe(401);
    await zd.solveTicket(t.subdomain, T.damagedOrder, { status: 'open' });

    const res = await pressSetup(t);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ webhookId: last, changes: { webhookCreated: false, triggersCreated: 1, triggersRepaired: 1, triggersRemoved: 1 }, health: { ok: true } });
    const account = await zd.account(t.subdomain);
    expect(account.webhooks.map((w) => w.id)).toEqual([last]);
    expect(account.triggers.map((tr) => tr.title).sort()).toEqual([ENDED_TITLE, SOLVED_TITLE].sort());
    // Every live webhook's calls verify now.
    await createRules(t, deliveryRule(t));
    expect((await deliverWebhook(t, only(await zd.solveTicket(t.subdomain, T.damagedOrder)))).status).toBe(202);
    expect((await settled(t, T.damagedOrder)).sends[0]?.status).toBe('queued');
  });

  it('repairs what an admin changed; the health read shows it before and after', async () => {
    const t = await createDeliveryTenant();
    expect(await health(t)).toMatchObject({ configured: false, ok: false, webhook: null });
    const setup = (await pressSetup(t)).body as { webhookId: string; triggerIds: string[] };
    expect(await health(t)).toMatchObject({
      configured: true,
      ok: true,
      webhook: { id: setup.webhookId, exists: true, active: true, endpointMatches: true, signingSecretKnown: true },
      conversationEndedAvailable: true,
    });
    const account = await zd.account(t.subdomain);
    const solved = account.triggers.find((tr) => tr.title === SOLVED_TITLE);
    const ended = account.triggers.find((tr) => tr.title === ENDED_TITLE);
    expect((await zendeskApi(t, 'PUT', `triggers/${solved?.id}`, { trigger: { active: false } })).status).toBe(200);
    expect((await zendeskApi(t, 'DELETE', `triggers/${ended?.id}`)).status).toBe(204);
    const broken = await health(t);
    expect(broken.ok).toBe(false);
    expect(broken.triggers).toEqual([
      { kind: 'ticket_solved', title: SOLVED_TITLE, id: String(solved?.id), exists: true, active: false, upToDate: false },
      { kind: 'conversation_ended', title: ENDED_TITLE, id: null, exists: false, active: false, upToDate: false },
    ]);

    const again = await pressSetup(t);
    expect(again.body).toMatchObject({ webhookId: setup.webhookId, changes: { triggersRepaired: 1, triggersCreated: 1 }, health: { ok: true } });
    expect((await zd.account(t.subdomain)).triggers.find((tr) => tr.title === SOLVED_TITLE)).toMatchObject({ id: solved?.id, active: true });

    // A deleted webhook is made again, with its secret, and the triggers point at it.
    expect((await zendeskApi(t, 'DELETE', `webhooks/${setup.webhookId}`)).status).toBe(204);
    expect((await health(t)).webhook).toMatchObject({ exists: false });
    const remade = await pressSetup(t);
    expect(remade.status).toBe(201);
    expect(remade.body.webhookId).not.toBe(setup.webhookId);
    expect(remade.body).toMatchObject({ changes: { webhookCreated: true, triggersRepaired: 2 }, health: { ok: true } });
    await createRules(t, deliveryRule(t));
    expect((await deliverWebhook(t, only(await zd.solveTicket(t.subdomain, T.damagedOrder)))).status).toBe(202);
  });

  it("verifies with the secret of the webhook named in X-Zendesk-Webhook-Id, else with any of the installation's own", async () => {
    const t = await createDeliveryTenant();
    await pressSetup(t);
    const [hook] = (await zd.account(t.subdomain)).webhooks;
    const body = JSON.stringify({ ticket_id: String(T.damagedOrder), event: 'ticket_solved', updated_at: new Date().toISOString() });
    const signed = await zd.webhookRequest({ signingSecret: hook?.signing_secret ?? '', body, webhookId: hook?.id });
    const { 'X-Zendesk-Webhook-Id': _id, ...withoutId } = signed.headers;
    expect((await deliverWebhook(t, { headers: withoutId, body })).status).toBe(202);
    // The legacy single secret (provisioning) still verifies, also under a webhook id it does not know.
    const legacy = await zd.webhookRequest({ signingSecret: t.webhookSecret, body });
    expect((await deliverWebhook(t, legacy)).status).toBe(200);
    // A webhook's own secret does not verify a call that names another stored webhook.
    const other = await zd.webhookRequest({ signingSecret: t.webhookSecret, body, webhookId: hook?.id });
    expect((await deliverWebhook(t, other)).status).toBe(401);
  });

  it('the health read is for admins and supervisors', async () => {
    const t = await createDeliveryTenant();
    expect((await (await asUser(t, DEMO.users.supervisor))('GET', '/v1/setup/zendesk')).status).toBe(200);
    expect((await (await asUser(t, DEMO.users.agent))('GET', '/v1/setup/zendesk')).status).toBe(403);
  });
});
