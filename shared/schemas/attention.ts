// The admin's "Needs attention" list (issue 12): what failed and may be retried or reprocessed,
// and the bulk retry that first counts the SMS it would send (dry run), then does it.
import { z } from 'zod';
import { EndEvent } from './rule.ts';
import { RecipientKind, SendReason } from './send.ts';

export const AttentionInteraction = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    event: EndEvent,
    receivedAt: z.string(),
    failedAt: z.string(),
    /** Why it failed, e.g. "Zendesk answered 503; Zendesk was unavailable for 24 h …". */
    detail: z.string().nullable(),
  })
  .meta({ id: 'AttentionInteraction' });
export type AttentionInteraction = z.infer<typeof AttentionInteraction>;

export const AttentionSend = z
  .object({
    id: z.string(),
    interactionId: z.string(),
    ticketId: z.string(),
    ruleLabel: z.string(),
    recipientKind: RecipientKind,
    recipientMasked: z.string().nullable(),
    reason: SendReason.nullable(),
    detail: z.string().nullable(),
    failedAt: z.string(),
    /** A retry sends it again (Telnyx or the carrier refused it, or Telnyx was down too long). */
    retryable: z.boolean(),
    /** outcome_unknown: the earlier attempt may have gone out; a retry needs explicit confirmation. */
    mayDuplicate: z.boolean(),
  })
  .meta({ id: 'AttentionSend' });
export type AttentionSend = z.infer<typeof AttentionSend>;

/** Something waiting out an outage right now: it will be tried again, nothing to do yet. */
export const AttentionWaiting = z
  .object({
    kind: z.enum(['interaction', 'send']),
    id: z.string(),
    ticketId: z.string(),
    waitingFor: z.enum(['zendesk', 'telnyx']),
    /** ISO time of the next try. */
    nextTryAt: z.string().nullable(),
    /** ISO time of the first failure of this outage (it fails after the outage horizon). */
    since: z.string().nullable(),
    detail: z.string().nullable(),
  })
  .meta({ id: 'AttentionWaiting' });
export type AttentionWaiting = z.infer<typeof AttentionWaiting>;

export const NeedsAttention = z
  .object({
    interactions: z.array(AttentionInteraction),
    sends: z.array(AttentionSend),
    /** Waiting for Zendesk or Telnyx (at most 100, oldest outage first). */
    waiting: z.array(AttentionWaiting),
    /** More failed rows exist than listed (newest first, at most 100 of each). */
    truncated: z.boolean(),
  })
  .meta({ id: 'NeedsAttention' });
export type NeedsAttention = z.infer<typeof NeedsAttention>;

const Ids = z.array(z.string().min(1).max(64)).max(100).default([]);

export const AttentionRetryRequest = z
  .object({
    /** Failed interactions to process again (sends already recorded for them are never sent again). */
    interactionIds: Ids,
    /** Failed sends to send again. */
    sendIds: Ids,
    /** Also retry sends whose outcome is unknown (they may have gone out: a retry may duplicate). */
    includeUnknown: z.boolean().default(false),
    /** Only count (the default): nothing changes. */
    dryRun: z.boolean().default(true),
  })
  .meta({ id: 'AttentionRetryRequest' });
export type AttentionRetryRequest = z.input<typeof AttentionRetryRequest>;

export const AttentionRetryResult = z
  .object({
    dryRun: z.boolean(),
    /** Interactions (to be) processed again: their rules decide then, each rule and recipient at most once. */
    interactions: z.number().int().nonnegative(),
    /** SMS (to be) sent by the send retries: one each. */
    sms: z.number().int().nonnegative(),
    /** Of `sms`: sends whose earlier outcome is unknown (only with includeUnknown). */
    unknownSms: z.number().int().nonnegative(),
    /** Unknown-outcome sends left out because includeUnknown was false. */
    unknownNeedConfirmation: z.number().int().nonnegative(),
    /** Ids named that are not (or no longer) failed and retryable. */
    notEligible: z.number().int().nonnegative(),
  })
  .meta({ id: 'AttentionRetryResult' });
export type AttentionRetryResult = z.infer<typeof AttentionRetryResult>;
