// Telnyx message statuses -> our send status model. Pure.
//
// Every status the official SDK defines for an outbound message's recipient (`to[].status`):
// OutboundMessagePayload.To (queued, sending, sent, expired, sending_failed, delivery_unconfirmed,
// delivered, delivery_failed, read) and MessageCancelScheduledResponse.To (adds scheduled and
// cancelled) in node_modules/telnyx/resources/messages/messages.d.ts, generated from Telnyx's
// OpenAPI spec. The map below is typed over that union, so a status added to the SDK fails the
// build until it is mapped here. Meanings: "scheduled" waits for its send_at, "cancelled" is a
// scheduled message cancelled before it was sent (docs: DELETE /messages/{id}, "Only messages with
// status=scheduled ... can be cancelled"), "read" is a read receipt (message.read events).
// Statuses of inbound messages (received, webhook_delivered) never describe one of our sends.
import type Telnyx from 'telnyx';
import type { SendReason, SendStatus } from '../../../shared/schemas/send.ts';

export type TelnyxOutboundStatus =
  | NonNullable<NonNullable<Telnyx.OutboundMessagePayload['to']>[number]['status']>
  | NonNullable<NonNullable<Telnyx.MessageCancelScheduledResponse['to']>[number]['status']>;

export interface MappedStatus {
  status: SendStatus;
  /** Set for failed and skipped sends. */
  reason: SendReason | null;
  /** Shown when Telnyx gives no error of its own. */
  detail: string | null;
}

const STATUS_MAP: Record<TelnyxOutboundStatus, MappedStatus> = {
  scheduled: { status: 'queued', reason: null, detail: 'Scheduled at Telnyx to go out later' },
  queued: { status: 'queued', reason: null, detail: null },
  sending: { status: 'queued', reason: null, detail: null },
  sent: { status: 'sent', reason: null, detail: null },
  delivery_unconfirmed: { status: 'sent', reason: null, detail: 'The carrier did not confirm delivery' },
  delivered: { status: 'delivered', reason: null, detail: null },
  read: { status: 'delivered', reason: null, detail: 'Read by the recipient' },
  cancelled: { status: 'skipped', reason: 'cancelled', detail: null }, // the reason says it all
  expired: { status: 'failed', reason: 'carrier_failed', detail: 'Expired: not delivered in time' },
  sending_failed: { status: 'failed', reason: 'carrier_failed', detail: 'Telnyx could not send it' },
  delivery_failed: { status: 'failed', reason: 'carrier_failed', detail: 'The carrier could not deliver it' },
};

/** Statuses Telnyx gives inbound messages; a receipt carrying one is not about a send of ours. */
const INBOUND_STATUSES = new Set(['received', 'webhook_delivered']);

export type StatusMapping = { ok: true; mapped: MappedStatus } | { ok: false; reason: 'inbound_status' | 'unknown_status' | 'no_status' };

export function mapTelnyxStatus(status: string | null | undefined): StatusMapping {
  if (!status) return { ok: false, reason: 'no_status' };
  if (Object.hasOwn(STATUS_MAP, status)) return { ok: true, mapped: STATUS_MAP[status as TelnyxOutboundStatus] };
  return { ok: false, reason: INBOUND_STATUSES.has(status) ? 'inbound_status' : 'unknown_status' };
}

/** Every outbound status we map (for tests and the fake). */
export const TELNYX_OUTBOUND_STATUSES = Object.keys(STATUS_MAP) as TelnyxOutboundStatus[];
