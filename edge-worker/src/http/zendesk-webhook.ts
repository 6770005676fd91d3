// In: a Zendesk webhook says an interaction ended. headers -> raw text (capped while it streams)
// -> verify -> parse -> record the receipt (keyed on the ending, db/interactions.ts) -> enqueue ->
// 2xx, in a few milliseconds. Everything slow happens in the queue consumer. Accepts the trigger
// body Setup installs ({"ticket_id","event","updated_at"}) and the
// zen:event-type:ticket.status_changed event webhook envelope.
// Refusals that need no key come first (signature headers, replay window), then the size cap, then
// the key from a per-isolate cache (http/zendesk-webhook-keys.ts). An unknown installation answers
// exactly like a known one with a wrong signature, so ids cannot be probed.
// The route is plain Hono (the raw body must be verified before it is parsed); it is documented
// in /openapi.json through the registry.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '../../../shared/schemas/api.ts';
import { EndEvent } from '../../../shared/schemas/rule.ts';
import { randomToken } from '../crypto/secrets.ts';
import { endMoment, recordReceipt } from '../db/interactions.ts';
import { AppError, invalid } from '../errors.ts';
import { log } from '../log.ts';
import {
  checkZendeskSignatureHeaders,
  importZendeskSigningKey,
  verifyZendeskSignature,
  type ZendeskSignatureFailure,
} from '../verify/zendesk-signature.ts';
import { readBodyCapped } from './capped-body.ts';
import type { AppEnv } from './context.ts';
import { toFieldErrors } from './validation.ts';
import { forgetZendeskWebhookKeys, reloadZendeskWebhookKeys, zendeskWebhookKeys } from './zendesk-webhook-keys.ts';

export const MAX_WEBHOOK_BYTES = 64 * 1024;
/**
 * Retry-After of the 503 answered when the queue refuses the job. Zendesk retries a 503 only
 * when Retry-After is under 60 seconds (https://developer.zendesk.com/api-reference/webhooks/introduction/#webhook-retries;
 * FACTS.md "Zendesk webhooks"), so it must stay below that.
 */
export const INGEST_RETRY_AFTER_S = 10;

const TicketId = z.union([z.string().regex(/^\d+$/, 'Must be a ticket id'), z.number().int().positive()]).transform(String);

/**
 * The body of the trigger-connected webhook (zendesk/setup.ts installs it). `updated_at` is
 * {{ticket.updated_at_with_timestamp}}: Zendesk's time of the update that fired the trigger, to
 * the minute; bodies of triggers installed before it existed have none.
 */
export const ZendeskTriggerBody = z
  .object({
    ticket_id: TicketId,
    event: EndEvent,
    updated_at: z.string().optional().meta({ description: 'The ticket update time ({{ticket.updated_at_with_timestamp}}), e.g. 2026-12-01T10:15Z' }),
  })
  .meta({ id: 'ZendeskTriggerBody' });

/** Zendesk event webhook envelope for ticket status changes (FACTS.md; detail.updated_at per the ticket events reference). */
export const ZendeskStatusChangedEvent = z
  .object({
    type: z.literal('zen:event-type:ticket.status_changed'),
    time: z.string().optional(),
    detail: z.object({ id: TicketId, updated_at: z.string().optional() }),
    event: z.object({ current: z.string(), previous: z.string().nullish() }),
  })
  .meta({ id: 'ZendeskStatusChangedEvent' });

const Accepted = z
  .object({
    accepted: z.literal(true),
    interactionId: z.string(),
    /** A receipt seen before (a redelivery, or the other source of one solve). */
    duplicate: z.boolean(),
    /** This end event joined the interaction of the same conversation (chat ended + solved). */
    joined: z.boolean(),
  })
  .meta({ id: 'ZendeskWebhookAccepted' });
const Ignored = z.object({ accepted: z.literal(false), ignored: z.string() }).meta({ id: 'ZendeskWebhookIgnored' });

export type ParsedEnd =
  | { ticketId: string; event: EndEvent; source: 'trigger' | 'event_webhook'; moment: string | null }
  | { ignored: string };

