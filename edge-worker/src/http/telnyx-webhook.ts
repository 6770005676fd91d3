// In: Telnyx callbacks for one installation.
//   raw body (capped while it streams) -> installation and its public key -> verify (official SDK:
//   Ed25519 over `${timestamp}|${rawBody}`, 300 s tolerance) -> parse -> act -> 200 at once
//   (Telnyx wants 2xx within 2 s).
// - Delivery receipts (message.sent, message.finalized, message.read) move a send forward. The
//   send is found by the signed message id first; the `?send=` query (which the signature does not
//   cover) only settles a send Telnyx's answer never reached us for (no message id recorded yet)
//   and only when the receipt is for that send's recipient.
// - Inbound messages (message.received) are recorded first, keyed by Telnyx's signed message id
//   (db/replies.ts): a redelivery finds the row and does nothing more.
//   - Telnyx's opt-out / opt-in keywords (telnyx/keywords.ts) record or clear an opt-out; HELP is
//     answered with the installation's text (replies/answer-help.ts: once per number per 24 h,
//     never when Telnyx already auto-answered). Keywords never become comments.
//   - Any other text is a reply: matched to the latest send from the number it was sent to, to the
//     number it came from; within `replyWindowDays` it is queued (`reply` job,
//     replies/apply-reply.ts) to be added to that send's ticket, else recorded as ignored with the
//     reason. The answer comes at once; Zendesk is called from the queue, with retries.
// An unknown installation, one without a public key, and a bad signature answer alike (401, one
// body), so installation ids cannot be probed; the body is read (capped) before any lookup, so a
// large body answers 413 whatever the id.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import Telnyx from 'telnyx';
import { normalizePhone } from '../../../shared/phone/normalize.ts';
import { ApiError } from '../../../shared/schemas/api.ts';
import { SendStatus } from '../../../shared/schemas/send.ts';
import { readInstallation, readTelnyx, type Installation } from '../db/installations.ts';
import { clearOptOut, recordOptOut } from '../db/opt-outs.ts';
import { findLatestSendTo, insertReply } from '../db/replies.ts';
import { findSendByTelnyxId, readSend, recordSendCost, recordSendOutcome, type SendRow } from '../db/sends.ts';
import type { Env } from '../env.ts';
import { AppError } from '../errors.ts';
import { log } from '../log.ts';
import { answerHelp } from '../replies/answer-help.ts';
import { classifyInboundText } from '../telnyx/keywords.ts';
import { mapTelnyxStatus } from '../telnyx/message-status.ts';
import { readBodyCapped } from './capped-body.ts';
import type { AppEnv } from './context.ts';

/** Telnyx message events are a few kB (text is at most 10 parts); 64 KiB leaves ample room. */
export const TELNYX_WEBHOOK_MAX_BYTES = 64 * 1024;

/** The one answer for every refused callback (unknown installation, no key, bad signature). */
const REFUSED = 'Webhook signature rejected';

const RECEIPT_EVENTS = new Set(['message.sent', 'message.finalized', 'message.read']);

/** The fields we read of a message event (SDK: OutboundMessage / MessagingInboundMessage). */
const MessagePayload = z.looseObject({
  id: z.string().optional(),
  text: z.string().nullish(),
  messaging_profile_id: z.string().nullish(),
  autoresponse_type: z.string().nullish(),
  from: z.looseObject({ phone_number: z.string().optional() }).nullish(),
  /** MMS media (SDK MessagingInboundMessagePayload.Media): linked in the comment, never downloaded. */
  media: z.array(z.looseObject({ url: z.string().nullish(), content_type: z.string().nullish() })).nullish(),
  to: z.array(z.looseObject({ phone_number: z.string().optional(), status: z.string().optional() })).nullish(),
  errors: z
    .array(
      z.looseObject({ code: z.union([z.string(), z.number()]).optional(), title: z.string().optional(), detail: z.string().optional() }),
    )
    .nullish(),
  parts: z.number().nullish(),
  // What the message cost (SDK: OutboundMessagePayload.Cost); the delivery report sums it.
  cost: z.looseObject({ amount: z.string().nullish(), currency: z.string().nullish() }).nullish(),
});
type MessagePayload = z.infer<typeof MessagePayload>;

