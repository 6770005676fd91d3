// Helpers for delivery tests: a tenant on the demo Zendesk account with Telnyx connected, signed
// webhooks as Zendesk sends them, and polling of the worker's status API (the queue consumer
// runs for real, so outcomes arrive asynchronously).
import { SELF, env } from 'cloudflare:test';
import { telnyxControl, zendeskControl } from '../../test/fakes/control-client.ts';
import { demoAccount, ZENDESK_DEMO } from '../../test/fakes/zendesk-data.ts';
import type { NewSend } from '../src/db/sends.ts';
import { call, OPERATOR_TOKEN, openSession, uniqueAppInstallationId, uniqueSubdomain } from './helpers.ts';

export const zd = zendeskControl(env.FAKES_CONTROL_URL);
export const tx = telnyxControl(env.TELNYX_FAKE_URL);
export const DEMO = ZENDESK_DEMO;

export interface DeliveryTenant {
  subdomain: string;
  installationId: string;
  appInstallationId: number;
  webhookSecret: string;
  telnyxApiKey: string;
  messagingProfileId: string;
  sender: string;
}

/** A number no other tenant of this run uses (the Telnyx fake finds accounts by number). */
export function uniqueNumber(): string {
  return `+1415${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
}

export async function createDeliveryTenant(opts: { settings?: Record<string, unknown>; telnyx?: boolean } = {}): Promise<DeliveryTenant> {
  const subdomain = uniqueSubdomain('dl');
  await zd.seedAccount(subdomain, demoAccount());
  const telnyxApiKey = `KEY_${subdomain}_0123456789`;
  const messagingProfileId = `prof-${subdomain}`;
  const sender = uniqueNumber();
  await tx.seedAccount(telnyxApiKey, {
    messagingProfiles: [{ id: messagingProfileId, name: 'Support line' }],
    phoneNumbers: [{ phone_number: sender, messaging_profile_id: messagingProfileId }],
  });
  const webhookSecret = `whsec_${subdomain}_0123456789abcdef`;
  const res = await call('POST', '/v1/installations', {
    token: OPERATOR_TOKEN,
    body: {
      subdomain,
      zendeskOAuth: {
        accessToken: DEMO.accessToken,
        refreshToken: DEMO.refreshToken,
        clientId: DEMO.clientId,
        clientSecret: DEMO.clientSecret,
      },
      ...(opts.telnyx === false ? {} : { telnyx: { apiKey: telnyxApiKey, messagingProfileId, publicKey: await tx.publicKey() } }),
      webhookSigningSecret: webhookSecret,
      // The sender is a long code (Telnyx's default 0.1 messages/s): tests about other things state
      // rates send pacing never reaches; send-pacing.test.ts sets its own.
      settings: {
        supervisorRoleNames: ['Supervisor'],
        senderThroughput: [{ sender, messagesPerSecond: 1000 }],
        accountMessagesPerSecond: 1000,
        ...opts.settings,
      },
    },
  });
  if (res.status !== 201) throw new Error(`provisioning failed: ${res.status} ${JSON.stringify(res.body)}`);
  // Provisioned by the operator path: the first verified page load binds this app installation.
  const appInstallationId = uniqueAppInstallationId();
  return { subdomain, installationId: res.body.installationId, appInstallationId, webhookSecret, telnyxApiKey, messagingProfileId, sender };
}

export async function asUser(t: DeliveryTenant, userId: number) {
  const { token } = await openSession(t, userId);
  return (method: string, path: string, body?: unknown) => call(method, path, { token, body });
}

export const admin = (t: DeliveryTenant) => asUser(t, DEMO.users.admin);

export function deliveryRule(t: DeliveryTenant, overrides: Record<string, unknown> = {}) {
  return {
    label: 'Thank the customer',
    senderNumber: t.sender,
    recipients: { customer: true },
    content: { customText: 'Thanks for contacting Acme. Reply STOP to opt out.' },
    conditions: { groupIds: [String(DEMO.groups.support)], events: ['ticket_solved'] },
    ...overrides,
  };
}

export async function createRules(t: DeliveryTenant, ...rules: Array<Record<string, unknown>>): Promise<Array<{ id: string }>> {
  const api = await admin(t);
  const out = [];
  for (const r of rules) {
    const res = await api('POST', '/v1/rules', r);
    if (res.status !== 201) throw new Error(`rule rejected: ${JSON.stringify(res.body)}`);
    out.push(res.body);
  }
  return out;
}

/** Posts a signed webhook request (as returned by the Zendesk fake) into the worker. */
export async function deliverWebhook(t: DeliveryTenant, req: { headers: Record<string, string>; body: string }) {
  const res = await SELF.fetch(`https://worker.test/v1/webhooks/zendesk/${t.installationId}`, { method: 'POST', headers: req.headers, body: req.body });
  return { status: res.status, body: (await res.json()) as { accepted?: boolean; interactionId?: string; duplicate?: boolean; error?: { code: string; message: string } } };
}

