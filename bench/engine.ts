// Micro-benchmark of the pure engine: rule evaluation at several installation sizes, composition and
// segment counting. Pure CPU work, no I/O besides printing. Run: ./node_modules/.bin/node bench/engine.ts
// (Node 22 strips the types). Each case warms up, then times batches of ~10 ms for about a second
// and reports the median batch, so a GC pause or a late JIT tier-up does not skew the number.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { composeMessage, type DataLine } from '../shared/compose/compose.ts';
import { countSegments } from '../shared/compose/segments.ts';
import { compileRules, type EngineRule, evaluateRules, explainRules } from '../shared/rules/evaluate.ts';
import type { Interaction } from '../shared/schemas/interaction.ts';
import type { FieldCondition } from '../shared/schemas/rule.ts';
import { seededRandom } from '../shared/random/seeded-random.ts';

export interface BenchResult {
  name: string;
  /** Rules per installation (0 for cases without rules). */
  rules: number;
  opsPerSec: number;
  nsPerOp: number;
}

const GROUPS = 50;
const WARMUP_MS = 150;
const MEASURE_MS = 1000;
const BATCH_MS = 10;

/** Results are folded in here so the JIT cannot drop the measured calls as dead code. */
let sink = 0;

export async function runEngineBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const interactions = makeInteractions(256, seededRandom(99));
  const pickInteraction = (i: number): Interaction => interactions[i & 255] as Interaction;

  // One rule with one field condition that matches: the per-rule cost floor.
  const single = compileRules([
    makeRule(0, {
      groupIds: [],
      fieldConditions: [{ field: 'priority', operator: 'one_of', values: ['high', 'urgent', 'normal', 'low'] }],
    }),
  ]);
  const singleInteraction: Interaction = { event: 'ticket_solved', ticketId: '1', groupId: '7', fields: { priority: 'High' } };
  results.push(measure('evaluate: single rule, one condition', 1, () => evaluateRules(single, singleInteraction).length));

  for (const size of [10, 100, 1_000, 10_000]) {
    const compiled = compileRules(makeRules(size, seededRandom(size)));
    results.push(
      measure(
        `evaluate: ${size.toLocaleString('en-US')} rules / ${GROUPS} groups`,
        size,
        (i) => evaluateRules(compiled, pickInteraction(i)).length,
      ),
    );
  }

  // Conditions per rule: 1,000 rules for every group, each with k conditions that all hold, so
  // every condition of every rule is evaluated (the worst case for k).
  for (const k of [1, 5, 20]) {
    const rules = Array.from({ length: 1_000 }, (_, i) =>
      makeRule(i, {
        groupIds: [],
        fieldConditions: Array.from(
          { length: k },
          () => ({ field: 'requester.name', operator: 'equals', value: 'alex doe' }) as FieldCondition,
        ),
      }),
    );
    const compiled = compileRules(rules.map((r) => ({ ...r, enabled: true })));
    results.push(
      measure(`evaluate: 1,000 rules x ${k} condition(s), all hold`, 1_000, (i) => evaluateRules(compiled, pickInteraction(i)).length, 500),
    );
  }

  const thousand = makeRules(1_000, seededRandom(1_000));
  const thousandCompiled = compileRules(thousand);
  results.push(
    measure('explain: 1,000 rules (sidebar, every rule)', 1_000, (i) => explainRules(thousandCompiled, pickInteraction(i)).length),
  );
  const tenThousand = makeRules(10_000, seededRandom(10_000));
  results.push(measure('compile: 10,000 rules', 10_000, () => compileRules(tenThousand).rules.length, 300));

  const fitting = {
    customText: 'Thanks for contacting Acme support! Reply to this number if anything is still not working.',
    summary: 'You reported that the router drops Wi-Fi every evening. We pushed a firmware update and reset the channel.',
    dataLines: [
      { label: 'Ticket', value: '#48213' },
      { label: 'Agent', value: 'Sam Lee' },
    ] satisfies DataLine[],
  };
  results.push(measure('compose: fits in 2 parts', 0, () => composeMessage(fitting, { maxParts: 2 }).text.length));
  const overlong = {
    ...fitting,
    summary: `${fitting.summary} `.repeat(8),
    dataLines: [
      ...fitting.dataLines,
      { label: 'Notes', value: 'Customer prefers a call back after 5pm on weekdays, not weekends. '.repeat(3) },
    ],
  };
  results.push(measure('compose: overlong, trimmed to 2 parts', 0, () => composeMessage(overlong, { maxParts: 2 }).text.length));
  const gsmText = `${fitting.customText}\n\n${fitting.summary} {ref} €12`.repeat(2);
  results.push(measure(`countSegments: ${gsmText.length} chars GSM-7`, 0, () => countSegments(gsmText).segments));
  const ucsText = `Merci ! Votre commande est expédiée 📦 ${fitting.summary}`;
  results.push(measure(`countSegments: ${ucsText.length} units UCS-2`, 0, () => countSegments(ucsText).segments));

  if (sink === Number.MIN_VALUE) console.log(sink); // never true; keeps `sink` observable
  return results;
}

