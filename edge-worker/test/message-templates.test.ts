// Rules written like Zendesk triggers (issue 14): placeholders rendered from the real ticket in the
// Zendesk fake, unknown placeholders refused on save, ticket data that cannot inject placeholders,
// the requester's language, and "send N minutes after the interaction ends" with its cancels
// (ticket reopened, rule disabled, an agent). Everything goes through HTTP, the real queue and the
// fakes. A delayed send falls due when its stored due time has passed; tests move that time into
// the past (the clock cannot be advanced inside workerd) and hand the queue the send job that
// would have arrived then.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { demoAccount } from '../../test/fakes/zendesk-data.ts';
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
  ticketSends,
  waitFor,
  zd,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;

/** What the queue would do when the delayed send falls due: the due time passes, the job arrives. */
async function makeDue(t: DeliveryTenant, sendId: string): Promise<void> {
  await env.DB.prepare('UPDATE sends SET scheduled_for = ? WHERE id = ? AND installation_id = ?')
    .bind(new Date(Date.now() - 1000).toISOString(), sendId, t.installationId)
    .run();
  await env.SEND_QUEUE.send({ kind: 'send', sendId, installationId: t.installationId });
}

async function sendOf(t: DeliveryTenant, ticketId: number) {
  const latest = (await ticketSends(t, ticketId)).interactions[0];
  const send = latest?.sends[0];
  if (!send) throw new Error('no send');
  return send as typeof send & { canCancel?: boolean };
}

async function waitForStatus(t: DeliveryTenant, ticketId: number, status: string) {
  return waitFor(async () => {
    const s = await sendOf(t, ticketId);
    return s.status === status ? s : undefined;
  }, `send of ticket ${ticketId} to be ${status}`);
}

