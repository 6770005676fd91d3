// In: a Zendesk webhook says an interaction ended. raw text -> verify -> parse -> record the
// receipt (deduplicated) -> enqueue -> 2xx, in a few milliseconds. Everything slow happens in
// the queue consumer. Accepts the trigger body we install ({"ticket_id","event"}) and the
// zen:event-type:ticket.status_changed event webhook envelope.
import { Hono } from 'hono';
import { z } from 'zod';
import { EndEvent } from '../../../shared/schemas/rule.ts';
import { randomToken } from '../crypto/secrets.ts';
import { readInstallation, readWebhookSecret } from '../db/installations.ts';
import { recordReceipt } from '../db/interactions.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { verifyZendeskSignature } from '../verify/zendesk-signature.ts';
import type { AppEnv } from './context.ts';
import { toFieldErrors } from './validation.ts';

export const MAX_WEBHOOK_BYTES = 64 * 1024;

const TicketId = z.union([z.string().regex(/^\d+$/, 'Must be a ticket id'), z.number().int().positive()]).transform(String);

/** The body of the trigger-connected webhook (see http/setup-api.ts for what we install). */
const TriggerBody = z.object({ ticket_id: TicketId, event: EndEvent });

/** Zendesk event webhook envelope for ticket status changes (FACTS.md). */
const StatusChangedEvent = z.object({
  type: z.literal('zen:event-type:ticket.status_changed'),
  detail: z.object({ id: TicketId }),
  event: z.object({ current: z.string(), previous: z.string().nullish() }),
});

export type ParsedEnd = { ticketId: string; event: EndEvent; source: 'trigger' | 'event_webhook' } | { ignored: string };

export function parseEndOfInteraction(json: unknown): ParsedEnd {
  if (json && typeof json === 'object' && 'type' in json) {
    const parsed = StatusChangedEvent.safeParse(json);
    if (!parsed.success) {
      if (typeof json.type === 'string' && json.type !== 'zen:event-type:ticket.status_changed') return { ignored: `event type ${json.type}` };
      throw invalid(toFieldErrors(parsed.error));
    }
    // Status case varies between event versions (FACTS.md): compare case-insensitively.
    if (parsed.data.event.current.toLowerCase() !== 'solved') return { ignored: `status changed to ${parsed.data.event.current}` };
    return { ticketId: parsed.data.detail.id, event: 'ticket_solved', source: 'event_webhook' };
  }
  const parsed = TriggerBody.safeParse(json);
  if (!parsed.success) throw invalid(toFieldErrors(parsed.error));
  return { ticketId: parsed.data.ticket_id, event: parsed.data.event, source: 'trigger' };
}

export const zendeskWebhook = new Hono<AppEnv>();

zendeskWebhook.post('/:installationId', async (c) => {
  const installation = await readInstallation(c.env.DB, c.req.param('installationId'));
  if (!installation) throw notFound('Installation');
  const secret = await readWebhookSecret(c.env.SECRETS_KEY, installation);
  if (!secret) throw new AppError('unauthorized', 'No Zendesk webhook signing secret is configured for this installation');

  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_WEBHOOK_BYTES) throw new AppError('payload_too_large', `Body larger than ${MAX_WEBHOOK_BYTES} bytes`);
  const raw = await c.req.text();
  if (raw.length > MAX_WEBHOOK_BYTES) throw new AppError('payload_too_large', `Body larger than ${MAX_WEBHOOK_BYTES} bytes`);

  const now = Date.now();
  const verdict = await verifyZendeskSignature(
    secret,
    raw,
    { signature: c.req.header('x-zendesk-webhook-signature'), timestamp: c.req.header('x-zendesk-webhook-signature-timestamp') },
    now,
  );
  if (!verdict.ok) throw new AppError('unauthorized', `Webhook signature rejected: ${verdict.reason}`);

  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new AppError('bad_request', 'Body is not JSON');
  }
  const end = parseEndOfInteraction(json);
  if ('ignored' in end) return c.json({ accepted: false, ignored: end.ignored }, 200);

  const { interaction, created } = await recordReceipt(c.env.DB, {
    id: `ix_${randomToken(12)}`,
    installationId: installation.id,
    ticketId: end.ticketId,
    event: end.event,
    source: end.source,
    nowMs: now,
  });
  // A duplicate still re-enqueues while the first receipt is unprocessed: if the first enqueue
  // was lost, Zendesk's redelivery heals it. The consumer is idempotent.
  if (created || interaction.status === 'received') {
    await c.env.SEND_QUEUE.send({ kind: 'interaction', interactionId: interaction.id, installationId: installation.id });
  }
  return c.json({ accepted: true, interactionId: interaction.id, duplicate: !created }, created ? 202 : 200);
});
