// Rule engine: which rules fire for an ended interaction, and why the others do not. Pure. No I/O.
//
// A rule fires when it is enabled, the interaction's end event is one of its events, the ticket's
// group is one of its groups (no groups: every group, and tickets with no group), and ALL of its
// field conditions hold (no conditions: always). Rules are taken in `position` order (ties keep the
// input order); after a firing rule with `stopProcessing`, later rules are not considered.
//
// Field condition semantics (as Zendesk trigger conditions compare values):
// - Values are compared trimmed and case-insensitively, on both sides.
// - A field is "empty" when its key is missing, or its value is null, blank, or a list with no
//   non-blank element. Blank elements of a list are ignored.
// - Lists (tags, multiselect) match equals / contains / one_of when ANY element matches.
// - equals:     some element equals the value. `equals ""` holds exactly when the field is empty.
// - not_equals: the exact negation of equals: NO element equals the value, so it holds on an empty
//               field (and `not_equals ""` holds exactly when the field is set).
// - contains:   some element contains the value as a substring (a blank value: the field is set).
// - one_of:     some element equals one of the values (a blank value among them also accepts empty).
// - is_set:     the field is not empty.  is_empty: the field is empty.
// Only own keys of `interaction.fields` are read, so a field named e.g. "constructor" is just empty.
import type { FieldValue, Interaction } from '../schemas/interaction.ts';
import type { FieldCondition, Rule } from '../schemas/rule.ts';

/** The part of a rule the engine reads. Functions are generic so callers get their full rule back. */
export type EngineRule = Pick<Rule, 'id' | 'position' | 'enabled' | 'conditions' | 'stopProcessing'>;

export type ExplainReason = 'disabled' | 'event_not_selected' | 'group_not_selected' | 'field_condition_failed' | 'stopped_by_earlier_rule';

export interface RuleExplanation<R extends EngineRule> {
  rule: R;
  matched: boolean;
  /** null when matched. Checked in this order: disabled, stopped, event, group, field conditions. */
  reason: ExplainReason | null;
  /** Index in `rule.conditions.fieldConditions` of the first condition that failed. */
  failedCondition?: number;
  /** With 'stopped_by_earlier_rule': the id of the rule that stopped processing. */
  stoppedBy?: string;
}

/** Normalised values of one field: trimmed, lower-cased, blanks removed. Empty array = empty field. */
type Values = readonly string[];

/**
 * A field condition with its value(s) normalised once. Identical conditions of different rules
 * share one `id`, so one evaluation tests each distinct condition at most once; `slot` numbers
 * the field, so each field is normalised at most once. Both index plain arrays, not maps.
 */
interface CompiledCondition {
  readonly id: number;
  readonly slot: number;
  readonly operator: FieldCondition['operator'];
  /** equals, not_equals, contains: the normalised value. */
  readonly value: string;
  /** one_of: the normalised values. */
  readonly values: ReadonlySet<string> | null;
}

export interface CompiledRule<R extends EngineRule> {
  readonly rule: R;
  /** Rank in position order; indexes of `CompiledRuleSet.rules`. */
  readonly order: number;
  readonly events: ReadonlySet<string>;
  /** null: the rule applies to every group and to tickets with no group. */
  readonly groupIds: ReadonlySet<string> | null;
  readonly conditions: readonly CompiledCondition[];
}

interface EventIndex<R extends EngineRule> {
  /** Enabled rules restricted to a group, per group id, in position order. */
  readonly byGroup: ReadonlyMap<string, readonly CompiledRule<R>[]>;
  /** Enabled rules for every group, in position order. */
  readonly anyGroup: readonly CompiledRule<R>[];
}

/** Rules prepared for evaluation: build once per rule change, evaluate many times. */
export interface CompiledRuleSet<R extends EngineRule> {
  readonly kind: 'compiled_rule_set';
  /** Every rule, disabled ones included, in position order. */
  readonly rules: readonly CompiledRule<R>[];
  /** Enabled rules per end event, then per group. */
  readonly byEvent: ReadonlyMap<string, EventIndex<R>>;
  /** Field key per condition slot. */
  readonly fields: readonly string[];
  /** Number of distinct conditions (ids 0..n-1). */
  readonly conditionCount: number;
}

/** Per-evaluation memory: normalised field values by slot, condition outcomes by id. */
interface Scratch {
  readonly values: Array<Values | undefined>;
  readonly outcomes: Array<boolean | undefined>;
}

const NO_VALUES: Values = [];
const NO_RULES: readonly never[] = [];

