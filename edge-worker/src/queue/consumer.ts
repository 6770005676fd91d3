// Queue consumer: validate each message, run its step, then ack or retry. Thin on purpose.
// Transient upstream trouble (Zendesk 429/5xx, no answer) is retried with backoff, honouring
// Retry-After; after the queue's last try the interaction is marked failed with the reason.
import { setInteractionStatusStatement } from '../db/interactions.ts';
import type { Env } from '../env.ts';
import { AppError, UpstreamError } from '../errors.ts';
import { log } from '../log.ts';
import { processInteraction } from '../pipeline/process-interaction.ts';
import { applyReply, giveUpReply } from '../replies/apply-reply.ts';
import { backoffSeconds } from '../send/send-sms.ts';
import { sendWhenDue } from '../pipeline/send-delay.ts';
import { Job, type QueueAction } from '../jobs.ts';

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
  try {
    action =
      job.kind === 'interaction'
        ? await processInteraction(env, job, Date.now())
        : job.kind === 'reply'
          ? await applyReply(env, job, Date.now())
          : await sendWhenDue(env, job, Date.now());
  } catch (err) {
    action = await onError(env, job, err, msg.attempts);
  }
  if (action.action === 'ack') msg.ack();
  else msg.retry({ delaySeconds: action.delaySeconds });
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
