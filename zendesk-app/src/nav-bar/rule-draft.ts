// The rule editor's form state and its conversions. Pure: RuleDraft <-> Rule / RuleInput, the
// placement of field errors (client-side zod issues or a worker 422) onto the form's slots, and
// the schema of a draft kept across a reload (StoredRuleDraft).
import { z } from 'zod';
import { EndEvent, FieldOperator, type Rule, type RuleInput, type FieldCondition } from '../../../shared/schemas/rule.ts';
import type { FieldErrors } from '../lib/field-errors.ts';

export interface ListItem {
  /** Stable React key; never sent. */
  key: number;
}
export interface OtherNumberDraft extends ListItem {
  value: string;
}
export interface DataFieldDraft extends ListItem {
  field: string;
  label: string;
}
export interface ConditionDraft extends ListItem {
  field: string;
  operator: FieldOperator;
  value: string;
  /** `one_of` values, comma-separated as typed (or as picked from the field's options). */
  valuesText: string;
}

/** The rule's text in one more language (Zendesk locale), shown beside the default text. */
export interface TranslationDraft extends ListItem {
  locale: string;
  customText: string;
}

export interface RuleDraft {
  label: string;
  enabled: boolean;
  senderNumber: string;
  stopProcessing: boolean;
  assignedAgent: boolean;
  customer: boolean;
  otherNumbers: OtherNumberDraft[];
  customText: string;
  includeSummary: boolean;
  skipIfNoSummary: boolean;
  dataFields: DataFieldDraft[];
  groupIds: string[];
  fieldConditions: ConditionDraft[];
  events: EndEvent[];
  translations: TranslationDraft[];
  /** "Send N minutes after the interaction ends", as typed. */
  sendDelayMinutes: string;
}

let nextKey = 1;
export function newKey(): number {
  return nextKey++;
}

export function emptyDraft(): RuleDraft {
  return {
    label: '',
    enabled: true,
    senderNumber: '',
    stopProcessing: false,
    assignedAgent: false,
    customer: true,
    otherNumbers: [],
    customText: '',
    includeSummary: false,
    skipIfNoSummary: false,
    dataFields: [],
    groupIds: [],
    fieldConditions: [],
    events: ['ticket_solved'],
    translations: [],
    sendDelayMinutes: '0',
  };
}

export function splitValues(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function conditionToDraft(c: FieldCondition): ConditionDraft {
  return {
    key: newKey(),
    field: c.field,
    operator: c.operator,
    value: 'value' in c ? c.value : '',
    valuesText: 'values' in c ? c.values.join(', ') : '',
  };
}

export function draftFromRule(rule: Rule): RuleDraft {
  return {
    label: rule.label,
    enabled: rule.enabled,
    senderNumber: rule.senderNumber,
    stopProcessing: rule.stopProcessing,
    assignedAgent: rule.recipients.assignedAgent,
    customer: rule.recipients.customer,
    otherNumbers: rule.recipients.otherNumbers.map((value) => ({ key: newKey(), value })),
    customText: rule.content.customText,
    includeSummary: rule.content.includeSummary,
    skipIfNoSummary: rule.content.skipIfNoSummary,
    dataFields: rule.content.dataFields.map((f) => ({ key: newKey(), field: f.field, label: f.label ?? '' })),
    groupIds: [...rule.conditions.groupIds],
    fieldConditions: rule.conditions.fieldConditions.map(conditionToDraft),
    events: [...rule.conditions.events],
    translations: rule.content.translations.map((v) => ({ key: newKey(), locale: v.locale, customText: v.customText })),
    sendDelayMinutes: String(rule.sendDelayMinutes),
  };
}

function conditionToInput(c: ConditionDraft): FieldCondition {
  switch (c.operator) {
    case 'equals':
    case 'not_equals':
    case 'contains':
      return { field: c.field, operator: c.operator, value: c.value };
    case 'is_set':
    case 'is_empty':
      return { field: c.field, operator: c.operator };
    case 'one_of':
      return { field: c.field, operator: c.operator, values: splitValues(c.valuesText) };
  }
}

/** The request body. List items keep their positions, so error paths index the draft's lists. */
export function draftToInput(d: RuleDraft): RuleInput {
  return {
    label: d.label,
    enabled: d.enabled,
    senderNumber: d.senderNumber,
    recipients: {
      assignedAgent: d.assignedAgent,
      customer: d.customer,
      otherNumbers: d.otherNumbers.map((n) => n.value),
    },
    content: {
      customText: d.customText,
      includeSummary: d.includeSummary,
      skipIfNoSummary: d.skipIfNoSummary,
      dataFields: d.dataFields.map((f) => (f.label.trim() === '' ? { field: f.field } : { field: f.field, label: f.label })),
      translations: d.translations.map((v) => ({ locale: v.locale, customText: v.customText })),
    },
    conditions: {
      groupIds: d.groupIds,
      fieldConditions: d.fieldConditions.map(conditionToInput),
      events: d.events,
    },
    stopProcessing: d.stopProcessing,
    // Not a whole number: sent as typed-but-invalid (NaN fails the schema, which names the field).
    sendDelayMinutes: d.sendDelayMinutes.trim() === '' ? 0 : /^\d+$/.test(d.sendDelayMinutes.trim()) ? Number(d.sendDelayMinutes) : Number.NaN,
  };
}

/**
 * Where an error is shown. Slots are the keys the editor renders messages for; nested paths
 * collapse onto their slot (e.g. `conditions.groupIds.3` onto the groups picker).
 */
const SLOT_PATTERNS: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^label$/, () => 'label'],
  [/^senderNumber$/, () => 'senderNumber'],
  [/^enabled$/, () => 'enabled'],
  [/^stopProcessing$/, () => 'stopProcessing'],
  [/^recipients(\.assignedAgent|\.customer)?$/, () => 'recipients'],
  [/^recipients\.otherNumbers$/, () => 'recipients.otherNumbers'],
  [/^recipients\.otherNumbers\.(\d+)$/, (m) => `recipients.otherNumbers.${m[1]}`],
  [/^content$/, () => 'content'],
  [/^content\.customText$/, () => 'content.customText'],
  [/^content\.includeSummary$/, () => 'content.includeSummary'],
  [/^content\.dataFields$/, () => 'content.dataFields'],
  [/^content\.dataFields\.(\d+)(\.field|\.label)?$/, (m) => `content.dataFields.${m[1]}`],
  [/^conditions\.groupIds(\.\d+)?$/, () => 'conditions.groupIds'],
  [/^conditions\.fieldConditions$/, () => 'conditions.fieldConditions'],
  [/^conditions\.fieldConditions\.(\d+)\.field$/, (m) => `conditions.fieldConditions.${m[1]}.field`],
  [/^conditions\.fieldConditions\.(\d+)\.operator$/, (m) => `conditions.fieldConditions.${m[1]}.operator`],
  [/^conditions\.fieldConditions\.(\d+)(\.value|\.values(\.\d+)?)?$/, (m) => `conditions.fieldConditions.${m[1]}.value`],
  [/^conditions(\.events(\.\d+)?)?$/, () => 'conditions.events'],
  [/^content\.translations$/, () => 'content.translations'],
  [/^content\.translations\.(\d+)(\.customText|\.locale)?$/, (m) => `content.translations.${m[1]}${m[2] ?? '.customText'}`],
  [/^sendDelayMinutes$/, () => 'sendDelayMinutes'],
];

