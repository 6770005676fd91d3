// Ticket field metadata changes rarely: cached per isolate for TTL_MS so an interaction costs
// one Zendesk call (the ticket) instead of two. A stale title only affects data line labels.
import type { ZendeskClient, ZendeskTicketField } from './client.ts';

const TTL_MS = 10 * 60_000;
const cache = new Map<string, { at: number; fields: Promise<ZendeskTicketField[]> }>();

export function readTicketFields(installationId: string, zendesk: ZendeskClient, nowMs: number): Promise<ZendeskTicketField[]> {
  const hit = cache.get(installationId);
  if (hit && nowMs - hit.at < TTL_MS) return hit.fields;
  const fields = zendesk.listTicketFields();
  cache.set(installationId, { at: nowMs, fields });
  // A failed fetch must not be cached.
  fields.catch(() => cache.delete(installationId));
  return fields;
}
