// Zendesk data the admin screen needs (groups, ticket fields), read through the ZAF client, which
// authenticates same-account API calls with the agent's session. Parsed with local zod schemas.
// Both lists are cursor-paged, 100 per page at most, and every page is read
// (https://developer.zendesk.com/api-reference/introduction/pagination/; groups: cursor or offset,
// .../groups/groups/#list-groups; ticket fields: cursor or none, .../tickets/ticket_fields/#list-ticket-fields).
import { z } from 'zod';
import type { SystemFieldRef } from '../../../shared/schemas/rule.ts';
import type { ZafClient } from '../zaf/types.ts';
import { WorkerApiError, toWorkerApiError } from './errors.ts';

/** Stops following `links.next` after this many pages (2,000 groups or fields), as the worker does. */
const MAX_PAGES = 20;

const Group = z.object({ id: z.union([z.number(), z.string()]).transform(String), name: z.string() });
export type ZendeskGroup = z.output<typeof Group>;

const FieldOption = z.object({ name: z.string(), value: z.union([z.string(), z.null()]) });

const TicketField = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  title: z.string(),
  type: z.string(),
  active: z.boolean().optional(),
  removable: z.boolean().optional(),
  custom_field_options: z.array(FieldOption).nullish(),
});

export interface FieldChoice {
  /** A FieldRef: custom field id, or a system field name. */
  ref: string;
  title: string;
  /** Known values (drop-down fields, priority, status, ...), for condition pickers. */
  options: Array<{ value: string; label: string }>;
  isCustom: boolean;
}

/** System fields the worker understands (shared/schemas/rule.ts SYSTEM_FIELD_REFS). */
export const SYSTEM_FIELDS: Array<FieldChoice & { ref: SystemFieldRef }> = [
  { ref: 'subject', title: 'Subject', options: [], isCustom: false },
  {
    ref: 'status',
    title: 'Status',
    options: ['new', 'open', 'pending', 'hold', 'solved', 'closed'].map((v) => ({ value: v, label: v })),
    isCustom: false,
  },
  {
    ref: 'priority',
    title: 'Priority',
    options: ['low', 'normal', 'high', 'urgent'].map((v) => ({ value: v, label: v })),
    isCustom: false,
  },
  {
    ref: 'type',
    title: 'Type',
    options: ['question', 'incident', 'problem', 'task'].map((v) => ({ value: v, label: v })),
    isCustom: false,
  },
  { ref: 'tags', title: 'Tags', options: [], isCustom: false },
  { ref: 'via', title: 'Channel', options: [], isCustom: false },
  { ref: 'brand_id', title: 'Brand', options: [], isCustom: false },
  { ref: 'requester.name', title: 'Requester name', options: [], isCustom: false },
  { ref: 'requester.email', title: 'Requester email', options: [], isCustom: false },
  { ref: 'assignee.name', title: 'Assignee name', options: [], isCustom: false },
  { ref: 'group.name', title: 'Group name', options: [], isCustom: false },
];

async function getJson(client: ZafClient, url: string): Promise<unknown> {
  try {
    return await client.request({ url, type: 'GET', dataType: 'json' });
  } catch (reason) {
    throw toWorkerApiError(reason);
  }
}

/** `links.next` is absolute (https://acme.zendesk.com/api/v2/...); the ZAF client wants the path. */
function toAccountRelative(next: string): string {
  const url = new URL(next, 'https://account.invalid');
  return `${url.pathname}${url.search}`;
}

const CursorMeta = z.object({
  meta: z.object({ has_more: z.boolean().optional() }).nullish(),
  links: z.object({ next: z.string().nullish() }).nullish(),
});

/** Every page of a cursor-paginated list: `page[size]=100`, then `links.next` while `meta.has_more`. */
async function listPaged<T extends z.ZodType>(client: ZafClient, path: string, key: string, item: T) {
  const page = CursorMeta.extend({ items: z.array(item) });
  const out: Array<z.output<T>> = [];
  let url: string | null = `${path}?page[size]=100`;
  for (let i = 0; url && i < MAX_PAGES; i++) {
    const raw = await getJson(client, url);
    const body = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const parsed = page.safeParse({ items: body[key], meta: body.meta, links: body.links });
    if (!parsed.success) {
      throw new WorkerApiError(200, { code: 'invalid_response', message: `Unexpected answer from Zendesk for ${url}` });
    }
    out.push(...parsed.data.items);
    const next = parsed.data.meta?.has_more ? parsed.data.links?.next : null;
    url = next ? toAccountRelative(next) : null;
  }
  return out;
}

export function createZendeskApi(client: ZafClient) {
  return {
    async listGroups(): Promise<ZendeskGroup[]> {
      const groups = await listPaged(client, '/api/v2/groups.json', 'groups', Group);
      return groups.sort((a, b) => a.name.localeCompare(b.name));
    },
    /** Active custom ticket fields as FieldChoices (system fields are SYSTEM_FIELDS). */
    async listCustomFields(): Promise<FieldChoice[]> {
      const fields = await listPaged(client, '/api/v2/ticket_fields.json', 'ticket_fields', TicketField);
      return fields
        .filter((f) => f.active !== false && f.removable !== false)
        .map((f) => ({
          ref: f.id,
          title: f.title,
          isCustom: true,
          options: (f.custom_field_options ?? [])
            .filter((o): o is { name: string; value: string } => typeof o.value === 'string')
            .map((o) => ({ value: o.value, label: o.name })),
        }))
        .sort((a, b) => a.title.localeCompare(b.title));
    },
  };
}
export type ZendeskApi = ReturnType<typeof createZendeskApi>;
