// An installation's rules for some end events, compiled for evaluation: the enabled ones, and the
// disabled ones as if enabled (so the pipeline can record those that would have matched). Built
// once per rules version and isolate (edge-worker/src/rules/rule-set-cache.ts), evaluated per
// interaction. Pure. No I/O.
import type { Interaction } from '../schemas/interaction.ts';
import type { EndEvent, Rule } from '../schemas/rule.ts';
import { compileRules, evaluateRules, type CompiledRuleSet } from './evaluate.ts';

export interface RuleSet {
  /** The rules of these events, disabled ones included, in evaluation order. */
  readonly rules: readonly Rule[];
  /** The enabled rules, compiled. */
  readonly enabled: CompiledRuleSet<Rule>;
  /** The disabled rules compiled as if enabled and never stopping: which would have matched. */
  readonly disabledAsEnabled: CompiledRuleSet<Rule>;
  readonly disabledById: ReadonlyMap<string, Rule>;
}

/** A rule set from stored rules (built once per rules version and isolate: edge-worker/src/rules/rule-set-cache.ts). */
export function buildRuleSet(rules: Rule[]): RuleSet {
  const disabled = rules.filter((r) => !r.enabled);
  return {
    rules,
    enabled: compileRules(rules.filter((r) => r.enabled)),
    disabledAsEnabled: compileRules(disabled.map((r) => ({ ...r, enabled: true, stopProcessing: false }))),
    disabledById: new Map(disabled.map((r) => [r.id, r])),
  };
}

/**
 * Per end event, then united in position order: a rule that fires for both events is one rule.
 * `disabledMatches`: disabled rules that would have matched (recorded as skipped, so nobody
 * wonders why).
 */
export function fireRules(set: RuleSet, interaction: Interaction, events: readonly EndEvent[]): { matched: Rule[]; disabledMatches: Rule[] } {
  const fired = (compiled: CompiledRuleSet<Rule>) =>
    new Set(events.flatMap((event) => evaluateRules(compiled, { ...interaction, event }).map((r) => r.id)));
  const enabledIds = fired(set.enabled);
  const disabledIds = set.disabledById.size > 0 ? fired(set.disabledAsEnabled) : new Set<string>();
  return {
    matched: set.rules.filter((r) => enabledIds.has(r.id)),
    disabledMatches: set.rules.filter((r) => disabledIds.has(r.id)),
  };
}