export function parseEndOfInteraction(json: unknown): ParsedEnd {
  if (json && typeof json === 'object' && 'type' in json) {
    const parsed = ZendeskStatusChangedEvent.safeParse(json);
    if (!parsed.success) {
      if (typeof json.type === 'string' && json.type !== 'zen:event-type:ticket.status_changed') return { ignored: `event type ${json.type}` };
      throw invalid(toFieldErrors(parsed.error));
    }
    // Status case varies between event versions (FACTS.md): compare case-insensitively.
    if (parsed.data.event.current.toLowerCase() !== 'solved') return { ignored: `status changed to ${parsed.data.event.current}` };
    const at = parsed.data.detail.updated_at ?? parsed.data.time;
    return { ticketId: parsed.data.detail.id, event: 'ticket_solved', source: 'event_webhook', moment: at ? endMoment(at) : null };
  }
  const parsed = ZendeskTriggerBody.safeParse(json);
  if (!parsed.success) throw invalid(toFieldErrors(parsed.error));
  const { ticket_id: ticketId, event, updated_at: at } = parsed.data;
  const moment = at ? endMoment(at) : null;
  // A placeholder Zendesk left empty or changed: the receipt still counts (keyed as a legacy one).
  if (at !== undefined && moment === null) log('warn', 'zendesk webhook time not understood', { ticketId });
  return { ticketId, event, source: 'trigger', moment };
}

const refused = (reason: ZendeskSignatureFailure) => new AppError('unauthorized', `Webhook signature rejected: ${reason}`);

/** Verifies with a throwaway key when there is no real one, so every refusal costs about the same. */
let throwawayKey: CryptoKey | null = null;

export const zendeskWebhook = new OpenAPIHono<AppEnv>();

zendeskWebhook.post('/:installationId', async (c) => {
  const now = Date.now();
  const headers = checkZendeskSignatureHeaders(
    { signature: c.req.header('x-zendesk-webhook-signature'), timestamp: c.req.header('x-zendesk-webhook-signature-timestamp') },
    now,
  );
  if (!headers.ok) throw refused(headers.reason);

  const body = await readBodyCapped(c.req.raw, MAX_WEBHOOK_BYTES);
  if (!body.ok) throw new AppError('payload_too_large', `Body larger than ${MAX_WEBHOOK_BYTES} bytes`);

  const installationId = c.req.param('installationId');
  // Storage trouble (a D1 error) answers 503 with a short Retry-After, never 500: Zendesk does not
  // retry a 500, so the ending would be lost; it retries a 503 (INGEST_RETRY_AFTER_S).
  const unavailable = (what: string, err: unknown) => {
    log('warn', `${what} failed on ingest`, { installationId, error: String(err) });
    c.header('Retry-After', String(INGEST_RETRY_AFTER_S));
    return c.json({ error: { code: 'upstream_unavailable' as const, message: `The ${what} is unavailable; retry later` } }, 503);
  };
  let found: Awaited<ReturnType<typeof zendeskWebhookKeys>>;
  try {
    found = await zendeskWebhookKeys(c.env, installationId, c.req.header('x-zendesk-webhook-id') ?? null, now);
  } catch (err) {
    return unavailable('database', err);
  }
  const keys = found.known ? found.keys : [];
  throwawayKey ??= await importZendeskSigningKey(randomToken(32));
  const verifies = async (candidates: CryptoKey[]) => {
    for (const key of candidates.length ? candidates : [throwawayKey as CryptoKey]) {
      if ((await verifyZendeskSignature(key, body.text, headers)).ok && key !== throwawayKey) return true;
    }
    return false;
  };
  let verified = await verifies(keys);
  // A secret rotated by another isolate: reloaded at most every few seconds (zendesk-webhook-keys.ts).
  if (!verified && found.known) {
    let reloaded: Awaited<ReturnType<typeof reloadZendeskWebhookKeys>>;
    try {
      reloaded = await reloadZendeskWebhookKeys(c.env, installationId, c.req.header('x-zendesk-webhook-id') ?? null, now);
    } catch (err) {
      return unavailable('database', err);
    }
    if (reloaded) verified = await verifies(reloaded);
  }
  if (!verified) throw refused('bad_signature');

  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    throw new AppError('bad_request', 'Body is not JSON');
  }
  const end = parseEndOfInteraction(json);
  if ('ignored' in end) return c.json({ accepted: false as const, ignored: end.ignored }, 200);

  let recorded: Awaited<ReturnType<typeof recordReceipt>>;
  try {
    recorded = await recordReceipt(c.env.DB, {
      id: `ix_${randomToken(12)}`,
      installationId,
      ticketId: end.ticketId,
      event: end.event,
      source: end.source,
      moment: end.moment,
      nowMs: now,
    });
  } catch (err) {
    // Written or not, Zendesk's redelivery is safe: a stored receipt makes it a duplicate.
    return unavailable('database', err);
  }
  if (!recorded) {
    // Disconnected since its keys were cached: from now on it is an unknown installation.
    forgetZendeskWebhookKeys(installationId);
    throw refused('bad_signature');
  }
  const { interaction, outcome } = recorded;
  // A duplicate still re-enqueues while the interaction is unprocessed: if the first enqueue was
  // lost, Zendesk's redelivery heals it. The consumer is idempotent.
  if (outcome !== 'duplicate' || interaction.status === 'received') {
    try {
      await c.env.SEND_QUEUE.send({ kind: 'interaction', interactionId: interaction.id, installationId });
    } catch (err) {
      // The receipt is stored; without a job it would wait for the sweeper. A 503 with a short
      // Retry-After makes Zendesk deliver it again (its redelivery is a duplicate that enqueues).
      return unavailable('work queue', err);
    }
  }
  const answer = { accepted: true as const, interactionId: interaction.id, duplicate: outcome === 'duplicate', joined: outcome === 'joined' };
  return outcome === 'duplicate' ? c.json(answer, 200) : c.json(answer, 202);
});

