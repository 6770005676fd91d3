// CPU the Worker is billed for, per interaction, apart from the local D1 / Queues emulation.
// Locally `wrangler dev` runs D1 (SQLite in a Durable Object) and the Queues broker inside the
// same workerd as the worker, so /proc's CPU of that process is an upper bound (worker-bench.ts).
// Here the product's worker runs behind bench/cpu-worker: D1 and the queue are served from this
// Node process (bench/remote-d1.ts), and the workerd runs only the Worker's JavaScript (and the
// HTTP client work of each D1 call and queue send, which the real bindings also do in the isolate)
// plus miniflare's entry worker, which the floor's workerd runs too. An interaction = the signed
// webhook (ingest) + the queue invocation that runs its job (the bench takes the due messages from
// its queue server, at most 10 as max_batch_size, and POSTs them to /__bench/queue). The floor (bench/floor-worker, one whole interaction
// per request) is measured the same way, in the same section, alternating with ours so that a
// change in the machine's load hits both. Cases: 1 rule, and 1,000 rules (999 evaluated that
// never match, stored straight into the database: the API path is the rules tests' business).
// Last, webhook ingest under load against the floor in the same two workerds, queue consumer not
// run (bench/ingest-isolated.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuleInput } from '../shared/schemas/rule.ts';
import { zendeskControl } from '../test/fakes/control-client.ts';
import { startFakes } from '../test/fakes/index.ts';
import { demoTelnyxAccount, TELNYX_DEMO } from '../test/fakes/telnyx-data.ts';
import { ZENDESK_DEMO } from '../test/fakes/zendesk-data.ts';
import { cpuMs, findRuntimeEntry, findWorkerd, freePort, onCleanup, ROOT, round, startWorkerDev, removeState } from './harness.ts';
import type { WorkerdPids } from './harness.ts';
import { runIsolatedIngestLoad, type IsolatedIngestResult } from './ingest-isolated.ts';
import { idleCpuRate, SmsWatcher } from './measure.ts';
import { startRemoteD1, type RemoteD1 } from './remote-d1.ts';
import { benchAccount, FIRST_BENCH_TICKET, matchingRule, nonMatchingRule, pool, provisionTenant, SENDER, signedTrigger, takeTickets } from './tenants.ts';
import type { Tenant } from './tenants.ts';

const PROVISIONING_TOKEN = 'bench-provisioning-token-0123456789';
const SECRETS_KEY = Buffer.from('bench-secrets-key-for-cpu-bench!').toString('base64');
const FLOOR_SECRET = 'whsec_bench_floor_cpu_0123456789abcdef';
const FLOOR_SUBDOMAIN = 'floorcpu';
const CONCURRENCY = 4;

export interface IsolatedCpuCase {
  name: string;
  rules: number | null;
  interactions: number;
  /** Workerd CPU per interaction, its idle rate subtracted (ms). */
  cpuMsPerInteraction: number;
  /** SMS that reached the Telnyx fake, of `interactions`. */
  sms: number;
}

export interface IsolatedCpuResult {
  rounds: number;
  cases: IsolatedCpuCase[];
  /** Workerd CPU of one D1 round trip through the bench's D1 server (SELECT 1), for scale (ms). */
  d1CallMs: number;
  /** Workerd CPU of one inbound request with an empty answer (miniflare's entry included), for scale (ms). */
  requestMs?: number;
  /** Workerd CPU of one send-slot call to the send pacer, both sides (it runs in the same workerd here) (ms). */
  pacerCallMs?: number;
  /** D1 round trips served per interaction with 1 rule (ingest + job). */
  d1CallsPerInteraction: number;
  /**
   * 1 rule, in phases: the webhooks alone, then their jobs in queue invocations of up to 10
   * messages, and (other tickets) of 1 message each (ms per interaction).
   */
  phases: { interactions: number; ingestMs: number; jobMs: number; jobAloneMs?: number };
  idleCpuMsPerS: { ours: number; floor: number };
  /**
   * Webhook ingest under load against the floor, same workerds, queue consumer not run
   * (bench/ingest-isolated.ts; issue 13's ingest goal). Absent in older result files.
   */
  ingest?: IsolatedIngestResult;
}

const log = (line: string) => console.log(`[cpu] ${line}`);

/**
 * N-1 rules that never match and 1 that does, as the API stores them (RuleInput output), straight
 * into the bench's database (also used by bench/cpu-profile.ts).
 */
