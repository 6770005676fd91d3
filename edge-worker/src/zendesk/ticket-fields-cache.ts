// Ticket field metadata changes rarely: cached per isolate for TTL_MS so an interaction costs
// one Zendesk call (the ticket) instead of two or more (the field list is cursor-paged, 100 per
// page: zendesk/client.ts listTicketFields). A stale title only affects data line labels.
// Callers that must see Zendesk's current fields (a rule saved with a field created a minute ago,
// the rules list showing fields deleted since) ask for `fresh`, which also refreshes the cache.
// The cache holds resolved values, never promises: a promise from another request's I/O can
// never settle in this one on Workers (the I/O belongs to the request that started it).
import type { ZendeskClient, ZendeskTicketField } from './client.ts';

const TTL_MS = 10 * 60_000;
const cache = new Map<string, { at: number; fields: ZendeskTicketField[] }>();

export async function readTicketFields(
  installationId: string,
  zendesk: ZendeskClient,
  nowMs: number,
  opts: { fresh?: boolean } = {},
): Promise<ZendeskTicketField[]> {
  const hit = cache.get(installationId);
  if (!opts.fresh && hit && nowMs - hit.at < TTL_MS) return hit.fields;
  const fields = await zendesk.listTicketFields();
  cache.set(installationId, { at: nowMs, fields });
  return fields;
}
