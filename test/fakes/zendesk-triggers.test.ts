// The Zendesk fake's ticket triggers (issue 11): the definitions it serves, conditions refused
// when the definitions do not offer them, updates, and evaluation of `all` / `any` on the ticket
// updates the control API makes (solve, reopen, end a chat / messaging conversation), with the
// webhook requests each fired trigger causes. Sources are cited in zendesk-triggers.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zendeskControl, type ZendeskControl } from './control-client.ts';
import { demoAccount, startZendeskFake, ZENDESK_DEMO, type ZendeskFake } from './zendesk-fake.ts';
import { FAKE_NATIVE_MESSAGING_VIA_ID, SESSION_STATE_FIELD, type TriggerDefinitions } from './zendesk-triggers.ts';

const D = ZENDESK_DEMO;
const SUB = 'trig';
let fake: ZendeskFake;
let control: ZendeskControl;

async function api(path: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}/${SUB}/api/v2/${path}`, {
    method,
    headers: { authorization: `Bearer ${D.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function createWebhook(subscriptions: string[] = ['conditional_ticket_events']): Promise<string> {
  const res = await api('webhooks', 'POST', {
    webhook: { name: 'hook', endpoint: 'https://worker.test/hook', http_method: 'POST', request_format: 'json', status: 'active', subscriptions },
  });
  expect(res.status).toBe(201);
  return (res.body.webhook as { id: string }).id;
}

const solvedConditions = { all: [{ field: 'status', operator: 'value', value: 'solved' }], any: [] };
const endedConditions = {
  all: [{ field: SESSION_STATE_FIELD, operator: 'value', value: 'ended' }],
  any: [
    { field: 'via_id', operator: 'is', value: '29' },
    { field: 'via_id', operator: 'is', value: String(FAKE_NATIVE_MESSAGING_VIA_ID) },
  ],
};

async function createTrigger(title: string, conditions: unknown, webhookId: string, body: string) {
  return api('triggers', 'POST', { trigger: { title, conditions, actions: [{ field: 'notification_webhook', value: [webhookId, body] }] } });
}

beforeAll(async () => {
  fake = await startZendeskFake();
  control = zendeskControl(fake.url);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  await control.reset();
  await control.seedAccount(SUB, demoAccount());
});

describe('definitions', () => {
  it('offers status, channel (numeric via ids) and the messaging session state', async () => {
    const res = await api('triggers/definitions');
    expect(res.status).toBe(200);
    const defs = res.body.definitions as TriggerDefinitions;
    const channel = defs.conditions_all.find((c) => c.subject === 'via_id');
    expect(channel?.values).toEqual(expect.arrayContaining([{ title: 'Chat', value: '29', enabled: true }]));
    const session = defs.conditions_all.find((c) => c.title === 'Messaging session state');
    expect(session?.operators).toEqual(expect.arrayContaining([{ title: 'Changed to', value: 'value', terminal: false }]));
    expect(session?.values?.map((v) => v.title)).toEqual(['Active', 'Inactive', 'Ended']);
  });

  it('offers no session state (and no messaging channel) to an account without messaging', async () => {
    await control.seedAccount(SUB, { ...demoAccount(), messaging: false });
    const defs = (await api('triggers/definitions')).body.definitions as TriggerDefinitions;
    expect(defs.conditions_all.some((c) => c.title === 'Messaging session state')).toBe(false);
    const hook = await createWebhook();
    expect((await createTrigger('ended', endedConditions, hook, '{}')).status).toBe(422);
  });
});

describe('conditions are checked against the definitions', () => {
  it('refuses an unknown field, operator or value with 422', async () => {
    const hook = await createWebhook();
    for (const condition of [
      { field: 'via_id', operator: 'is', value: 'chat' },
      { field: 'status', operator: 'roughly', value: 'solved' },
      { field: 'messaging_state', operator: 'is', value: 'ended' },
      { field: 'status', operator: 'value', value: 'done' },
    ]) {
      const res = await createTrigger('bad', { all: [condition], any: [] }, hook, '{}');
      expect(res.status, JSON.stringify(condition)).toBe(422);
      expect(JSON.stringify(res.body)).toContain('Conditions:');
    }
    expect((await createTrigger('good', solvedConditions, hook, '{}')).status).toBe(201);
  });

  it('updates a trigger with PUT; conditions without actions clear the actions and are refused', async () => {
    const hook = await createWebhook();
    const created = await createTrigger('t', solvedConditions, hook, '{"a":1}');
    const id = (created.body.trigger as { id: number }).id;
    const renamed = await api(`triggers/${id}`, 'PUT', { trigger: { title: 'renamed', active: false } });
    expect(renamed.body.trigger).toMatchObject({ title: 'renamed', active: false, conditions: solvedConditions });
    expect((await api(`triggers/${id}`, 'PUT', { trigger: { conditions: endedConditions } })).status).toBe(422);
    const both = await api(`triggers/${id}`, 'PUT', {
      trigger: { conditions: endedConditions, actions: [{ field: 'notification_webhook', value: [hook, '{"b":2}'] }] },
    });
    expect(both.status).toBe(200);
    expect(both.body.trigger).toMatchObject({ conditions: endedConditions });
  });
});

describe('triggers run on control updates', () => {
  let hook: string;
  let solvedId: number;
  let endedId: number;

  beforeEach(async () => {
    hook = await createWebhook();
    solvedId = ((await createTrigger('solved', solvedConditions, hook, '{"event":"ticket_solved","t":"{{ticket.id}}","at":"{{ticket.updated_at_with_timestamp}}"}')).body.trigger as { id: number }).id;
    endedId = ((await createTrigger('ended', endedConditions, hook, '{"event":"conversation_ended","t":"{{ticket.id}}"}')).body.trigger as { id: number }).id;
  });

  it('solving a web ticket fires the solved trigger only, with the time to the minute', async () => {
    const result = await control.solveTicket(SUB, D.tickets.damagedOrder, { at: '2026-12-01T10:15:42Z' });
    expect(result.firedTriggerIds).toEqual([solvedId]);
    expect(result.requests).toHaveLength(1);
    expect(JSON.parse(result.body)).toEqual({ event: 'ticket_solved', t: String(D.tickets.damagedOrder), at: '2026-12-01T10:15Z' });
    expect(result.triggerId).toBe(solvedId);
    expect(result.webhookId).toBe(hook);
  });

  it('ending a messaging conversation fires the ended trigger only; solving it then fires the solved one only', async () => {
    const ended = await control.endConversation(SUB, D.tickets.vipChat);
    expect(ended.firedTriggerIds).toEqual([endedId]);
    expect(JSON.parse(ended.body)).toEqual({ event: 'conversation_ended', t: String(D.tickets.vipChat) });
    const solved = await control.solveTicket(SUB, D.tickets.vipChat);
    expect(solved.firedTriggerIds).toEqual([solvedId]);
  });

  it('a ticket without a chat or messaging session cannot end one, and a session ends once', async () => {
    await expect(control.endConversation(SUB, D.tickets.damagedOrder)).rejects.toThrow(/409/);
    await control.endConversation(SUB, D.tickets.vipChat);
    await expect(control.endConversation(SUB, D.tickets.vipChat)).rejects.toThrow(/409/);
  });

  it('"changed to solved" fires once per solve: not again while solved, not on reopen, again after a reopen', async () => {
    expect((await control.solveTicket(SUB, D.tickets.damagedOrder)).firedTriggerIds).toEqual([solvedId]);
    expect((await control.solveTicket(SUB, D.tickets.damagedOrder)).firedTriggerIds).toEqual([]);
    const reopened = await control.solveTicket(SUB, D.tickets.damagedOrder, { status: 'open' });
    expect(reopened).toMatchObject({ firedTriggerIds: [], requests: [], url: null, body: '' });
    expect((await control.solveTicket(SUB, D.tickets.damagedOrder)).firedTriggerIds).toEqual([solvedId]);
  });

  it('skips inactive triggers and inactive or deleted webhooks', async () => {
    await api(`triggers/${solvedId}`, 'PUT', { trigger: { active: false } });
    expect((await control.solveTicket(SUB, D.tickets.damagedOrder)).requests).toHaveLength(0);
  });

  it('sends the status-changed event to webhooks subscribed to it, besides the trigger webhook', async () => {
    const events = await createWebhook(['zen:event-type:ticket.status_changed']);
    const result = await control.solveTicket(SUB, D.tickets.damagedOrder, { at: '2026-12-01T10:15:42Z' });
    expect(result.requests.map((r) => r.webhookId)).toEqual([hook, events]);
    const event = JSON.parse(result.requests[1]!.body) as Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'zen:event-type:ticket.status_changed',
      subject: `zen:ticket:${D.tickets.damagedOrder}`,
      detail: { id: String(D.tickets.damagedOrder), updated_at: '2026-12-01T10:15:42Z', via: { channel: 'web' } },
      event: { current: 'SOLVED', previous: 'OPEN' },
    });
    expect(result.requests[0]!.headers['X-Zendesk-Webhook-Signature']).not.toBe(result.requests[1]!.headers['X-Zendesk-Webhook-Signature']);
  });
});