export function storeRules(d1: RemoteD1, installationId: string, n: number, idPrefix = 'rule_cpu'): void {
  const definitions = [...Array.from({ length: n - 1 }, (_, i) => nonMatchingRule(i)), matchingRule()].map((r) => RuleInput.parse(r));
  const insert = d1.db.prepare(
    `INSERT INTO rules (id, installation_id, position, definition_json, version, created_by, updated_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, 1, 'bench', 'bench', ?, ?)`,
  );
  const now = new Date().toISOString();
  d1.db.exec('BEGIN');
  definitions.forEach((d, i) => {
    insert.run(`${idPrefix}${n}_${i}`, installationId, i, JSON.stringify(d), now, now);
  });
  d1.db.prepare('UPDATE installations SET rules_version = rules_version + 1 WHERE id = ?').run(installationId);
  d1.db.exec('COMMIT');
}

export async function runIsolatedCpuBench(opts: { quick: boolean }): Promise<IsolatedCpuResult> {
  const state = mkdtempSync(join(tmpdir(), 'pisms-bench-cpu-'));
  const fakes = await startFakes({ host: '127.0.0.1' });
  const d1 = await startRemoteD1();
  const stopAll = onCleanup('fakes and D1 server (cpu)', async () => {
    await d1.close();
    await fakes.close();
    removeState(state);
  });
  const perCase = opts.quick ? 40 : 100;
  const rounds = 2;
  try {
    fakes.telnyx.seedAccount(TELNYX_DEMO.apiKey, demoTelnyxAccount());
    const tickets = 20 + perCase * (rounds + 2);
    await zendeskControl(fakes.zendeskUrl).seedAccount(FLOOR_SUBDOMAIN, benchAccount(FLOOR_SUBDOMAIN, tickets));
    const oursPort = await freePort();
    const ours = await startWorkerDev({
      config: join(ROOT, 'bench', 'cpu-worker', 'wrangler.toml'),
      persistDir: join(state, 'ours'),
      logFile: join(state, 'ours.log'),
      port: oursPort,
      vars: {
        REMOTE_D1_URL: d1.url,
        ZENDESK_BASE_URL_TEMPLATE: `${fakes.zendeskUrl}/{subdomain}`,
        TELNYX_BASE_URL: `${fakes.telnyxUrl}/v2`,
        PUBLIC_BASE_URL: `http://127.0.0.1:${oursPort}`,
        SECRETS_KEY,
        PROVISIONING_TOKEN,
        SESSION_SECRET: 'bench-session-secret-for-cpu-bench-0123456789',
      },
    });
    const floor = await startWorkerDev({
      config: join(ROOT, 'bench', 'floor-worker', 'wrangler.toml'),
      persistDir: join(state, 'floor'),
      logFile: join(state, 'floor.log'),
      vars: {
        ZENDESK_BASE_URL_TEMPLATE: `${fakes.zendeskUrl}/{subdomain}`,
        ZENDESK_ACCESS_TOKEN: ZENDESK_DEMO.accessToken,
        WEBHOOK_SECRET: FLOOR_SECRET,
        TELNYX_BASE_URL: `${fakes.telnyxUrl}/v2`,
        TELNYX_API_KEY: TELNYX_DEMO.apiKey,
        TELNYX_FROM: SENDER,
        TELNYX_PROFILE_ID: TELNYX_DEMO.profiles.support,
      },
    });
    try {
      const oursPids = findWorkerd(ours.port);
      const floorPids = findWorkerd(floor.port);
      const oursEntry = (await findRuntimeEntry(oursPids.runtime)) ?? ours.url;
      const floorEntry = (await findRuntimeEntry(floorPids.runtime)) ?? floor.url;
      log(`ours runtime pid ${oursPids.runtime} at ${oursEntry}, floor runtime pid ${floorPids.runtime} at ${floorEntry}`);

      const provision = (subdomain: string) =>
        provisionTenant({
          workerUrl: oursEntry,
          zendeskUrl: fakes.zendeskUrl,
          telnyxUrl: fakes.telnyxUrl,
          provisioningToken: PROVISIONING_TOKEN,
          subdomain,
          tickets,
        });
      const one = await provision('cpuone');
      const many = await provision('cputhousand');
      storeRules(d1, one.id, 1);
      storeRules(d1, many.id, 1000);

      const watcher = await new SmsWatcher(fakes.telnyxUrl).start();
      const oursRun = (t: Tenant, n: number) => run(oursPids, watcher, takeTickets(t, n), t.subdomain, async (ticket) => {
        const { headers, body } = signedTrigger(t.webhookSecret, ticket);
        await expectStatus(await fetch(`${oursEntry}/v1/webhooks/zendesk/${t.id}`, { method: 'POST', headers, body }), 202);
        await drain(d1, oursEntry);
      });
      let floorTicket = 100_000;
      const floorRun = (n: number) =>
        run(floorPids, watcher, Array.from({ length: n }, () => floorTicket++), FLOOR_SUBDOMAIN, async (ticket) => {
          const { headers, body } = signedTrigger(FLOOR_SECRET, ticket);
          await expectStatus(await fetch(`${floorEntry}/v1/webhooks/zendesk/${FLOOR_SUBDOMAIN}`, { method: 'POST', headers, body }), 200);
        });

      // Warm-up: isolates, per-isolate caches (keys, ticket fields, compiled rules), JIT.
      await oursRun(one, 10);
      await oursRun(many, 10);
      await floorRun(10);
      const idleOurs = await idleCpuRate(oursPids);
      const idleFloor = await idleCpuRate(floorPids);

      const calls0 = d1.calls();
      await oursRun(one, 1);
      const d1CallsPerInteraction = d1.calls() - calls0;

      const totals = new Map<string, { cpu: number; n: number; sms: number }>();
      const add = (name: string, r: { cpu: number; n: number; sms: number }) => {
        const t = totals.get(name) ?? { cpu: 0, n: 0, sms: 0 };
        totals.set(name, { cpu: t.cpu + r.cpu, n: t.n + r.n, sms: t.sms + r.sms });
      };
      for (let round = 0; round < rounds; round++) {
        add('floor', await floorRun(perCase).then((r) => ({ ...r, cpu: r.cpu - idleFloor * r.wallS })));
        add('ours, 1 rule', await oursRun(one, perCase).then((r) => ({ ...r, cpu: r.cpu - idleOurs * r.wallS })));
        add('ours, 1,000 rules', await oursRun(many, perCase).then((r) => ({ ...r, cpu: r.cpu - idleOurs * r.wallS })));
        log(`round ${round + 1}: ${[...totals].map(([k, v]) => `${k} ${round2(v.cpu / v.n)} ms`).join(', ')}`);
      }

      // Where ours goes: the webhooks alone, then their jobs (batches of up to 10, as in production).
      const phaseTickets = takeTickets(one, perCase / 2);
      const p0 = cpuMs(oursPids.runtime);
      const pt0 = performance.now();
      await pool(phaseTickets, CONCURRENCY, async (ticket) => {
        const { headers, body } = signedTrigger(one.webhookSecret, ticket);
        await expectStatus(await fetch(`${oursEntry}/v1/webhooks/zendesk/${one.id}`, { method: 'POST', headers, body }), 202);
      });
      const p1 = cpuMs(oursPids.runtime);
      const pt1 = performance.now();
      await drain(d1, oursEntry);
      const p2 = cpuMs(oursPids.runtime);
      const pt2 = performance.now();
      // The same with one message per queue invocation (what a low rate gives).
      const aloneTickets = takeTickets(one, perCase / 2);
      await pool(aloneTickets, CONCURRENCY, async (ticket) => {
        const { headers, body } = signedTrigger(one.webhookSecret, ticket);
        await expectStatus(await fetch(`${oursEntry}/v1/webhooks/zendesk/${one.id}`, { method: 'POST', headers, body }), 202);
      });
      const a0 = cpuMs(oursPids.runtime);
      const at0 = performance.now();
      await drain(d1, oursEntry, 1);
      const a1 = cpuMs(oursPids.runtime);
      const at1 = performance.now();
      const phases = {
        interactions: phaseTickets.length,
        ingestMs: round2((p1 - p0 - idleOurs * ((pt1 - pt0) / 1000)) / phaseTickets.length),
        jobMs: round2((p2 - p1 - idleOurs * ((pt2 - pt1) / 1000)) / phaseTickets.length),
        jobAloneMs: round2((a1 - a0 - idleOurs * ((at1 - at0) / 1000)) / aloneTickets.length),
      };
      log(`phases (1 rule): ingest ${phases.ingestMs} ms, job ${phases.jobMs} ms (batches of 10), ${phases.jobAloneMs} ms (one per invocation) per interaction`);

      // One D1 round trip through the server, as the Worker pays it here.
      const probeN = 200;
      const c0 = cpuMs(oursPids.runtime);
      const t0 = performance.now();
      await expectStatus(await fetch(`${oursEntry}/__bench/d1-probe?n=${probeN}`), 200);
      const d1CallMs = (cpuMs(oursPids.runtime) - c0 - idleOurs * ((performance.now() - t0) / 1000)) / probeN;

      // One inbound request that does nothing: what every webhook and queue invocation pays here.
      const q0 = cpuMs(oursPids.runtime);
      const qt0 = performance.now();
      for (let i = 0; i < probeN; i++) await expectStatus(await fetch(`${oursEntry}/__bench/noop`), 200);
      const requestMs = (cpuMs(oursPids.runtime) - q0 - idleOurs * ((performance.now() - qt0) / 1000)) / probeN;

      // Ingest under load, ours against the floor (issue 13's ingest goal): bench/ingest-isolated.ts.
      const ingest = await runIsolatedIngestLoad({
        ours: { pids: oursPids, url: `${oursEntry}/v1/webhooks/zendesk/${one.id}`, secret: one.webhookSecret, idleCpuMsPerS: idleOurs },
        floor: {
          pids: floorPids,
          url: `${floorEntry}/v1/webhooks/zendesk/${FLOOR_SUBDOMAIN}`,
          secret: FLOOR_SECRET,
          idleCpuMsPerS: idleFloor,
          tickets: Array.from({ length: 20 }, (_, i) => FIRST_BENCH_TICKET + i),
        },
        d1,
        levels: [1, 16, 32],
        // Four rounds in a full run: ours and the floor are close, and one round's req/s moves by
        // a fifth with the machine's load.
        rounds: opts.quick ? 2 : 4,
        durationMs: 2000,
        maxRequests: 3000,
      });
      // One send-slot call to the send pacer (a Durable Object of its own, a rate never reached).
      const s0 = cpuMs(oursPids.runtime);
      const st0 = performance.now();
      await expectStatus(await fetch(`${oursEntry}/__bench/pacer-probe?n=${probeN}`), 200);
      const pacerCallMs = (cpuMs(oursPids.runtime) - s0 - idleOurs * ((performance.now() - st0) / 1000)) / probeN;

      const rulesOf = (name: string) => (name === 'floor' ? null : name.includes('1,000') ? 1000 : 1);
      return {
        rounds,
        cases: [...totals].map(([name, v]) => ({
          name,
          rules: rulesOf(name),
          interactions: v.n,
          cpuMsPerInteraction: round2(v.cpu / v.n),
          sms: v.sms,
        })),
        d1CallMs: round(d1CallMs, 3),
        requestMs: round(requestMs, 3),
        pacerCallMs: round(pacerCallMs, 3),
        d1CallsPerInteraction,
        phases,
        idleCpuMsPerS: { ours: round(idleOurs, 2), floor: round(idleFloor, 2) },
        ingest,
      };
    } finally {
      await ours.stop();
      await floor.stop();
    }
  } finally {
    await stopAll();
  }
}

