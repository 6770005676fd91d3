// One send through Telnyx, exactly once:
//   claim the reserved row (reserved -> sending, one winner) -> re-check opt-out -> POST /messages
//   with the official SDK (no SDK retries) -> record the answer.
// Failure policy (FACTS.md: a blind retry can text a person twice):
//   - Telnyx answered 429 or 5xx: nothing was accepted -> back to reserved and tried again with
//     backoff (Retry-After honoured) until the outage horizon (settings.outageHorizonHours, from
//     the first failure; db/outages.ts) has passed, then failed/retries_exhausted.
//   - the connection was refused, where the runtime says so: the request never left -> same as
//     above. workerd reports a refused connection and one lost mid-request alike ("Network
//     connection lost."), so on Workers both take the next, safe, branch.
//   - timeout or a connection lost mid-request: the message may have gone out -> failed with
//     outcome_unknown, never resent automatically; a delivery receipt (matched by the send id in
//     webhook_url) settles it later.
//   - 40300 (recipient sent STOP): the number is recorded opted out, the send skipped.
//   - other 4xx: failed/telnyx_rejected with Telnyx's code and title; an agent may retry.
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'telnyx';
import { readInstallationAt, type Installation } from '../db/installations.ts';
import { recordOptOut } from '../db/opt-outs.ts';
import { planOutageWait, releaseSendToWait } from '../db/outages.ts';
import { claimSendForJob, readSend, recordSendOutcome, recordSendOutcomeStatement, type ClaimedSend, type SendRow } from '../db/sends.ts';
import type { Env } from '../env.ts';
import { webhookUrls } from '../webhook-urls.ts';
import { log } from '../log.ts';
import { MAX_QUEUE_DELAY_S, type QueueAction, type SendJob } from '../jobs.ts';
import { telnyxFor, type TelnyxConnection } from '../telnyx/client.ts';
import { enforceDailyBudget } from './daily-budget.ts';
import { noteRateLimited, takeSendSlot, telnyxRetryAfterSeconds } from './sender-pacing.ts';

/** Exponential backoff for transient failures: 2, 4, 8 ... s, capped at 5 minutes. */
export function backoffSeconds(attempt: number): number {
  return Math.min(300, 2 ** Math.max(1, attempt));
}

interface TelnyxErrorBody {
  errors?: Array<{ code?: string | number; title?: string; detail?: string }>;
}

/**
 * A send job for a send whose checks, if it had any, are done: claimed and made, or put back on
 * the queue while it is held and not due yet. (pipeline/send-delay.ts sendWhenDue runs send jobs.)
 */
export async function sendOne(env: Env, job: SendJob, nowMs: number): Promise<QueueAction> {
  const now = new Date(nowMs).toISOString();
  const send = await claimSendForJob(env.DB, job.installationId, job.sendId, now, true);
  if (!send) return handleUnclaimed(env, job, await readSend(env.DB, job.installationId, job.sendId), nowMs);
  return sendClaimed(env, send, now);
}

/** A send the send job claimed: skipped if its number opted out meanwhile, else made. */
export async function sendClaimed(env: Env, send: ClaimedSend, now: string): Promise<QueueAction> {
  if (send.claim_installation_version === null) return { action: 'ack' };
  const installation = await readInstallationAt(env.DB, send.installation_id, send.claim_installation_version);
  if (!installation) return { action: 'ack' };
  // A STOP may have arrived while the send was held or waiting for a retry.
  if (send.claim_opted_out) {
    await recordSendOutcome(env.DB, send.id, { status: 'skipped', reason: 'opted_out', detail: 'The recipient replied STOP', now });
    return { action: 'ack' };
  }
  return deliverClaimed(env, installation, send, now);
}

/**
 * Sends a send already claimed (status `sending`) by the caller: the send job above, or the
 * interaction job right after reserving (which saves a queue hop for the common case). The
 * answer says what the queue should do with a send job for it.
 */
export async function deliverClaimed(
  env: Env,
  installation: Installation,
  send: SendRow,
  now: string,
  // The caller's connection when it has one: decrypting credentials and building the SDK client
  // once per job instead of once per send.
  connection?: TelnyxConnection | null,
  // When given, Telnyx's acceptance is not written here but added to this list, for the caller to
  // write in the batch that finishes its interaction (one round trip instead of one per send).
  // Until then the send stays `sending`: a crash in between leaves it to its receipt or the
  // sweeper (outcome unknown), never to a second attempt.
  acceptedWrites?: D1PreparedStatement[],
): Promise<QueueAction> {
  const conn = connection === undefined ? await telnyxFor(env, installation) : connection;
  if (!conn) {
    await recordSendOutcome(env.DB, send.id, { status: 'skipped', reason: 'sms_not_connected', detail: 'Telnyx is not connected', now });
    return { action: 'ack' };
  }
  // Spend limit: beyond the day's budget the send is held for the next UTC day (daily-budget.ts).
  const overBudget = await enforceDailyBudget(env, installation, send, Date.parse(now));
  if (overBudget) return overBudget;

  // Send pacing (issue 13): wait for the sender's slot, or back on the queue without spending an attempt.
  if (!(await takeSendSlot(env, conn, installation, send, now))) return { action: 'ack' };
  try {
    const res = await conn.client.messages.send({
      from: send.from_number,
      to: send.recipient,
      text: send.body,
      messaging_profile_id: conn.messagingProfileId,
      // The send id rides along so receipts find the send even if this answer is lost.
      webhook_url: `${webhookUrls(env, installation.id).telnyx}?send=${encodeURIComponent(send.id)}`,
      use_profile_webhooks: false,
    });
    const message = res.data;
    const accepted = recordSendOutcomeStatement(env.DB, send.id, {
      status: 'queued',
      telnyxMessageId: message?.id ?? null,
      segments: typeof message?.parts === 'number' ? message.parts : null,
      // Telnyx may already price the message in its answer (often null until a receipt).
      cost: message?.cost ?? null,
      detail: null,
      now: new Date().toISOString(),
    });
    if (acceptedWrites) acceptedWrites.push(accepted);
    else await accepted.run();
    return { action: 'ack' };
  } catch (err) {
    await noteRateLimited(env, conn, send, err);
    return handleSendError(env, send, err, now, installation.settings.outageHorizonHours);
  }
}

