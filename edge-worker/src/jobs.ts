// Messages on the work queue. Validated on receipt: they may come from an older deploy.
import { z } from 'zod';

/** Process an ended interaction: fetch the ticket, evaluate rules, reserve sends. */
export const InteractionJob = z.object({
  kind: z.literal('interaction'),
  interactionId: z.string(),
  installationId: z.string(),
});

/** Make one reserved (or held, now due) send through Telnyx. */
export const SendJob = z.object({
  kind: z.literal('send'),
  sendId: z.string(),
  installationId: z.string(),
});

/** Add one inbound SMS reply (a replies row, by Telnyx's message id) to its ticket. */
export const ReplyJob = z.object({
  kind: z.literal('reply'),
  messageId: z.string(),
  installationId: z.string(),
});

export const Job = z.discriminatedUnion('kind', [InteractionJob, SendJob, ReplyJob]);
export type Job = z.infer<typeof Job>;
export type InteractionJob = z.infer<typeof InteractionJob>;
export type SendJob = z.infer<typeof SendJob>;
export type ReplyJob = z.infer<typeof ReplyJob>;

/** Cloudflare Queues accept delays up to 12 hours; longer holds are re-enqueued when due. */
export const MAX_QUEUE_DELAY_S = 12 * 60 * 60;

/** What the consumer does with a message after handling it. */
export type QueueAction = { action: 'ack' } | { action: 'retry'; delaySeconds: number };
