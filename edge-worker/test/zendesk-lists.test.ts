// Zendesk lists longer than one page (issue 11), through HTTP and the queue against the Zendesk
// fake, which pages as Zendesk documents (100 per page): the phoneNumber ticket field on the
// second page of fields, a conversation of 150 comments summarised from its end, a supervisor
// role on the second page of custom roles. And field references: a rule names only fields that
// exist, and one whose field is deleted in Zendesk later shows as broken in the rules list.
import { describe, expect, it } from 'vitest';
import { demoAccount, zendeskComment, zendeskCustomRole, zendeskTicketField } from '../../test/fakes/zendesk-data.ts';
import {
  admin,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  outbox,
  settled,
  solve,
  zd,
  zendeskApiCalls,
} from './delivery-helpers.ts';
import { as, createTenant, ruleInput } from './helpers.ts';

const T = DEMO.tickets;

/** 150 custom text fields whose ids sort before every demo custom field (cursor pages are in id order). */
const manyFields = () =>
  Array.from({ length: 150 }, (_, i) =>
    zendeskTicketField({ id: 300_000_000 + i, type: 'text', title: `Extra field ${i + 1}`, position: 100 + i }),
  );

describe('ticket fields on more than one page', () => {
  it('finds the phoneNumber field on the second page and texts the number in it', async () => {
    const t = await createDeliveryTenant();
    const seed = demoAccount();
    await zd.seedAccount(t.subdomain, { ...seed, ticketFields: [...seed.ticketFields, ...manyFields()] });
    // Ticket 5002: the number is only in its phoneNumber field (the requester has no phone).
    await createRules(t, deliveryRule(t, { conditions: { groupIds: [] } }));
    await solve(t, T.doubleCharge);
    const done = await settled(t, T.doubleCharge);
    expect(done.sends).toEqual([expect.objectContaining({ recipientKind: 'customer', status: 'queued' })]);
    expect((await outbox(t)).map((m) => m.to[0]?.phone_number)).toEqual([DEMO.phones.doubleChargeField]);
    // Read by cursor (Zendesk's recommended method), 100 per page: two pages.
    const fieldPages = (await zendeskApiCalls(t)).filter((c) => c.path.endsWith('/ticket_fields.json'));
    expect(fieldPages.length).toBeGreaterThanOrEqual(2);
  });
});

describe('a conversation of more than 100 comments', () => {
  it('summarises from the whole conversation: a fact only in comment 150 reaches the SMS', async () => {
    const t = await createDeliveryTenant({ settings: { summariesEnabled: true, maxParts: 3 } });
    const seed = demoAccount();
    const start = Date.parse('2026-11-20T09:00:00Z');
    const comments = Array.from({ length: 150 }, (_, i) => {
      const n = i + 1;
      const fromCustomer = n % 2 === 1;
      const text =
        n === 1
          ? 'My order A-1042 arrived with a cracked lamp shade, can you help?'
          : n === 150
            ? 'I have issued refund RF-31337 for the cracked shade and closed the claim.'
            : fromCustomer
              ? `Still waiting on the courier, update ${n}.`
              : `Checking with the warehouse, note ${n}.`;
      return zendeskComment({
        id: 800_000 + n,
        author_id: fromCustomer ? DEMO.users.customer : DEMO.users.agent,
        html_body: `<p>${text}</p>`,
        created_at: new Date(start + n * 60_000).toISOString(),
      });
    });
    await zd.seedAccount(t.subdomain, { ...seed, comments: { ...seed.comments, [T.damagedOrder]: comments } });
    await createRules(t, deliveryRule(t, { content: { customText: 'Solved.', includeSummary: true } }));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends[0]).toMatchObject({ status: 'queued', summarySource: 'extractive' });
    expect((await outbox(t))[0]?.text).toContain('RF-31337');
    const commentPages = (await zendeskApiCalls(t)).filter((c) => c.path.endsWith('/comments.json'));
    expect(commentPages).toHaveLength(2);
  });
});

describe('custom roles on more than one page', () => {
  it('recognises a supervisor whose custom role is listed after the first 100 roles', async () => {
    const filler = Array.from({ length: 120 }, (_, i) => zendeskCustomRole({ id: 70_000 + i, name: `Team role ${i + 1}` }));
    const t = await createTenant({
      zendesk: {
        customRoles: [
          ...filler,
          zendeskCustomRole({ id: 9001, name: 'Supervisor', configuration: { manage_business_rules: true } }),
          zendeskCustomRole({ id: 9002, name: 'Light agent plus' }),
        ],
      },
    });
    const res = await (await as(t, 'supervisor'))('GET', '/v1/rules');
    expect(res.status).toBe(200);
    expect((await (await as(t, 'agent'))('GET', '/v1/rules')).status).toBe(403);
  });
});

