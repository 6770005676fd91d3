// Webhook ingest under load with D1 and the queue served from another process (issue 13's goal:
// "ingest throughput at 16 connections at least the floor's, and p99 within 1.3x of the floor's,
// in the same run"). Part of the `cpu` section (bench/cpu-isolated.ts), which starts both workers:
// the product's worker behind bench/cpu-worker, whose env.DB and env.SEND_QUEUE are HTTP clients
// of bench/remote-d1.ts in the bench process, as D1 and Queues are remote services on Cloudflare;
// and the floor (bench/floor-worker), whose Zendesk and Telnyx calls go to the fakes in the same
// bench process. So each side's measured workerd runs only its own JavaScript and HTTP clients:
// ours = verify + record the receipt (one D1 round trip) + enqueue (one queue send) + 202;
// floor = verify + the Zendesk ticket fetch + the Telnyx send + 200.
// The queue consumer is NOT run while ours is loaded: the queue server only accumulates the
// messages (discarded after each run), so the figure is ingest alone.
// bench/loadgen.ts, its own process: closed loop over keep-alive connections, every request a
// fresh signature (ours: a new ticket id per request; the floor: its seeded tickets in turn, as
// it fetches them from the Zendesk fake). Rounds alternate which worker goes first at each level,
// so a change in the machine's load hits both; percentiles are over the pooled samples of all
// rounds, req/s = all requests / all measured seconds. CPU per request = the measured workerd's
// CPU from /proc over the loadgen run (warm-up requests included), its idle rate subtracted; the
// bench process's own CPU (the servers answering each side's calls) is reported beside it.
import { cpuMs, round } from './harness.ts';
import type { WorkerdPids } from './harness.ts';
import { runLoadInChild } from './loadgen.ts';
import type { LoadResult } from './loadgen.ts';
import type { RemoteD1 } from './remote-d1.ts';

const WARMUP_PER_CONNECTION = 5;

export interface IsolatedIngestSide {
  connections: number;
  requests: number;
  /** All requests / all measured seconds, over the rounds. */
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Workerd CPU per request (warm-up included), idle rate subtracted (ms). */
  cpuMsPerRequest: number;
  /**
   * CPU of the bench process per request (ms): what answers the worker's calls (ours: the D1 and
   * queue server; the floor: the Zendesk and Telnyx fakes). Not the Worker's, but it shares the
   * machine's two cores with the workerd and the load generator, so it bounds both sides' req/s.
   */
  serverCpuMsPerRequest: number;
  statuses: Record<string, number>;
  errors: number;
  /** Each round's own figures, in order (rps, p50Ms, p99Ms). */
  perRound: Array<{ rps: number; p50Ms: number; p99Ms: number }>;
}

export interface IsolatedIngestPoint {
  connections: number;
  ours: IsolatedIngestSide;
  floor: IsolatedIngestSide;
  /** Queue messages the accepted webhooks left on the bench's queue server (then discarded). */
  queuedMessages: number;
}

export interface IsolatedIngestResult {
  rounds: number;
  durationMsPerRun: number;
  maxRequestsPerRun: number;
  points: IsolatedIngestPoint[];
}

export interface IngestTarget {
  pids: WorkerdPids;
  /** Full URL of the webhook endpoint at the runtime's own entry. */
  url: string;
  secret: string;
  idleCpuMsPerS: number;
}

const log = (line: string) => console.log(`[cpu] ${line}`);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** One loadgen run: its result, the measured workerd's CPU and the bench process's CPU (ms). */
interface Run {
  load: LoadResult;
  cpu: number;
  serverCpu: number;
}