const round2 = (v: number) => round(v, 2);

/** Queue invocations of up to 10 due messages until none is left (delayed ones are not due: none here). */
async function drain(d1: RemoteD1, entry: string, batchSize = 10): Promise<void> {
  for (let messages = d1.take(batchSize); messages.length > 0; messages = d1.take(batchSize)) {
    const due = messages.filter((m) => m.delaySeconds === 0);
    if (due.length === 0) continue;
    await expectStatus(
      await fetch(`${entry}/__bench/queue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: due }) }),
      200,
    );
  }
}

async function expectStatus(res: Response, status: number): Promise<void> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 300)}`);
}

/** `fire` per ticket, CONCURRENCY at a time; CPU of the runtime workerd around it; SMS counted. */
async function run(
  pids: WorkerdPids,
  watcher: SmsWatcher,
  tickets: number[],
  subdomain: string,
  fire: (ticket: number) => Promise<void>,
): Promise<{ cpu: number; wallS: number; n: number; sms: number }> {
  const c0 = cpuMs(pids.runtime);
  const t0 = performance.now();
  await pool(tickets, CONCURRENCY, fire);
  const cpu = cpuMs(pids.runtime) - c0;
  const wallS = (performance.now() - t0) / 1000;
  const missing = await watcher.waitFor(
    tickets.map((t) => `${subdomain} ${t}`),
    10_000,
    pids.runtime,
  );
  return { cpu, wallS, n: tickets.length, sms: tickets.length - missing.length };
}
