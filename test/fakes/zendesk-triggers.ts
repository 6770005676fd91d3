// Ticket trigger conditions of the Zendesk fake: the definitions it serves
// (GET /api/v2/triggers/definitions), validation of a trigger's conditions against them (create
// and update answer 422 for a field, operator or value the definitions do not offer), and
// evaluation of `all` / `any` on one ticket update. Pure data and functions, no I/O.
//
// What is Zendesk's and what is the fake's:
//  - Conditions are `{field, operator, value}` in an `all` (AND) and an `any` (OR) array
//    (https://developer.zendesk.com/documentation/ticketing/reference-guides/conditions-reference/).
//  - The definitions document has this shape: `{definitions: {conditions_all, conditions_any,
//    actions}}`, each condition `{group, nullable, repeatable, subject, title, type, operators:
//    [{title, value, terminal}], values: [{title, value, enabled}]}` (Zendesk's OpenAPI
//    document, "List Ticket Trigger Action and Condition Definitions").
//  - Operators: "Changed to" is `value`, "Changed from" `value_previous`, "Not changed to"
//    `not_value`, "Not changed from" `not_value_previous`; `changed` / `not_changed` take no value.
//  - Trigger conditions take the via (channel) as a number, not as the ticket's `via.channel`
//    string ("The Via Type value is a number instead of a text string", Show Ticket Trigger,
//    https://developer.zendesk.com/api-reference/ticketing/business-rules/triggers/). Chat is 29
//    (https://developer.zendesk.com/documentation/ticketing/reference-guides/via-types/; also
//    nukosuke/go-zendesk via_types.go). The native messaging id used here is the FAKE's choice
//    (*unconfirmed*): the worker must read it from the definitions, never hard-code it.
//  - Ticket triggers have a "Messaging session state" condition with the states Active, Inactive
//    and Ended, used as "Changed to" (https://support.zendesk.com/hc/en-us/articles/10856494085658).
//    Its API subject and value strings are not in the public reference we could read: the ones
//    below are the FAKE's (*unconfirmed*); the worker finds the condition by its title.
// Left out: every other condition (the definitions list only what the fake can evaluate),
// actions other than notification_webhook, triggers that change the ticket and re-run the cycle.

export type SessionState = 'active' | 'inactive' | 'ended';

export interface DefinitionOperator {
  title: string;
  value: string;
  terminal: boolean;
}
export interface DefinitionValue {
  title: string;
  value: string;
  enabled: boolean;
}
export interface ConditionDefinition {
  group: string;
  nullable: boolean;
  repeatable: boolean;
  subject: string;
  title: string;
  type: string;
  operators: DefinitionOperator[];
  values?: DefinitionValue[];
}
export interface TriggerDefinitions {
  conditions_all: ConditionDefinition[];
  conditions_any: ConditionDefinition[];
  actions: Array<{ group: string; subject: string; title: string; type: string; values?: DefinitionValue[] }>;
}

/** The fake's stand-in API subject of the "Messaging session state" condition (*unconfirmed*). */
export const SESSION_STATE_FIELD = 'messaging_session_state';
/** The fake's stand-in via id of native messaging (*unconfirmed*; read it from the definitions). */
export const FAKE_NATIVE_MESSAGING_VIA_ID = 74;

/** `via.channel` of a ticket -> the via id trigger conditions use. */
export const VIA_IDS: Readonly<Record<string, number>> = {
  web: 0,
  web_form: 0,
  email: 4,
  mail: 4,
  api: 5,
  web_service: 5,
  chat: 29,
  native_messaging: FAKE_NATIVE_MESSAGING_VIA_ID,
};

/** Channels whose tickets carry a live conversation (a chat or messaging session). */
export const CONVERSATION_CHANNELS: ReadonlySet<string> = new Set(['chat', 'native_messaging']);

const STATUS_ORDER = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];

const op = (title: string, value: string, terminal = false): DefinitionOperator => ({ title, value, terminal });
const CHANGE_OPERATORS = [
  op('Changed', 'changed', true),
  op('Changed to', 'value'),
  op('Changed from', 'value_previous'),
  op('Not changed', 'not_changed', true),
  op('Not changed to', 'not_value'),
  op('Not changed from', 'not_value_previous'),
];
const val = (title: string, value: string): DefinitionValue => ({ title, value, enabled: true });