describe('placeholders', () => {
  it('renders placeholders from the ticket in Zendesk, drop-downs by their option name', async () => {
    const t = await createDeliveryTenant();
    await createRules(
      t,
      deliveryRule(t, {
        content: {
          customText:
            'Hi {{ticket.requester.first_name}}, ticket #{{ticket.id}} "{{ticket.title}}" is {{ticket.status}} ' +
            `({{ticket.group.name}}, {{ticket.ticket_field_${DEMO.fields.orderType}}}). {{ticket.assignee.first_name}} / {{ticket.requester.name}}`,
        },
      }),
    );
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    expect((await outbox(t)).map((m) => m.text)).toEqual([
      'Hi Carla, ticket #5001 "Order #A-1042 arrived damaged" is Solved (Support, Online). Alex / Carla Customer',
    ]);
  });

  it('renders the default for a missing value, and the preview shows the exact text', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    // Ticket 5004's phoneNumber field is empty: the default is rendered.
    const rule = deliveryRule(t, {
      recipients: { otherNumbers: ['+14155550123'] },
      conditions: { groupIds: [] },
      content: { customText: `Hello {{ticket.ticket_field_${DEMO.fields.phoneNumber} | default: "friend"}}, #{{ticket.id}}` },
    });
    const preview = await api('POST', '/v1/preview', { ticketId: String(T.noPhone), rule });
    expect(preview.status).toBe(200);
    expect(preview.body.text).toBe('Hello friend, #5004');
  });

  it('refuses unknown placeholders, filters and tags with a 422 naming each one', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    const res = await api(
      'POST',
      '/v1/rules',
      deliveryRule(t, {
        content: {
          customText: 'Hi {{ticket.requester.nickname}} {% if ticket.id %}x{% endif %}',
          translations: [{ locale: 'de', customText: 'Hallo {{ticket.id | upcase}} {{ticket.ticket_field_999999}}' }],
        },
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([
      { field: 'content.customText', reason: '{{ticket.requester.nickname}}: Unknown placeholder ticket.requester.nickname' },
      { field: 'content.customText', reason: expect.stringMatching(/^\{% if ticket\.id %\}: Liquid tags/) },
      { field: 'content.customText', reason: expect.stringMatching(/^\{% endif %\}: Liquid tags/) },
      { field: 'content.translations.0.customText', reason: '{{ticket.id | upcase}}: Unknown filter upcase: only default is supported' },
    ]);
    // A well-formed placeholder for a field the account does not have is named too.
    const missingField = await api('POST', '/v1/rules', deliveryRule(t, { content: { customText: 'Order {{ticket.ticket_field_999999}}' } }));
    expect(missingField.status).toBe(422);
    expect(missingField.body.error.fields).toEqual([
      { field: 'content.customText', reason: '{{ticket.ticket_field_999999}}: This ticket field does not exist in Zendesk (deleted?)' },
    ]);
  });

  it('sends a text saved before placeholders existed as written, and the rule can still be toggled', async () => {
    const t = await createDeliveryTenant();
    const [rule] = await createRules(t, deliveryRule(t));
    // A rule stored by an earlier version, whose text holds a literal "{{".
    await env.DB.prepare("UPDATE rules SET definition_json = json_set(definition_json, '$.content.customText', ?) WHERE id = ?")
      .bind('Use code {{SAVE10}} on your next order', rule?.id ?? '')
      .run();
    const api = await admin(t);
    expect((await api('PATCH', `/v1/rules/${rule?.id}`, { enabled: false })).status).toBe(200);
    expect((await api('PATCH', `/v1/rules/${rule?.id}`, { enabled: true })).status).toBe(200);
    // Editing the text is checked again.
    const edit = await api('PATCH', `/v1/rules/${rule?.id}`, { content: { customText: 'Use code {{SAVE10}} now' } });
    expect(edit.status).toBe(422);
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    expect((await outbox(t)).map((m) => m.text)).toEqual(['Use code {{SAVE10}} on your next order']);
  });

  it('sends ticket data that looks like a placeholder or a tag literally (no injection)', async () => {
    const t = await createDeliveryTenant();
    const account = demoAccount();
    const tickets = account.tickets.map((ticket) =>
      ticket.id === T.damagedOrder ? { ...ticket, subject: 'Refund {{ticket.id}} {% if x %}{{ticket.requester.name}}{% endif %}' } : ticket,
    );
    await zd.seedAccount(t.subdomain, { ...account, tickets });
    await createRules(t, deliveryRule(t, { content: { customText: 'About: {{ticket.title}}' } }));
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    expect((await outbox(t)).map((m) => m.text)).toEqual(['About: Refund {{ticket.id}} {% if x %}{{ticket.requester.name}}{% endif %}']);
  });
});

describe('languages', () => {
  it("picks the text of the requester's Zendesk locale, else the rule's default", async () => {
    // Mia's number is German: the destination-country allowlist must include DE.
    const t = await createDeliveryTenant({ settings: { allowedCountries: ['US', 'DE'] } });
    await createRules(
      t,
      deliveryRule(t, {
        conditions: { groupIds: [] },
        content: {
          customText: 'Thanks {{ticket.requester.first_name}}!',
          translations: [
            { locale: 'de', customText: 'Danke {{ticket.requester.first_name}}!' },
            { locale: 'fr', customText: 'Merci {{ticket.requester.first_name}} !' },
          ],
        },
      }),
    );
    // Mia's Zendesk locale is "de"; Carla's is "en-US", which has no variant.
    await solve(t, T.vipChat);
    await settled(t, T.vipChat);
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    expect((await outbox(t)).map((m) => m.text).sort()).toEqual(['Danke Mia!', 'Thanks Carla!']);
  });

  it('refuses the same language twice', async () => {
    const t = await createDeliveryTenant();
    const res = await (await admin(t))(
      'POST',
      '/v1/rules',
      deliveryRule(t, { content: { customText: 'Hi', translations: [{ locale: 'de', customText: 'a' }, { locale: 'DE', customText: 'b' }] } }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([{ field: 'content.translations.1.locale', reason: 'This language is listed twice' }]);
  });
});

describe('send timing', () => {
  it('holds a delayed send until it is due, then sends it', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { sendDelayMinutes: 90, content: { customText: 'How did we do on #{{ticket.id}}?' } }));
    const before = Date.now();
    await solve(t, T.damagedOrder);
    const held = await settled(t, T.damagedOrder);
    expect(held.sends[0]).toMatchObject({ status: 'held', reason: 'send_delay', body: 'How did we do on #5001?' });
    const due = Date.parse(held.sends[0]?.scheduledFor ?? '');
    expect(due).toBeGreaterThanOrEqual(before + 89 * 60_000);
    expect(due).toBeLessThanOrEqual(Date.now() + 90 * 60_000);
    expect(await outbox(t)).toHaveLength(0);

    await makeDue(t, held.sends[0]?.id ?? '');
    await waitForStatus(t, T.damagedOrder, 'queued');
    expect((await outbox(t)).map((m) => m.text)).toEqual(['How did we do on #5001?']);
  });

  it('cancels a delayed send when the ticket was reopened before it was due', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { sendDelayMinutes: 30 }));
    await solve(t, T.damagedOrder);
    const held = await settled(t, T.damagedOrder);
    expect(held.sends[0]).toMatchObject({ status: 'held', reason: 'send_delay' });
    // The customer wrote back: Zendesk reopens the ticket.
    await zd.solveTicket(t.subdomain, T.damagedOrder, { status: 'open', signingSecret: t.webhookSecret });

    await makeDue(t, held.sends[0]?.id ?? '');
    const cancelled = await waitForStatus(t, T.damagedOrder, 'skipped');
    expect(cancelled).toMatchObject({ reason: 'ticket_reopened', detail: 'The ticket was reopened (now open) before the delayed SMS went out' });
    expect(await outbox(t)).toHaveLength(0);
  });

  it('keeps a due send held while Zendesk cannot be asked, and sends it once Zendesk answers', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { sendDelayMinutes: 15 }));
    await solve(t, T.damagedOrder);
    const held = await settled(t, T.damagedOrder);
    await zd.addFault({ method: 'GET', pathPattern: `^/${t.subdomain}/api/v2/tickets/${T.damagedOrder}\\.json$`, status: 503, headers: { 'Retry-After': '1' } });
    await makeDue(t, held.sends[0]?.id ?? '');
    // The queue retries after Zendesk's Retry-After; the send went out exactly once.
    await waitForStatus(t, T.damagedOrder, 'queued');
    expect(await outbox(t)).toHaveLength(1);
    const asked = (await zd.requests({ subdomain: t.subdomain })).requests.filter((r) => r.path.endsWith(`/tickets/${T.damagedOrder}.json`));
    expect(asked.length).toBeGreaterThanOrEqual(3); // processing, the 503, the retry
  });

  it('cancels pending delayed sends at once when the rule is disabled', async () => {
    const t = await createDeliveryTenant();
    const [rule] = await createRules(t, deliveryRule(t, { sendDelayMinutes: 60 }));
    await solve(t, T.damagedOrder);
    const held = await settled(t, T.damagedOrder);
    expect(held.sends[0]).toMatchObject({ status: 'held', reason: 'send_delay' });

    const off = await (await admin(t))('PATCH', `/v1/rules/${rule?.id}`, { enabled: false });
    expect(off.status).toBe(200);
    expect(await sendOf(t, T.damagedOrder)).toMatchObject({
      status: 'skipped',
      reason: 'rule_disabled',
      detail: 'The rule was disabled before the delayed SMS went out',
    });
    // When its job arrives anyway, nothing is sent.
    await makeDue(t, held.sends[0]?.id ?? '');
    await new Promise((r) => setTimeout(r, 500));
    expect(await outbox(t)).toHaveLength(0);
  });

  it('lets an agent with retry permission cancel a scheduled send; others may not', async () => {
    const t = await createDeliveryTenant({ settings: { retryAllowedFor: 'admins' } });
    await createRules(t, deliveryRule(t, { sendDelayMinutes: 120 }));
    await solve(t, T.damagedOrder);
    const held = await settled(t, T.damagedOrder);
    const id = held.sends[0]?.id ?? '';

    const agent = await asUser(t, DEMO.users.agent);
    const seenByAgent = await agent('GET', `/v1/tickets/${T.damagedOrder}/sends`);
    expect(seenByAgent.body.interactions[0].sends[0]).toMatchObject({ status: 'held', canCancel: false });
    const refused = await agent('POST', `/v1/sends/${id}/cancel`);
    expect(refused.status).toBe(403);

    const supervisor = await asUser(t, DEMO.users.supervisor);
    expect((await supervisor('GET', `/v1/tickets/${T.damagedOrder}/sends`)).body.interactions[0].sends[0].canCancel).toBe(true);
    const cancelled = await supervisor('POST', `/v1/sends/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'skipped', reason: 'cancelled_by_agent', canCancel: false });
    // Once only: the second cancel finds nothing held.
    expect((await supervisor('POST', `/v1/sends/${id}/cancel`)).status).toBe(409);
    await makeDue(t, id);
    await new Promise((r) => setTimeout(r, 500));
    expect(await outbox(t)).toHaveLength(0);
  });

  it('applies quiet hours at the moment a delayed send falls due', async () => {
    const hhmm = (offsetH: number) => new Date(Date.now() + offsetH * 3600_000).toISOString().slice(11, 16);
    const t = await createDeliveryTenant({ settings: { quietHours: { start: hhmm(-1), end: hhmm(2), timeZone: 'UTC' } } });
    // A fixed number has no Zendesk user: the installation's zone (UTC) applies.
    await createRules(t, deliveryRule(t, { sendDelayMinutes: 5, recipients: { otherNumbers: ['+14155550123'] } }));
    await solve(t, T.damagedOrder);
    const held = await settled(t, T.damagedOrder);
    // Planned as a delayed send, not a quiet-hours hold: quiet hours are judged when it is due.
    expect(held.sends[0]).toMatchObject({ status: 'held', reason: 'send_delay' });
    await makeDue(t, held.sends[0]?.id ?? '');
    const waiting = await waitFor(async () => {
      const s = await sendOf(t, T.damagedOrder);
      return s.detail?.startsWith('Delayed send held for quiet hours until') ? s : undefined;
    }, 'the delayed send to wait for quiet hours');
    expect(waiting.status).toBe('held');
    expect(Date.parse(waiting.scheduledFor ?? '')).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(await outbox(t)).toHaveLength(0);
  });

  it('refuses a delay beyond 7 days', async () => {
    const t = await createDeliveryTenant();
    const res = await (await admin(t))('POST', '/v1/rules', deliveryRule(t, { sendDelayMinutes: 10081 }));
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([{ field: 'sendDelayMinutes', reason: 'At most 7 days (10080 minutes)' }]);
  });
});

describe('in the OpenAPI document', () => {
  it('documents languages, the send delay, the cancel route and the new reasons', async () => {
    const doc = (await (await SELF.fetch('https://worker.test/openapi.json')).json()) as {
      paths: Record<string, { post?: { responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] } & Record<string, unknown>> }> };
    };
    const rule = doc.components.schemas.Rule?.properties ?? {};
    expect(rule).toHaveProperty('sendDelayMinutes');
    expect(JSON.stringify(rule.content)).toContain('"translations"');
    expect(Object.keys(doc.paths['/v1/sends/{id}/cancel']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '403', '404', '409']));
    const send = doc.components.schemas.Send?.properties ?? {};
    expect(send).toHaveProperty('canCancel');
    expect(JSON.stringify(send.reason)).toContain('ticket_reopened');
  });
});
