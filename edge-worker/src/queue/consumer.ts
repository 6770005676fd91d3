// Queue consumer: validate each message, run its step, then ack or retry. Thin on purpose.
// Transient upstream trouble (Zendesk 429/5xx, no answer; Telnyx 429/5xx for sends) waits with
// backoff, honouring Retry-After, re-enqueued as a fresh message until the outage horizon
// (queue/outage-policy.ts); unexpected errors use the queue's retries, and after its last try
// the interaction is marked failed with the reason (or the message lands in the dead-letter queue).
import { setInteractionStatusStatement } from '../db/interactions.ts';
import type { Env } from '../env.ts';
import { AppError, UpstreamError } from '../errors.ts';
import { log } from '../log.ts';
import { processInteraction } from '../pipeline/process-interaction.ts';
import { applyReply, giveUpReply } from '../replies/apply-reply.ts';
import { backoffSeconds } from '../send/send-sms.ts';
import { sendWhenDue } from '../pipeline/send-delay.ts';
import { Job, type QueueAction } from '../jobs.ts';
import { requeue, waitOutInteractionOutage } from './outage-policy.ts';

/** Must match max_retries in wrangler.toml (attempts = retries + 1). */
export const MAX_QUEUE_ATTEMPTS = 9;

export async function consumeBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  // Messages of a batch are independent; run them concurrently.
  await Promise.all(batch.messages.map((msg) => consumeMessage(msg, env)));
}

async function consumeMessage(msg: Message<unknown>, env: Env): Promise<void> {
  const parsed = Job.safeParse(msg.body);
  if (!parsed.success) {
    log('error', 'dropping malformed queue message', { id: msg.id, issues: parsed.error.issues.map((i) => i.message) });
    msg.ack();
    return;
  }
  const job = parsed.data;
  let action: QueueAction;
  // Retries the queue counts (max_retries): unexpected errors only. Outage waits are re-enqueued.
  let queueRetry = job.kind === 'reply';
  try {
    action =
      job.kind === 'interaction'
        ? await processInteraction(env, job, Date.now())
        : job.kind === 'reply'
          ? await applyReply(env, job, Date.now())
          : await sendWhenDue(env, job, Date.now());
  } catch (err) {
    if (job.kind === 'interaction' && err instanceof UpstreamError && err.isTransient) {
      action = await waitOutInteractionOutage(env, job, err, Date.now());
    } else {
      action = await onError(env, job, err, msg.attempts);
      queueRetry = true;
    }
  }
  if (action.action === 'ack') msg.ack();
  else if (queueRetry) msg.retry({ delaySeconds: action.delaySeconds });
  else await requeue(env, msg, job, action.delaySeconds);
}

async function onError(env: Env, job: Job, err: unknown, attempts: number): Promise<QueueAction> {
  const transient = (err instanceof UpstreamError && err.isTransient) || !(err instanceof AppError || err instanceof UpstreamError);
  const reason =
    err instanceof UpstreamError ? `Zendesk answered ${err.status || 'nothing'}` : err instanceof AppError ? err.message : 'Unexpected error';
  log(transient ? 'warn' : 'error', 'job failed', { kind: job.kind, attempts, reason, error: String(err) });
  if (job.kind === 'interaction' && (!transient || attempts >= MAX_QUEUE_ATTEMPTS)) {
    await setInteractionStatusStatement(env.DB, job.interactionId, 'failed', `${reason}${transient ? ' (gave up after retries)' : ''}`, new Date().toISOString()).run();
    return { action: 'ack' };
  }
  if (job.kind === 'reply' && (!transient || attempts >= MAX_QUEUE_ATTEMPTS)) {
    await giveUpReply(env, job, `${reason}${transient ? ' (gave up after retries)' : ''}`);
    return { action: 'ack' };
  }
  const retryAfter = err instanceof UpstreamError ? err.retryAfterSeconds : null;
  return { action: 'retry', delaySeconds: retryAfter ?? backoffSeconds(attempts) };
}