const errorContent = (description: string) => ({ description, content: { 'application/json': { schema: ApiError } } });

zendeskWebhook.openAPIRegistry.registerPath({
  method: 'post',
  path: '/{installationId}',
  tags: ['Webhooks'],
  summary: 'Zendesk says a ticket was solved or a chat / messaging conversation ended (signed by Zendesk)',
  description:
    'Verified with the HMAC signing secret of the webhook named by X-Zendesk-Webhook-Id (or the legacy single secret) over the raw body, within a 5-minute replay window. Receipts are keyed on the ending (ticket, event, Zendesk time to the minute): redeliveries answer 200 with duplicate=true.',
  request: {
    params: z.object({ installationId: z.string().meta({ example: 'inst_0123456789ab' }) }),
    headers: z.object({
      'x-zendesk-webhook-signature': z.string(),
      'x-zendesk-webhook-signature-timestamp': z.string(),
      'x-zendesk-webhook-id': z.string().optional(),
    }),
    body: { required: true, content: { 'application/json': { schema: z.union([ZendeskTriggerBody, ZendeskStatusChangedEvent]) } } },
  },
  responses: {
    202: { description: 'A new end of an interaction was recorded and queued', content: { 'application/json': { schema: Accepted } } },
    200: {
      description: 'A duplicate receipt, or an event that ends nothing (ignored)',
      content: { 'application/json': { schema: z.union([Accepted, Ignored]) } },
    },
    400: errorContent('The body is not JSON'),
    401: errorContent('Missing, stale or wrong signature; also for an unknown installation'),
    413: errorContent('Body larger than 64 KiB'),
    422: errorContent('The body is neither the trigger body nor a status-changed event'),
    503: {
      ...errorContent('The database or the work queue was unavailable (the receipt may or may not be stored): Zendesk retries (Retry-After under 60 s)'),
      headers: z.object({ 'Retry-After': z.string().meta({ example: '10' }) }),
    },
  },
});
