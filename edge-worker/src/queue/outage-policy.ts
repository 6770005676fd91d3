// The consumer's side of "outages delay, they do not fail" (db/outages.ts has the policy and the
// D1 writes): an interaction job that hit a Zendesk (or Telnyx) outage waits and is re-enqueued
// as a FRESH message, so the queue's max_retries never ends a wait; the retry count of the queue
// is left to unexpected errors (bugs, D1 trouble), whose last failure goes to the dead-letter
// queue (queue/dead-letters.ts).
import { readInstallation } from '../db/installations.ts';
import { failInteraction, markInteractionWaiting, planOutageWait } from '../db/outages.ts';
import type { Env } from '../env.ts';
import type { UpstreamError } from '../errors.ts';
import { MAX_QUEUE_DELAY_S, type InteractionJob, type Job, type QueueAction } from '../jobs.ts';
import { log } from '../log.ts';

const SERVICE_NAME = { zendesk: 'Zendesk', telnyx: 'Telnyx' } as const;

/**
 * An interaction job failed with a transient upstream error (429, 5xx, no answer): wait (the
 * sidebar says "Waiting for Zendesk, next try at …") or, past the horizon, fail with the reason.
 */
export async function waitOutInteractionOutage(env: Env, job: InteractionJob, err: UpstreamError, nowMs: number): Promise<QueueAction> {
  const now = new Date(nowMs).toISOString();
  const row = await env.DB.prepare('SELECT outage_since FROM interactions WHERE id = ? AND installation_id = ?')
    .bind(job.interactionId, job.installationId)
    .first<{ outage_since: string | null }>();
  const installation = row ? await readInstallation(env.DB, job.installationId) : null;
  if (!row || !installation) return { action: 'ack' };
  const service = SERVICE_NAME[err.service];
  const answer = `${service} answered ${err.status || 'nothing'}`;
  const plan = planOutageWait({
    since: row.outage_since,
    nowMs,
    horizonHours: installation.settings.outageHorizonHours,
    retryAfterS: err.retryAfterSeconds,
  });
  if (plan.kind === 'give_up') {
    await failInteraction(env.DB, job.interactionId, `${answer}; ${service} was unavailable for ${plan.hours} h (since ${plan.since}), gave up`, now);
    return { action: 'ack' };
  }
  await markInteractionWaiting(env.DB, job.interactionId, { service: err.service, detail: answer, retryAt: plan.retryAt, since: plan.since, now });
  return { action: 'retry', delaySeconds: plan.delaySeconds };
}

/**
 * Tries a job again later as a new message (its own attempt count starts over: the wait is
 * bounded by the outage horizon, not by max_retries). Should sending fail, the queue's own retry
 * takes over; should that be lost too, the sweeper finds the row by its retry_at.
 */
export async function requeue(env: Env, msg: Message<unknown>, job: Job, delaySeconds: number): Promise<void> {
  const delay = Math.max(0, Math.min(MAX_QUEUE_DELAY_S, Math.ceil(delaySeconds)));
  try {
    await env.SEND_QUEUE.send(job, { delaySeconds: delay });
    msg.ack();
  } catch (err) {
    log('warn', 'requeue failed; the queue retries the message', { kind: job.kind, error: String(err) });
    msg.retry({ delaySeconds: delay });
  }
}
