// The playground's buttons on the fakes, run server-side: solve a ticket or end a chat (the Zendesk
// fake signs the webhook a Zendesk trigger would send, with the secret of the webhook the app's
// Setup created in the fake, and POSTs it to that webhook's endpoint on the worker), make the next
// SMS fail (Telnyx fake outcomes, cleared again once one message went out), read the SMS outbox,
// answer an SMS from the phone (the Telnyx fake signs a message.received and posts it to the
// worker's Telnyx webhook), read a ticket's comments, and the demo account's users and tickets in
// the shapes ZAF hands an app.
import { telnyxControl, zendeskControl } from '../test/fakes/control-client.ts';
import type { OutboxMessage, ZendeskAccountSnapshot, ZendeskWebhookRequest } from '../test/fakes/index.ts';

type FakeWebhook = ZendeskAccountSnapshot['webhooks'][number];

export interface SandboxConfig {
  zendeskUrl: string;
  telnyxUrl: string;
  subdomain: string;
  /** The worker: only webhooks pointing at it are ours. */
  workerUrl: string;
  /** The Telnyx key the installation sends with (its outbox is the one shown). */
  telnyxApiKey: string;
}

/** Carrier failures offered by "Fail next SMS" (Telnyx error codes and titles). */
export const FAILURES = [
  { code: '40008', title: 'Undeliverable' },
  { code: '40001', title: 'Not routable' },
  { code: '40002', title: 'Blocked as spam - temporary' },
] as const;

export interface FailNextState {
  errorCode: string;
  errorTitle: string;
  /** Set once a message went out after arming: the one that failed. */
  appliedTo?: { messageId: string; to: string };
}

export interface OutboxEntry {
  id: string;
  from: string;
  to: string;
  text: string;
  parts: number;
  encoding: string;
  /** queued | sent | delivered | delivery_failed | sending_failed (the fake's lifecycle). */
  status: string;
  error: string | null;
  receivedAt: string;
}

/** A ticket comment as the playground's ticket view shows it. */
export interface CommentEntry {
  id: number;
  author: string;
  body: string;
  isPublic: boolean;
  createdAt: string;
}

export interface WebhookResult {
  /** The worker's answer to the signed webhook (0 when it could not be reached, or none was sent). */
  status: number;
  body: string;
  error?: string;
  /** True when the account has no webhook of ours yet (Setup has not created it): nothing was sent. */
  notSetUp?: boolean;
}

const NOT_SET_UP: WebhookResult = {
  status: 0,
  body: '',
  error: 'the Zendesk webhook is not set up yet',
  notSetUp: true,
};

const E164 = /^\+[1-9]\d{6,14}$/;
const POLL_MS = 100;

function toOutboxEntry(m: OutboxMessage): OutboxEntry {
  const error = m.errors[0];
  return {
    id: m.id,
    from: m.from.phone_number,
    to: m.to[0]?.phone_number ?? '',
    text: m.text,
    parts: m.parts,
    encoding: m.encoding,
    status: m.to[0]?.status ?? 'queued',
    error: error ? `${error.title} (${error.code})` : null,
    receivedAt: m.received_at,
  };
}

function delivery(request: ZendeskWebhookRequest): WebhookResult {
  const d = request.delivery;
  return d ? { status: d.status, body: d.body, ...(d.error ? { error: d.error } : {}) } : { status: 0, body: '', error: 'not delivered' };
}