const TelnyxEvent = z
  .looseObject({
    data: z.looseObject({
      event_type: z.string().meta({ example: 'message.finalized' }),
      id: z.string().optional(),
      occurred_at: z.string().optional(),
      record_type: z.string().optional(),
      payload: MessagePayload.optional(),
    }),
    meta: z.looseObject({ attempt: z.number().optional(), delivered_to: z.string().optional() }).optional(),
  })
  .meta({
    id: 'TelnyxMessageEvent',
    description: 'A Telnyx messaging webhook (message.sent, message.finalized, message.read, message.received)',
  });

const TelnyxWebhookAck = z
  .object({
    ok: z.literal(true),
    /** Why nothing changed, when nothing did. */
    ignored: z.string().optional(),
    /** The keyword an inbound message was read as. */
    keyword: z.enum(['opt_out', 'opt_in', 'help']).optional(),
    /** HELP: whether it was answered, or why not. */
    help: z.enum(['answered', 'auto_answered_by_telnyx', 'answered_recently', 'sms_not_connected', 'send_failed']).optional(),
    /** A reply queued to be added to the ticket of the send it answers. */
    reply: z.object({ ticketId: z.string(), sendId: z.string() }).optional(),
    /** The send's status the receipt asked for. */
    status: SendStatus.optional(),
  })
  .meta({ id: 'TelnyxWebhookAck' });
type TelnyxWebhookAck = z.infer<typeof TelnyxWebhookAck>;

export const telnyxWebhook = new OpenAPIHono<AppEnv>();

// Documented for /openapi.json only: the handler below reads the raw body itself (a validator
// would parse it before the signature is checked and without the size cap).
telnyxWebhook.openAPIRegistry.registerPath({
  method: 'post',
  path: '/{installationId}',
  tags: ['Webhooks'],
  summary: 'Telnyx messaging callbacks: delivery receipts, inbound STOP / START / HELP and replies (signed by Telnyx, Ed25519)',
  description:
    "Set as the messaging profile's webhook URL. Sends carry `?send=<id>` in their webhook_url; the signed message id wins over it. " +
    `Bodies over ${TELNYX_WEBHOOK_MAX_BYTES} bytes are refused with 413 while they stream.`,
  request: {
    params: z.object({ installationId: z.string().meta({ param: { name: 'installationId', in: 'path' }, example: 'inst_0123456789ab' }) }),
    query: z.object({ send: z.string().optional().meta({ description: 'Our send id (not covered by the signature: a fallback only)' }) }),
    headers: z.object({
      'telnyx-signature-ed25519': z
        .string()
        .meta({ description: 'base64 Ed25519 signature of: the telnyx-timestamp value, "|", the raw body' }),
      'telnyx-timestamp': z.string().meta({ description: 'Unix seconds; accepted within 300 s' }),
    }),
    body: { required: true, content: { 'application/json': { schema: TelnyxEvent } } },
  },
  responses: {
    200: {
      description: 'Accepted (also when there was nothing to do: see `ignored`)',
      content: { 'application/json': { schema: TelnyxWebhookAck } },
    },
    401: {
      description: 'Unknown installation, no public key, or a bad / stale signature (one answer for all)',
      content: { 'application/json': { schema: ApiError } },
    },
    413: { description: 'Body too large', content: { 'application/json': { schema: ApiError } } },
  },
});

type Verified =
  | { ok: true; installation: Installation; messagingProfileId: string | null; event: z.infer<typeof TelnyxEvent> }
  | { ok: false; why: string };

