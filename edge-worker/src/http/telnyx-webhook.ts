// In: Telnyx callbacks. Delivery receipts (message.sent / message.finalized) move a send forward;
// inbound messages with STOP / START keywords record or clear an opt-out. Verified with the
// official SDK (Ed25519 over `${timestamp}|${rawBody}`, 300 s tolerance) and the installation's
// public key; answered at once (Telnyx wants 2xx within 2 s).
import { Hono } from 'hono';
import Telnyx from 'telnyx';
import { normalizePhone } from '../../../shared/phone/normalize.ts';
import type { SendStatus } from '../../../shared/schemas/send.ts';
import { readInstallation, readTelnyx } from '../db/installations.ts';
import { clearOptOut, recordOptOut } from '../db/opt-outs.ts';
import { findSendByTelnyxId, readSend, recordSendOutcome } from '../db/sends.ts';
import { AppError, notFound } from '../errors.ts';
import { log } from '../log.ts';
import type { AppEnv } from './context.ts';
import { MAX_WEBHOOK_BYTES } from './zendesk-webhook.ts';

/** Keywords Telnyx itself acts on for a messaging profile (FACTS.md). */
export const STOP_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
export const START_KEYWORDS = new Set(['START', 'UNSTOP']);

interface TelnyxMessagePayload {
  id?: string;
  text?: string;
  from?: { phone_number?: string };
  to?: Array<{ phone_number?: string; status?: string }>;
  errors?: Array<{ code?: string | number; title?: string; detail?: string }>;
  parts?: number;
}
interface TelnyxEvent {
  data?: { event_type?: string; id?: string; payload?: TelnyxMessagePayload };
}

/** Telnyx message status -> our status (FACTS.md status values). */
function mapStatus(status: string | undefined): { status: SendStatus; failed: boolean; detail: string | null } | null {
  switch (status) {
    case 'queued':
    case 'sending':
      return { status: 'queued', failed: false, detail: null };
    case 'sent':
      return { status: 'sent', failed: false, detail: null };
    case 'delivery_unconfirmed':
      return { status: 'sent', failed: false, detail: 'The carrier did not confirm delivery' };
    case 'delivered':
      return { status: 'delivered', failed: false, detail: null };
    case 'sending_failed':
    case 'delivery_failed':
    case 'expired':
      return { status: 'failed', failed: true, detail: status.replace('_', ' ') };
    default:
      return null;
  }
}

export const telnyxWebhook = new Hono<AppEnv>();

telnyxWebhook.post('/:installationId', async (c) => {
  const installation = await readInstallation(c.env.DB, c.req.param('installationId'));
  if (!installation) throw notFound('Installation');
  const { publicKey } = await readTelnyx(c.env.SECRETS_KEY, installation);
  if (!publicKey) throw new AppError('unauthorized', 'No Telnyx public key is configured for this installation');
  const raw = await c.req.text();
  if (raw.length > MAX_WEBHOOK_BYTES) throw new AppError('payload_too_large', `Body larger than ${MAX_WEBHOOK_BYTES} bytes`);

  let event: TelnyxEvent;
  try {
    // The SDK verifies; the client is only a carrier for its webhook helper (no API key needed).
    const verifier = new Telnyx({ apiKey: 'webhook-verification-only', publicKey });
    event = (await verifier.webhooks.unwrap(raw, { headers: Object.fromEntries(c.req.raw.headers) })) as TelnyxEvent;
  } catch (err) {
    throw new AppError('unauthorized', `Webhook signature rejected: ${err instanceof Error ? err.message : 'invalid'}`);
  }

  const type = event.data?.event_type;
  const payload = event.data?.payload;
  const now = new Date().toISOString();
  if (!payload) return c.json({ ok: true, ignored: 'no payload' }, 200);

  if (type === 'message.received') {
    const from = payload.from?.phone_number ? normalizePhone(payload.from.phone_number, installation.settings.defaultCountry) : null;
    const keyword = (payload.text ?? '').trim().toUpperCase();
    if (from?.ok && STOP_KEYWORDS.has(keyword)) await recordOptOut(c.env.DB, installation.id, from.e164, keyword, now);
    else if (from?.ok && START_KEYWORDS.has(keyword)) await clearOptOut(c.env.DB, installation.id, from.e164);
    return c.json({ ok: true }, 200);
  }

  if (type === 'message.sent' || type === 'message.finalized') {
    const sendId = c.req.query('send');
    const send =
      (sendId ? await readSend(c.env.DB, installation.id, sendId) : null) ??
      (payload.id ? await findSendByTelnyxId(c.env.DB, installation.id, payload.id) : null);
    if (!send) {
      log('warn', 'receipt for an unknown send', { installationId: installation.id, messageId: payload.id });
      return c.json({ ok: true, ignored: 'unknown message' }, 200);
    }
    const mapped = mapStatus(payload.to?.[0]?.status);
    if (!mapped) return c.json({ ok: true, ignored: 'unknown status' }, 200);
    const error = payload.errors?.[0];
    await recordSendOutcome(c.env.DB, send.id, {
      status: mapped.status,
      reason: mapped.failed ? 'carrier_failed' : null,
      detail: mapped.failed ? (error?.title ?? error?.detail ?? mapped.detail) : mapped.detail,
      carrierErrorCode: error?.code !== undefined ? String(error.code) : null,
      telnyxMessageId: payload.id ?? null,
      segments: typeof payload.parts === 'number' ? payload.parts : null,
      now,
    });
    return c.json({ ok: true }, 200);
  }
  return c.json({ ok: true, ignored: type ?? 'no event type' }, 200);
});
