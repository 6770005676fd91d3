// Consumer of the dead-letter queue (pisms-interactions-dlq, wrangler.toml): a message lands there
// when the work queue gave up on it (max_retries used up: the consumer crashed or threw on every
// try; https://developers.cloudflare.com/queues/configuration/dead-letter-queues/). Nothing is
// dropped silently: what it was about is recorded failed with the reason, shown in the admin's
// "Needs attention" list (http/attention-api.ts), from where it can be retried.
//   - interaction: failed, unless it finished meanwhile
//   - send: reserved / held -> failed (retries_exhausted, retryable); sending -> failed
//     (outcome_unknown: the crash may have come after Telnyx accepted it); later states untouched
//   - reply: failed with the reason (the sidebar shows it)
import type { Env } from '../env.ts';
import { failInteraction } from '../db/outages.ts';
import { Job } from '../jobs.ts';
import { log } from '../log.ts';
import { giveUpReply } from '../replies/apply-reply.ts';

export const DEAD_LETTER_QUEUE = 'pisms-interactions-dlq';
const REASON = 'The work queue gave up after its retries (dead-letter queue)';

export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const now = new Date().toISOString();
  for (const msg of batch.messages) {
    const parsed = Job.safeParse(msg.body);
    if (!parsed.success) {
      log('error', 'dropping malformed dead letter', { id: msg.id });
      msg.ack();
      continue;
    }
    const job = parsed.data;
    log('error', 'dead letter', { kind: job.kind, installationId: job.installationId });
    if (job.kind === 'interaction') await failInteraction(env.DB, job.interactionId, REASON, now);
    else if (job.kind === 'reply') await giveUpReply(env, job, REASON);
    else {
      await env.DB.prepare(
        `UPDATE sends SET status = 'failed', updated_at = ?1, retry_at = NULL, outage_since = NULL,
           reason = CASE status WHEN 'sending' THEN 'outcome_unknown' ELSE 'retries_exhausted' END,
           detail = CASE status WHEN 'sending' THEN ?2 || '; the message may have gone out, so it is not resent' ELSE ?2 END
         WHERE id = ?3 AND installation_id = ?4 AND status IN ('reserved', 'held', 'sending')`,
      )
        .bind(now, REASON, job.sendId, job.installationId)
        .run();
    }
    msg.ack();
  }
}