async function verify(env: Env, installationId: string, raw: string, headers: Headers): Promise<Verified> {
  const installation = await readInstallation(env.DB, installationId);
  if (!installation) return { ok: false, why: 'unknown installation' };
  const { publicKey, messagingProfileId } = await readTelnyx(env.SECRETS_KEY, installation);
  if (!publicKey) return { ok: false, why: 'no public key configured' };
  let unwrapped: unknown;
  try {
    // The SDK verifies; the client is only a carrier for its webhook helper (no API key needed).
    const verifier = new Telnyx({ apiKey: 'webhook-verification-only', publicKey });
    unwrapped = await verifier.webhooks.unwrap(raw, { headers: Object.fromEntries(headers) });
  } catch (err) {
    return { ok: false, why: `signature: ${err instanceof Error ? err.message : 'invalid'}` };
  }
  const event = TelnyxEvent.safeParse(unwrapped);
  // Signed by Telnyx but not a message event we understand: acknowledged, nothing done.
  if (!event.success) return { ok: true, installation, messagingProfileId, event: { data: { event_type: 'unparsed' } } };
  return { ok: true, installation, messagingProfileId, event: event.data };
}

async function handleInbound(
  env: Env,
  installation: Installation,
  profileId: string | null,
  payload: MessagePayload,
  nowMs: number,
): Promise<TelnyxWebhookAck> {
  const now = new Date(nowMs).toISOString();
  // Telnyx's block rules are per messaging profile: a keyword sent to another profile's number
  // does not block ours.
  if (profileId && payload.messaging_profile_id && payload.messaging_profile_id !== profileId)
    return { ok: true, ignored: 'another messaging profile' };
  const keyword = classifyInboundText(payload.text, payload.autoresponse_type);
  const from = payload.from?.phone_number ? normalizePhone(payload.from.phone_number, installation.settings.defaultCountry) : null;
  if (!from?.ok) return { ok: true, ignored: keyword ? 'no sender number' : 'not a keyword' };
  const to = payload.to?.[0]?.phone_number ?? '';
  const messageId = payload.id;
  const media = (payload.media ?? [])
    .filter((m): m is typeof m & { url: string } => typeof m.url === 'string' && m.url.length > 0)
    .map((m) => ({ url: m.url, contentType: m.content_type ?? null }));
  const base = { installation_id: installation.id, from_phone: from.e164, to_number: to, body: payload.text ?? '', media, received_at: now };

  if (keyword) {
    // Recorded first, so a redelivered HELP is not answered again; without an id, acted on anyway
    // (opt-out and opt-in are idempotent, HELP has its 24 h limit).
    if (messageId && !(await insertReply(env.DB, { ...base, telnyx_message_id: messageId, send_id: null, ticket_id: null, status: 'keyword', reason: keyword.kind })))
      return { ok: true, ignored: 'duplicate' };
    if (keyword.kind === 'help') {
      const help = await answerHelp(env, installation, { from: from.e164, to, autoresponseType: payload.autoresponse_type }, nowMs);
      return { ok: true, keyword: 'help', help };
    }
    if (keyword.kind === 'opt_out') await recordOptOut(env.DB, installation.id, from.e164, keyword.keyword, now);
    else await clearOptOut(env.DB, installation.id, from.e164);
    return { ok: true, keyword: keyword.kind };
  }

  if (!messageId) {
    log('warn', 'inbound message without an id: not applied', { installationId: installation.id });
    return { ok: true, ignored: 'no message id' };
  }
  // The SMS it answers: the latest from the number it was sent to, to the number it came from.
  const send = to ? await findLatestSendTo(env.DB, installation.id, from.e164, to) : null;
  const windowMs = installation.settings.replyWindowDays * 24 * 60 * 60 * 1000;
  const ignored = !send ? 'no_matching_send' : Date.parse(send.created_at) < nowMs - windowMs ? 'outside_window' : null;
  const inserted = await insertReply(env.DB, {
    ...base,
    telnyx_message_id: messageId,
    send_id: send?.id ?? null,
    ticket_id: send?.ticket_id ?? null,
    status: ignored ? 'ignored' : 'pending',
    reason: ignored,
  });
  if (!inserted) return { ok: true, ignored: 'duplicate' };
  if (ignored || !send) {
    log('info', 'reply ignored', { installationId: installation.id, messageId, reason: ignored, sendId: send?.id });
    return { ok: true, ignored: ignored ?? 'no_matching_send' };
  }
  await env.SEND_QUEUE.send({ kind: 'reply', messageId, installationId: installation.id });
  return { ok: true, reply: { ticketId: send.ticket_id, sendId: send.id } };
}

