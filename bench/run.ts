// `npm run bench`: one performance report for the whole chain. Runs every section in one process,
// prints the tables, writes the figures to bench-results/latest.json (gitignored) and, on a full
// run, the results block of BENCHMARKS.md (a run where a section failed writes failed.json and
// leaves both alone). Benchmarks are not tests: the exit code is non-zero only when a section
// could not run. Every process started is stopped, also on errors and Ctrl-C.
//
//   npm run bench                     full run (about 2.5 to 4 minutes on 2 cores)
//   npm run bench -- --quick          smaller counts (about 2 minutes); BENCHMARKS.md untouched
//   npm run bench -- --only=ours,d1   some sections: size, app, engine, rules, summary, floor, ours, d1, cpu,
//                                     burst (written to bench-results/latest-partial.json)
//   npm run bench -- --only=burst     the bulk close alone (5,000 interactions; 1,000 with --quick);
//                                     --burst-rate=N paces both numbers at N/s (per-number override;
//                                     default 8, bench/burst.ts), --burst-rate=toll-free at Telnyx's 20/s
//   npm run bench -- --no-md          do not touch BENCHMARKS.md
//   npm run bench -- --from-json      no measuring: render the tables and BENCHMARKS.md again from
//                                     bench-results/latest.json (after a change to report.ts)
//   BENCH_KEEP_STATE=1 npm run bench  keep the temporary state folders (worker logs) for a look
// Do not edit edge-worker/ while it runs: wrangler dev restarts the worker on a source change; the
// bench notices (the measured workerd disappears) and runs that section once more.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { runAppSizeBench } from './app-size.ts';
import { runIsolatedCpuBench } from './cpu-isolated.ts';
import { burstSizes, queueSettings, runBurstBench } from './burst.ts';
import { runD1Count } from './d1-count.ts';
import { runEngineBench } from './engine.ts';
import { runFloorBench } from './floor.ts';
import { cleanupAll, installSignalHandlers, ROOT, RuntimeGone } from './harness.ts';
import { buildTables, goalsFrom, renderMarkdown, renderText } from './report.ts';
import type { Meta, Results } from './report.ts';
import { runRulesLoadBench } from './rules-load.ts';
import { runSummaryBench } from './summary.ts';
import { runWorkerBench, sizes } from './worker-bench.ts';
import { runWorkerSizeBench } from './worker-size.ts';

const SECTIONS = ['size', 'app', 'engine', 'rules', 'summary', 'floor', 'ours', 'd1', 'cpu', 'burst'] as const;
type Section = (typeof SECTIONS)[number];
const MD_START = '<!-- bench:results:start -->';
const MD_END = '<!-- bench:results:end -->';

const args = process.argv.slice(2);
const help = args.includes('--help') || args.includes('-h');
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',') as Section[] | undefined;
const badOnly = only?.some((s) => !SECTIONS.includes(s)) ?? false;
const wanted = (s: Section) => !only || only.includes(s);
const writeMd = !args.includes('--no-md') && !quick && !only;

const started = performance.now();
const loadStart = loadavg().map((l) => Math.round(l * 100) / 100);
const errors: Results['errors'] = [];
const retried: Results['retried'] = [];

async function section<T>(name: Section, fn: () => Promise<T>, attempt = 1): Promise<T | null> {
  if (!wanted(name)) return null;
  const t0 = performance.now();
  console.log(`\n== ${name}${attempt > 1 ? ' (again)' : ''}`);
  try {
    const result = await fn();
    console.log(`== ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    if (error instanceof RuntimeGone && attempt === 1) {
      console.error(`== ${name}: ${error.message}; running the section once more`);
      retried.push({ section: name, message: error.message });
      await cleanupAll();
      return section(name, fn, 2);
    }
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? String(error)) : String(error);
    console.error(`== ${name} could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    errors.push({ section: name, message });
    await cleanupAll();
    return null;
  }
}

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function git(): Meta['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'edge-worker', 'shared'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return { commit, dirtyWorkerCode: dirty };
  } catch {
    return { commit: 'unknown', dirtyWorkerCode: false };
  }
}

