// The most one interaction texts (shared/schemas/rule.ts RECIPIENTS_PER_INTERACTION_MAX): with up
// to 10,000 rules per installation, many could match one ticket; each matched rule costs a D1 row
// per recipient and a Telnyx call per send, inside one queue invocation. Rules are taken in
// position order while their recipients fit; disabled rules that would have matched are recorded
// (as skipped) after them, within the same limit. What does not fit is not run, and the
// interaction's detail says how many and why (the ticket sidebar shows it: shared/rules/left-out.ts).
import { leftOutDetail } from '../../../shared/rules/left-out.ts';
import { RECIPIENTS_PER_INTERACTION_MAX, type Rule } from '../../../shared/schemas/rule.ts';
import { recipientSlots } from '../rules/prepare-rule.ts';

export interface WithinRecipientLimit {
  matched: Rule[];
  disabledMatches: Rule[];
  /** Matching rules left out, and the sentence that says so; null when all fit. */
  leftOut: { count: number; detail: string } | null;
}

export function withinRecipientLimit(matched: readonly Rule[], disabledMatches: readonly Rule[], max = RECIPIENTS_PER_INTERACTION_MAX): WithinRecipientLimit {
  let used = 0;
  let count = 0;
  const take = (rules: readonly Rule[]) =>
    rules.filter((rule) => {
      const slots = recipientSlots(rule);
      if (count === 0 && used + slots <= max) {
        used += slots;
        return true;
      }
      count += 1; // position order: once one does not fit, later ones do not run either
      return false;
    });
  const keptMatched = take(matched);
  const keptDisabled = take(disabledMatches);
  return {
    matched: keptMatched,
    disabledMatches: keptDisabled,
    leftOut: count === 0 ? null : { count, detail: leftOutDetail(count, max) },
  };
}
