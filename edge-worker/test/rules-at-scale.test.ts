// Rules compiled once (issue 13): the interaction path keeps an installation's compiled rules per
// isolate, keyed by the rules version every rule write bumps in its own batch; a write is used by
// the very next interaction. 10,000 rules per installation: stored, paged through the list, and
// an interaction that matches rule #9,999 sends. Writes are still validated (422 with the field).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { RULES_PER_INSTALLATION_MAX, RuleInput } from '../../shared/schemas/rule.ts';
import { ruleSetLoads } from '../src/rules/rule-set-cache.ts';
import {
  admin,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliverWebhook,
  deliveryRule,
  outbox,
  settled,
  solve,
  zd,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;

async function rulesVersion(t: DeliveryTenant): Promise<number> {
  const row = await env.DB.prepare('SELECT rules_version AS v FROM installations WHERE id = ?').bind(t.installationId).first<{ v: number }>();
  return row?.v ?? -1;
}

describe('rules compiled once per rules version', () => {
  it('every write bumps the version; the next interaction uses the created, updated, disabled and deleted rules', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    const v0 = await rulesVersion(t);

    // Create -> used.
    const [rule] = await createRules(t, deliveryRule(t, { conditions: { groupIds: [] }, content: { customText: 'first text' } }));
    if (!rule) throw new Error('rule expected');
    expect(await rulesVersion(t)).toBe(v0 + 1);
    await solve(t, T.damagedOrder);
    await settled(t, T.damagedOrder);
    expect((await outbox(t)).map((m) => m.text)).toEqual(['first text']);

    // No write: the next interaction is served from this isolate's compiled rules.
    const loads = ruleSetLoads();
    await solve(t, T.doubleCharge);
    await settled(t, T.doubleCharge);
    expect(ruleSetLoads()).toBe(loads);

    // Update -> the next interaction uses the update, not the cached rule.
    const patched = await api('PATCH', `/v1/rules/${rule.id}`, { content: { customText: 'second text', includeSummary: false, skipIfNoSummary: false, dataFields: [] } });
    expect(patched.status).toBe(200);
    expect(await rulesVersion(t)).toBe(v0 + 2);
    await reopenAndSolve(t, T.damagedOrder, 2);
    await settled(t, T.damagedOrder);
    expect(ruleSetLoads()).toBe(loads + 1);
    expect((await outbox(t)).map((m) => m.text)).toEqual(['first text', 'first text', 'second text']);

    // A rejected write changes nothing, and is still answered 422 with the field.
    const bad = await api('PUT', `/v1/rules/${rule.id}`, deliveryRule(t, { label: '' }));
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toContain('label');
    const badCreate = await api('POST', '/v1/rules', deliveryRule(t, { conditions: { events: [] } }));
    expect(badCreate.status).toBe(422);
    expect(badCreate.body.error.fields.map((f: { field: string }) => f.field)).toContain('conditions.events');
    expect(await rulesVersion(t)).toBe(v0 + 2);

    // Disable -> the next interaction records the rule as disabled instead of sending.
    expect((await api('PATCH', `/v1/rules/${rule.id}`, { enabled: false })).status).toBe(200);
    const sent = (await outbox(t)).length;
    await reopenAndSolve(t, T.doubleCharge, 2);
    const disabled = await settled(t, T.doubleCharge);
    expect(disabled.sends.map((s) => [s.status, s.reason])).toEqual([['skipped', 'rule_disabled']]);
    expect(await outbox(t)).toHaveLength(sent);

    // Delete -> nothing fires any more.
    expect((await api('DELETE', `/v1/rules/${rule.id}`)).status).toBe(204);
    expect(await rulesVersion(t)).toBe(v0 + 4);
    await reopenAndSolve(t, T.damagedOrder, 4);
    const none = await settled(t, T.damagedOrder);
    expect(none.detail).toBe('No rule fires on this event');
  });

  it('loads only the rules of the interaction\'s end event (rule_events, kept by triggers)', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    const [chat] = await createRules(t, deliveryRule(t, { label: 'Chat only', conditions: { groupIds: [], events: ['conversation_ended'] } }));
    const [solved] = await createRules(t, deliveryRule(t, { label: 'Solved', conditions: { groupIds: [], events: ['ticket_solved'] } }));
    const events = async (id: string) =>
      (await env.DB.prepare('SELECT event FROM rule_events WHERE rule_id = ? ORDER BY event').bind(id).all<{ event: string }>()).results.map((r) => r.event);
    expect(await events(chat?.id ?? '')).toEqual(['conversation_ended']);
    // A change of events moves the index row with it; a delete removes it.
    expect((await api('PATCH', `/v1/rules/${chat?.id}`, { conditions: { groupIds: [], fieldConditions: [], events: ['ticket_solved', 'conversation_ended'] } })).status).toBe(200);
    expect(await events(chat?.id ?? '')).toEqual(['conversation_ended', 'ticket_solved']);
    expect((await api('DELETE', `/v1/rules/${solved?.id}`)).status).toBe(204);
    expect(await events(solved?.id ?? '')).toEqual([]);
  });
});

