// Ticket field metadata changes rarely: cached per isolate for TTL_MS so an interaction costs
// one Zendesk call (the ticket) instead of two. A stale title only affects data line labels.
// The cache holds resolved values, never promises: a promise from another request's I/O can
// never settle in this one on Workers (the I/O belongs to the request that started it).
import type { ZendeskClient, ZendeskTicketField } from './client.ts';

const TTL_MS = 10 * 60_000;
const cache = new Map<string, { at: number; fields: ZendeskTicketField[] }>();

export async function readTicketFields(installationId: string, zendesk: ZendeskClient, nowMs: number): Promise<ZendeskTicketField[]> {
  const hit = cache.get(installationId);
  if (hit && nowMs - hit.at < TTL_MS) return hit.fields;
  const fields = await zendesk.listTicketFields();
  cache.set(installationId, { at: nowMs, fields });
  return fields;
}
