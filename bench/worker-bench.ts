// The product's worker under load, on the local stack of scripts/local-stack.ts (the Zendesk and
// Telnyx fakes on 127.0.0.1, `wrangler dev` with local D1 and Queues): webhook ingest throughput
// and latency, end-to-end latency webhook -> SMS at the Telnyx fake, CPU per interaction and
// memory of the workerd process, Zendesk API calls per interaction, and how the cost grows with
// rules per installation and with installations in D1. Requests go to the runtime's own entry,
// not through wrangler's dev proxy (which production does not have).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_DEV, startLocalStack } from '../scripts/local-stack.ts';
import { telnyxControl } from '../test/fakes/control-client.ts';
import { cpuMs, findRuntimeEntry, findWorkerd, memoryMB, onCleanup, round, sleep, removeState } from './harness.ts';
import type { WorkerdPids } from './harness.ts';
import { runLoadInChild } from './loadgen.ts';
import type { LoadResult } from './loadgen.ts';
import { idleCpuRate, runInteractions } from './measure.ts';
import type { RunResult, Shot, Target } from './measure.ts';
import { createRules, matchingRule, nonMatchingRule, pool, provisionTenant, takeTickets } from './tenants.ts';
import type { Tenant } from './tenants.ts';

export interface Sizes {
  quick: boolean;
  lowRate: number;
  burst: number;
  burstConcurrency: number;
  summary: number;
  ruleCounts: number[];
  perRulePoint: number;
  spreadTenants: number;
  ingestConcurrencies: number[];
  ingestMs: number;
  ingestMaxRequests: number;
  installationsTarget: number;
}

export function sizes(quick: boolean): Sizes {
  return quick
    ? {
        quick,
        lowRate: 10,
        burst: 80,
        burstConcurrency: 8,
        summary: 12,
        ruleCounts: [1, 100],
        perRulePoint: 30,
        spreadTenants: 10,
        ingestConcurrencies: [1, 16],
        ingestMs: 2000,
        ingestMaxRequests: 3000,
        installationsTarget: 200,
      }
    : {
        quick,
        lowRate: 20,
        burst: 200,
        burstConcurrency: 8,
        summary: 30,
        // Through POST /v1/rules, which takes about a second per 20 rules here; 1,000 rules are
        // measured by the cpu section (bench/cpu-isolated.ts), stored straight into its database.
        ruleCounts: [1, 100],
        perRulePoint: 60,
        spreadTenants: 20,
        // 16: the connections of issue 13's ingest goal.
        ingestConcurrencies: [1, 8, 16, 32],
        ingestMs: 3000,
        ingestMaxRequests: 6000,
        installationsTarget: 1000,
      };
}

export interface RulesPoint {
  rules: number;
  setupS: number;
  run: RunResult;
}

export interface IngestPoint extends LoadResult {
  /** Runtime CPU per webhook, from the first request until the queue is drained (ms). */
  cpuMsPerRequest: number;
  /** Seconds after the load until the queue consumer was done with the backlog. */
  drainS: number;
}

export interface WorkerBenchResult {
  entry: string;
  viaDevProxy: boolean;
  idleCpuMsPerS: number;
  startS: number;
  lowRate: RunResult;
  burst: RunResult;
  summary: RunResult;
  zendeskCallsPerInteraction: { withoutSummary: number; withSummary: number; coldTenant: number };
  rules: RulesPoint[];
  spread: { tenants: number; cold: RunResult; warm: RunResult };
  ingest: IngestPoint[];
  installations: { before: number; after: number; provisionS: number; run: RunResult };
  memory: { idleMB: number; afterLoadMB: number; peakMB: number; proxyMB: number | null };
}

const log = (line: string) => console.log(`[ours] ${line}`);

export async function runWorkerBench(s: Sizes): Promise<WorkerBenchResult> {
  const state = mkdtempSync(join(tmpdir(), 'pisms-bench-'));
  const started = performance.now();
  const stack = await startLocalStack({
    ports: { worker: 0, zendesk: 0, telnyx: 0, playground: 0 },
    persistDir: join(state, 'state'),
    fresh: true,
    // The demo installation, connected and set up through the app's own flow: the ingest load
    // below goes to it, signed with the secret of the webhook Setup created.
    install: 'connect-as-admin',
    buildApp: 'never',
    workerOutput: { file: join(state, 'worker.log') },
    callbackDelayMs: 200,
    log: (line) => log(line),
  });
  const stop = onCleanup('local stack', async () => {
    await stack.stop();
    removeState(state);
  });
  try {
    return await measureStack(stack, s, (performance.now() - started) / 1000);
  } finally {
    await stop();
  }
}

type Stack = Awaited<ReturnType<typeof startLocalStack>>;

