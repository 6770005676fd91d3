// Process plumbing for the benchmarks (Node only): a registry of everything the bench starts so it
// is stopped on success, error and Ctrl-C; the workerd processes under our `wrangler dev`s and their
// CPU time and memory from /proc; free ports; and `startWorkerDev()` for the bench's own small
// workers (bench/floor-worker, bench/d1-count-worker). The product's own stack comes from
// scripts/local-stack.ts.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Child, stopChild } from '../scripts/child-process.ts';
export { type Child, stopChild };

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

// --- cleanup --------------------------------------------------------------------------------------

const cleanups: Array<{ name: string; run: () => Promise<void> }> = [];

/** Registers a stop function; returns a function that runs it once and unregisters it. */
export function onCleanup(name: string, run: () => Promise<void>): () => Promise<void> {
  const entry = { name, run };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i < 0) return;
    cleanups.splice(i, 1);
    await run().catch((error: unknown) => console.error(`[bench] stopping ${name}: ${String(error)}`));
  };
}

/** Stops everything still registered, newest first. */
export async function cleanupAll(): Promise<void> {
  for (const entry of cleanups.splice(0).reverse()) {
    await entry.run().catch((error: unknown) => console.error(`[bench] stopping ${entry.name}: ${String(error)}`));
  }
}

let signalsInstalled = false;
/** Ctrl-C / SIGTERM: stop every process we started, then exit 130. */
export function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n[bench] ${signal}: stopping everything the bench started…`);
    void cleanupAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

// --- ports ----------------------------------------------------------------------------------------

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// --- /proc ----------------------------------------------------------------------------------------

export interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces; everything after the last ')' is space separated.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { pid, ppid: Number(rest[1]), cmdline };
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (default: this process). */
export function descendants(root = process.pid): ProcInfo[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is ProcInfo => p !== null);
  const out: ProcInfo[] = [];
  const frontier = [root];
  while (frontier.length) {
    const parent = frontier.pop() as number;
    for (const p of all) {
      if (p.ppid === parent) {
        out.push(p);
        frontier.push(p.pid);
      }
    }
  }
  return out;
}

export interface WorkerdPids {
  /** The workerd that runs the worker (and, locally, D1, Queues and miniflare's helpers). */
  runtime: number;
  /** The workerd of wrangler's dev proxy in front of it (not part of production), if any. */
  proxy: number | null;
}

/**
 * The workerd processes of the `wrangler dev` that listens on `port`. wrangler starts two: its
 * dev proxy (`--socket-addr=entry=127.0.0.1:<port>`) and the runtime of the worker itself (the one
 * with `--inspector-addr`). Both are children of the wrangler node process.
 */
export function findWorkerd(port: number): WorkerdPids {
  const procs = descendants();
  const proxy = procs.find((p) => p.cmdline.includes('workerd') && p.cmdline.includes(`entry=127.0.0.1:${port} `));
  if (!proxy) throw new Error(`no workerd listening on port ${port} among this process's descendants`);
  const runtime = procs.find(
    (p) => p.ppid === proxy.ppid && p.pid !== proxy.pid && p.cmdline.includes('workerd') && p.cmdline.includes('--inspector-addr'),
  );
  if (!runtime) return { runtime: proxy.pid, proxy: null };
  return { runtime: runtime.pid, proxy: proxy.pid };
}

const CLK_TCK = 100;

/**
 * The measured workerd went away mid-run: it crashed or was killed, or wrangler restarted it
 * (it rebuilds and restarts the runtime when a source file changes while it runs).
 */
export class RuntimeGone extends Error {
  constructor(pid: number) {
    super(`workerd ${pid} is gone (crashed, killed, or restarted by wrangler after a source change); its numbers would be wrong`);
  }
}

/**
 * CPU time of a whole process in milliseconds: the sum over its threads of
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds on CPU), falling back to utime+stime from
 * /proc/<pid>/stat (10 ms ticks) where schedstat is unavailable.
 */
export function cpuMs(pid: number): number {
  if (!existsSync(`/proc/${pid}`)) throw new RuntimeGone(pid);
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // Thread ended between readdir and read.
      }
    }
    if (ns > 0) return ns / 1e6;
  } catch {
    // Fall through.
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
}

/** CPU time per thread name (comm), ms. */
export function cpuMsByThread(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      out.set(`${comm}#${tid}`, ns / 1e6);
    } catch {
      // Gone.
    }
  }
  return out;
}

