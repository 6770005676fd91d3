// What an interaction pays in JavaScript for an installation's rules, for 1, 100 and 1,000 stored
// rules. Before issue 13 every interaction re-parsed each stored rule (JSON.parse + the zod
// RuleInput schema) and compiled them (shared/rules/evaluate.ts compileRules): the first columns.
// Now (edge-worker/src/rules/rule-set-cache.ts) an interaction whose isolate holds the current
// rules version only evaluates the compiled set (`hitMs`: fireRules, what every interaction pays),
// and a miss (once per rules version and isolate) JSON-parses without zod and builds the set
// (`missMs`). Pure, Node; the same functions the worker runs, on rules like the ones
// bench/worker-bench.ts stores, evaluated against the bench ticket. Median of timed runs.
import { compileRules } from '../shared/rules/evaluate.ts';
import type { Interaction } from '../shared/schemas/interaction.ts';
import { ZENDESK_DEMO } from '../test/fakes/zendesk-data.ts';
import { buildRuleSet, fireRules } from '../shared/rules/rule-set.ts';
import { RuleInput } from '../shared/schemas/rule.ts';
import { round } from './harness.ts';
import { matchingRule, nonMatchingRule } from './tenants.ts';

export interface RulesLoadRow {
  rules: number;
  /** JSON.parse + RuleInput.parse of every stored definition (ms per interaction). */
  parseMs: number;
  /** compileRules over the parsed rules (ms per interaction). */
  compileMs: number;
  /** JSON.parse alone, for scale (ms). */
  jsonOnlyMs: number;
  /** Per interaction with the isolate's compiled set current: evaluation only (µs). Absent in older results. */
  hitUs?: number;
  /** Once per rules version and isolate: JSON.parse without zod + compile (ms). */
  missMs?: number;
}

/** The bench ticket as the engine sees it: support group, normal priority, a damaged-order subject. */
const BENCH_TICKET: Interaction = {
  event: 'ticket_solved',
  ticketId: '100000',
  groupId: String(ZENDESK_DEMO.groups.support),
  fields: { subject: 'Bench ticket bench 100000', priority: 'normal', type: 'incident', tags: ['damaged', 'order'], status: 'solved' },
};

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

let sink = 0;

export async function runRulesLoadBench(counts: number[] = [1, 100, 1000]): Promise<RulesLoadRow[]> {
  const rows: RulesLoadRow[] = [];
  for (const n of counts) {
    const stored = [...Array.from({ length: n - 1 }, (_, i) => nonMatchingRule(i)), matchingRule()].map((r) =>
      JSON.stringify(RuleInput.parse(r)),
    );
    const parse = () =>
      stored.map((json, i) => ({
        id: `rule_${i}`,
        position: i,
        ...RuleInput.parse(JSON.parse(json)),
        version: 1,
        createdAt: '',
        updatedAt: '',
      }));
    const parseS: number[] = [];
    const compileS: number[] = [];
    const jsonS: number[] = [];
    const hitS: number[] = [];
    const missS: number[] = [];
    const storedRule = (json: string, i: number) => ({ id: `rule_${i}`, position: i, ...(JSON.parse(json) as ReturnType<typeof RuleInput.parse>), version: 1, createdAt: '', updatedAt: '' });
    const set = buildRuleSet(stored.map(storedRule));
    if (fireRules(set, BENCH_TICKET, ['ticket_solved']).matched.length !== 1) throw new Error('the bench ticket must match exactly the one matching rule');
    const runs = n >= 1000 ? 25 : n >= 100 ? 100 : 2000;
    for (let k = 0; k < runs + 5; k++) {
      const t0 = performance.now();
      const rules = parse();
      const t1 = performance.now();
      sink += compileRules(rules).rules.length;
      const t2 = performance.now();
      for (const json of stored) sink += (JSON.parse(json) as { label: string }).label.length;
      const t3 = performance.now();
      sink += buildRuleSet(stored.map(storedRule)).rules.length;
      const t4 = performance.now();
      // A hit is so short that one run is below the timer's resolution: 200 per sample.
      for (let h = 0; h < 200; h++) sink += fireRules(set, BENCH_TICKET, ['ticket_solved']).matched.length;
      const t5 = performance.now();
      if (k < 5) continue; // warm-up
      parseS.push(t1 - t0);
      compileS.push(t2 - t1);
      jsonS.push(t3 - t2);
      missS.push(t4 - t3);
      hitS.push(((t5 - t4) / 200) * 1000);
    }
    rows.push({
      rules: n,
      parseMs: round(median(parseS), 3),
      compileMs: round(median(compileS), 3),
      jsonOnlyMs: round(median(jsonS), 3),
      hitUs: round(median(hitS), 2),
      missMs: round(median(missS), 3),
    });
  }
  if (sink === Number.MIN_VALUE) console.log(sink);
  return rows;
}
