// Rules CRUD, reorder, duplicate, validation and the audit trail, through HTTP into the worker
// with a real local D1 and the Zendesk / Telnyx fakes.
import { describe, expect, it, beforeAll } from 'vitest';
import { env } from 'cloudflare:test';
import { as, call, openSession, control, createTenant, GROUPS, ruleInput, SENDER, USERS, type Tenant } from './helpers.ts';

let t: Tenant;
let admin: Awaited<ReturnType<typeof as>>;
beforeAll(async () => {
  t = await createTenant();
  admin = await as(t, 'admin');
});

describe('rules CRUD', () => {
  it('creates a rule with defaults filled and numbers normalised to E.164', async () => {
    const res = await admin('POST', '/v1/rules', ruleInput({ recipients: { customer: true, otherNumbers: ['(415) 555-0142'] } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      label: 'Thank the customer',
      enabled: true,
      senderNumber: SENDER,
      recipients: { customer: true, assignedAgent: false, otherNumbers: ['+14155550142'] },
      content: { customText: 'Thanks for contacting us!', includeSummary: false, dataFields: [] },
      conditions: { groupIds: [String(GROUPS.support)], fieldConditions: [], events: ['ticket_solved'] },
      stopProcessing: false,
      version: 1,
    });
    expect(res.body.id).toMatch(/^rule_/);
    // The answer is the stored rule plus its warnings (this sender has no 10DLC campaign: telnyx-senders.test.ts).
    const { warnings, ...stored } = res.body;
    expect(warnings).toHaveLength(1);
    const read = await admin('GET', `/v1/rules/${res.body.id}`);
    expect(read.body).toEqual(stored);
  });

  it('lists rules in position order, appending new ones', async () => {
    const tenant = await createTenant();
    const api = await as(tenant, 'admin');
    const first = await api('POST', '/v1/rules', ruleInput({ label: 'first' }));
    const second = await api('POST', '/v1/rules', ruleInput({ label: 'second' }));
    const list = await api('GET', '/v1/rules');
    expect(list.body.rules.map((r: { label: string; position: number }) => [r.label, r.position])).toEqual([
      ['first', 0],
      ['second', 1],
    ]);
    const reordered = await api('PUT', '/v1/rules/order', { ruleIds: [second.body.id, first.body.id] });
    expect(reordered.status).toBe(200);
    expect(reordered.body.rules.map((r: { label: string }) => r.label)).toEqual(['second', 'first']);
  });

  it('replaces, patches (enable/disable) and bumps the version', async () => {
    const created = await admin('POST', '/v1/rules', ruleInput());
    const put = await admin('PUT', `/v1/rules/${created.body.id}`, ruleInput({ label: 'Renamed', stopProcessing: true }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ label: 'Renamed', stopProcessing: true, version: 2 });
    const patched = await admin('PATCH', `/v1/rules/${created.body.id}`, { enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ label: 'Renamed', enabled: false, version: 3 });
  });

  it('duplicates a rule as a disabled copy at the end', async () => {
    const created = await admin('POST', '/v1/rules', ruleInput({ label: 'Original' }));
    const copy = await admin('POST', `/v1/rules/${created.body.id}/duplicate`);
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ label: 'Copy of Original', enabled: false, content: created.body.content });
    expect(copy.body.id).not.toBe(created.body.id);
    expect(copy.body.position).toBeGreaterThan(created.body.position);
  });

  it('deletes a rule; it is gone afterwards', async () => {
    const created = await admin('POST', '/v1/rules', ruleInput());
    expect((await admin('DELETE', `/v1/rules/${created.body.id}`)).status).toBe(204);
    expect((await admin('GET', `/v1/rules/${created.body.id}`)).status).toBe(404);
    expect((await admin('DELETE', `/v1/rules/${created.body.id}`)).status).toBe(404);
  });

  it('answers 404 for unknown ids on every rule route', async () => {
    for (const [method, path, body] of [
      ['GET', '/v1/rules/rule_nope', undefined],
      ['PUT', '/v1/rules/rule_nope', ruleInput()],
      ['PATCH', '/v1/rules/rule_nope', { enabled: true }],
      ['DELETE', '/v1/rules/rule_nope', undefined],
      ['POST', '/v1/rules/rule_nope/duplicate', undefined],
    ] as const) {
      const res = await admin(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('rejects a reorder that does not list every rule exactly once', async () => {
    const tenant = await createTenant();
    const api = await as(tenant, 'admin');
    const one = await api('POST', '/v1/rules', ruleInput());
    const two = await api('POST', '/v1/rules', ruleInput());
    expect((await api('PUT', '/v1/rules/order', { ruleIds: [one.body.id] })).body.error.fields).toEqual([
      { field: 'ruleIds', reason: 'Must list every rule of the installation exactly once' },
    ]);
    expect((await api('PUT', '/v1/rules/order', { ruleIds: [one.body.id, one.body.id] })).status).toBe(422);
    expect((await api('PUT', '/v1/rules/order', { ruleIds: [one.body.id, 'rule_x'] })).body.error.fields).toEqual([
      { field: 'ruleIds.1', reason: 'Unknown rule id' },
    ]);
    expect((await api('PUT', '/v1/rules/order', { ruleIds: [two.body.id, one.body.id] })).status).toBe(200);
  });
});

describe('rule validation: 422 with every offending field', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['label empty', { label: '  ' }, 'label'],
    ['label too long', { label: 'x'.repeat(101) }, 'label'],
    ['sender not a number', { senderNumber: 'abc' }, 'senderNumber'],
    ['sender not on the messaging profile', { senderNumber: '+14155550000' }, 'senderNumber'],
    ['no recipient', { recipients: {} }, 'recipients'],
    ['invalid other number', { recipients: { otherNumbers: ['+14155550142', '12'] } }, 'recipients.otherNumbers.1'],
    ['other number twice', { recipients: { otherNumbers: ['+14155550142', '415 555 0142'] } }, 'recipients.otherNumbers.1'],
    ['custom text over 500', { content: { customText: 'x'.repeat(501) } }, 'content.customText'],
    ['no content', { content: { customText: '  ' } }, 'content'],
    ['summary while summaries are off', { content: { customText: 'hi', includeSummary: true } }, 'content.includeSummary'],
    ['no end event', { conditions: { events: [] } }, 'conditions.events'],
    ['unknown end event', { conditions: { events: ['ticket_closed'] } }, 'conditions.events.0'],
    ['group id not numeric', { conditions: { groupIds: ['support'] } }, 'conditions.groupIds.0'],
    ['unknown operator', { conditions: { fieldConditions: [{ field: 'priority', operator: 'greater', value: '1' }] } }, 'conditions.fieldConditions.0.operator'],
    ['contains without text', { conditions: { fieldConditions: [{ field: 'subject', operator: 'contains', value: '' }] } }, 'conditions.fieldConditions.0.value'],
    ['one_of without values', { conditions: { fieldConditions: [{ field: 'priority', operator: 'one_of', values: [] }] } }, 'conditions.fieldConditions.0.values'],
    ['bad field reference', { conditions: { fieldConditions: [{ field: 'Drop Table', operator: 'is_set' }] } }, 'conditions.fieldConditions.0.field'],
    ['data field bad reference', { content: { customText: 'x', dataFields: [{ field: '' }] } }, 'content.dataFields.0.field'],
    ['enabled not boolean', { enabled: 'yes' }, 'enabled'],
  ];
  for (const [name, override, field] of cases) {
    it(name, async () => {
      const res = await admin('POST', '/v1/rules', ruleInput(override));
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
      for (const f of res.body.error.fields) expect(f.reason).toEqual(expect.any(String));
    });
  }

  it('reports several fields at once', async () => {
    const res = await admin('POST', '/v1/rules', { label: '', senderNumber: 5, recipients: {}, content: {} });
    expect(res.status).toBe(422);
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['label', 'senderNumber']),
    );
  });

  it('validates a PATCH against the whole merged rule', async () => {
    const created = await admin('POST', '/v1/rules', ruleInput());
    const res = await admin('PATCH', `/v1/rules/${created.body.id}`, { recipients: { customer: false } });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([{ field: 'recipients', reason: 'Pick at least one recipient' }]);
  });

  it('accepts a summary once summaries are enabled', async () => {
    const tenant = await createTenant({ settings: { summariesEnabled: true } });
    const res = await (await as(tenant, 'admin'))('POST', '/v1/rules', ruleInput({ content: { includeSummary: true } }));
    expect(res.status).toBe(201);
  });

  it('answers malformed JSON with 400, never 500', async () => {
    const { token } = await openSession(t, USERS.admin.id);
    const res = await call('POST', '/v1/rules', { token, rawBody: '{"label": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  it('refuses to save rules until SMS is connected (409 with the reason)', async () => {
    const tenant = await createTenant({ telnyx: false });
    const res = await (await as(tenant, 'admin'))('POST', '/v1/rules', ruleInput());
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('requirements_not_met');
    expect(res.body.error.message).toContain('connect Telnyx');
  });
});

describe('audit trail', () => {
  it('records who changed which rule and what changed, newest first', async () => {
    const tenant = await createTenant();
    const supervisor = await as(tenant, 'supervisor');
    const created = await supervisor('POST', '/v1/rules', ruleInput({ label: 'Audited' }));
    await supervisor('PATCH', `/v1/rules/${created.body.id}`, { label: 'Audited twice' });
    await supervisor('PATCH', `/v1/rules/${created.body.id}`, { enabled: false });
    await supervisor('DELETE', `/v1/rules/${created.body.id}`);
    const res = await supervisor('GET', '/v1/audit');
    expect(res.status).toBe(200);
    // The install itself (connect, settings, Telnyx) is audited too; this test is about the rule.
    const entries = res.body.entries.filter((e: { action: string }) => e.action.startsWith('rule.'));
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['rule.delete', 'rule.disable', 'rule.update', 'rule.create']);
    expect(entries[2]).toMatchObject({
      actorUserId: String(USERS.supervisor.id),
      actorRole: 'supervisor',
      subjectId: created.body.id,
      changes: { label: { from: 'Audited', to: 'Audited twice' } },
    });
    expect(Object.keys(entries[2].changes)).toEqual(['label']);
    const paged = await supervisor('GET', `/v1/audit?limit=1&before=${entries[1].id}`);
    expect(paged.body.entries.map((e: { action: string }) => e.action)).toEqual(['rule.update']);
  });
});

describe('when Telnyx is unavailable', () => {
  it('answers 503 instead of blaming the setup', async () => {
    const tenant = await createTenant();
    await control(env.TELNYX_FAKE_URL, 'POST', '/faults', {
      apiKey: tenant.telnyxApiKey,
      method: 'GET',
      pathPattern: '/phone_numbers$',
      status: 503,
      times: 1,
    });
    const res = await (await as(tenant, 'admin'))('POST', '/v1/rules', ruleInput());
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('upstream_unavailable');
  });
});
