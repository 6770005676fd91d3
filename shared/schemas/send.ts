// What happened to each SMS of an interaction: the ticket sidebar's data. Shared schemas.
import { z } from 'zod';
import { EndEvent } from './rule.ts';

export const SendStatus = z.enum([
  'reserved', // row written, not yet handed to Telnyx
  'held', // waiting for quiet hours to end
  'sending', // handed to Telnyx, answer not recorded yet
  'queued', // accepted by Telnyx
  'sent', // Telnyx handed it to the carrier
  'delivered',
  'failed', // Telnyx or the carrier rejected it; `reason` says why
  'skipped', // never sent on purpose; `reason` says why
]);
export type SendStatus = z.infer<typeof SendStatus>;

/** Why a send was skipped or failed. Stable codes; the app translates them. */
export const SendReason = z.enum([
  'no_valid_number',
  'opted_out',
  'frequency_cap',
  'quiet_hours',
  'rule_disabled',
  'sms_not_connected',
  'duplicate_recipient',
  'summary_unavailable',
  'telnyx_rejected',
  'carrier_failed',
  'retries_exhausted',
  'outcome_unknown', // Telnyx did not answer; the message may have gone out, so it is not resent
  'cancelled', // Telnyx reports the message cancelled before it was sent (status `cancelled`)
  // Issue 12b: spend limits.
  'budget_exceeded', // held: the installation's daily SMS budget is used up; goes out the next UTC day
  'country_not_allowed', // skipped: the number is in a country the installation does not text
  'erased', // skipped: an admin erased the recipient's or the ticket's data before it went out
  // Send timing (issue 14):
  'send_delay', // held: the rule sends N minutes after the interaction ends
  'ticket_reopened', // skipped: the ticket was reopened before the delayed send was due
  'cancelled_by_agent', // skipped: an agent cancelled the held send in the sidebar
]);
export type SendReason = z.infer<typeof SendReason>;

export const RecipientKind = z.enum(['assigned_agent', 'customer', 'other']);
export type RecipientKind = z.infer<typeof RecipientKind>;

/** An SMS reply to a send, as the sidebar shows it (the number masked). */
export const SmsReply = z
  .object({
    /** Telnyx's id of the inbound message. */
    id: z.string(),
    text: z.string(),
    /** MMS media, linked (never downloaded). */
    media: z.array(z.object({ url: z.string(), contentType: z.string().nullable() })),
    fromMasked: z.string(),
    receivedAt: z.string(),
    /** pending: waiting to be added (or retried); applied: in the ticket; failed: Zendesk refused it. */
    status: z.enum(['pending', 'applied', 'failed']),
    /** public: the requester's comment; internal: an internal note naming the masked number. */
    commentKind: z.enum(['public', 'internal']).nullable(),
    detail: z.string().nullable(),
  })
  .meta({ id: 'SmsReply' });
export type SmsReply = z.infer<typeof SmsReply>;

export const Send = z
  .object({
    id: z.string(),
    interactionId: z.string(),
    ruleId: z.string(),
    ruleLabel: z.string(),
    recipientKind: RecipientKind,
    /** Masked, e.g. "+1 *** *** 0123": the app never receives full numbers. */
    recipientMasked: z.string().nullable(),
    fromNumber: z.string(),
    body: z.string(),
    segments: z.number().int().nonnegative(),
    /** Who wrote the summary in `body`, when it has one (the summariser is configuration). */
    summarySource: z.enum(['workers-ai', 'extractive']).nullable().optional(),
    encoding: z.enum(['GSM-7', 'UCS-2']),
    status: SendStatus,
    reason: SendReason.nullable(),
    /** Human-readable detail, e.g. the carrier's error title. */
    detail: z.string().nullable(),
    carrierErrorCode: z.string().nullable(),
    telnyxMessageId: z.string().nullable(),
    /** When a held message will go out. */
    scheduledFor: z.string().nullable(),
    attempts: z.number().int().nonnegative(),
    canRetry: z.boolean(),
    /** A held send (delayed, or waiting for quiet hours) this caller may cancel before it goes. */
    canCancel: z.boolean().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** Replies to this SMS, oldest first (the status API fills it; other answers leave it out). */
    replies: z.array(SmsReply).optional(),
    // Outages (issue 12): a send waiting out a Telnyx outage says for whom and until when.
    /** 'telnyx' while the send waits out a Telnyx outage; null otherwise. */
    waitingFor: z.enum(['zendesk', 'telnyx']).nullable().optional(),
    /** ISO time of the next try while waiting. */
    nextTryAt: z.string().nullable().optional(),
  })
  .meta({ id: 'Send' });
export type Send = z.infer<typeof Send>;

export const InteractionRecord = z.object({
  id: z.string(),
  ticketId: z.string(),
  event: EndEvent,
  receivedAt: z.string(),
  status: z.enum(['received', 'processing', 'done', 'failed']),
  detail: z.string().nullable(),
  sends: z.array(Send),
  // Outages (issue 12): "Waiting for Zendesk, next try at 14:05".
  /** The service this interaction waits for during an outage; null when not waiting. */
  waitingFor: z.enum(['zendesk', 'telnyx']).nullable().optional(),
  /** ISO time of the next try while waiting. */
  nextTryAt: z.string().nullable().optional(),
});

export const TicketSends = z.object({
  ticketId: z.string(),
  interactions: z.array(InteractionRecord),
});
export type TicketSends = z.infer<typeof TicketSends>;
