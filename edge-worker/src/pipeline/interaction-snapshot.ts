// Pure. Turns the Zendesk ticket (with sideloaded users and groups) and the account's ticket
// field metadata into what the rule engine and the composer read: field values keyed like
// FieldRef, field titles for data lines, and the people who may be texted.
import type { FieldValue, Interaction } from '../../../shared/schemas/interaction.ts';
import type { EndEvent } from '../../../shared/schemas/rule.ts';
import type { ZendeskGroup, ZendeskTicket, ZendeskTicketField, ZendeskUser } from '../zendesk/client.ts';

export interface Snapshot {
  interaction: Interaction;
  /** Titles for data lines, keyed like FieldRef. */
  titles: Record<string, string>;
  /** Values as data lines show them: dropdowns by their option title rather than their tag. */
  display: Record<string, string | string[] | null>;
  assignee: ZendeskUser | null;
  requester: ZendeskUser | null;
  /** The value of the ticket field titled "phoneNumber" (PRODUCT.md), if the account has one. */
  customerPhoneField: string | null;
}

const SYSTEM_TITLES: Record<string, string> = {
  subject: 'Subject',
  status: 'Status',
  priority: 'Priority',
  type: 'Type',
  tags: 'Tags',
  via: 'Channel',
  brand_id: 'Brand',
  'requester.name': 'Customer',
  'requester.email': 'Email',
  'assignee.name': 'Agent',
  'group.name': 'Group',
  id: 'Ticket',
};

/** Ticket fields have no key (FACTS.md): the customer phone field is found by its title. */
export function isPhoneNumberTitle(title: string): boolean {
  return title.replace(/[\s_-]/g, '').toLowerCase() === 'phonenumber';
}

/** Raw value for conditions; display value for data lines. */
function toFieldValues(value: unknown, field: ZendeskTicketField | undefined): { match: FieldValue; display: string | string[] | null } {
  if (value === null || value === undefined || value === '') return { match: null, display: null };
  if (Array.isArray(value)) {
    const tags = value.map(String);
    const names = tags.map((t) => field?.custom_field_options?.find((o) => o.value === t)?.name ?? t);
    return { match: [...new Set([...tags, ...names])], display: names };
  }
  if (typeof value === 'boolean') return { match: value ? 'true' : 'false', display: value ? 'Yes' : 'No' };
  const s = String(value);
  // Dropdowns store the option's tag; a condition may name the tag or the title, so both match.
  const option = field?.custom_field_options?.find((o) => o.value === s);
  return option ? { match: [s, option.name], display: option.name } : { match: s, display: s };
}

/**
 * Field metadata by id, per field list. The list is the per-isolate cached one
 * (zendesk/ticket-fields-cache.ts): the same array for every interaction until it is refreshed, so
 * an account's hundreds of fields are indexed once per list, not once per interaction. Derived
 * data only, keyed weakly by the list itself: a refreshed list gets its own index.
 */
const fieldIndexes = new WeakMap<readonly ZendeskTicketField[], Map<ZendeskTicketField['id'], ZendeskTicketField>>();

function fieldIndex(fields: readonly ZendeskTicketField[]): Map<ZendeskTicketField['id'], ZendeskTicketField> {
  let index = fieldIndexes.get(fields);
  if (!index) {
    index = new Map(fields.map((f) => [f.id, f]));
    fieldIndexes.set(fields, index);
  }
  return index;
}

export function buildSnapshot(input: {
  event: EndEvent;
  ticket: ZendeskTicket;
  users: readonly ZendeskUser[];
  groups: readonly ZendeskGroup[];
  ticketFields: readonly ZendeskTicketField[];
}): Snapshot {
  const { ticket } = input;
  const userById = new Map(input.users.map((u) => [u.id, u]));
  const fieldById = fieldIndex(input.ticketFields);
  const assignee = ticket.assignee_id ? (userById.get(ticket.assignee_id) ?? null) : null;
  const requester = ticket.requester_id ? (userById.get(ticket.requester_id) ?? null) : null;
  const group = ticket.group_id ? input.groups.find((g) => g.id === ticket.group_id) : undefined;

  const fields: Record<string, FieldValue> = {
    id: String(ticket.id),
    subject: ticket.subject ?? null,
    status: ticket.status ?? null,
    priority: ticket.priority ?? null,
    type: ticket.type ?? null,
    tags: ticket.tags ?? [],
    via: ticket.via?.channel ?? null,
    brand_id: ticket.brand_id ? String(ticket.brand_id) : null,
    'requester.name': requester?.name ?? null,
    'requester.email': requester?.email ?? null,
    'assignee.name': assignee?.name ?? null,
    'group.name': group?.name ?? null,
  };
  const titles: Record<string, string> = { ...SYSTEM_TITLES };
  const display: Record<string, string | string[] | null> = { ...fields };
  let customerPhoneField: string | null = null;
  for (const cf of ticket.custom_fields ?? []) {
    const meta = fieldById.get(cf.id);
    const values = toFieldValues(cf.value, meta);
    fields[String(cf.id)] = values.match;
    display[String(cf.id)] = values.display;
    if (meta) {
      titles[String(cf.id)] = meta.title;
      if (isPhoneNumberTitle(meta.title) && typeof cf.value === 'string' && cf.value.trim()) customerPhoneField = cf.value.trim();
    }
  }
  return {
    interaction: { event: input.event, ticketId: String(ticket.id), groupId: ticket.group_id ? String(ticket.group_id) : null, fields },
    titles,
    display,
    assignee,
    requester,
    customerPhoneField,
  };
}
