// The per-isolate cache of Zendesk webhook keys (http/zendesk-webhook-keys.ts, TTL_MS): a secret
// rotated or deleted by ANOTHER isolate (here: written straight to D1, as another isolate's
// request would) stops verifying within TTL_MS, and the new one verifies within
// UNKNOWN_ID_RELOAD_MS; one changed through this isolate's API at once.
// The clock is moved past the TTL with vitest's fake Date (the signature's own timestamp stays
// inside Zendesk's replay window).
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { updateWebhookSecret } from '../src/db/installations.ts';
import { deleteWebhookSecretsStatement, upsertWebhookSecretStatement } from '../src/db/webhook-secrets.ts';
import { TTL_MS, UNKNOWN_ID_RELOAD_MS } from '../src/http/zendesk-webhook-keys.ts';
import { admin, createDeliveryTenant, DEMO, deliverWebhook, zd, type DeliveryTenant } from './delivery-helpers.ts';

let ticket = 0;
/** A signed trigger body for a new end (a new ticket id each time: no duplicate receipts). */
async function webhook(t: DeliveryTenant, secret: string, webhookId?: string) {
  ticket += 1;
  const body = JSON.stringify({ ticket_id: String(DEMO.tickets.damagedOrder * 1000 + ticket), event: 'ticket_solved' });
  const req = await zd.webhookRequest({ signingSecret: secret, body });
  return deliverWebhook(t, { headers: webhookId ? { ...req.headers, 'x-zendesk-webhook-id': webhookId } : req.headers, body: req.body });
}

afterEach(() => {
  vi.useRealTimers();
});

describe(`Zendesk webhook keys cached per isolate for ${TTL_MS / 1000} s`, () => {
  it('a legacy secret rotated by another isolate stops verifying within the TTL; the new one verifies then', async () => {
    const t = await createDeliveryTenant();
    expect((await webhook(t, t.webhookSecret)).status).toBe(202);
    const rotated = `${t.webhookSecret}_rotated`;
    await updateWebhookSecret(env.DB, env.SECRETS_KEY, t.installationId, rotated, new Date().toISOString());
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    // Within the TTL the old secret still verifies (the documented overlap) ...
    expect((await webhook(t, t.webhookSecret)).status).toBe(202);
    // ... the new one verifies once the entry is older than UNKNOWN_ID_RELOAD_MS ...
    vi.setSystemTime(start + UNKNOWN_ID_RELOAD_MS + 1_000);
    expect((await webhook(t, rotated)).status).toBe(202);
    // ... and past the TTL of that reload the old one is refused.
    vi.setSystemTime(start + UNKNOWN_ID_RELOAD_MS + TTL_MS + 2_000);
    expect((await webhook(t, t.webhookSecret)).status).toBe(401);
    expect((await webhook(t, rotated)).status).toBe(202);
  });

  it("a webhook's stored secret deleted by another isolate stops verifying within the TTL", async () => {
    const t = await createDeliveryTenant();
    const secret = 'per-webhook-secret-0123456789abcdef';
    await env.DB.batch([await upsertWebhookSecretStatement(env.DB, env.SECRETS_KEY, t.installationId, '9001', secret, new Date().toISOString())]);
    expect((await webhook(t, secret, '9001')).status).toBe(202);
    await env.DB.batch([deleteWebhookSecretsStatement(env.DB, t.installationId, ['9001'])]);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + TTL_MS + 1_000);
    expect((await webhook(t, secret, '9001')).status).toBe(401);
    // The installation's own (legacy) secret still works.
    expect((await webhook(t, t.webhookSecret)).status).toBe(202);
  });

  it('a secret replaced through this isolate (PUT /v1/settings/zendesk-webhook) stops verifying at once', async () => {
    const t = await createDeliveryTenant();
    expect((await webhook(t, t.webhookSecret)).status).toBe(202);
    const replaced = `${t.webhookSecret}_replaced`;
    expect((await (await admin(t))('PUT', '/v1/settings/zendesk-webhook', { signingSecret: replaced })).status).toBe(200);
    expect((await webhook(t, t.webhookSecret)).status).toBe(401);
    expect((await webhook(t, replaced)).status).toBe(202);
  });
});
