// The rule model: what is sent, to whom, from which number, and when.
// Pure zod schemas shared by the worker (HTTP validation, D1 JSON columns) and the app (forms,
// API responses). Metadata goes through zod's own `.meta()` so the OpenAPI generator reads it
// without this file depending on Hono.
import { z } from 'zod';

/** Max characters of a rule's custom text (PRODUCT.md "A rule"). */
export const CUSTOM_TEXT_MAX = 500;
/** Max fixed "other numbers" on one rule: a rule is a follow-up, not a broadcast list. */
export const OTHER_NUMBERS_MAX = 20;
/**
 * Max rules per installation. An interaction does not read them all: it loads the rules of its
 * end event only (an index, migration 0010), compiled once per rules version and isolate
 * (edge-worker/src/rules/rule-set-cache.ts); the rules list pages (GET /v1/rules?cursor=).
 */
export const RULES_PER_INSTALLATION_MAX = 10_000;
/**
 * Max recipients one interaction texts, summed over the rules that match it in position order
 * (each fixed number, plus one each for the assigned agent and the customer when chosen). Rules
 * matching past it are not run, and the interaction says so
 * (edge-worker/src/pipeline/recipient-limit.ts). Why 250: one interaction is one queue invocation,
 * which may run 1,000 D1 queries on Workers Paid (developers.cloudflare.com/d1/platform/limits/);
 * its sends are stored in one statement and each adds about one (its outcome) besides a few per
 * interaction, so 250 sends stay near 260 queries. 250 Telnyx calls fit the subrequest limit
 * (1,000 or more per invocation on Workers Paid, developers.cloudflare.com/workers/platform/limits/);
 * sends are paced to Telnyx's rates (edge-worker/src/send/sender-pacer.ts), and a 429 is retried by
 * the send queue. Per rule, OTHER_NUMBERS_MAX + 2 at most.
 */
export const RECIPIENTS_PER_INTERACTION_MAX = 250;
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

/**
 * An alphanumeric sender ID as Telnyx defines it (developers.telnyx.com/docs/messaging/messages/
 * alphanumeric-sender-id): 1-11 characters, Latin letters, digits and spaces, at least one letter.
 * One-way only (recipients cannot reply, so STOP cannot reach us through it) and not allowed to
 * the US, Canada or Puerto Rico. It must be configured on the messaging profile; the worker checks
 * that on save.
 */
export const ALPHANUMERIC_SENDER_MAX = 11;
export const AlphanumericSenderId = z
  .string()
  .regex(/^[A-Za-z0-9 ]{1,11}$/, `An alphanumeric sender ID has 1 to ${ALPHANUMERIC_SENDER_MAX} letters, digits or spaces`)
  .regex(/[A-Za-z]/, 'An alphanumeric sender ID needs at least one letter')
  .meta({ description: 'Telnyx alphanumeric sender ID (1-11 letters, digits, spaces; at least one letter)', example: 'Acme' });

/** Whether typed sender input means an alphanumeric sender ID (phone numbers never hold letters). */
export const isAlphanumericSenderInput = (input: string): boolean => /[A-Za-z]/.test(input);

/**
 * The sender of a rule as typed: a phone number of the messaging profile (any format the default
 * country reads) or one of its alphanumeric sender IDs. Text with a letter is read as a sender ID
 * and must have its format; anything else is read as a phone number by the worker.
 */
export const SenderInput = z
  .string()
  .trim()
  .min(1, 'Pick a sender')
  .max(32, 'Sender is too long')
  .superRefine((value, ctx) => {
    if (!isAlphanumericSenderInput(value)) return;
    const parsed = AlphanumericSenderId.safeParse(value);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  })
  .meta({ description: 'Sender: a phone number of the messaging profile, or its alphanumeric sender ID', example: '+14155550123' });

/** A stored sender: E.164, or an alphanumeric sender ID exactly as the messaging profile spells it. */
export const SenderId = z
  .union([E164, AlphanumericSenderId])
  .meta({ description: 'E.164 phone number or alphanumeric sender ID', example: '+14155550123' });

/** A non-blocking remark on a saved rule, e.g. a sender that cannot reach US recipients. */
export const RuleWarning = z
  .object({
    field: z.string(),
    code: z.enum(['sender_not_us_ready']),
    message: z.string(),
  })
  .meta({ id: 'RuleWarning' });
export type RuleWarning = z.infer<typeof RuleWarning>;

/** The events that end an interaction. */
export const EndEvent = z.enum(['ticket_solved', 'conversation_ended']).meta({
  description:
    'ticket_solved: the ticket status changed to solved. conversation_ended: a chat or messaging session ended.',
});
export type EndEvent = z.infer<typeof EndEvent>;

/**
 * The system fields a rule may name, as the engine reads them (edge-worker/src/pipeline/
 * interaction-snapshot.ts): the ticket's own properties by their Tickets API names (id, subject,
 * status, priority, type, tags, via, brand_id: developer.zendesk.com/api-reference/ticketing/
 * tickets/tickets/#json-format) and the people and group by the names of Zendesk's placeholders
 * ({{ticket.requester.name}}, {{ticket.requester.email}}, {{ticket.assignee.name}},
 * {{ticket.group.name}}: support.zendesk.com/hc/en-us/articles/4408886858138).
 */