/** The definitions the fake serves; without messaging, no session-state condition is offered. */
export function triggerDefinitions(options: { messaging: boolean }): TriggerDefinitions {
  const conditions: ConditionDefinition[] = [
    {
      group: 'ticket',
      nullable: false,
      repeatable: false,
      subject: 'status',
      title: 'Status',
      type: 'list',
      operators: [op('Is', 'is'), op('Is not', 'is_not'), op('Less than', 'less_than'), op('Greater than', 'greater_than'), ...CHANGE_OPERATORS],
      values: STATUS_ORDER.map((s) => val(s[0]!.toUpperCase() + s.slice(1), s)),
    },
    {
      group: 'ticket',
      nullable: false,
      repeatable: false,
      subject: 'via_id',
      title: 'Channel',
      type: 'list',
      operators: [op('Is', 'is'), op('Is not', 'is_not')],
      values: [
        val('Web form', String(VIA_IDS.web)),
        val('Email', String(VIA_IDS.email)),
        val('Web service (API)', String(VIA_IDS.api)),
        val('Chat', String(VIA_IDS.chat)),
        ...(options.messaging ? [val('Messaging', String(VIA_IDS.native_messaging))] : []),
      ],
    },
    {
      group: 'ticket',
      nullable: false,
      repeatable: false,
      subject: 'update_type',
      title: 'Ticket',
      type: 'list',
      operators: [op('Is', 'is')],
      values: [val('Created', 'Create'), val('Updated', 'Change')],
    },
  ];
  if (options.messaging) {
    conditions.push({
      group: 'ticket',
      nullable: false,
      repeatable: false,
      subject: SESSION_STATE_FIELD,
      title: 'Messaging session state',
      type: 'list',
      operators: [op('Is', 'is'), op('Is not', 'is_not'), ...CHANGE_OPERATORS],
      values: [val('Active', 'active'), val('Inactive', 'inactive'), val('Ended', 'ended')],
    });
  }
  return {
    conditions_all: conditions,
    conditions_any: conditions,
    actions: [{ group: 'notification', subject: 'notification_webhook', title: 'Notify active webhook', type: 'list' }],
  };
}

export interface Condition {
  field: string;
  operator: string;
  value?: unknown;
}

/** Why the conditions do not fit the definitions (null: they fit). */
export function conditionsProblem(conditions: { all?: unknown; any?: unknown }, definitions: TriggerDefinitions): string | null {
  for (const [key, list] of [
    ['all', conditions.all],
    ['any', conditions.any],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `conditions.${key} must be an array`;
    const offered = key === 'all' ? definitions.conditions_all : definitions.conditions_any;
    for (const raw of list as unknown[]) {
      const c = (raw ?? {}) as Partial<Condition>;
      const def = offered.find((d) => d.subject === c.field);
      if (!def) return `${String(c.field)} is not a valid condition field`;
      const operator = def.operators.find((o) => o.value === c.operator);
      if (!operator) return `${String(c.operator)} is not a valid operator for ${def.subject}`;
      if (operator.terminal || !def.values) continue;
      if (!def.values.some((v) => v.value === String(c.value))) return `${String(c.value)} is not a valid value for ${def.subject}`;
    }
  }
  return null;
}

/** One ticket update as trigger conditions see it: current values and what changed. */
export interface TicketUpdate {
  /** Current value per condition subject (strings, as condition values are). */
  values: Record<string, string | null>;
  /** Subjects this update changed, with the value before and after. */
  changes: Record<string, { previous: string | null; current: string | null }>;
}

function holds(c: Condition, update: TicketUpdate): boolean {
  const current = update.values[c.field] ?? null;
  const change = update.changes[c.field];
  const value = c.value === undefined || c.value === null ? null : String(c.value);
  switch (c.operator) {
    case 'is':
      return current === value;
    case 'is_not':
      return current !== value;
    case 'less_than':
    case 'greater_than': {
      const a = STATUS_ORDER.indexOf(current ?? '');
      const b = STATUS_ORDER.indexOf(value ?? '');
      if (a < 0 || b < 0) return false;
      return c.operator === 'less_than' ? a < b : a > b;
    }
    case 'changed':
      return change !== undefined;
    case 'not_changed':
      return change === undefined;
    case 'value':
      return change !== undefined && change.current === value;
    case 'value_previous':
      return change !== undefined && change.previous === value;
    case 'not_value':
      return !(change !== undefined && change.current === value);
    case 'not_value_previous':
      return !(change !== undefined && change.previous === value);
    default:
      return false;
  }
}

/** A trigger fires when every `all` condition holds and, if `any` has conditions, one of them does. */
export function triggerFires(conditions: { all?: Condition[]; any?: Condition[] }, update: TicketUpdate): boolean {
  const all = conditions.all ?? [];
  const any = conditions.any ?? [];
  return all.every((c) => holds(c, update)) && (any.length === 0 || any.some((c) => holds(c, update)));
}