/** A send job that claimed nothing: a send held and not due yet waits again; anything else is done. */
export async function handleUnclaimed(env: Env, job: SendJob, row: SendRow | null, nowMs: number): Promise<QueueAction> {
  // Held and not due yet (a hold longer than the queue's maximum delay): wait again.
  if (row?.status === 'held' && row.scheduled_for && Date.parse(row.scheduled_for) > nowMs) {
    await requeueHeldSend(env, job, Date.parse(row.scheduled_for), nowMs);
  }
  // Anything else was already sent, skipped or is being sent by another attempt.
  return { action: 'ack' };
}

/** The send job again when a held send is due (`untilMs`), at most the queue's longest delay from now. */
export async function requeueHeldSend(env: Env, job: SendJob, untilMs: number, nowMs: number): Promise<void> {
  await env.SEND_QUEUE.send(job, { delaySeconds: Math.min(MAX_QUEUE_DELAY_S, Math.max(0, Math.ceil((untilMs - nowMs) / 1000))) });
}

function isConnectionRefused(err: APIConnectionError): boolean {
  const text = `${err.message} ${err.cause instanceof Error ? err.cause.message : String(err.cause ?? '')}`.toLowerCase();
  return /econnrefused|connection refused|connect(ion)? failed/.test(text);
}

async function handleSendError(env: Env, send: SendRow, err: unknown, now: string, horizonHours: number): Promise<QueueAction> {
  const retryLater = async (detail: string, retryAfterS: number | null): Promise<QueueAction> => {
    const plan = planOutageWait({ since: send.outage_since, nowMs: Date.parse(now), horizonHours, retryAfterS });
    if (plan.kind === 'give_up') {
      const detailed = `${detail}; Telnyx was unavailable for ${plan.hours} h (since ${plan.since}, ${send.attempts} attempts)`;
      await recordSendOutcome(env.DB, send.id, { status: 'failed', reason: 'retries_exhausted', detail: detailed, now });
      return { action: 'ack' };
    }
    await releaseSendToWait(env.DB, send.id, { detail: `${detail}; waiting for Telnyx`, retryAt: plan.retryAt, since: plan.since, now });
    return { action: 'retry', delaySeconds: plan.delaySeconds };
  };

  if (err instanceof APIConnectionTimeoutError) {
    await recordSendOutcome(env.DB, send.id, { status: 'failed', reason: 'outcome_unknown', detail: 'Telnyx did not answer in time; not resent to avoid a duplicate', now });
    return { action: 'ack' };
  }
  if (err instanceof APIConnectionError) {
    if (isConnectionRefused(err)) return retryLater('Telnyx refused the connection', null);
    await recordSendOutcome(env.DB, send.id, { status: 'failed', reason: 'outcome_unknown', detail: `Connection to Telnyx lost: ${err.message}`, now });
    return { action: 'ack' };
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const body = (err.error ?? {}) as TelnyxErrorBody;
    const first = body.errors?.[0];
    const code = first?.code !== undefined ? String(first.code) : null;
    const title = first?.title ?? first?.detail ?? err.message;
    if (err.status === 429 || err.status >= 500) {
      return retryLater(`Telnyx answered ${err.status}${code ? ` (${code})` : ''}`, telnyxRetryAfterSeconds(err.headers, Date.parse(now)));
    }
    if (code === '40300') {
      await recordOptOut(env.DB, send.installation_id, send.recipient, 'telnyx_40300', now);
      await recordSendOutcome(env.DB, send.id, { status: 'skipped', reason: 'opted_out', detail: title, carrierErrorCode: code, now });
      return { action: 'ack' };
    }
    await recordSendOutcome(env.DB, send.id, { status: 'failed', reason: 'telnyx_rejected', detail: title, carrierErrorCode: code, now });
    return { action: 'ack' };
  }
  // Not a Telnyx answer at all: we cannot know whether it went out.
  log('error', 'unexpected send error', { sendId: send.id, error: String(err) });
  await recordSendOutcome(env.DB, send.id, { status: 'failed', reason: 'outcome_unknown', detail: 'Unexpected error while sending', now });
  return { action: 'ack' };
}
