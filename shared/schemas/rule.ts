// The rule model: what is sent, to whom, from which number, and when.
// Pure zod schemas shared by the worker (HTTP validation, D1 JSON columns) and the app (forms,
// API responses). Metadata goes through zod's own `.meta()` so the OpenAPI generator reads it
// without this file depending on Hono.
import { z } from 'zod';

/** Max characters of a rule's custom text (PRODUCT.md "A rule"). */
export const CUSTOM_TEXT_MAX = 500;
/** Max fixed "other numbers" on one rule: a rule is a follow-up, not a broadcast list. */
export const OTHER_NUMBERS_MAX = 20;
export const DATA_FIELDS_MAX = 20;
export const FIELD_CONDITIONS_MAX = 20;
export const LABEL_MAX = 100;

/**
 * A phone number as typed by a supervisor. The worker normalises it to E.164 with the
 * installation's default country before storing (see shared/phone); the schema only bounds it.
 */
export const PhoneInput = z
  .string()
  .trim()
  .min(3, 'Phone number is too short')
  .max(32, 'Phone number is too long')
  .meta({ description: 'Phone number, E.164 or local format in the default country', example: '+14155550123' });

/** A phone number already normalised to E.164 (stored and returned form). */
export const E164 = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'Must be an E.164 number such as +14155550123')
  .meta({ description: 'E.164 phone number', example: '+14155550123' });

/** The events that end an interaction. */
export const EndEvent = z.enum(['ticket_solved', 'conversation_ended']).meta({
  description:
    'ticket_solved: the ticket status changed to solved. conversation_ended: a chat or messaging session ended.',
});
export type EndEvent = z.infer<typeof EndEvent>;

/**
 * A field of the interaction (ticket). Custom ticket fields are their numeric Zendesk id as a
 * string ("360001234567"); system fields use their API name: subject, status, priority, type,
 * tags, via, brand_id, requester.name, requester.email, assignee.name, group.name.
 */
export const FieldRef = z
  .string()
  .trim()
  .min(1, 'Field is required')
  .max(64)
  .regex(/^(\d+|[a-z_]+(\.[a-z_]+)?)$/, 'Must be a ticket field id or a system field name such as priority')
  .meta({ description: 'Custom ticket field id, or a system field name (priority, type, tags, ...)', example: 'priority' });

export const FieldOperator = z.enum(['equals', 'not_equals', 'contains', 'is_set', 'is_empty', 'one_of']);
export type FieldOperator = z.infer<typeof FieldOperator>;

const conditionValue = z.string().max(500);

/**
 * One condition on interaction data. Comparisons are case-insensitive and trim whitespace, as
 * Zendesk's own trigger conditions are. Multi-value fields (tags, multiselect) match when any of
 * their values matches.
 */
export const FieldCondition = z.discriminatedUnion('operator', [
  z.object({ field: FieldRef, operator: z.literal('equals'), value: conditionValue }),
  z.object({ field: FieldRef, operator: z.literal('not_equals'), value: conditionValue }),
  z.object({ field: FieldRef, operator: z.literal('contains'), value: conditionValue.min(1, 'Enter the text to look for') }),
  z.object({ field: FieldRef, operator: z.literal('is_set') }),
  z.object({ field: FieldRef, operator: z.literal('is_empty') }),
  z.object({
    field: FieldRef,
    operator: z.literal('one_of'),
    values: z.array(conditionValue).min(1, 'Pick at least one value').max(50),
  }),
]);
export type FieldCondition = z.infer<typeof FieldCondition>;

export const Recipients = z.object({
  /** The ticket's assignee, at the phone on their Zendesk user. */
  assignedAgent: z.boolean().default(false),
  /** The customer: the `phoneNumber` ticket field, else the requester's phone when the installation allows. */
  customer: z.boolean().default(false),
  otherNumbers: z.array(PhoneInput).max(OTHER_NUMBERS_MAX, `At most ${OTHER_NUMBERS_MAX} numbers`).default([]),
});
export type Recipients = z.infer<typeof Recipients>;

export const DataField = z.object({
  field: FieldRef,
  /** Label shown before the value; defaults to the field's Zendesk title when omitted. */
  label: z.string().trim().max(60).optional(),
});
export type DataField = z.infer<typeof DataField>;

export const Content = z.object({
  customText: z
    .string()
    .max(CUSTOM_TEXT_MAX, `Custom text is limited to ${CUSTOM_TEXT_MAX} characters`)
    .default(''),
  includeSummary: z.boolean().default(false),
  /** When the summary cannot be made: false sends without it (and says so), true skips the send. */
  skipIfNoSummary: z.boolean().default(false),
  dataFields: z.array(DataField).max(DATA_FIELDS_MAX).default([]),
});
export type Content = z.infer<typeof Content>;

export const Conditions = z.object({
  /** Zendesk group ids (queues). Empty: every group, and tickets with no group. */
  groupIds: z.array(z.string().regex(/^\d+$/, 'Must be a Zendesk group id')).max(200).default([]),
  fieldConditions: z.array(FieldCondition).max(FIELD_CONDITIONS_MAX).default([]),
  events: z.array(EndEvent).min(1, 'Pick at least one end event').default(['ticket_solved']),
});
export type Conditions = z.infer<typeof Conditions>;

/** What a supervisor submits to create or replace a rule. */
export const RuleInput = z
  .object({
    label: z.string().trim().min(1, 'Label is required').max(LABEL_MAX),
    enabled: z.boolean().default(true),
    senderNumber: PhoneInput,
    recipients: Recipients,
    content: Content,
    conditions: Conditions.default({ groupIds: [], fieldConditions: [], events: ['ticket_solved'] }),
    /** When this rule matches, later rules (by position) are not evaluated. */
    stopProcessing: z.boolean().default(false),
  })
  .superRefine((rule, ctx) => {
    const r = rule.recipients;
    if (!r.assignedAgent && !r.customer && r.otherNumbers.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['recipients'], message: 'Pick at least one recipient' });
    }
    const c = rule.content;
    if (c.customText.trim() === '' && !c.includeSummary && c.dataFields.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'Add custom text, the summary or data fields' });
    }
  });
export type RuleInput = z.input<typeof RuleInput>;
export type RuleDefinition = z.output<typeof RuleInput>;

/** A stored rule as the API returns it. Phone numbers are E.164 by then. */
export const Rule = z.object({
  id: z.string(),
  position: z.number().int().nonnegative(),
  label: z.string(),
  enabled: z.boolean(),
  senderNumber: E164,
  recipients: Recipients.extend({ otherNumbers: z.array(E164) }),
  content: Content,
  conditions: Conditions,
  stopProcessing: z.boolean(),
  /** Increments on every change; send with If-Match-like `version` to avoid lost updates. */
  version: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Rule' });
export type Rule = z.infer<typeof Rule>;

/** PATCH body: any subset of the input (enabled toggle, rename, ...). */
export const RulePatch = z
  .object({
    label: z.string().trim().min(1, 'Label is required').max(LABEL_MAX),
    enabled: z.boolean(),
    senderNumber: PhoneInput,
    recipients: Recipients,
    content: Content,
    conditions: Conditions,
    stopProcessing: z.boolean(),
  })
  .partial();
export type RulePatch = z.infer<typeof RulePatch>;

export const RuleOrder = z.object({
  /** Every rule id of the installation, in the new order. */
  ruleIds: z.array(z.string()).min(1).max(10_000),
});
export type RuleOrder = z.infer<typeof RuleOrder>;
