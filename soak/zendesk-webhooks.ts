// Zendesk's side of the soak: the webhooks a ticket's ending produces, signed as Zendesk signs
// them (test/fakes/zendesk-signature.ts), delivered with Zendesk's retry policy.
//
// Retry policy (FACTS.md, from https://developer.zendesk.com/api-reference/webhooks/introduction/
// "Webhook retries"): a request that times out (about 10-12 s) is retried up to 5 times; a 409 up
// to 3 times; a 429 or 503 only when it carries Retry-After below 60 s. Any other answer (a 500, a
// 4xx) is not retried: the webhook is lost for the receiver. Not published, so chosen here and
// unconfirmed: how long Zendesk waits between retries (5, 10, 20, 40, 60 s here; Retry-After
// when given), how many 429/503 retries it makes (3 here), and that a refused connection counts
// like a timeout (the worker is down for a few seconds after a kill; without that, every ending
// during a restart would be lost at Zendesk's end, not ours).
import type { PlannedTicket, PlannedWebhook } from './plan.ts';
import { signZendeskWebhook, zendeskTimestamp } from '../test/fakes/zendesk-signature.ts';

export interface DeliveryOutcome {
  ticketId: number;
  webhook: PlannedWebhook;
  /** The worker's last answer (0: no answer), and whether Zendesk stopped without a 2xx. */
  status: number;
  attempts: number;
  gaveUp: boolean;
  /** Statuses and errors of every attempt, in order. */
  trail: string[];
}

const TIMEOUT_MS = 12_000;
const BACKOFF_S = [5, 10, 20, 40, 60];
const MAX_TIMEOUT_RETRIES = 5;
const MAX_CONFLICT_RETRIES = 3;
const MAX_RETRY_AFTER_RETRIES = 3;

export function webhookBody(ticketId: number, w: PlannedWebhook): string {
  if (w.format === 'event') {
    // zen:event-type:ticket.status_changed (FACTS.md): detail.updated_at is the ending's time.
    return JSON.stringify({
      type: 'zen:event-type:ticket.status_changed',
      account_id: 1,
      id: `evt-${ticketId}-${w.event}`,
      time: w.at,
      zendesk_event_version: '2022-11-06',
      subject: `zen:ticket:${ticketId}`,
      detail: { id: String(ticketId), updated_at: w.at },
      event: { current: 'SOLVED', previous: 'OPEN' },
    });
  }
  // The trigger body Setup installs (edge-worker/src/zendesk/setup.ts).
  return JSON.stringify({ ticket_id: String(ticketId), event: w.event, updated_at: w.at });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function attempt(url: string, secret: string, body: string): Promise<{ status: number; retryAfter: number | null; error?: string }> {
  const timestamp = zendeskTimestamp(new Date());
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Zendesk Webhook',
        'x-zendesk-webhook-signature': signZendeskWebhook(secret, body, timestamp),
        'x-zendesk-webhook-signature-timestamp': timestamp,
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.arrayBuffer();
    const retryAfter = Number(res.headers.get('retry-after'));
    return { status: res.status, retryAfter: Number.isFinite(retryAfter) && retryAfter >= 0 && res.headers.has('retry-after') ? retryAfter : null };
  } catch (error) {
    return { status: 0, retryAfter: null, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Delivers one webhook as Zendesk would, retries included. */
export async function deliverWebhook(url: string, secret: string, ticket: PlannedTicket, w: PlannedWebhook): Promise<DeliveryOutcome> {
  const body = webhookBody(ticket.id, w);
  const trail: string[] = [];
  let timeouts = 0;
  let conflicts = 0;
  let retryAfters = 0;
  for (let attempts = 1; ; attempts++) {
    const res = await attempt(url, secret, body);
    trail.push(res.error ? `0 ${res.error}` : String(res.status));
    const done = (gaveUp: boolean): DeliveryOutcome => ({ ticketId: ticket.id, webhook: w, status: res.status, attempts, gaveUp, trail });
    if (res.status >= 200 && res.status < 300) return done(false);
    let waitS: number | null = null;
    if (res.status === 0 && timeouts < MAX_TIMEOUT_RETRIES) waitS = BACKOFF_S[timeouts++] ?? 60;
    else if (res.status === 409 && conflicts < MAX_CONFLICT_RETRIES) waitS = BACKOFF_S[conflicts++] ?? 60;
    else if ((res.status === 429 || res.status === 503) && res.retryAfter !== null && res.retryAfter < 60 && retryAfters < MAX_RETRY_AFTER_RETRIES) {
      retryAfters++;
      waitS = res.retryAfter;
    }
    if (waitS === null) return done(true);
    await sleep(waitS * 1000);
  }
}
