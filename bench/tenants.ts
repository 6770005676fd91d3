// Bench tenants, set up only through public interfaces: a Zendesk account in the fake (the demo
// account plus many solvable tickets), an installation through POST /v1/installations (operator
// token), rules through POST /v1/rules (the session of an admin's page load, signed by the Zendesk
// fake as Zendesk signs it; the first load binds the app installation), and signed Zendesk
// webhooks fired at the worker. Node only.
import { loadAppSession } from '../scripts/local-stack.ts';
import { telnyxControl, zendeskControl } from '../test/fakes/control-client.ts';
import { TELNYX_DEMO } from '../test/fakes/telnyx-data.ts';
import { demoAccount, ZENDESK_DEMO } from '../test/fakes/zendesk-data.ts';
import type { ZendeskAccountSeed } from '../test/fakes/zendesk-data.ts';
import { signZendeskWebhook, zendeskTimestamp } from '../test/fakes/zendesk-signature.ts';

/** Bench tickets are numbered from here; each is a copy of the demo's "damaged order" ticket. */
export const FIRST_BENCH_TICKET = 100_000;
export const SENDER = TELNYX_DEMO.numbers.support1;

/** ZAF's id of the app's installation in every bench account (any fixed number). */
const APP_INSTALLATION_ID = 1;

export interface Tenant {
  id: string;
  subdomain: string;
  /** The Zendesk fake that signs the tenant's page loads. */
  zendeskUrl: string;
  webhookSecret: string;
  /** Next unused ticket id (a ticket solves once per duplicate window, so each run takes new ones). */
  nextTicket: number;
  lastTicket: number;
}

/** The demo account plus `tickets` solvable tickets; subjects are unique across tenants, to match SMS to tickets. */
export function benchAccount(subdomain: string, tickets: number): ZendeskAccountSeed {
  const seed = demoAccount();
  const template = seed.tickets.find((t) => t.id === ZENDESK_DEMO.tickets.damagedOrder);
  if (!template) throw new Error('demo ticket missing');
  const comments = seed.comments[String(ZENDESK_DEMO.tickets.damagedOrder)] ?? [];
  for (let i = 0; i < tickets; i++) {
    const id = FIRST_BENCH_TICKET + i;
    seed.tickets.push({ ...template, id, subject: `Bench ticket ${subdomain} ${id}`, status: 'open' });
    seed.comments[String(id)] = comments;
  }
  return seed;
}

export interface ProvisionOptions {
  workerUrl: string;
  zendeskUrl: string;
  telnyxUrl: string;
  provisioningToken: string;
  subdomain: string;
  /**
   * Bench tickets to seed in the Zendesk fake; 0 = the demo account only (a tenant without traffic).
   * The account always exists: provisioning checks the OAuth token against it (users/me).
   */
  tickets: number;
  settings?: Record<string, unknown>;
  /** The Telnyx account to connect (default: the demo account, TELNYX_DEMO). */
  telnyx?: { apiKey: string; messagingProfileId: string };
}

/**
 * fetch, retried up to 3 times on an answer that a lost upstream connection causes. Setup only
 * (never around measured requests): a keep-alive connection to a fake that closes idle sockets can
 * be lost mid-reuse; the worker then answers 503 upstream_unavailable, or, when saving a rule,
 * 409 requirements_not_met (edge-worker/src/rules/requirements.ts reads a failed Telnyx number
 * listing as "no SMS numbers").
 */
async function setupFetch(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, init);
      if (attempt >= 3 || (res.status !== 503 && res.status !== 409)) return res;
      const text = await res.clone().text();
      if (res.status === 409 && !text.includes('requirements_not_met')) return res;
      await res.arrayBuffer();
    } catch (error) {
      if (attempt >= 3) throw error;
    }
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
}

/** Rates no other bench case reaches: the demo numbers and account are never the bottleneck. */
const UNPACED = {
  senderThroughput: Object.values(TELNYX_DEMO.numbers).map((sender) => ({ sender, messagesPerSecond: 10_000 })),
  accountMessagesPerSecond: 10_000,
};

