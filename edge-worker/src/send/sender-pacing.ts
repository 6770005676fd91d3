// Send pacing (issue 13): a claimed send asks its Telnyx account's pacer (sender-pacer.ts) for a
// slot before it goes to Telnyx. Within MAX_SLOT_WAIT_MS the pacer holds the call until the slot
// (the consumer waits; no CPU is spent waiting); further away, the send goes back on the queue
// with delaySeconds as a fresh message, its claim released without spending an attempt — waiting
// for a slot is not a failure, and a bulk close of thousands of tickets must not run its sends
// into max_retries and the dead-letter queue. A 429 from Telnyx blocks and slows the sender in
// the pacer (rateLimited), and the send itself is retried after the Retry-After by send-sms.ts.
import { APIError } from 'telnyx';
import type { Installation } from '../db/installations.ts';
import { deferSendForPacing, type SendRow } from '../db/sends.ts';
import { retryAfterSeconds } from '../db/outages.ts';
import type { Env } from '../env.ts';
import { MAX_QUEUE_DELAY_S } from '../jobs.ts';
import { log } from '../log.ts';
import type { TelnyxConnection } from '../telnyx/client.ts';
import type { SenderPacer, SlotAnswer } from './sender-pacer.ts';
import { throughputFor } from './throughput.ts';

/**
 * The longest a consumer waits for a slot in place. Longer waits go back on the queue, whose
 * delays are whole seconds; 2 s keeps a consumer's batch short while a backlog is drained.
 */
export const MAX_SLOT_WAIT_MS = 2000;
/** When the pacer cannot be reached: try again after this long (nothing was sent). */
const PACER_DOWN_RETRY_S = 5;

/**
 * Pacer ids by SDK client, made once per client (issue 13: hashing the key and idFromName were a
 * visible share of each send's CPU, bench/cpu-profile.ts). telnyxFor keeps one client per
 * installation in the isolate, and a client's API key never changes (a new key makes a new
 * client), so its pacer never changes either. Safe across requests: a DurableObjectId holds no
 * I/O object of the request that made it (an ActorId, unlike the stub, which holds the request's
 * outgoing channel and is made per call here: DurableObjectId and DurableObject in
 * https://github.com/cloudflare/workerd/blob/main/src/workerd/api/actor.h). Kept with the
 * namespace it belongs to, and made again for another one. Weak: it goes with its client.
 */
const pacerIds = new WeakMap<object, { namespace: DurableObjectNamespace<SenderPacer>; id: DurableObjectId }>();

/** The pacer of the connection's Telnyx account: named by a hash of the API key (never the key). */
async function pacerFor(env: Env, conn: TelnyxConnection): Promise<DurableObjectStub<SenderPacer>> {
  // env.ts is the bottom layer and cannot name the class; the binding is declared for it (wrangler.toml).
  const namespace = env.SEND_PACER as unknown as DurableObjectNamespace<SenderPacer>;
  let known = pacerIds.get(conn.client);
  if (!known || known.namespace !== namespace) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(conn.client.apiKey ?? ''));
    const hex = [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
    known = { namespace, id: namespace.idFromName(`telnyx-account:${hex}`) };
    pacerIds.set(conn.client, known);
  }
  return namespace.get(known.id);
}

/**
 * Waits for the send's slot. True: send now. False: the send was put back on the queue for later
 * (released, its attempt not spent) and the caller acks.
 */
export async function takeSendSlot(env: Env, conn: TelnyxConnection, installation: Installation, send: SendRow, now: string): Promise<boolean> {
  const rates = throughputFor(installation.settings, send.from_number);
  let answer: SlotAnswer;
  try {
    const pacer = await pacerFor(env, conn);
    answer = await pacer.takeSlot({ sender: send.from_number, senderRate: rates.sender, accountRate: rates.account, maxWaitMs: MAX_SLOT_WAIT_MS });
  } catch (err) {
    // Without the pacer nothing can be paced: nothing is sent now, the send waits on the queue.
    log('warn', 'send pacer unavailable', { sendId: send.id, error: String(err) });
    answer = { kind: 'later', retryAfterMs: PACER_DOWN_RETRY_S * 1000, limitedBy: 'sender' };
  }
  if (answer.kind === 'go') return true;

  const delaySeconds = Math.min(MAX_QUEUE_DELAY_S, Math.max(1, Math.floor(answer.retryAfterMs / 1000)));
  const why =
    answer.limitedBy === 'account'
      ? `the Telnyx account's rate (${rates.account.perSecond} messages/s)`
      : answer.limitedBy === 'rate_limited'
        ? 'Telnyx answered 429 (too many requests) for this sender'
        : `this sender's rate (${rates.sender.perSecond} messages/s${rates.overridden ? ', from settings' : `, Telnyx's default for a ${rates.senderClass.replace('_', ' ')}`})`;
  // Released before the new message exists: if the enqueue fails, the error retries the current
  // message (or interaction), which finds the send reserved and claims it again.
  await deferSendForPacing(env.DB, send.id, `Waiting for a send slot: ${why}`, now);
  await env.SEND_QUEUE.send({ kind: 'send', sendId: send.id, installationId: send.installation_id }, { delaySeconds });
  return false;
}

/**
 * Seconds Telnyx asks us to wait after a 429: Retry-After when present, else x-ratelimit-reset
 * ("the time in seconds until the rate limit resets",
 * developers.telnyx.com/development/api-fundamentals/reliability/rate-limiting). Null when neither.
 */
export function telnyxRetryAfterSeconds(headers: Headers | undefined, nowMs: number): number | null {
  return retryAfterSeconds(headers?.get('retry-after'), nowMs) ?? retryAfterSeconds(headers?.get('x-ratelimit-reset'), nowMs);
}

/** After a failed send: a 429 blocks the sender in its pacer until the Retry-After and slows it. */
export async function noteRateLimited(env: Env, conn: TelnyxConnection, send: SendRow, err: unknown): Promise<void> {
  if (!(err instanceof APIError) || err.status !== 429) return;
  const retryAfterS = telnyxRetryAfterSeconds(err.headers, Date.now()) ?? 1;
  try {
    await (await pacerFor(env, conn)).rateLimited(send.from_number, retryAfterS * 1000);
  } catch (error) {
    // The send is retried after the Retry-After regardless (send-sms.ts).
    log('warn', 'send pacer unavailable after a 429', { sendId: send.id, error: String(error) });
  }
}