export function createSandbox(config: SandboxConfig) {
  const zd = zendeskControl(config.zendeskUrl);
  const tx = telnyxControl(config.telnyxUrl);
  const workerOrigin = new URL(config.workerUrl).origin;
  let failNext: FailNextState | null = null;
  let watcher: ReturnType<typeof setInterval> | null = null;

  const outbox = async () => (await tx.messages({ apiKey: config.telnyxApiKey })).map(toOutboxEntry);

  function stopWatching() {
    if (watcher) clearInterval(watcher);
    watcher = null;
  }

  /** Every number the demo account could text: user phones and phone-like ticket field values. */
  function knownNumbers(account: ZendeskAccountSnapshot): string[] {
    const numbers = new Set<string>();
    for (const user of account.users) if (user.phone && E164.test(user.phone)) numbers.add(user.phone);
    for (const ticket of account.tickets) {
      for (const field of ticket.custom_fields) if (typeof field.value === 'string' && E164.test(field.value)) numbers.add(field.value);
    }
    return [...numbers];
  }

  /** The newest webhook in the account that points at our worker (Setup made it), or null. */
  async function webhook(): Promise<FakeWebhook | null> {
    const account = await zd.account(config.subdomain);
    const ours = account.webhooks.filter((w) => {
      try {
        return new URL(w.endpoint).origin === workerOrigin && w.status !== 'inactive';
      } catch {
        return false;
      }
    });
    return ours.at(-1) ?? null;
  }

  return {
    account: () => zd.account(config.subdomain),
    webhook,

    /**
     * The agent submits the ticket as Solved: the trigger Setup created fires its webhook, which
     * the fake signs with that webhook's secret and posts to its endpoint on the worker. Without
     * the webhook (before Setup) nothing is solved and nothing is sent.
     */
    async solveTicket(ticketId: number): Promise<WebhookResult> {
      const hook = await webhook();
      if (!hook) return NOT_SET_UP;
      const request = await zd.solveTicket(config.subdomain, ticketId, { webhookId: hook.id, deliver: true });
      return delivery(request);
    },

    /**
     * A chat / messaging conversation on the ticket ends: the fake runs the triggers Setup made
     * (the "conversation ended" one fires on chat and messaging tickets only) and delivers what
     * they send, as Zendesk would.
     */
    async endChat(ticketId: number): Promise<WebhookResult> {
      const hook = await webhook();
      if (!hook) return NOT_SET_UP;
      try {
        return delivery(await zd.endConversation(config.subdomain, ticketId, { webhookId: hook.id, deliver: true }));
      } catch (error) {
        // 409: not a chat or messaging ticket, or its conversation has already ended.
        return { status: 0, body: '', error: `the conversation could not end: ${error instanceof Error ? error.message : String(error)}` };
      }
    },

    outbox,

    /**
     * The phone answers one SMS of the outbox: Telnyx's message.received from the recipient to the
     * sender, signed by the fake and posted to the worker's Telnyx webhook (the endpoint the SMS
     * named in its webhook_url, without its `?send=`).
     */
    async reply(messageId: string, text: string): Promise<WebhookResult> {
      const message = (await tx.messages({ apiKey: config.telnyxApiKey })).find((m) => m.id === messageId);
      if (!message) return { status: 0, body: '', error: `no SMS ${messageId} in the outbox` };
      const to = message.to[0]?.phone_number;
      if (!message.webhook_url || !to) return { status: 0, body: '', error: 'the SMS names no webhook of the worker' };
      const webhookUrl = message.webhook_url.split('?')[0] ?? message.webhook_url;
      try {
        const result = await tx.inbound({ from: to, to: message.from.phone_number, text, webhookUrl, deliver: true });
        const d = result.callback.delivery?.[0];
        return d ? { status: d.status, body: d.body, ...(d.error ? { error: d.error } : {}) } : { status: 0, body: '', error: 'not delivered' };
      } catch (error) {
        return { status: 0, body: '', error: error instanceof Error ? error.message : String(error) };
      }
    },

    /** The ticket's comments in the Zendesk fake, oldest first, with author names. */
    async comments(ticketId: number): Promise<CommentEntry[]> {
      const account = await zd.account(config.subdomain);
      const names = new Map(account.users.map((u) => [u.id, u.name]));
      return (account.comments[String(ticketId)] ?? []).map((c) => ({
        id: c.id,
        author: names.get(c.author_id) ?? `user ${c.author_id}`,
        body: c.plain_body ?? c.body ?? '',
        isPublic: c.public,
        createdAt: c.created_at,
      }));
    },

    failNextState: (): FailNextState | null => failNext,

    /**
     * The next SMS to any number of the demo account fails with this carrier error. The fake's
     * outcomes are per recipient and permanent, so they are set for every known number and
     * cleared as soon as one more message is in the outbox (messages accepted in the same
     * instant would fail too).
     */
    async armFailNext(errorCode: string): Promise<FailNextState> {
      const failure = FAILURES.find((f) => f.code === errorCode) ?? FAILURES[0];
      stopWatching();
      await tx.clearOutcomes();
      const baseline = (await outbox()).length;
      const account = await zd.account(config.subdomain);
      for (const to of knownNumbers(account)) {
        await tx.setOutcome({
          to,
          outcome: 'delivery_failed',
          errorCode: failure.code,
          errorTitle: failure.title,
          apiKey: config.telnyxApiKey,
        });
      }
      const state: FailNextState = { errorCode: failure.code, errorTitle: failure.title };
      failNext = state;
      let busy = false;
      watcher = setInterval(() => {
        if (busy) return;
        busy = true;
        void (async () => {
          try {
            const messages = await outbox();
            const next = messages[baseline];
            if (next && failNext === state) {
              stopWatching();
              await tx.clearOutcomes();
              state.appliedTo = { messageId: next.id, to: next.to };
            }
          } catch {
            // The fake went away (shutting down); the next tick or stop() ends this.
          } finally {
            busy = false;
          }
        })();
      }, POLL_MS);
      return state;
    },

    async cancelFailNext(): Promise<void> {
      stopWatching();
      failNext = null;
      await tx.clearOutcomes();
    },

    stop: stopWatching,
  };
}

export type Sandbox = ReturnType<typeof createSandbox>;