function writeOutputs(results: Results, tables: ReturnType<typeof buildTables>, markdown: boolean): void {
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  // A partial run (--only) or one where a section failed must not replace the figures of the
  // last whole run.
  const failed = results.errors.length > 0;
  const name = failed ? 'failed.json' : only && !args.includes('--from-json') ? 'latest-partial.json' : 'latest.json';
  writeFileSync(join(ROOT, 'bench-results', name), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Wrote bench-results/${name}`);
  if (failed && markdown) console.log('BENCHMARKS.md left as is: a section could not run');
  if (!markdown || failed) return;
  const file = join(ROOT, 'BENCHMARKS.md');
  const block = `${MD_START}\n${renderMarkdown(results, tables)}\n${MD_END}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n${MD_START}\n${MD_END}\n`;
  if (text.includes(MD_START) && text.includes(MD_END)) {
    writeFileSync(file, text.slice(0, text.indexOf(MD_START)) + block + text.slice(text.indexOf(MD_END) + MD_END.length));
    console.log('Updated the results block of BENCHMARKS.md');
  } else console.log(`BENCHMARKS.md has no ${MD_START} ... ${MD_END} block; left as is`);
}

function rerender(): number {
  const stored = JSON.parse(readFileSync(join(ROOT, 'bench-results', 'latest.json'), 'utf8')) as Results;
  const partial = { ...stored, rulesLoad: stored.rulesLoad ?? null, isolatedCpu: stored.isolatedCpu ?? null, retried: stored.retried ?? [], burst: stored.burst ?? null };
  const { goals, derived } = goalsFrom(partial);
  const results: Results = { ...partial, goals, derived };
  const tables = buildTables(results);
  console.log(renderText(tables));
  writeOutputs(results, tables, !args.includes('--no-md') && !stored.meta.quick);
  return 0;
}

async function main(): Promise<number> {
  if (args.includes('--from-json')) return rerender();
  const s = sizes(quick);
  const bundle = await section('size', runWorkerSizeBench);
  const appSize = await section('app', async () => {
    const { appBuildIsStale } = await import('../scripts/local-stack.ts');
    return runAppSizeBench({ build: appBuildIsStale() });
  });
  const engine = await section('engine', runEngineBench);
  const rulesLoad = await section('rules', () => runRulesLoadBench());
  const summary = await section('summary', runSummaryBench);
  const floor = await section('floor', () => runFloorBench(s));
  const ours = await section('ours', () => runWorkerBench(s));
  const d1 = await section('d1', () => runD1Count({ quick }));
  const isolatedCpu = await section('cpu', () => runIsolatedCpuBench({ quick }));
  const burstRate = args.find((a) => a.startsWith('--burst-rate='))?.slice('--burst-rate='.length);
  const burst = await section('burst', () => runBurstBench(burstSizes(quick, burstRate), queueSettings()));

  const meta: Meta = {
    command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    quick,
    durationS: Math.round((performance.now() - started) / 1000),
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memoryGB: Math.round(totalmem() / 2 ** 30),
      os: `${type()} ${release()}`,
      node: process.version,
      wrangler: version('wrangler'),
      workerd: version('workerd'),
    },
    git: git(),
    loadAverage: { start: loadStart, end: loadavg().map((l) => Math.round(l * 100) / 100) },
  };
  const partial = { meta, bundle, appSize, engine, rulesLoad, summary, floor, ours, d1, isolatedCpu, errors, retried, burst };
  const { goals, derived } = goalsFrom(partial);
  const results: Results = { ...partial, goals, derived };
  const tables = buildTables(results);

  console.log(renderText(tables));
  console.log(
    `\n${meta.command}: ${meta.durationS} s on ${meta.machine.cpu} (${meta.machine.cores} cores), load average ${meta.loadAverage.start.join('/')} -> ${meta.loadAverage.end.join('/')}`,
  );

  writeOutputs(results, tables, writeMd);
  if (errors.length) console.error(`\n${errors.length} section(s) could not run: ${errors.map((e) => e.section).join(', ')}`);
  return errors.length ? 1 : 0;
}

let code = 1;
if (help) {
  const header = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  console.log(
    header
      .slice(
        0,
        header.findIndex((line) => line.startsWith('import ')),
      )
      .join('\n'),
  );
  code = 0;
} else if (badOnly) {
  console.error(`--only takes a comma-separated list of: ${SECTIONS.join(', ')}`);
  code = 2;
} else {
  installSignalHandlers();
  try {
    code = await main();
  } catch (error) {
    console.error(error);
  } finally {
    await cleanupAll();
  }
}
// Exit once stdout is flushed: process.exit alone can cut off output written to a pipe.
process.stdout.write('', () => process.exit(code));