/**
 * The send a receipt is about. The signed message id decides; `?send=` (unsigned) only names a
 * send that has no Telnyx id yet (its answer was lost, e.g. a timeout) and whose recipient is the
 * receipt's, so a replayed receipt with another `?send=` cannot move someone else's send.
 */
async function sendOfReceipt(
  env: Env,
  installationId: string,
  payload: MessagePayload,
  sendIdParam: string | undefined,
): Promise<SendRow | null> {
  const signed = payload.id ? await findSendByTelnyxId(env.DB, installationId, payload.id) : null;
  if (signed || !sendIdParam) return signed;
  const candidate = await readSend(env.DB, installationId, sendIdParam);
  if (!candidate || candidate.telnyx_message_id !== null) return null;
  const recipient = payload.to?.[0]?.phone_number;
  return recipient && recipient === candidate.recipient ? candidate : null;
}

async function handleReceipt(
  env: Env,
  installationId: string,
  eventType: string,
  payload: MessagePayload,
  sendIdParam: string | undefined,
  now: string,
): Promise<TelnyxWebhookAck> {
  const send = await sendOfReceipt(env, installationId, payload, sendIdParam);
  if (!send) {
    log('warn', 'receipt for an unknown send', { installationId, messageId: payload.id });
    return { ok: true, ignored: 'unknown message' };
  }
  const status = payload.to?.[0]?.status ?? (eventType === 'message.read' ? 'read' : undefined);
  const mapping = mapTelnyxStatus(status);
  if (!mapping.ok) {
    log('warn', 'receipt with a status we do not map', { installationId, sendId: send.id, status, why: mapping.reason });
    return { ok: true, ignored: `status ${status ?? '(none)'}` };
  }
  const { mapped } = mapping;
  const error = payload.errors?.[0];
  const moved = await recordSendOutcome(env.DB, send.id, {
    status: mapped.status,
    reason: mapped.reason,
    detail: mapped.status === 'failed' ? (error?.title ?? error?.detail ?? mapped.detail) : mapped.detail,
    carrierErrorCode: error?.code !== undefined ? String(error.code) : null,
    telnyxMessageId: payload.id ?? null,
    segments: typeof payload.parts === 'number' ? payload.parts : null,
    cost: payload.cost ?? null,
    now,
  });
  // A receipt that does not move the status may still carry the final price.
  if (!moved) await recordSendCost(env.DB, send.id, payload.cost);
  return { ok: true, status: mapped.status };
}

telnyxWebhook.post('/:installationId', async (c) => {
  const body = await readBodyCapped(c.req.raw, TELNYX_WEBHOOK_MAX_BYTES);
  if (!body.ok) throw new AppError('payload_too_large', `Body larger than ${TELNYX_WEBHOOK_MAX_BYTES} bytes`);

  const verified = await verify(c.env, c.req.param('installationId'), body.text, c.req.raw.headers);
  if (!verified.ok) {
    log('warn', 'telnyx webhook refused', { why: verified.why });
    throw new AppError('unauthorized', REFUSED);
  }
  const { installation, messagingProfileId, event } = verified;
  const type = event.data.event_type;
  const payload = event.data.payload;
  const now = new Date().toISOString();
  if (!payload) return c.json({ ok: true, ignored: `no payload (${type})` } satisfies TelnyxWebhookAck, 200);
  if (type === 'message.received') return c.json(await handleInbound(c.env, installation, messagingProfileId, payload, Date.parse(now)), 200);
  if (RECEIPT_EVENTS.has(type)) return c.json(await handleReceipt(c.env, installation.id, type, payload, c.req.query('send'), now), 200);
  return c.json({ ok: true, ignored: type } satisfies TelnyxWebhookAck, 200);
});