async function loadOnce(
  target: IngestTarget,
  connections: number,
  o: { durationMs: number; maxRequests: number; ticketPrefix: string; tickets?: number[] },
): Promise<Run> {
  const c0 = cpuMs(target.pids.runtime);
  const s0 = process.cpuUsage();
  const t0 = performance.now();
  const load = await runLoadInChild({
    url: target.url,
    secret: target.secret,
    connections,
    durationMs: o.durationMs,
    maxRequests: o.maxRequests,
    warmupPerConnection: WARMUP_PER_CONNECTION,
    ticketPrefix: o.ticketPrefix,
    tickets: o.tickets,
    keepLatencies: true,
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = cpuMs(target.pids.runtime) - c0 - target.idleCpuMsPerS * wallS;
  const server = process.cpuUsage(s0);
  return { load, cpu, serverCpu: (server.user + server.system) / 1000 };
}

function pooled(connections: number, runs: Run[]): IsolatedIngestSide {
  const sample = runs.flatMap((r) => r.load.latenciesMs ?? []).sort((a, b) => a - b);
  const requests = runs.reduce((a, r) => a + r.load.requests, 0);
  const seconds = runs.reduce((a, r) => a + r.load.durationS, 0);
  const cpu = runs.reduce((a, r) => a + r.cpu, 0);
  const serverCpu = runs.reduce((a, r) => a + r.serverCpu, 0);
  const all = requests + WARMUP_PER_CONNECTION * connections * runs.length;
  const statuses: Record<string, number> = {};
  for (const r of runs) for (const [s, n] of Object.entries(r.load.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
  return {
    connections,
    requests,
    rps: Math.round(requests / seconds),
    p50Ms: round(percentile(sample, 50)),
    p90Ms: round(percentile(sample, 90)),
    p99Ms: round(percentile(sample, 99)),
    maxMs: round(percentile(sample, 100)),
    cpuMsPerRequest: round(cpu / all, 3),
    serverCpuMsPerRequest: round(serverCpu / all, 3),
    statuses,
    errors: runs.reduce((a, r) => a + r.load.errors, 0),
    perRound: runs.map((r) => ({ rps: r.load.rps, p50Ms: r.load.p50Ms, p99Ms: r.load.p99Ms })),
  };
}

export async function runIsolatedIngestLoad(o: {
  ours: IngestTarget;
  floor: IngestTarget & { tickets: number[] };
  d1: RemoteD1;
  levels: number[];
  rounds: number;
  durationMs: number;
  maxRequests: number;
}): Promise<IsolatedIngestResult> {
  // Nothing of the earlier phases may be left for the accounting below.
  o.d1.take(o.d1.pending());
  const points: IsolatedIngestPoint[] = [];
  const runs = new Map<number, { ours: Run[]; floor: Run[]; queued: number }>();
  for (let round = 0; round < o.rounds; round++) {
    for (const connections of o.levels) {
      const acc = runs.get(connections) ?? { ours: [], floor: [], queued: 0 };
      runs.set(connections, acc);
      const oursRun = async () => {
        // A distinct digit prefix per run (fixed length), then the request counter: every request a new ticket.
        const r = await loadOnce(o.ours, connections, { durationMs: o.durationMs, maxRequests: o.maxRequests, ticketPrefix: `8${round}${String(connections).padStart(2, '0')}` });
        // The consumer is not run: the accepted webhooks' messages are counted and dropped.
        acc.queued += o.d1.take(o.d1.pending()).length;
        acc.ours.push(r);
        return r.load;
      };
      const floorRun = async () => {
        const r = await loadOnce(o.floor, connections, { durationMs: o.durationMs, maxRequests: o.maxRequests, ticketPrefix: '', tickets: o.floor.tickets });
        acc.floor.push(r);
        return r.load;
      };
      const order = round % 2 === 0 ? [floorRun, oursRun] : [oursRun, floorRun];
      const out: string[] = [];
      for (const [i, run] of order.entries()) {
        const l = await run();
        out.push(`${(round % 2 === 0) === (i === 0) ? 'floor' : 'ours'} ${l.rps} req/s p50 ${l.p50Ms} p99 ${l.p99Ms} ms ${JSON.stringify(l.statuses)}`);
      }
      log(`ingest round ${round + 1}, ${connections} connection(s): ${out.join('; ')}`);
    }
  }
  for (const connections of o.levels) {
    const acc = runs.get(connections);
    if (!acc) continue;
    points.push({ connections, ours: pooled(connections, acc.ours), floor: pooled(connections, acc.floor), queuedMessages: acc.queued });
  }
  return { rounds: o.rounds, durationMsPerRun: o.durationMs, maxRequestsPerRun: o.maxRequests, points };
}
