// Two installations: neither can read or change the other's data, on any endpoint.
import { describe, expect, it, beforeAll } from 'vitest';
import { as, createTenant, ruleInput, type Tenant } from './helpers.ts';

let a: Tenant;
let b: Tenant;
let ruleOfA: { id: string; label: string };
beforeAll(async () => {
  [a, b] = await Promise.all([createTenant(), createTenant()]);
  ruleOfA = (await (await as(a, 'admin'))('POST', '/v1/rules', ruleInput({ label: 'A only' }))).body;
  await (await as(b, 'admin'))('POST', '/v1/rules', ruleInput({ label: 'B only' }));
});

describe('tenant isolation', () => {
  it("does not list another installation's rules", async () => {
    const list = await (await as(b, 'admin'))('GET', '/v1/rules');
    expect(list.body.rules.map((r: { label: string }) => r.label)).toEqual(['B only']);
  });

  it("answers 404 (not 403) for another installation's rule on every route, and changes nothing", async () => {
    const asB = await as(b, 'admin');
    for (const [method, path, body] of [
      ['GET', `/v1/rules/${ruleOfA.id}`, undefined],
      ['PUT', `/v1/rules/${ruleOfA.id}`, ruleInput({ label: 'hijacked' })],
      ['PATCH', `/v1/rules/${ruleOfA.id}`, { label: 'hijacked' }],
      ['POST', `/v1/rules/${ruleOfA.id}/duplicate`, undefined],
      ['DELETE', `/v1/rules/${ruleOfA.id}`, undefined],
    ] as const) {
      const res = await asB(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const stillThere = await (await as(a, 'admin'))('GET', `/v1/rules/${ruleOfA.id}`);
    expect(stillThere.body.label).toBe('A only');
  });

  it("cannot reorder with another installation's rule ids", async () => {
    const asB = await as(b, 'admin');
    const res = await asB('PUT', '/v1/rules/order', { ruleIds: [ruleOfA.id] });
    expect(res.status).toBe(422);
    expect(res.body.error.fields[0]).toEqual({ field: 'ruleIds.0', reason: 'Unknown rule id' });
  });

  it('keeps settings, audit, numbers and identity separate', async () => {
    const asA = await as(a, 'admin');
    const asB = await as(b, 'admin');
    await asA('PATCH', '/v1/settings', { summariesEnabled: true });
    expect((await asB('GET', '/v1/settings')).body.settings.summariesEnabled).toBe(false);
    const auditB = await asB('GET', '/v1/audit');
    expect(auditB.body.entries.every((e: { subjectId: string | null }) => e.subjectId !== ruleOfA.id)).toBe(true);
    expect(
      auditB.body.entries.some((e: { action: string; changes: Record<string, unknown> }) => e.action === 'settings.update' && 'summariesEnabled' in e.changes),
    ).toBe(false);
    expect((await asB('GET', '/v1/telnyx/numbers')).body.messagingProfileId).toBe(b.messagingProfileId);
    expect((await asB('GET', '/v1/me')).body.installationId).toBe(b.installationId);
  });
});
