// Benchmark of the offline summariser: clean+redact and the full extractive summary for 10, 100 and
// 1,000 comments. `node bench/summary.ts` (Node 22) prints a table; runSummaryBench() returns rows.
import { pathToFileURL } from 'node:url';
import { createLongThread } from '../edge-worker/src/summary/fixtures.ts';
import { prepareComments } from '../edge-worker/src/summary/prepare.ts';
import { createExtractiveSummarizer } from '../edge-worker/src/summary/summarize.ts';

export type SummaryBenchRow = { name: string; comments: number; msPerSummary: number };

const SIZES = [10, 100, 1000] as const;
const BUDGET_CHARS = 300;
/** Per measurement: stop after this long (or MAX_RUNS), whichever comes first. Keeps the whole run short. */
const TIME_BOX_MS = 700;
const MIN_RUNS = 3;
const MAX_RUNS = 500;

async function measure(run: () => unknown | Promise<unknown>): Promise<number> {
  await run(); // warm-up: JIT, Intl.Segmenter instances
  await run();
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < MIN_RUNS || (samples.length < MAX_RUNS && performance.now() - started < TIME_BOX_MS)) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  // The median: robust to a GC pause or a noisy neighbour.
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

export async function runSummaryBench(): Promise<SummaryBenchRow[]> {
  const summarizer = createExtractiveSummarizer();
  const rows: SummaryBenchRow[] = [];
  for (const size of SIZES) {
    const comments = createLongThread(size);
    rows.push({
      name: 'clean+redact',
      comments: size,
      msPerSummary: await measure(() => prepareComments(comments, { includeInternal: false })),
    });
    rows.push({
      name: 'extractive (prepare + summarise)',
      comments: size,
      msPerSummary: await measure(() => summarizer.summarize({ comments, budgetChars: BUDGET_CHARS, includeInternal: false })),
    });
  }
  return rows;
}

function printTable(rows: readonly SummaryBenchRow[]): void {
  const nameWidth = Math.max(...rows.map((row) => row.name.length), 'benchmark'.length);
  console.log(`${'benchmark'.padEnd(nameWidth)}  comments  ms/summary`);
  for (const row of rows) {
    console.log(`${row.name.padEnd(nameWidth)}  ${String(row.comments).padStart(8)}  ${row.msPerSummary.toFixed(3).padStart(10)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  printTable(await runSummaryBench());
  console.log(`(median of timed runs, budget ${BUDGET_CHARS} chars, ${Math.round(performance.now() - started)} ms total)`);
}