describe('field references', () => {
  it('refuses fields that exist neither as a system field nor in Zendesk, naming each input', async () => {
    const t = await createTenant();
    const api = await as(t, 'admin');
    const res = await api(
      'POST',
      '/v1/rules',
      ruleInput({
        content: { customText: 'Hi', dataFields: [{ field: 'abc' }, { field: 'priority' }, { field: '424242' }] },
        conditions: {
          groupIds: [],
          fieldConditions: [
            { field: 'abc', operator: 'is_set' },
            { field: 'requester.name', operator: 'is_set' },
          ],
        },
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
      'content.dataFields.0.field',
      'content.dataFields.2.field',
      'conditions.fieldConditions.0.field',
    ]);
    expect(res.body.error.fields[1].reason).toContain('does not exist in Zendesk');
    // Every documented system field the engine reads, and the account's own field, are accepted.
    const ok = await api(
      'POST',
      '/v1/rules',
      ruleInput({
        content: {
          customText: 'Hi',
          dataFields: [
            'id',
            'subject',
            'status',
            'priority',
            'type',
            'tags',
            'via',
            'brand_id',
            'requester.name',
            'requester.email',
            'assignee.name',
            'group.name',
            '5001',
          ].map((field) => ({ field })),
        },
      }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body.brokenFields).toEqual([]);
  });

  it('refuses inactive fields and system fields named by id', async () => {
    const t = await createDeliveryTenant();
    const res = await (await admin(t))(
      'POST',
      '/v1/rules',
      deliveryRule(t, {
        content: { customText: 'Hi', dataFields: [{ field: String(DEMO.fields.legacyPhone) }, { field: String(DEMO.fields.priority) }] },
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([
      { field: 'content.dataFields.0.field', reason: 'This ticket field is inactive in Zendesk' },
      { field: 'content.dataFields.1.field', reason: expect.stringContaining('A system field') },
    ]);
  });

  it('accepts a field created in Zendesk after the field list was cached', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    // This save reads (and caches) the account's fields.
    expect(
      (
        await api(
          'POST',
          '/v1/rules',
          deliveryRule(t, { content: { customText: 'a', dataFields: [{ field: String(DEMO.fields.orderType) }] } }),
        )
      ).status,
    ).toBe(201);
    const seed = demoAccount();
    await zd.seedAccount(t.subdomain, {
      ...seed,
      ticketFields: [...seed.ticketFields, zendeskTicketField({ id: 360_009_999, type: 'text', title: 'Loyalty tier', position: 50 })],
    });
    const res = await api('POST', '/v1/rules', deliveryRule(t, { content: { customText: 'b', dataFields: [{ field: '360009999' }] } }));
    expect(res.status).toBe(201);
  });

  it('shows a rule whose field was deleted in Zendesk as broken; it can still be disabled, not saved unchanged', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    const order = String(DEMO.fields.orderType);
    const [broken, fine] = await createRules(
      t,
      deliveryRule(t, {
        label: 'Order follow-up',
        content: { customText: 'Thanks', dataFields: [{ field: order, label: 'Order' }] },
        conditions: { groupIds: [], fieldConditions: [{ field: order, operator: 'is_set' }] },
      }),
      deliveryRule(t, { label: 'Plain' }),
    );
    expect((await api('GET', '/v1/rules')).body.rules.map((r: { brokenFields: string[] }) => r.brokenFields)).toEqual([[], []]);

    // An admin deletes the dropdown in Zendesk (Delete Ticket Field, as the API does it).
    const base = (await zd.account(t.subdomain)).baseUrl;
    const del = await fetch(`${base}/api/v2/ticket_fields/${order}.json`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${DEMO.accessToken}` },
    });
    expect(del.status).toBe(204);

    const list = await api('GET', '/v1/rules');
    expect(list.body.rules.map((r: { id: string; brokenFields: string[] }) => [r.id, r.brokenFields])).toEqual([
      [broken?.id, [order]],
      [fine?.id, []],
    ]);
    expect((await api('GET', `/v1/rules/${broken?.id}`)).body.brokenFields).toEqual([order]);
    const disabled = await api('PATCH', `/v1/rules/${broken?.id}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, brokenFields: [order] });
    const resaved = await api('PATCH', `/v1/rules/${broken?.id}`, { content: { customText: 'Thanks!', dataFields: [{ field: order }] } });
    expect(resaved.status).toBe(422);
    const gone = 'This ticket field does not exist in Zendesk (deleted?)';
    expect(resaved.body.error.fields).toEqual([
      { field: 'content.dataFields.0.field', reason: gone },
      { field: 'conditions.fieldConditions.0.field', reason: gone },
    ]);
  });

  it('still lists rules when Zendesk cannot be asked, without brokenFields', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    await createRules(t, deliveryRule(t, { content: { customText: 'x', dataFields: [{ field: String(DEMO.fields.orderType) }] } }));
    await zd.addFault({ method: 'GET', pathPattern: `^/${t.subdomain}/api/v2/ticket_fields`, status: 503, times: 1 });
    const list = await api('GET', '/v1/rules');
    expect(list.status).toBe(200);
    expect(list.body.rules).toHaveLength(1);
    expect(list.body.rules[0]).not.toHaveProperty('brokenFields');
  });
});
