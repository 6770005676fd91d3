// Which fields a rule names, and which of them the Zendesk account does not have. Pure. No I/O:
// the caller passes the account's ticket fields (GET /api/v2/ticket_fields, every page).
import { placeholderFieldIds } from '../compose/placeholders.ts';
import { isSystemFieldRef, type RuleDefinition } from '../schemas/rule.ts';

/** One field reference of a rule, with the path of the input that holds it (for 422s). */
export interface FieldRefUse {
  ref: string;
  path: string;
  /** Set when the field is named by a placeholder in the text, e.g. "{{ticket.ticket_field_123}}". */
  placeholder?: string;
}

/** The part of a Zendesk ticket field this check reads. */
export interface KnownTicketField {
  id: number;
  active?: boolean;
  /** false for Zendesk's system fields (subject, status, ...), which rules name by API name. */
  removable?: boolean;
}

export type FieldProblem = 'unknown_system_field' | 'deleted' | 'inactive' | 'system_field_id';

export const FIELD_PROBLEM_TEXT: Record<FieldProblem, string> = {
  unknown_system_field: 'Not a ticket field: use a custom field id or a system field (subject, status, priority, type, tags, via, ...)',
  deleted: 'This ticket field does not exist in Zendesk (deleted?)',
  inactive: 'This ticket field is inactive in Zendesk',
  system_field_id: 'A system field: name it by its API name (subject, status, priority, ...) instead of its id',
};

/**
 * Every field the rule names: data lines first, then conditions, then the custom fields its texts
 * name by placeholder ({{ticket.ticket_field_<id>}}), each with its input path.
 */
export function fieldRefsOf(rule: Pick<RuleDefinition, 'content' | 'conditions'>): FieldRefUse[] {
  const inText = (text: string, path: string): FieldRefUse[] =>
    placeholderFieldIds(text).map((id) => ({ ref: id, path, placeholder: `{{ticket.ticket_field_${id}}}` }));
  return [
    ...rule.content.dataFields.map((d, i) => ({ ref: d.field, path: `content.dataFields.${i}.field` })),
    ...rule.conditions.fieldConditions.map((c, i) => ({ ref: c.field, path: `conditions.fieldConditions.${i}.field` })),
    ...inText(rule.content.customText, 'content.customText'),
    ...(rule.content.translations ?? []).flatMap((v, i) => inText(v.customText, `content.translations.${i}.customText`)),
  ];
}

/** What is wrong with one reference, or null when the account has that field. */
export function checkFieldRef(ref: string, fields: ReadonlyMap<string, KnownTicketField>): FieldProblem | null {
  if (!/^\d+$/.test(ref)) return isSystemFieldRef(ref) ? null : 'unknown_system_field';
  const field = fields.get(ref);
  if (!field) return 'deleted';
  if (field.removable === false) return 'system_field_id';
  if (field.active === false) return 'inactive';
  return null;
}

/** Ticket fields by id as a string, the form FieldRefs use. */
export function ticketFieldsById(fields: readonly KnownTicketField[]): Map<string, KnownTicketField> {
  return new Map(fields.map((f) => [String(f.id), f]));
}

/** The distinct references of the rule that the account does not have, in rule order. */
export function brokenFieldRefs(
  rule: Pick<RuleDefinition, 'content' | 'conditions'>,
  fields: ReadonlyMap<string, KnownTicketField>,
): string[] {
  const broken = fieldRefsOf(rule)
    .map((use) => use.ref)
    .filter((ref) => checkFieldRef(ref, fields) !== null);
  return [...new Set(broken)];
}