function listLength(d: RuleDraft, slot: string): number | null {
  if (slot.startsWith('recipients.otherNumbers.')) return d.otherNumbers.length;
  if (slot.startsWith('content.dataFields.')) return d.dataFields.length;
  if (slot.startsWith('conditions.fieldConditions.')) return d.fieldConditions.length;
  if (slot.startsWith('content.translations.')) return d.translations.length;
  return null;
}

export function placeRuleErrors(errors: FieldErrors, draft: RuleDraft) {
  const slots: FieldErrors = {};
  const unplaced: Array<[string, string]> = [];
  for (const [key, message] of Object.entries(errors)) {
    let slot: string | null = null;
    for (const [pattern, toSlot] of SLOT_PATTERNS) {
      const m = key.match(pattern);
      if (m) {
        slot = toSlot(m);
        break;
      }
    }
    const index = slot?.match(/\.(\d+)(\.|$)/)?.[1];
    const length = slot ? listLength(draft, slot) : null;
    if (slot && index !== undefined && length !== null && Number(index) >= length) slot = null;
    if (!slot) unplaced.push([key, message]);
    else {
      const existing = slots[slot];
      slots[slot] = existing === undefined || existing === message ? message : `${existing} ${message}`;
    }
  }
  return { slots, unplaced };
}

/**
 * A rule draft as kept in sessionStorage when the session ended: which rule was being edited
 * (null: a new rule) and the form. List items get fresh keys when read back.
 */
const RuleDraftSchema = z
  .object({
    label: z.string(),
    enabled: z.boolean(),
    senderNumber: z.string(),
    stopProcessing: z.boolean(),
    assignedAgent: z.boolean(),
    customer: z.boolean(),
    otherNumbers: z.array(z.object({ key: z.number(), value: z.string() })),
    customText: z.string(),
    includeSummary: z.boolean(),
    skipIfNoSummary: z.boolean(),
    dataFields: z.array(z.object({ key: z.number(), field: z.string(), label: z.string() })),
    groupIds: z.array(z.string()),
    fieldConditions: z.array(
      z.object({ key: z.number(), field: z.string(), operator: FieldOperator, value: z.string(), valuesText: z.string() }),
    ),
    events: z.array(EndEvent),
    // Added with languages and send timing: drafts kept before then have neither.
    translations: z.array(z.object({ key: z.number(), locale: z.string(), customText: z.string() })).default([]),
    sendDelayMinutes: z.string().default('0'),
  })
  .transform(
    (d): RuleDraft => ({
      ...d,
      otherNumbers: d.otherNumbers.map((n) => ({ ...n, key: newKey() })),
      dataFields: d.dataFields.map((f) => ({ ...f, key: newKey() })),
      fieldConditions: d.fieldConditions.map((c) => ({ ...c, key: newKey() })),
      translations: d.translations.map((v) => ({ ...v, key: newKey() })),
    }),
  );

export const StoredRuleDraft = z.object({ ruleId: z.string().nullable(), draft: RuleDraftSchema });
export type StoredRuleDraft = z.output<typeof StoredRuleDraft>;

/** True when the draft would save something different from `rule` (or from an empty rule). */
export function isRuleDraftChanged(draft: RuleDraft, rule: Rule | null): boolean {
  const base = rule ? draftFromRule(rule) : emptyDraft();
  return JSON.stringify(draftToInput(draft)) !== JSON.stringify(draftToInput(base));
}
