// D1 statements (and round trips, rows read/written, queue messages) per interaction, counted on
// the real code path: bench/d1-count-worker runs the product's worker unchanged behind a shim that
// wraps env.DB and env.SEND_QUEUE with counters. Also Zendesk API calls per interaction (from the
// fake's request log) and probes of what the local runtime itself costs per request, per D1
// round trip and per queue send (CPU read from /proc), to tell the emulator's cost from ours.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zendeskControl } from '../test/fakes/control-client.ts';
import { startFakes } from '../test/fakes/index.ts';
import { demoTelnyxAccount, TELNYX_DEMO } from '../test/fakes/telnyx-data.ts';
import { cpuMs, findRuntimeEntry, findWorkerd, freePort, onCleanup, percentile, ROOT, round, sleep, startWorkerDev, removeState } from './harness.ts';
import type { WorkerdPids } from './harness.ts';
import { runInteractions } from './measure.ts';
import type { Shot, Target } from './measure.ts';
import { adminToken, createRules, matchingRule, nonMatchingRule, provisionTenant, takeTickets } from './tenants.ts';
import type { Tenant } from './tenants.ts';

const PROVISIONING_TOKEN = 'bench-provisioning-token-0123456789';
const SECRETS_KEY = Buffer.from('bench-secrets-key-for-d1-count!!').toString('base64');
const SESSION_SECRET = 'bench-session-secret-for-d1-count-0123456789';

type Stage = 'ingest' | 'interaction_job' | 'send_job' | 'receipt' | 'api';
interface Counter {
  calls: number;
  statements: number;
  batches: number;
  rowsRead: number;
  rowsWritten: number;
  queueMessages: number;
  bySql: Record<string, number>;
  invocations: number;
}

export interface D1Case {
  name: string;
  rules: number;
  interactions: number;
  /** Per interaction, summed over ingest + interaction job + send jobs. */
  statements: number;
  calls: number;
  rowsRead: number;
  rowsWritten: number;
  queueMessages: number;
  zendeskApiCalls: number;
  telnyxCalls: number;
  byStage: Record<'ingest' | 'interaction_job' | 'send_job', { statements: number; calls: number; rowsRead: number; rowsWritten: number }>;
  /** Statements per interaction by SQL text, all stages. */
  bySql: Record<string, number>;
}

export interface RuntimeProbes {
  /** Runtime CPU for one HTTP request with an empty answer (ms). */
  requestMs: number;
  /** Runtime CPU per D1 round trip (SELECT 1) in the local emulator (ms). */
  d1CallMs: number;
  /** Runtime CPU per queue send in the local emulator (ms). */
  queueSendMs: number;
}

/** The delivery report of a busy account: GET /v1/report over seeded daily aggregates. */
export interface ReportTiming {
  days: number;
  rules: number;
  /** Rows the answer carries (days x rules). */
  rows: number;
  /** D1 rows read per report request (from D1's meta): the range, not the table. */
  rowsRead: number;
  /** Rows in report_daily across all installations while it was measured. */
  tableRows: number;
  requests: number;
  /** Wall time of GET /v1/report from this process, local workerd and D1 (ms). */
  p50Ms: number;
  maxMs: number;
  /** The same for GET /v1/report.csv. */
  csvP50Ms: number;
}

export interface D1CountResult {
  cases: D1Case[];
  probes: RuntimeProbes;
  /** Missing in results written before the report existed. */
  report?: ReportTiming;
}

const log = (line: string) => console.log(`[d1] ${line}`);

export async function runD1Count(opts: { quick: boolean }): Promise<D1CountResult> {
  const state = mkdtempSync(join(tmpdir(), 'pisms-bench-d1-'));
  const fakes = await startFakes({ host: '127.0.0.1' });
  const stopFakes = onCleanup('fakes (d1 count)', async () => {
    await fakes.close();
    removeState(state);
  });
  try {
    fakes.telnyx.seedAccount(TELNYX_DEMO.apiKey, demoTelnyxAccount());
    const port = await freePort();
    const dev = await startWorkerDev({
      config: join(ROOT, 'bench', 'd1-count-worker', 'wrangler.toml'),
      persistDir: join(state, 'state'),
      logFile: join(state, 'worker.log'),
      migrate: true,
      port,
      vars: {
        ZENDESK_BASE_URL_TEMPLATE: `${fakes.zendeskUrl}/{subdomain}`,
        TELNYX_BASE_URL: `${fakes.telnyxUrl}/v2`,
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        SECRETS_KEY,
        PROVISIONING_TOKEN,
        // Rules are created with an admin's session from a page load the Zendesk fake signs.
        ZENDESK_APP_PUBLIC_KEY: (await zendeskControl(fakes.zendeskUrl).appKey()).publicKeyPem,
        SESSION_SECRET,
      },
    });
    try {
      const pids = findWorkerd(dev.port);
      const entry = (await findRuntimeEntry(pids.runtime)) ?? dev.url;
      return await measure({ baseUrl: entry, pids, telnyxUrl: fakes.telnyxUrl, zendeskUrl: fakes.zendeskUrl }, opts.quick);
    } finally {
      await dev.stop();
    }
  } finally {
    await stopFakes();
  }
}