export const SYSTEM_FIELD_REFS = [
  'id',
  'subject',
  'status',
  'priority',
  'type',
  'tags',
  'via',
  'brand_id',
  'requester.name',
  'requester.email',
  'assignee.name',
  'group.name',
] as const;
export type SystemFieldRef = (typeof SYSTEM_FIELD_REFS)[number];
export const isSystemFieldRef = (ref: string): ref is SystemFieldRef => (SYSTEM_FIELD_REFS as readonly string[]).includes(ref);

/**
 * A field of the interaction (ticket). Custom ticket fields are their numeric Zendesk id as a
 * string ("360001234567"); system fields use their API name (SYSTEM_FIELD_REFS). The schema
 * checks the form only: which names and ids exist is checked when a rule is saved (against
 * SYSTEM_FIELD_REFS and the account's ticket fields), so a rule stored before a field was deleted
 * in Zendesk still reads, and shows as broken.
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

/** Max locale variants of one rule's text. */
export const LOCALE_VARIANTS_MAX = 20;
/** Longest "send N minutes after the interaction ends": 7 days. */
export const SEND_DELAY_MAX_MINUTES = 7 * 24 * 60;

/**
 * A Zendesk locale as the Users API spells a user's `locale` (BCP-47 tags such as en-US, de, fr,
 * pt-BR: developer.zendesk.com/api-reference/ticketing/users/users/#json-format).
 */
export const LocaleTag = z
  .string()
  .trim()
  .max(20)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Use a Zendesk locale such as de, fr or en-US')
  .meta({ description: 'Zendesk locale (BCP-47), e.g. de, fr, en-US', example: 'de' });

/** The rule's text in one language. */
export const LocalizedText = z.object({
  locale: LocaleTag,
  customText: z.string().max(CUSTOM_TEXT_MAX, `Custom text is limited to ${CUSTOM_TEXT_MAX} characters`),
});
export type LocalizedText = z.infer<typeof LocalizedText>;

export const Content = z.object({
  customText: z
    .string()
    .max(CUSTOM_TEXT_MAX, `Custom text is limited to ${CUSTOM_TEXT_MAX} characters`)
    .default(''),
  includeSummary: z.boolean().default(false),
  /** When the summary cannot be made: false sends without it (and says so), true skips the send. */
  skipIfNoSummary: z.boolean().default(false),
  dataFields: z.array(DataField).max(DATA_FIELDS_MAX).default([]),
  // Placeholders and languages (issue 14): `customText` is the default text; a variant per
  // Zendesk locale is picked by the requester's locale (shared/compose/placeholders.ts pickLocale).
  translations: z.array(LocalizedText).max(LOCALE_VARIANTS_MAX, `At most ${LOCALE_VARIANTS_MAX} languages`).default([]),
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
    senderNumber: SenderInput,
    recipients: Recipients,
    content: Content,
    conditions: Conditions.default({ groupIds: [], fieldConditions: [], events: ['ticket_solved'] }),
    /** When this rule matches, later rules (by position) are not evaluated. */
    stopProcessing: z.boolean().default(false),
    // Send timing (issue 14): minutes after the interaction ends, 0 = at once.
    sendDelayMinutes: z.number().int().min(0).max(SEND_DELAY_MAX_MINUTES, 'At most 7 days (10080 minutes)').default(0),
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
    const seen = new Set<string>();
    c.translations.forEach((v, i) => {
      const key = v.locale.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['content', 'translations', i, 'locale'], message: 'This language is listed twice' });
      seen.add(key);
    });
  });
export type RuleInput = z.input<typeof RuleInput>;
export type RuleDefinition = z.output<typeof RuleInput>;

/** A stored rule as the API returns it. Phone numbers are E.164 by then. */
export const Rule = z.object({
  id: z.string(),
  position: z.number().int().nonnegative(),
  label: z.string(),
  enabled: z.boolean(),
  senderNumber: SenderId,
  recipients: Recipients.extend({ otherNumbers: z.array(E164) }),
  content: Content,
  conditions: Conditions,
  stopProcessing: z.boolean(),
  sendDelayMinutes: z.number().int().nonnegative(),
  /** Increments on every change; send with If-Match-like `version` to avoid lost updates. */
  version: z.number().int().positive(),
  /**
   * Custom field ids the rule names that the Zendesk account no longer has (deleted) or has
   * made inactive: the rule still saves and runs, but those data lines and conditions see an
   * empty field. Present on reads (GET /v1/rules, GET /v1/rules/{id}); absent when Zendesk could
   * not be asked.
   */
  brokenFields: z.array(z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Rule' });
export type Rule = z.infer<typeof Rule>;

/** A rule as create / replace / patch answer it: the rule and what to know about it (never blocking). */
export const SavedRule = Rule.extend({ warnings: z.array(RuleWarning) }).meta({ id: 'SavedRule' });
export type SavedRule = z.infer<typeof SavedRule>;

/** PATCH body: any subset of the input (enabled toggle, rename, ...). */
export const RulePatch = z
  .object({
    label: z.string().trim().min(1, 'Label is required').max(LABEL_MAX),
    enabled: z.boolean(),
    senderNumber: SenderInput,
    recipients: Recipients,
    content: Content,
    conditions: Conditions,
    stopProcessing: z.boolean(),
    sendDelayMinutes: z.number().int().min(0).max(SEND_DELAY_MAX_MINUTES, 'At most 7 days (10080 minutes)'),
  })
  .partial();
export type RulePatch = z.infer<typeof RulePatch>;

export const RuleOrder = z.object({
  /** Every rule id of the installation, in the new order. */
  ruleIds: z.array(z.string()).min(1).max(10_000),
});
export type RuleOrder = z.infer<typeof RuleOrder>;