/** Reopened and solved again `minutes` later: a new end of an interaction (a new receipt key). */
async function reopenAndSolve(t: DeliveryTenant, ticketId: number, minutes: number) {
  await zd.solveTicket(t.subdomain, ticketId, { status: 'open', signingSecret: t.webhookSecret });
  const later = new Date(Date.now() + minutes * 60_000).toISOString();
  const res = await deliverWebhook(t, await zd.solveTicket(t.subdomain, ticketId, { signingSecret: t.webhookSecret, at: later }));
  expect(res.status).toBe(202);
}

/**
 * Stores `definitions` as rules of the installation, 250 per statement, through the same columns
 * the API writes (the triggers fill rule_events), and bumps the rules version as a write does.
 * Setting up 10,000 rules through POST /v1/rules one by one would take minutes of test time.
 */
async function storeRules(t: DeliveryTenant, definitions: unknown[]): Promise<void> {
  const now = new Date().toISOString();
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < definitions.length; i += 250) {
    const chunk = definitions.slice(i, i + 250).map((d, k) => ({ id: `rule_seed${String(i + k).padStart(6, '0')}`, position: i + k, json: JSON.stringify(d) }));
    statements.push(
      env.DB.prepare(
        `INSERT INTO rules (id, installation_id, position, definition_json, version, created_by, updated_by, created_at, updated_at)
         SELECT json_extract(value, '$.id') || ?1, ?1, json_extract(value, '$.position'), json_extract(value, '$.json'), 1, 'seed', 'seed', ?2, ?2
         FROM json_each(?3)`,
      ).bind(t.installationId, now, JSON.stringify(chunk)),
    );
  }
  statements.push(env.DB.prepare('UPDATE installations SET rules_version = rules_version + 1 WHERE id = ?').bind(t.installationId));
  await env.DB.batch(statements);
}

describe(`${RULES_PER_INSTALLATION_MAX.toLocaleString('en-US')} rules per installation`, () => {
  it('are stored, paged through the list, and an interaction matching rule #9,999 sends', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    // 9,998 rules that never match the damaged-order ticket (another group), then #9,999 that does.
    const other = RuleInput.parse(deliveryRule(t, { label: 'Billing', conditions: { groupIds: [String(DEMO.groups.billing)] }, content: { customText: 'billing' } }));
    const match = RuleInput.parse(deliveryRule(t, { label: 'Rule 9999', conditions: { groupIds: [] }, content: { customText: 'from rule 9999' } }));
    const definitions = [...Array.from({ length: 9_998 }, (_, i) => ({ ...other, label: `Billing ${i + 1}` })), match];
    await storeRules(t, definitions);

    // The 10,000th through the API; the 10,001st is refused with the field.
    expect((await api('POST', '/v1/rules', deliveryRule(t, { label: 'Rule 10000', conditions: { groupIds: [String(DEMO.groups.vip)] } }))).status).toBe(201);
    const extra = await api('POST', '/v1/rules', deliveryRule(t, { label: 'One too many' }));
    expect(extra.status).toBe(422);
    expect(extra.body.error.fields).toEqual([
      { field: 'rules', reason: `At most ${RULES_PER_INSTALLATION_MAX} rules per installation: delete a rule first` },
    ]);

    // Paged: 500 a page, in evaluation order, every rule exactly once.
    const seen: Array<{ id: string; position: number; label: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=500&cursor=${encodeURIComponent(cursor)}` : '?limit=500';
      const page = await api('GET', `/v1/rules${query}`);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(10_000);
      seen.push(...page.body.rules);
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(20);
    expect(new Set(seen.map((r) => r.id)).size).toBe(10_000);
    expect(seen.map((r) => r.position)).toEqual([...seen.map((r) => r.position)].sort((a, b) => a - b));
    expect(seen[9_998]?.label).toBe('Rule 9999');
    expect(seen[9_999]?.label).toBe('Rule 10000');
    // The default page, and a cursor the API did not make.
    const first = await api('GET', '/v1/rules');
    expect(first.body.rules).toHaveLength(100);
    const forged = await api('GET', '/v1/rules?cursor=nonsense');
    expect(forged.status).toBe(422);
    expect(forged.body.error.fields[0].field).toBe('cursor');
    expect((await api('GET', '/v1/rules?limit=501')).status).toBe(422);

    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends.map((s) => [s.ruleLabel, s.status])).toEqual([['Rule 9999', 'queued']]);
    expect((await outbox(t)).map((m) => m.text)).toEqual(['from rule 9999']);

    // Reordering all 10,000 is one statement: the last rule first.
    const ids = seen.map((r) => r.id);
    const reordered = await api('PUT', '/v1/rules/order', { ruleIds: [ids[9_999], ...ids.slice(0, 9_999)] });
    expect(reordered.status).toBe(200);
    expect(reordered.body.rules[0].label).toBe('Rule 10000');
    expect(reordered.body.rules[1].label).toBe('Billing 1');
  }, 180_000);
});