async function measure(target: Target, quick: boolean): Promise<D1CountResult> {
  const entry = target.baseUrl;
  const provision = (subdomain: string, settings: Record<string, unknown> = {}) =>
    provisionTenant({
      workerUrl: entry,
      zendeskUrl: target.zendeskUrl,
      telnyxUrl: target.telnyxUrl,
      provisioningToken: PROVISIONING_TOKEN,
      subdomain,
      tickets: 40,
      settings,
    });
  const shotsFor = (t: Tenant, n: number): Shot[] =>
    takeTickets(t, n).map((ticket) => ({ subdomain: t.subdomain, pathId: t.id, secret: t.webhookSecret, ticket }));

  const cases: D1Case[] = [];
  const n = quick ? 6 : 12;
  const specs: Array<{ name: string; rules: number; settings?: Record<string, unknown>; summary?: boolean }> = [
    { name: 'one matching rule', rules: 1 },
    { name: 'summary on', rules: 1, settings: { summariesEnabled: true }, summary: true },
    { name: 'summary + internal note', rules: 1, settings: { summariesEnabled: true, internalNoteEnabled: true }, summary: true },
    { name: '100 rules (1 matches)', rules: 100 },
  ];
  for (const spec of specs) {
    const t = await provision(`d1-${cases.length}`, spec.settings);
    if (spec.rules > 1)
      await createRules(
        entry,
        t,
        Array.from({ length: spec.rules - 1 }, (_, i) => nonMatchingRule(i)),
        8,
      );
    await createRules(entry, t, [matchingRule({ summary: spec.summary })]);
    await runInteractions(target, shotsFor(t, 2), { concurrency: 1 }, 0); // warm caches
    await fetch(`${entry}/__bench/d1/reset`, { method: 'POST' });
    const zd = zendeskControl(target.zendeskUrl);
    const since = (await zd.requests({ since: Number.MAX_SAFE_INTEGER })).last;
    const txSince = await telnyxCursor(target.telnyxUrl);
    await runInteractions(target, shotsFor(t, n), { concurrency: 2, settleMs: 800 }, 0);
    const counters = (await (await fetch(`${entry}/__bench/d1`)).json()) as Record<Stage, Counter>;
    const zdCalls = (await zd.requests({ since, subdomain: t.subdomain })).requests.filter((r) => r.path.includes('/api/v2/')).length;
    const txCalls = await telnyxMessagesSince(target.telnyxUrl, txSince);
    cases.push(toCase(spec.name, spec.rules, n, counters, zdCalls, txCalls));
    const c = cases.at(-1) as D1Case;
    log(
      `${spec.name}: ${c.statements} statements in ${c.calls} round trips, ${c.rowsRead} rows read, ${c.rowsWritten} written, ${c.zendeskApiCalls} Zendesk calls per interaction`,
    );
  }

  const report = await reportTiming(entry, provision, quick);
  log(
    `report: ${report.days} days x ${report.rules} rules (${report.rows} rows, ${report.rowsRead} read of ${report.tableRows}): p50 ${report.p50Ms} ms, max ${report.maxMs} ms; CSV p50 ${report.csvP50Ms} ms`,
  );

  const probes = await runtimeProbes(target.pids, entry, quick);
  log(`runtime probes: request ${probes.requestMs} ms, D1 round trip ${probes.d1CallMs} ms, queue send ${probes.queueSendMs} ms (CPU)`);
  return { cases, probes, report };
}

/**
 * Seeds 90 days x 20 rules of aggregates for one tenant (and as many for a neighbour, so a scan
 * would show), then times the report over the whole range through HTTP with an admin's session.
 */
