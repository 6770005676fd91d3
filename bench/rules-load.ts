// What every interaction pays in JavaScript to get an installation's rules ready, before any rule
// is evaluated: edge-worker/src/db/rules.ts re-parses each stored rule (JSON.parse + the zod
// RuleInput schema) and the pipeline compiles them (shared/rules/evaluate.ts compileRules), for
// 1, 100 and 1,000 stored rules. Pure, Node; the same functions the worker runs, on rules like the
// ones bench/worker-bench.ts stores. Median of timed runs.
import { compileRules } from '../shared/rules/evaluate.ts';
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
}

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
    const runs = n >= 1000 ? 25 : n >= 100 ? 100 : 2000;
    for (let k = 0; k < runs + 5; k++) {
      const t0 = performance.now();
      const rules = parse();
      const t1 = performance.now();
      sink += compileRules(rules).rules.length;
      const t2 = performance.now();
      for (const json of stored) sink += (JSON.parse(json) as { label: string }).label.length;
      const t3 = performance.now();
      if (k < 5) continue; // warm-up
      parseS.push(t1 - t0);
      compileS.push(t2 - t1);
      jsonS.push(t3 - t2);
    }
    rows.push({ rules: n, parseMs: round(median(parseS), 3), compileMs: round(median(compileS), 3), jsonOnlyMs: round(median(jsonS), 3) });
  }
  if (sink === Number.MIN_VALUE) console.log(sink);
  return rows;
}
