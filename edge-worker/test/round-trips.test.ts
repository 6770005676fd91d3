// Issue 13, fewer round trips: what the shorter D1 path must keep true, through HTTP, the real
// queue consumer and D1. The interaction job uses the installation it holds in the isolate while
// the claim reports the same row version (migration 0013), so every change of the row must move
// that version and reach the next interaction; ingest is one statement whose triggers create the
// interaction with the receipt's own times.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { admin, createDeliveryTenant, createRules, DEMO, deliverWebhook, deliveryRule, outbox, settled, solve, zd, type DeliveryTenant } from './delivery-helpers.ts';

const T = DEMO.tickets;

const rowVersion = async (t: DeliveryTenant) =>
  (await env.DB.prepare('SELECT row_version FROM installations WHERE id = ?').bind(t.installationId).first<{ row_version: number }>())?.row_version;

describe('the installation cached by its row version', () => {
  it('moves the version on every change of the row, through the API or straight in D1', async () => {
    const t = await createDeliveryTenant();
    const v0 = await rowVersion(t);
    expect((await (await admin(t))('PATCH', '/v1/settings', { maxParts: 4 })).status).toBe(200);
    const v1 = (await rowVersion(t)) ?? 0;
    expect(v1).toBeGreaterThan(v0 ?? 0);
    await createRules(t, deliveryRule(t)); // the rules version is part of the row
    const v2 = (await rowVersion(t)) ?? 0;
    expect(v2).toBeGreaterThan(v1);
    await env.DB.prepare("UPDATE installations SET status = 'reconnect_needed' WHERE id = ?").bind(t.installationId).run();
    expect(await rowVersion(t)).toBe(v2 + 1);
  });

  it('a settings change between two interactions applies to the second', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await solve(t, T.damagedOrder);
    const first = await settled(t, T.damagedOrder);
    expect(first.sends.map((s) => s.status)).toEqual(['queued']);

    // Only Germany allowed from now on: the customer's US number is not texted.
    expect((await (await admin(t))('PATCH', '/v1/settings', { allowedCountries: ['DE'] })).status).toBe(200);
    // The ticket solved again after a reopen, minutes later: a new interaction (db/interactions.ts).
    const later = new Date(Date.now() + 3 * 60_000).toISOString();
    expect((await deliverWebhook(t, await zd.solveTicket(t.subdomain, T.damagedOrder, { signingSecret: t.webhookSecret, at: later }))).status).toBe(202);
    const second = await settled(t, T.damagedOrder);
    expect(second.sends.map((s) => [s.status, s.reason])).toEqual([['skipped', 'country_not_allowed']]);
    expect(await outbox(t)).toHaveLength(1);

  });
});

describe('ingest in one statement', () => {
  it('creates the interaction with the receipt time, as the worker writes times', async () => {
    const t = await createDeliveryTenant();
    const before = Date.now();
    const res = await solve(t, T.damagedOrder);
    expect(res.status).toBe(202);
    const row = await env.DB.prepare('SELECT id, status, received_at, received_ms, updated_at, events_version FROM interactions WHERE id = ?')
      .bind(res.body.interactionId)
      .first<{ id: string; status: string; received_at: string; received_ms: number; updated_at: string; events_version: number }>();
    expect(row).not.toBeNull();
    expect(row?.received_ms).toBeGreaterThanOrEqual(before);
    expect(row?.received_at).toBe(new Date(row?.received_ms ?? 0).toISOString());
    expect(row?.events_version).toBe(1); // the column's default: no end event joined yet
    const event = await env.DB.prepare('SELECT interaction_id, receipt_id FROM interaction_events WHERE interaction_id = ?')
      .bind(res.body.interactionId)
      .first<{ interaction_id: string; receipt_id: string }>();
    expect(event).toEqual({ interaction_id: res.body.interactionId, receipt_id: res.body.interactionId });
  });

  it('refuses a receipt for an installation deleted meanwhile, writing nothing', async () => {
    const t = await createDeliveryTenant();
    await solve(t, T.damagedOrder); // its keys are cached in this isolate now
    await env.DB.prepare('DELETE FROM installations WHERE id = ?').bind(t.installationId).run();
    const res = await solve(t, T.doubleCharge);
    expect(res.status).toBe(401);
    const left = await env.DB.prepare('SELECT COUNT(*) AS n FROM interaction_events WHERE installation_id = ?').bind(t.installationId).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