export async function provisionTenant(o: ProvisionOptions): Promise<Tenant> {
  await zendeskControl(o.zendeskUrl).seedAccount(o.subdomain, benchAccount(o.subdomain, o.tickets));
  const webhookSecret = `whsec_bench_${o.subdomain}_0123456789abcdef`;
  const res = await setupFetch(`${o.workerUrl}/v1/installations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${o.provisioningToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      subdomain: o.subdomain,
      zendeskOAuth: {
        accessToken: ZENDESK_DEMO.accessToken,
        refreshToken: ZENDESK_DEMO.refreshToken,
        clientId: ZENDESK_DEMO.clientId,
        clientSecret: ZENDESK_DEMO.clientSecret,
      },
      telnyx: {
        apiKey: o.telnyx?.apiKey ?? TELNYX_DEMO.apiKey,
        messagingProfileId: o.telnyx?.messagingProfileId ?? TELNYX_DEMO.profiles.support,
        publicKey: await publicKey(o.telnyxUrl),
      },
      webhookSigningSecret: webhookSecret,
      // Every bench ticket texts the same customer, thousands of times: the frequency cap and the
      // daily SMS budget (on by default since issue 12b) are off, so the bench measures sends.
      // The demo account's numbers are long codes (Telnyx's default 0.1 messages/s each): the
      // bench's other cases measure the pipeline, not send pacing (bench/burst.ts), so they
      // state a rate for them and the account that pacing never reaches.
      settings: {
        defaultCountry: 'US',
        supervisorRoleNames: ['Supervisor'],
        frequencyCap: null,
        dailyMessageLimit: null,
        ...(o.telnyx ? {} : UNPACED),
        ...o.settings,
      },
    }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`provisioning ${o.subdomain}: ${res.status} ${text}`);
  const body = JSON.parse(text) as { installationId: string };
  return {
    id: body.installationId,
    subdomain: o.subdomain,
    zendeskUrl: o.zendeskUrl,
    webhookSecret,
    nextTicket: FIRST_BENCH_TICKET,
    lastTicket: FIRST_BENCH_TICKET + o.tickets - 1,
  };
}

const publicKeys = new Map<string, Promise<string>>();
function publicKey(telnyxUrl: string): Promise<string> {
  let key = publicKeys.get(telnyxUrl);
  if (!key) {
    key = telnyxControl(telnyxUrl).publicKey();
    publicKeys.set(telnyxUrl, key);
  }
  return key;
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

// --- rules ------------------------------------------------------------------------------------------

/** The rule that fires on every bench ticket: text the customer, with the ticket subject as a data line. */
export function matchingRule(opts: { summary?: boolean } = {}): Record<string, unknown> {
  return {
    label: opts.summary ? 'Bench: thank the customer, with a summary' : 'Bench: thank the customer',
    senderNumber: SENDER,
    recipients: { customer: true },
    content: {
      customText: 'Thanks for contacting Acme. Reply STOP to opt out.',
      dataFields: [{ field: 'subject', label: 'Ticket' }],
      includeSummary: opts.summary === true,
    },
    conditions: { groupIds: [String(ZENDESK_DEMO.groups.support)], events: ['ticket_solved'] },
  };
}

/**
 * Rules that are evaluated on every bench ticket but never match it: other groups, or the support
 * group with a field condition the ticket fails; a mix of 0 to 3 conditions, like bench/engine.ts.
 */
export function nonMatchingRule(i: number): Record<string, unknown> {
  const kind = i % 4;
  const fieldConditions =
    kind === 0
      ? []
      : kind === 1
        ? [{ field: 'priority', operator: 'equals', value: 'urgent' }]
        : kind === 2
          ? [
              { field: 'tags', operator: 'contains', value: `never_${i}` },
              { field: 'type', operator: 'one_of', values: ['question', 'task'] },
            ]
          : [
              { field: 'priority', operator: 'not_equals', value: 'normal' },
              { field: String(ZENDESK_DEMO.fields.orderType), operator: 'equals', value: 'order_in_store' },
              { field: 'subject', operator: 'contains', value: 'refund' },
            ];
  const groupIds =
    kind === 0 ? [String(i % 2 ? ZENDESK_DEMO.groups.billing : ZENDESK_DEMO.groups.vip)] : [String(ZENDESK_DEMO.groups.support)];
  return {
    label: `Bench filler rule ${i}`,
    senderNumber: SENDER,
    recipients: { customer: true },
    content: { customText: `Filler rule ${i}: this text is never sent.` },
    conditions: { groupIds, fieldConditions, events: ['ticket_solved'] },
  };
}

/** A session of the tenant's admin (15 minutes): the nav bar page loaded as Zendesk loads it. */
export async function adminToken(workerUrl: string, t: Tenant): Promise<string> {
  const grant = await loadAppSession({
    workerUrl,
    zendeskUrl: t.zendeskUrl,
    subdomain: t.subdomain,
    appInstallationId: APP_INSTALLATION_ID,
    userId: ZENDESK_DEMO.users.admin,
    location: 'nav_bar',
  });
  return grant.token;
}

export async function createRules(workerUrl: string, t: Tenant, rules: Array<Record<string, unknown>>, concurrency = 4): Promise<void> {
  const token = await adminToken(workerUrl, t);
  await pool(rules, concurrency, async (rule) => {
    const res = await setupFetch(`${workerUrl}/v1/rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(rule),
    });
    if (res.status !== 201) throw new Error(`rule rejected for ${t.subdomain}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer().catch(() => undefined);
  });
}

// --- webhooks ---------------------------------------------------------------------------------------

/** Headers and body of a trigger webhook as Zendesk sends it, signed with the tenant's secret. */
export function signedTrigger(secret: string, ticketId: string | number): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ ticket_id: String(ticketId), event: 'ticket_solved' });
  const timestamp = zendeskTimestamp(new Date());
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Zendesk Webhook',
      'x-zendesk-webhook-signature': signZendeskWebhook(secret, body, timestamp),
      'x-zendesk-webhook-signature-timestamp': timestamp,
    },
  };
}

/** Takes `n` unused tickets of the tenant. */
export function takeTickets(t: Tenant, n: number): number[] {
  if (t.nextTicket + n - 1 > t.lastTicket) throw new Error(`tenant ${t.subdomain} ran out of bench tickets`);
  const ids = Array.from({ length: n }, (_, i) => t.nextTicket + i);
  t.nextTicket += n;
  return ids;
}
