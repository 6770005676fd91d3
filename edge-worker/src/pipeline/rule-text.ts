// Pure. The custom text of a rule for one ticket: the language variant the requester's Zendesk
// locale picks (else the rule's default text), with its placeholders filled from the ticket
// (shared/compose/placeholders.ts). The composer then fits it into the message (compose.ts).
import { parseTemplate, pickLocale, renderTemplate, type PlaceholderValues } from '../../../shared/compose/placeholders.ts';
import type { Content } from '../../../shared/schemas/rule.ts';
import type { Snapshot } from './interaction-snapshot.ts';

/** "Ada Lovelace" -> "Ada". The Users API has one `name`; Zendesk's first_name is its first word. */
function firstName(name: string | null | undefined): string | null {
  const first = (name ?? '').trim().split(/\s+/)[0];
  return first ? first : null;
}

/** "solved" -> "Solved": statuses, priorities and types as agents read them in the English UI. */
function titleCase(value: string | string[] | null | undefined): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return value.charAt(0).toUpperCase() + value.slice(1).replace(/_/g, ' ');
}

/** Placeholder values from the ticket, its people and group, and its custom fields. */
export function placeholderValues(snapshot: Snapshot | null): PlaceholderValues {
  if (!snapshot) return {};
  const d = snapshot.display;
  const text = (v: string | string[] | null | undefined): string | null => (Array.isArray(v) ? v.join(', ') : (v ?? null));
  const values: Record<string, string | null> = {
    'ticket.id': text(d.id),
    'ticket.title': text(d.subject),
    'ticket.status': titleCase(d.status),
    'ticket.priority': titleCase(d.priority),
    'ticket.ticket_type': titleCase(d.type),
    'ticket.group.name': text(d['group.name']),
    'ticket.requester.name': snapshot.requester?.name ?? null,
    'ticket.requester.first_name': firstName(snapshot.requester?.name),
    'ticket.assignee.name': snapshot.assignee?.name ?? null,
    'ticket.assignee.first_name': firstName(snapshot.assignee?.name),
  };
  // Custom fields as data lines show them: a drop-down by its option's name, not its tag.
  for (const [ref, value] of Object.entries(d)) {
    if (!/^\d+$/.test(ref)) continue;
    values[`ticket.ticket_field_${ref}`] = text(value);
    values[`ticket.ticket_field_option_title_${ref}`] = text(value);
  }
  return values;
}

export interface RuleText {
  text: string;
  /** The variant used, or null for the rule's default text. */
  locale: string | null;
}

export function ruleTextFor(content: Pick<Content, 'customText' | 'translations'>, snapshot: Snapshot | null): RuleText {
  const variant = pickLocale(content.translations ?? [], snapshot?.requester?.locale);
  const source = variant ? variant.customText : content.customText;
  const parsed = parseTemplate(source);
  // Saved texts were checked (rules/check-placeholders.ts); one saved before placeholders existed
  // that does not parse is sent as written.
  const text = parsed.ok ? renderTemplate(parsed.parts, placeholderValues(snapshot)) : source;
  return { text, locale: variant?.locale ?? null };
}