/** Resident memory now and at its peak (kB → MB), from /proc/<pid>/status. */
export function memoryMB(pid: number): { rssMB: number; peakRssMB: number } {
  if (!existsSync(`/proc/${pid}`)) throw new RuntimeGone(pid);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMB: Math.round(kb('VmRSS') / 102.4) / 10, peakRssMB: Math.round(kb('VmHWM') / 102.4) / 10 };
}

/** The TCP ports `pid` listens on (127.0.0.1), via its socket inodes and /proc/net/tcp. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // Closed meanwhile.
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== '0A') continue; // 0A = LISTEN
    if (!inodes.has(cols[9] ?? '')) continue;
    const [addr, port] = (cols[1] ?? '').split(':');
    if (addr === '0100007F') ports.push(Number.parseInt(port ?? '0', 16));
  }
  return ports;
}

/**
 * The runtime workerd's own HTTP entry (bypassing wrangler's dev proxy), found by trying its
 * listening ports with GET /health. Null when none answers.
 */
export async function findRuntimeEntry(runtimePid: number, healthPath = '/health'): Promise<string | null> {
  for (const port of listeningPorts(runtimePid)) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${healthPath}`, { signal: AbortSignal.timeout(1500) });
      if (res.ok) return `http://127.0.0.1:${port}`;
    } catch {
      // Not an HTTP entry (inspector, loopback, ...).
    }
  }
  return null;
}

// --- child processes --------------------------------------------------------------------------------

export function startChild(args: string[], opts: { logFile?: string; env?: Record<string, string> } = {}): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: true, // own process group: stop() ends wrangler and its workerd together
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0', NO_COLOR: '1', CI: '1', ...opts.env },
  });
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 80) tail.shift();
    if (opts.logFile) writeFileSync(opts.logFile, `${line}\n`, { flag: 'a' });
  };
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', onLine);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, tail, exited };
}


export async function runChild(args: string[], what: string, logFile?: string): Promise<void> {
  const child = startChild(args, { logFile });
  const code = await child.exited;
  if (code !== 0) throw new Error(`${what} failed (exit ${code}):\n${child.tail.join('\n')}`);
}

export async function waitForHealth(url: string, child: Child, timeoutMs = 120_000, path = '/health'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`wrangler dev exited (${child.process.exitCode}):\n${child.tail.join('\n')}`);
    try {
      const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // Not yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}${path} did not answer within ${timeoutMs / 1000}s:\n${child.tail.join('\n')}`);
}

export interface WorkerDev {
  url: string;
  port: number;
  child: Child;
  stop(): Promise<void>;
}

/**
 * `wrangler dev --local` for a bench worker: its own config, vars and state folder; D1 migrations
 * applied first when `migrate` is set. Registered for cleanup.
 */
export async function startWorkerDev(opts: {
  config: string;
  vars: Record<string, string>;
  persistDir: string;
  logFile: string;
  port?: number;
  migrate?: boolean;
  /** Wrangler's DevTools inspector on this port (bench/cpu-profile.ts takes a CPU profile through it). */
  inspectorPort?: number;
}): Promise<WorkerDev> {
  if (!existsSync(opts.config)) throw new Error(`missing ${opts.config}`);
  if (opts.migrate) {
    await runChild(
      [WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', opts.persistDir, '-c', opts.config],
      `migrations for ${opts.config}`,
      opts.logFile,
    );
  }
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = startChild(
    [
      WRANGLER,
      'dev',
      '-c',
      opts.config,
      '--local',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      opts.persistDir,
      '--show-interactive-dev-session=false',
      ...(opts.inspectorPort ? ['--inspector-port', String(opts.inspectorPort)] : []),
      ...Object.entries(opts.vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
    ],
    { logFile: opts.logFile },
  );
  const stop = onCleanup(`wrangler dev -c ${opts.config}`, () => stopChild(child));
  try {
    await waitForHealth(url, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, child, stop };
}

/** Deletes a bench state folder, unless BENCH_KEEP_STATE=1 (then its path is printed: logs live there). */
export function removeState(dir: string): void {
  if (process.env.BENCH_KEEP_STATE === '1') console.log(`[bench] kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

// --- small helpers --------------------------------------------------------------------------------

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Percentile (0..100) of an unsorted sample, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);