/** Compile rules into a set indexed by end event and group, with condition values pre-normalised. */
export function compileRules<R extends EngineRule>(rules: readonly R[]): CompiledRuleSet<R> {
  const sorted = rules
    .map((rule, inputIndex) => ({ rule, inputIndex }))
    .sort((a, b) => a.rule.position - b.rule.position || a.inputIndex - b.inputIndex);
  const interned: Interning = { slots: new Map(), conditions: new Map() };
  const compiled: CompiledRule<R>[] = sorted.map(({ rule }, order) => ({
    rule,
    order,
    events: new Set(rule.conditions.events),
    groupIds: rule.conditions.groupIds.length === 0 ? null : new Set(rule.conditions.groupIds),
    conditions: rule.conditions.fieldConditions.map((condition) => compileCondition(condition, interned)),
  }));

  const building = new Map<string, { byGroup: Map<string, CompiledRule<R>[]>; anyGroup: CompiledRule<R>[] }>();
  for (const c of compiled) {
    if (!c.rule.enabled) continue;
    for (const event of c.events) {
      let index = building.get(event);
      if (index === undefined) {
        index = { byGroup: new Map(), anyGroup: [] };
        building.set(event, index);
      }
      if (c.groupIds === null) {
        index.anyGroup.push(c);
        continue;
      }
      for (const groupId of c.groupIds) {
        const list = index.byGroup.get(groupId);
        if (list === undefined) index.byGroup.set(groupId, [c]);
        else list.push(c);
      }
    }
  }
  return {
    kind: 'compiled_rule_set',
    rules: compiled,
    byEvent: building,
    fields: [...interned.slots.keys()],
    conditionCount: interned.conditions.size,
  };
}

/**
 * The rules that fire for `interaction`, in position order. Only the rules indexed under the
 * interaction's event and group (plus the every-group rules) are looked at.
 */
export function evaluateRules<R extends EngineRule>(compiled: CompiledRuleSet<R>, interaction: Interaction): R[] {
  const index = compiled.byEvent.get(interaction.event);
  if (index === undefined) return [];
  const grouped = interaction.groupId === null ? NO_RULES : (index.byGroup.get(interaction.groupId) ?? NO_RULES);
  const anyGroup = index.anyGroup;
  const scratch = createScratch(compiled);
  const matched: R[] = [];
  // Merge the two position-ordered lists (index checks, not out-of-bounds reads: those are slow in V8).
  let g = 0;
  let a = 0;
  while (g < grouped.length || a < anyGroup.length) {
    let next: CompiledRule<R>;
    if (a >= anyGroup.length || (g < grouped.length && (grouped[g] as CompiledRule<R>).order < (anyGroup[a] as CompiledRule<R>).order)) {
      next = grouped[g++] as CompiledRule<R>;
    } else {
      next = anyGroup[a++] as CompiledRule<R>;
    }
    if (firstFailedCondition(next, compiled.fields, interaction.fields, scratch) !== -1) continue;
    matched.push(next.rule);
    if (next.rule.stopProcessing) break;
  }
  return matched;
}

/**
 * For every rule, in position order: whether it fires for `interaction` and, if not, why. Agrees
 * with `evaluateRules`: the matched entries are exactly the rules it returns.
 */
export function explainRules<R extends EngineRule>(
  rulesOrCompiled: CompiledRuleSet<R> | readonly R[],
  interaction: Interaction,
): RuleExplanation<R>[] {
  const compiled = isCompiledRuleSet(rulesOrCompiled) ? rulesOrCompiled : compileRules(rulesOrCompiled);
  const scratch = createScratch(compiled);
  const out: RuleExplanation<R>[] = [];
  let stoppedBy: string | null = null;
  for (const c of compiled.rules) {
    const { rule } = c;
    if (!rule.enabled) {
      out.push({ rule, matched: false, reason: 'disabled' });
    } else if (stoppedBy !== null) {
      out.push({ rule, matched: false, reason: 'stopped_by_earlier_rule', stoppedBy });
    } else if (!c.events.has(interaction.event)) {
      out.push({ rule, matched: false, reason: 'event_not_selected' });
    } else if (c.groupIds !== null && (interaction.groupId === null || !c.groupIds.has(interaction.groupId))) {
      out.push({ rule, matched: false, reason: 'group_not_selected' });
    } else {
      const failed = firstFailedCondition(c, compiled.fields, interaction.fields, scratch);
      if (failed !== -1) {
        out.push({ rule, matched: false, reason: 'field_condition_failed', failedCondition: failed });
      } else {
        out.push({ rule, matched: true, reason: null });
        if (rule.stopProcessing) stoppedBy = rule.id;
      }
    }
  }
  return out;
}