/** Solves the ticket in the Zendesk fake and delivers the trigger webhook Zendesk would send. */
export async function solve(t: DeliveryTenant, ticketId: number) {
  const req = await zd.solveTicket(t.subdomain, ticketId, { signingSecret: t.webhookSecret });
  return deliverWebhook(t, req);
}

/** A trigger webhook with any body, signed with the tenant's secret. */
export async function signedWebhook(t: DeliveryTenant, body: unknown) {
  return zd.webhookRequest({ signingSecret: t.webhookSecret, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

export interface SendView {
  id: string;
  ruleLabel: string;
  recipientKind: string;
  recipientMasked: string | null;
  status: string;
  reason: string | null;
  detail: string | null;
  body: string;
  carrierErrorCode: string | null;
  telnyxMessageId: string | null;
  canRetry: boolean;
  scheduledFor: string | null;
  summarySource?: string | null;
}

export async function ticketSends(t: DeliveryTenant, ticketId: number): Promise<{ interactions: Array<{ status: string; detail: string | null; sends: SendView[] }> }> {
  const res = await (await admin(t))('GET', `/v1/tickets/${ticketId}/sends`);
  if (res.status !== 200) throw new Error(`status API: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls until `check` returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the ticket's newest interaction is processed and no send is still in flight. */
export async function settled(t: DeliveryTenant, ticketId: number, opts: { final?: readonly string[] } = {}) {
  const final = opts.final ?? ['queued', 'sent', 'delivered', 'failed', 'skipped', 'held'];
  return waitFor(async () => {
    const status = await ticketSends(t, ticketId);
    const latest = status.interactions[0];
    if (!latest || (latest.status !== 'done' && latest.status !== 'failed')) return undefined;
    return latest.sends.every((s) => final.includes(s.status)) ? latest : undefined;
  }, `ticket ${ticketId} to settle`);
}

export async function outbox(t: DeliveryTenant) {
  return tx.messages({ apiKey: t.telnyxApiKey });
}

export async function zendeskApiCalls(t: DeliveryTenant): Promise<Array<{ method: string; path: string }>> {
  const page = await zd.requests({ subdomain: t.subdomain });
  return page.requests.filter((r) => r.path.includes('/api/v2/'));
}

/**
 * A send row as a test seeds it (the pipeline stores its sends through db/sends.ts
 * insertPlannedSends); a second insert for the same interaction, rule and recipient is ignored.
 */
export function insertSendStatement(db: D1Database, s: NewSend): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO sends (id, installation_id, interaction_id, ticket_id, rule_id, rule_label, recipient_kind, recipient,
         from_number, body, segments, encoding, status, reason, detail, summary_source, compose_note, scheduled_for, recipient_time_zone,
         created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       RETURNING *`,
    )
    .bind(
      s.id, s.installation_id, s.interaction_id, s.ticket_id, s.rule_id, s.rule_label, s.recipient_kind, s.recipient,
      s.from_number, s.body, s.segments, s.encoding, s.status, s.reason, s.detail, s.summary_source, s.compose_note, s.scheduled_for,
      s.recipient_time_zone ?? null, s.created_at, s.created_at,
    );
}