function measure(name: string, rules: number, fn: (i: number) => number, measureMs = MEASURE_MS): BenchResult {
  let i = 0;
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) for (let k = 0; k < 64; k++) sink += fn(i++);

  // Calibrate a batch size of about BATCH_MS.
  let batch = 64;
  for (;;) {
    const start = performance.now();
    for (let k = 0; k < batch; k++) sink += fn(i++);
    const elapsed = performance.now() - start;
    if (elapsed >= BATCH_MS / 2 || batch >= 1 << 24) {
      batch = Math.max(1, Math.round((batch * BATCH_MS) / Math.max(elapsed, 0.001)));
      break;
    }
    batch *= 4;
  }

  const perOp: number[] = [];
  const end = performance.now() + measureMs;
  while (performance.now() < end || perOp.length < 5) {
    const start = performance.now();
    for (let k = 0; k < batch; k++) sink += fn(i++);
    perOp.push(((performance.now() - start) * 1e6) / batch);
  }
  perOp.sort((a, b) => a - b);
  const nsPerOp = perOp[Math.floor(perOp.length / 2)] ?? Number.NaN;
  return { name, rules, opsPerSec: Math.round(1e9 / nsPerOp), nsPerOp: Math.round(nsPerOp * 10) / 10 };
}

// ---- fixtures -----------------------------------------------------------------------------------

type BenchRule = EngineRule & { label: string };

function makeRule(i: number, conditions: Partial<EngineRule['conditions']>, random = seededRandom(i)): BenchRule {
  return {
    id: `rule-${i}`,
    position: i,
    label: `Rule ${i}`,
    enabled: random() > 0.05,
    stopProcessing: false,
    conditions: { groupIds: [], fieldConditions: [], events: ['ticket_solved'], ...conditions },
  };
}

/**
 * A realistic mix: 90 % of rules are for one or two of 50 groups, 10 % for every group; 0 to 3
 * simple field conditions each; most fire on solved tickets, some on both events. No rule stops
 * processing, so every candidate is evaluated (the slow path).
 */
function makeRules(count: number, random: () => number): BenchRule[] {
  const rules: BenchRule[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const groupIds = r < 0.1 ? [] : r < 0.8 ? [groupId(random)] : [groupId(random), groupId(random)];
    const fieldConditions: FieldCondition[] = [];
    for (let k = Math.floor(random() * 4); k > 0; k--) fieldConditions.push(makeCondition(random));
    const events: BenchRule['conditions']['events'] = random() < 0.8 ? ['ticket_solved'] : ['ticket_solved', 'conversation_ended'];
    rules.push(makeRule(i, { groupIds, fieldConditions, events }, random));
  }
  return rules;
}

const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const TYPES = ['question', 'incident', 'problem', 'task'];
const TAGS = ['vip', 'refund', 'shipping', 'billing', 'churn_risk', 'warranty', 'b2b', 'spanish'];

function makeCondition(random: () => number): FieldCondition {
  const r = random();
  if (r < 0.3) return { field: 'priority', operator: 'equals', value: pick(PRIORITIES, random) };
  if (r < 0.45) return { field: 'type', operator: 'one_of', values: [pick(TYPES, random), pick(TYPES, random)] };
  if (r < 0.6) return { field: 'tags', operator: 'contains', value: pick(TAGS, random) };
  if (r < 0.7) return { field: 'subject', operator: 'contains', value: pick(['refund', 'order', 'login', 'broken'], random) };
  if (r < 0.8) return { field: '360001234567', operator: 'is_set' };
  if (r < 0.9) return { field: 'priority', operator: 'not_equals', value: 'low' };
  return { field: '360007654321', operator: 'equals', value: pick(['gold', 'silver', 'bronze'], random) };
}

function makeInteractions(count: number, random: () => number): Interaction[] {
  const out: Interaction[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      event: random() < 0.85 ? 'ticket_solved' : 'conversation_ended',
      ticketId: String(1000 + i),
      groupId: random() < 0.05 ? null : groupId(random),
      fields: {
        subject: pick(['Refund for order 1234', 'Cannot login', 'Order arrived broken', 'Question about invoice'], random),
        priority: pick(['Low', 'Normal', 'High', 'Urgent', null], random),
        type: pick(TYPES, random),
        tags: [pick(TAGS, random), pick(TAGS, random), pick(TAGS, random)],
        '360001234567': random() < 0.5 ? '+1 415 555 0123' : null,
        '360007654321': pick(['Gold', 'silver', 'bronze', ''], random),
        'requester.name': 'Alex Doe',
      },
    });
  }
  return out;
}

function groupId(random: () => number): string {
  return String(360000000 + Math.floor(random() * GROUPS));
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}


function printTable(results: readonly BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    r.rules === 0 ? '' : r.rules.toLocaleString('en-US'),
    Math.round(r.opsPerSec).toLocaleString('en-US'),
    r.nsPerOp.toLocaleString('en-US'),
  ]);
  const header = ['case', 'rules', 'ops/s', 'ns/op'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const started = performance.now();
  printTable(await runEngineBench());
  console.log(`\nNode ${process.version}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