/** True for the output of `compileRules`. */
export function isCompiledRuleSet<R extends EngineRule>(value: CompiledRuleSet<R> | readonly R[]): value is CompiledRuleSet<R> {
  return !Array.isArray(value) && (value as CompiledRuleSet<R>).kind === 'compiled_rule_set';
}

/** Test one field condition against one field value (the semantics at the top of this file). */
export function testFieldCondition(condition: FieldCondition, value: FieldValue | undefined): boolean {
  return testCondition(compileCondition(condition, { slots: new Map(), conditions: new Map() }), normalizeFieldValue(value));
}

/** A field value as the conditions see it: trimmed, lower-cased, blanks removed. */
export function normalizeFieldValue(value: FieldValue | undefined): Values {
  if (value === null || value === undefined) return NO_VALUES;
  if (typeof value === 'string') {
    const v = normalizeText(value);
    return v === '' ? NO_VALUES : [v];
  }
  const out: string[] = [];
  for (const element of value) {
    if (typeof element !== 'string') continue;
    const v = normalizeText(element);
    if (v !== '') out.push(v);
  }
  return out.length === 0 ? NO_VALUES : out;
}

function createScratch<R extends EngineRule>(compiled: CompiledRuleSet<R>): Scratch {
  return { values: new Array(compiled.fields.length), outcomes: new Array(compiled.conditionCount) };
}

function firstFailedCondition<R extends EngineRule>(
  c: CompiledRule<R>,
  slotFields: readonly string[],
  fields: Interaction['fields'],
  scratch: Scratch,
): number {
  const conditions = c.conditions;
  for (let i = 0; i < conditions.length; i++) {
    const condition = conditions[i] as CompiledCondition;
    let holds = scratch.outcomes[condition.id];
    if (holds === undefined) {
      let values = scratch.values[condition.slot];
      if (values === undefined) {
        const field = slotFields[condition.slot] ?? '';
        values = normalizeFieldValue(Object.hasOwn(fields, field) ? fields[field] : undefined);
        scratch.values[condition.slot] = values;
      }
      holds = testCondition(condition, values);
      scratch.outcomes[condition.id] = holds;
    }
    if (!holds) return i;
  }
  return -1;
}

interface Interning {
  /** Field key -> slot. */
  readonly slots: Map<string, number>;
  /** Normalised condition key -> compiled condition. */
  readonly conditions: Map<string, CompiledCondition>;
}

function compileCondition(condition: FieldCondition, interned: Interning): CompiledCondition {
  const field = condition.field.trim();
  let slot = interned.slots.get(field);
  if (slot === undefined) {
    slot = interned.slots.size;
    interned.slots.set(field, slot);
  }
  const operator = condition.operator;
  let value = '';
  let values: ReadonlySet<string> | null = null;
  let key: string;
  if (operator === 'one_of') {
    values = new Set(condition.values.map(normalizeText));
    key = JSON.stringify([slot, operator, [...values].sort()]);
  } else {
    if (operator !== 'is_set' && operator !== 'is_empty') value = normalizeText(condition.value);
    key = JSON.stringify([slot, operator, value]);
  }
  const existing = interned.conditions.get(key);
  if (existing !== undefined) return existing;
  const compiled: CompiledCondition = { id: interned.conditions.size, slot, operator, value, values };
  interned.conditions.set(key, compiled);
  return compiled;
}

function testCondition(condition: CompiledCondition, values: Values): boolean {
  switch (condition.operator) {
    case 'equals':
      return equalsAny(values, condition.value);
    case 'not_equals':
      return !equalsAny(values, condition.value);
    case 'contains':
      return containsAny(values, condition.value);
    case 'is_set':
      return values.length > 0;
    case 'is_empty':
      return values.length === 0;
    case 'one_of':
      return oneOf(values, condition.values ?? EMPTY_SET);
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();

function equalsAny(values: Values, wanted: string): boolean {
  if (wanted === '') return values.length === 0;
  for (let i = 0; i < values.length; i++) if (values[i] === wanted) return true;
  return false;
}

function containsAny(values: Values, needle: string): boolean {
  for (let i = 0; i < values.length; i++) if ((values[i] as string).includes(needle)) return true;
  return false;
}

function oneOf(values: Values, accepted: ReadonlySet<string>): boolean {
  if (values.length === 0) return accepted.has('');
  for (let i = 0; i < values.length; i++) if (accepted.has(values[i] as string)) return true;
  return false;
}

function normalizeText(text: string): string {
  return text.trim().toLowerCase();
}
