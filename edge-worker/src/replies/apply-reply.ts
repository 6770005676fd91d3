// Queue step for one SMS reply (a `replies` row, pending): add it to the ticket of the send it
// answers, then mark it applied. The job carries ids only; the row and the send are reloaded.
//   1. claim: count the attempt; a reply that is no longer pending (applied, failed) is acked.
//   2. read the send and the ticket (requester sideloaded).
//   3. who wrote it: the requester when the send went to the customer (the ticket's phoneNumber
//      field or the requester's phone, as the send's recipient kind says) or the number is the
//      requester's own phone; then a public comment authored by the requester (Zendesk: a comment's
//      `author_id` in a ticket update, https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/).
//      Otherwise an internal note naming the number masked.
//   4. one ticket update: the comment, and `status: open` when the setting asks.
//   5. applied. Zendesk 429 / 5xx / no answer throws (the consumer retries with backoff); other
//      4xx (a closed ticket, a deleted one) mark the reply failed with Zendesk's status.
// Accepted trade-off: if the worker dies between Zendesk's answer and step 5, the redelivered
// job adds the comment again (at least once into Zendesk; the webhook side is exactly once).
import { maskPhone, normalizePhone } from '../../../shared/phone/normalize.ts';
import { readInstallation } from '../db/installations.ts';
import { claimPendingReply, settleReply, type ReplyMedia, type ReplyRow } from '../db/replies.ts';
import { readSend, type SendRow } from '../db/sends.ts';
import type { Env } from '../env.ts';
import { UpstreamError } from '../errors.ts';
import { log } from '../log.ts';
import type { QueueAction, ReplyJob } from '../jobs.ts';
import type { ZendeskTicket, ZendeskUser } from '../zendesk/client.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';

/** The comment text: the reply, then its media as links (MMS media are linked, never downloaded). */
export function composeReplyComment(reply: Pick<ReplyRow, 'body' | 'from_phone'>, media: readonly ReplyMedia[], isPublic: boolean): string {
  const lines: string[] = [];
  if (!isPublic) lines.push(`SMS reply from ${maskPhone(reply.from_phone)}:`, '');
  lines.push(reply.body.trim() || '(no text)');
  if (media.length > 0) {
    lines.push('', 'Attachments (MMS):');
    for (const m of media) lines.push(`- ${m.url}${m.contentType ? ` (${m.contentType})` : ''}`);
  }
  return lines.join('\n');
}

/** Whether the reply comes from the ticket's requester (see step 3 above). */
export function isFromRequester(
  reply: Pick<ReplyRow, 'from_phone'>,
  send: Pick<SendRow, 'recipient_kind' | 'recipient'>,
  ticket: Pick<ZendeskTicket, 'requester_id'>,
  users: readonly ZendeskUser[],
  defaultCountry: string,
): boolean {
  if (send.recipient_kind === 'customer' && send.recipient === reply.from_phone) return true;
  const requester = users.find((u) => u.id === ticket.requester_id);
  if (!requester?.phone) return false;
  const phone = normalizePhone(requester.phone, defaultCountry);
  return phone.ok && phone.e164 === reply.from_phone;
}

export function parseMedia(json: string): ReplyMedia[] {
  try {
    const value = JSON.parse(json) as unknown;
    if (!Array.isArray(value)) return [];
    return value.filter((m): m is ReplyMedia => typeof m === 'object' && m !== null && typeof (m as ReplyMedia).url === 'string');
  } catch {
    return [];
  }
}

export async function applyReply(env: Env, job: ReplyJob, nowMs: number): Promise<QueueAction> {
  const now = new Date(nowMs).toISOString();
  // 1
  const reply = await claimPendingReply(env.DB, job.installationId, job.messageId, now);
  if (!reply) return { action: 'ack' };
  const fail = async (reason: string) => {
    await settleReply(env.DB, reply.installation_id, reply.telnyx_message_id, { status: 'failed', reason, commentKind: null, now });
    log('warn', 'reply not added to the ticket', { installationId: reply.installation_id, messageId: reply.telnyx_message_id, reason });
    return { action: 'ack' } as const;
  };
  const installation = await readInstallation(env.DB, reply.installation_id);
  if (!installation) return { action: 'ack' };
  // 2
  const send = reply.send_id ? await readSend(env.DB, installation.id, reply.send_id) : null;
  if (!send) return fail('send_not_found');
  const zendesk = await zendeskFor(env, installation);
  let ticket: ZendeskTicket;
  let users: ZendeskUser[];
  try {
    ({ ticket, users = [] } = await zendesk.getTicket(send.ticket_id));
  } catch (err) {
    if (err instanceof UpstreamError && !err.isTransient) return fail(`zendesk_${err.status}`);
    throw err;
  }
  // 3
  const asRequester = typeof ticket.requester_id === 'number' && isFromRequester(reply, send, ticket, users, installation.settings.defaultCountry);
  const body = composeReplyComment(reply, parseMedia(reply.media_json), asRequester);
  // 4
  try {
    await zendesk.addTicketComment(send.ticket_id, {
      body,
      isPublic: asRequester,
      ...(asRequester && typeof ticket.requester_id === 'number' ? { authorId: ticket.requester_id } : {}),
      ...(installation.settings.replyReopensTicket ? { status: 'open' as const } : {}),
    });
  } catch (err) {
    if (err instanceof UpstreamError && !err.isTransient) return fail(`zendesk_${err.status}`);
    throw err;
  }
  // 5
  await settleReply(env.DB, installation.id, reply.telnyx_message_id, {
    status: 'applied',
    reason: null,
    commentKind: asRequester ? 'public' : 'internal',
    now,
  });
  return { action: 'ack' };
}

/** After the queue's last try: the reply is marked failed with the reason. */
export async function giveUpReply(env: Env, job: ReplyJob, reason: string): Promise<void> {
  await settleReply(env.DB, job.installationId, job.messageId, { status: 'failed', reason, commentKind: null, now: new Date().toISOString() });
}