async function reportTiming(entry: string, provision: (subdomain: string) => Promise<Tenant>, quick: boolean): Promise<ReportTiming> {
  const days = 90;
  const rules = 20;
  const end = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${end}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const [t, neighbour] = [await provision('d1-report'), await provision('d1-report-other')];
  for (const inst of [t.id, neighbour.id]) {
    const res = await fetch(`${entry}/__bench/seed-report?installation=${inst}&days=${days}&rules=${rules}&end=${end}`, { method: 'POST' });
    if (!res.ok) throw new Error(`seeding the report failed: ${res.status} ${await res.text()}`);
  }
  const token = await adminToken(entry, t);
  const get = async (path: string) => {
    const t0 = performance.now();
    const res = await fetch(`${entry}${path}?from=${from}&to=${end}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 200)}`);
    return { ms, body };
  };
  await get('/v1/report'); // warm: role lookup cached, code paths compiled
  const n = quick ? 10 : 30;
  await fetch(`${entry}/__bench/d1/reset`, { method: 'POST' });
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < n; i++) {
    const { ms, body } = await get('/v1/report');
    times.push(ms);
    rows = (JSON.parse(body) as { rows: unknown[] }).rows.length;
  }
  const counters = (await (await fetch(`${entry}/__bench/d1`)).json()) as Record<Stage, Counter>;
  const csv: number[] = [];
  for (let i = 0; i < Math.ceil(n / 3); i++) csv.push((await get('/v1/report.csv')).ms);
  const sorted = [...times].sort((a, b) => a - b);
  return {
    days,
    rules,
    rows,
    // Every API statement's rows (session and role lookups included) divided over the requests: an
    // upper bound of what the report's own statement reads.
    rowsRead: round(counters.api.rowsRead / n, 0),
    tableRows: days * rules * 2,
    requests: n,
    p50Ms: round(percentile(sorted, 50), 1),
    maxMs: round(sorted.at(-1) ?? 0, 1),
    csvP50Ms: round(percentile(csv, 50), 1),
  };
}

async function telnyxCursor(telnyxUrl: string): Promise<number> {
  const res = await fetch(`${telnyxUrl}/__control/requests?since=${Number.MAX_SAFE_INTEGER}`);
  return ((await res.json()) as { last: number }).last;
}

async function telnyxMessagesSince(telnyxUrl: string, since: number): Promise<number> {
  const res = await fetch(`${telnyxUrl}/__control/requests?since=${since}&method=POST&pathPattern=${encodeURIComponent('/v2/messages$')}`);
  return ((await res.json()) as { requests: unknown[] }).requests.length;
}

function toCase(name: string, rules: number, n: number, counters: Record<Stage, Counter>, zdCalls: number, txCalls: number): D1Case {
  const stages = ['ingest', 'interaction_job', 'send_job'] as const;
  const per = (x: number) => round(x / n, 2);
  const sum = (k: 'statements' | 'calls' | 'rowsRead' | 'rowsWritten' | 'queueMessages') =>
    per(stages.reduce((a, s) => a + counters[s][k], 0));
  const bySql: Record<string, number> = {};
  for (const s of stages) for (const [sql, count] of Object.entries(counters[s].bySql)) bySql[`${s}: ${sql}`] = per(count);
  return {
    name,
    rules,
    interactions: n,
    statements: sum('statements'),
    calls: sum('calls'),
    rowsRead: sum('rowsRead'),
    rowsWritten: sum('rowsWritten'),
    queueMessages: sum('queueMessages'),
    zendeskApiCalls: per(zdCalls),
    telnyxCalls: per(txCalls),
    byStage: Object.fromEntries(
      stages.map((s) => [
        s,
        {
          statements: per(counters[s].statements),
          calls: per(counters[s].calls),
          rowsRead: per(counters[s].rowsRead),
          rowsWritten: per(counters[s].rowsWritten),
        },
      ]),
    ) as D1Case['byStage'],
    bySql,
  };
}

async function cpuOf(pids: WorkerdPids, fn: () => Promise<void>): Promise<number> {
  await sleep(200);
  const c0 = cpuMs(pids.runtime);
  await fn();
  await sleep(100);
  return cpuMs(pids.runtime) - c0;
}

async function runtimeProbes(pids: WorkerdPids, entry: string, quick: boolean): Promise<RuntimeProbes> {
  const requests = quick ? 200 : 400;
  const d1Calls = quick ? 300 : 600;
  const sends = quick ? 150 : 300;
  // Warm each path once.
  await (await fetch(`${entry}/__bench/noop`)).text();
  await (await fetch(`${entry}/__bench/d1-probe?n=20`)).text();
  await (await fetch(`${entry}/__bench/queue-probe?n=5`)).text();
  const requestCpu = await cpuOf(pids, async () => {
    for (let i = 0; i < requests; i++) await (await fetch(`${entry}/__bench/noop`)).text();
  });
  const d1Cpu = await cpuOf(pids, async () => {
    await (await fetch(`${entry}/__bench/d1-probe?n=${d1Calls}`)).text();
  });
  const queueCpu = await cpuOf(pids, async () => {
    await (await fetch(`${entry}/__bench/queue-probe?n=${sends}`)).text();
  });
  return {
    requestMs: round(requestCpu / requests, 3),
    d1CallMs: round(d1Cpu / d1Calls, 3),
    queueSendMs: round(queueCpu / sends, 3),
  };
}