async function measureStack(stack: Stack, s: Sizes, startS: number): Promise<WorkerBenchResult> {
  const pids: WorkerdPids = findWorkerd(Number(new URL(stack.workerUrl).port));
  const direct = await findRuntimeEntry(pids.runtime);
  const entry = direct ?? stack.workerUrl;
  log(
    `worker runtime pid ${pids.runtime} (dev proxy pid ${pids.proxy}); webhooks go to ${entry}${direct ? ' (runtime entry)' : ' (through the dev proxy)'}`,
  );
  const target: Target = { baseUrl: entry, pids, telnyxUrl: stack.telnyxUrl, zendeskUrl: stack.zendeskUrl };
  // Delivery receipts are a separate flow; keep them out of the per-interaction numbers.
  await telnyxControl(stack.telnyxUrl).setConfig({ autoCallbacks: false });

  const provision = (subdomain: string, tickets: number, settings: Record<string, unknown> = {}) =>
    provisionTenant({
      workerUrl: entry,
      zendeskUrl: stack.zendeskUrl,
      telnyxUrl: stack.telnyxUrl,
      provisioningToken: LOCAL_DEV.provisioningToken,
      subdomain,
      tickets,
      settings,
    });
  const shotsFor = (t: Tenant, n: number): Shot[] =>
    takeTickets(t, n).map((ticket) => ({ subdomain: t.subdomain, pathId: t.id, secret: t.webhookSecret, ticket }));

  log('provisioning bench tenants…');
  const main = await provision('bench-main', 30 + s.lowRate + s.burst + 150);
  await createRules(entry, main, [matchingRule()]);
  const withSummary = await provision('bench-summary', s.summary + 10, { summariesEnabled: true });
  await createRules(entry, withSummary, [matchingRule({ summary: true })]);

  // Warm-up: JIT, the AES key and ticket-field caches, D1 pages.
  await runInteractions(target, shotsFor(main, 20), { concurrency: 4 }, 0);
  await runInteractions(target, shotsFor(withSummary, 3), { concurrency: 1 }, 0);
  const idle = await idleCpuRate(pids);
  const memIdle = memoryMB(pids.runtime);
  log(`idle runtime CPU ${idle.toFixed(1)} ms/s, RSS ${memIdle.rssMB} MB`);

  log(`end-to-end at a low rate: ${s.lowRate} interactions, one every 250 ms…`);
  const lowRate = await runInteractions(target, shotsFor(main, s.lowRate), { concurrency: 1, intervalMs: 250 }, idle, [main.subdomain]);
  log(`  e2e p50 ${lowRate.e2e.p50Ms} ms, p99 ${lowRate.e2e.p99Ms} ms; ingest p50 ${lowRate.ingest.p50Ms} ms`);

  log(`burst: ${s.burst} interactions, ${s.burstConcurrency} webhooks in flight…`);
  const burst = await runInteractions(target, shotsFor(main, s.burst), { concurrency: s.burstConcurrency }, idle, [main.subdomain]);
  log(
    `  ${burst.throughputPerS} interactions/s, e2e p50 ${burst.e2e.p50Ms} ms p99 ${burst.e2e.p99Ms} ms, CPU ${burst.cpuMsPerInteraction} ms/interaction`,
  );

  log(`with a summary: ${s.summary} interactions…`);
  const summary = await runInteractions(target, shotsFor(withSummary, s.summary), { concurrency: 4 }, idle, [withSummary.subdomain]);

  // Rules per installation: N-1 rules that are evaluated but never match, plus the one that does.
  const rules: RulesPoint[] = [];
  for (const count of s.ruleCounts) {
    if (count === 1) {
      rules.push({ rules: 1, setupS: 0, run: burst });
      continue;
    }
    const t0 = performance.now();
    const tenant = await provision(`bench-rules-${count}`, s.perRulePoint + 10);
    await createRules(
      entry,
      tenant,
      Array.from({ length: count - 1 }, (_, i) => nonMatchingRule(i)),
      8,
    );
    await createRules(entry, tenant, [matchingRule()]);
    const setupS = round((performance.now() - t0) / 1000, 1);
    await runInteractions(target, shotsFor(tenant, 3), { concurrency: 1 }, 0); // warm this tenant's caches
    log(`${count} rules (created in ${setupS} s): ${s.perRulePoint} interactions…`);
    const run = await runInteractions(target, shotsFor(tenant, s.perRulePoint), { concurrency: s.burstConcurrency }, idle, [
      tenant.subdomain,
    ]);
    log(`  CPU ${run.cpuMsPerInteraction} ms/interaction, e2e p50 ${run.e2e.p50Ms} ms`);
    rules.push({ rules: count, setupS, run });
  }

  // Many active tenants: each interaction of the run belongs to another installation, so the
  // per-isolate caches (ticket fields) are cold for each.
  log(`spread over ${s.spreadTenants} tenants…`);
  const spreadTenants = await pool(
    Array.from({ length: s.spreadTenants }, (_, i) => i),
    4,
    async (i) => {
      const t = await provision(`bench-spread-${i}`, 10);
      await createRules(entry, t, [matchingRule()]);
      return t;
    },
  );
  // First interaction of each tenant in this isolate (cold caches), then two more each (warm).
  const coldRun = await runInteractions(
    target,
    spreadTenants.map((t) => shotsFor(t, 1)[0] as Shot),
    { concurrency: s.burstConcurrency },
    idle,
    spreadTenants.map((t) => t.subdomain),
  );
  const warmRun = await runInteractions(
    target,
    [0, 1].flatMap(() => spreadTenants.map((t) => shotsFor(t, 1)[0] as Shot)),
    { concurrency: s.burstConcurrency },
    idle,
    spreadTenants.map((t) => t.subdomain),
  );
  log(
    `  cold: CPU ${coldRun.cpuMsPerInteraction} ms, ${coldRun.zendeskApiCalls} Zendesk calls; warm: CPU ${warmRun.cpuMsPerInteraction} ms, ${warmRun.zendeskApiCalls} Zendesk calls`,
  );

  // Webhook ingest under load, on the demo installation (it has no rules: the consumer's pass
  // over each receipt is short and ends with "No rule fires").
  const ingest: IngestPoint[] = [];
  const demo = stack.installation;
  if (!demo?.webhookSigningSecret) throw new Error('The local stack did not connect and set up the demo installation');
  for (const connections of s.ingestConcurrencies) {
    log(`ingest load: ${connections} connection(s), up to ${s.ingestMs} ms / ${s.ingestMaxRequests} requests…`);
    const cpu0 = cpuMs(pids.runtime);
    const t0 = performance.now();
    const load = await runLoadInChild({
      url: `${entry}/v1/webhooks/zendesk/${demo.id}`,
      secret: demo.webhookSigningSecret,
      connections,
      durationMs: s.ingestMs,
      maxRequests: s.ingestMaxRequests,
      warmupPerConnection: 5,
      ticketPrefix: `9${connections}${Date.now() % 100000}`,
    });
    const loadEnd = performance.now();
    const drained = await waitForQuiet(pids.runtime, idle, 90_000);
    const wallS = (performance.now() - t0) / 1000;
    const cpu = cpuMs(pids.runtime) - cpu0 - idle * wallS;
    const requests = load.requests + 5 * connections;
    ingest.push({ ...load, cpuMsPerRequest: round(cpu / requests, 3), drainS: round((drained - loadEnd) / 1000, 1) });
    log(
      `  ${load.rps} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, statuses ${JSON.stringify(load.statuses)}; queue drained ${round((drained - loadEnd) / 1000, 1)} s later`,
    );
  }
  const memAfterLoad = memoryMB(pids.runtime);

  // Installations in D1: add tenants without traffic (an installation in D1; its account in the
  // Zendesk fake, which provisioning checks), then measure the main tenant again.
  const before = 4 + s.ruleCounts.filter((c) => c > 1).length + s.spreadTenants - 1;
  const fillers = Math.max(0, s.installationsTarget - before);
  log(`adding ${fillers} installations to D1…`);
  const p0 = performance.now();
  await pool(
    Array.from({ length: fillers }, (_, i) => i),
    8,
    (i) => provision(`bench-filler-${i}`, 0),
  );
  const provisionS = round((performance.now() - p0) / 1000, 1);
  await sleep(300);
  const installationsRun = await runInteractions(
    target,
    shotsFor(main, Math.min(100, s.burst)),
    { concurrency: s.burstConcurrency },
    idle,
    [main.subdomain],
  );
  log(
    `  with ${before + fillers} installations: CPU ${installationsRun.cpuMsPerInteraction} ms/interaction, e2e p50 ${installationsRun.e2e.p50Ms} ms`,
  );

  const memPeak = memoryMB(pids.runtime);
  const perInteraction = (r: RunResult) => round((r.zendeskApiCalls ?? Number.NaN) / r.interactions, 2);
  return {
    entry,
    viaDevProxy: !direct,
    idleCpuMsPerS: round(idle, 2),
    startS: round(startS, 1),
    lowRate,
    burst,
    summary,
    zendeskCallsPerInteraction: {
      withoutSummary: perInteraction(burst),
      withSummary: perInteraction(summary),
      coldTenant: perInteraction(coldRun),
    },
    rules,
    spread: { tenants: s.spreadTenants, cold: coldRun, warm: warmRun },
    ingest,
    installations: { before, after: before + fillers, provisionS, run: installationsRun },
    memory: {
      idleMB: memIdle.rssMB,
      afterLoadMB: memAfterLoad.rssMB,
      peakMB: memPeak.peakRssMB,
      proxyMB: pids.proxy ? memoryMB(pids.proxy).rssMB : null,
    },
  };
}

/** Waits until the process's CPU rate is back near idle for a second (the queue is drained). */
async function waitForQuiet(pid: number, idleRate: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let quietSince: number | null = null;
  let last = cpuMs(pid);
  let lastAt = performance.now();
  while (performance.now() < deadline) {
    await sleep(250);
    const now = performance.now();
    const c = cpuMs(pid);
    const rate = (c - last) / ((now - lastAt) / 1000);
    last = c;
    lastAt = now;
    if (rate < idleRate + 15) {
      quietSince ??= now - 250;
      if (now - quietSince >= 1000) return quietSince;
    } else quietSince = null;
  }
  return performance.now();
}
