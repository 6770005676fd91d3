// Measurement primitives shared by the product's worker and the floor: fire signed webhooks,
// watch the Telnyx fake for the SMS they cause (end-to-end latency), and take the worker's CPU
// time from /proc around a run. The webhook → SMS link is the ticket subject in the SMS text
// ("Bench ticket <subdomain> <id>"), which both workers put in the message.
import { telnyxControl, zendeskControl } from '../test/fakes/control-client.ts';
import { existsSync } from 'node:fs';
import { cpuMs, percentile, round, RuntimeGone, sleep } from './harness.ts';
import type { WorkerdPids } from './harness.ts';
import { pool, signedTrigger } from './tenants.ts';

export interface Target {
  /** Base URL the webhooks go to (the runtime's own entry, not wrangler's dev proxy). */
  baseUrl: string;
  pids: WorkerdPids;
  telnyxUrl: string;
  zendeskUrl: string;
}

export interface Shot {
  subdomain: string;
  /** Path id in /v1/webhooks/zendesk/<pathId>: the installation id (ours) or the subdomain (floor). */
  pathId: string;
  secret: string;
  ticket: number;
}

export interface ShotResult {
  key: string;
  sentAt: number;
  ingestMs: number;
  status: number;
  smsAt?: number;
}

const keyOf = (subdomain: string, ticket: number | string) => `${subdomain} ${ticket}`;

/** Follows the Telnyx fake's request log (POST /v2/messages) from a cursor. */
export class SmsWatcher {
  readonly arrivals = new Map<string, number>();
  #since = 0;
  #control: ReturnType<typeof telnyxControl>;
  constructor(telnyxUrl: string) {
    this.#control = telnyxControl(telnyxUrl);
  }
  async start(): Promise<this> {
    this.#since = (await this.#control.requests({ since: Number.MAX_SAFE_INTEGER })).last;
    return this;
  }
  async poll(): Promise<void> {
    const page = await this.#control.requests({ since: this.#since, method: 'POST', pathPattern: '/v2/messages$' });
    this.#since = Math.max(this.#since, page.last);
    for (const r of page.requests) {
      const text = String((r.body as { text?: unknown } | null)?.text ?? '');
      const m = /Bench ticket (\S+) (\d+)/.exec(text);
      if (m) this.arrivals.set(keyOf(m[1] as string, m[2] as string), Date.parse(r.time));
    }
  }
  /** Waits until every key has arrived; returns the keys still missing at the timeout. */
  async waitFor(keys: readonly string[], timeoutMs: number, runtimePid?: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (runtimePid !== undefined && !existsSync(`/proc/${runtimePid}`)) throw new RuntimeGone(runtimePid);
      await this.poll();
      const missing = keys.filter((k) => !this.arrivals.has(k));
      if (missing.length === 0 || Date.now() > deadline) return missing;
      await sleep(50);
    }
  }
}

async function fire(target: Target, shot: Shot): Promise<ShotResult> {
  const { headers, body } = signedTrigger(shot.secret, shot.ticket);
  const sentAt = Date.now();
  const t0 = performance.now();
  let status = 0;
  try {
    const res = await fetch(`${target.baseUrl}/v1/webhooks/zendesk/${shot.pathId}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(30_000),
    });
    status = res.status;
    await res.arrayBuffer();
  } catch {
    status = 0;
  }
  return { key: keyOf(shot.subdomain, shot.ticket), sentAt, ingestMs: performance.now() - t0, status };
}

export interface RunOptions {
  /** Webhooks in flight at once (closed loop). */
  concurrency: number;
  /** Open loop instead: start one webhook every `intervalMs`, regardless of answers. */
  intervalMs?: number;
  /** How long to wait for the last SMS. */
  timeoutMs?: number;
  /** Extra wait after the last SMS before CPU is read (the worker records Telnyx's answer). */
  settleMs?: number;
}

export interface RunResult {
  interactions: number;
  delivered: number;
  ok2xx: number;
  /** Interactions per second from the first webhook to the last SMS. */
  throughputPerS: number;
  e2e: { p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number };
  ingest: { p50Ms: number; p99Ms: number };
  /** Runtime workerd CPU per interaction, idle CPU subtracted (ms). */
  cpuMsPerInteraction: number;
  /** wrangler's dev proxy CPU per interaction (not in production; reported apart). */
  proxyCpuMsPerInteraction: number | null;
  wallS: number;
  zendeskApiCalls: number | null;
}

/** Runtime CPU ms per second while nothing is sent (timers, queue polling), over `ms`. */
export async function idleCpuRate(pids: WorkerdPids, ms = 1500): Promise<number> {
  const c0 = cpuMs(pids.runtime);
  const t0 = performance.now();
  await sleep(ms);
  return (cpuMs(pids.runtime) - c0) / ((performance.now() - t0) / 1000);
}

/**
 * Fires the shots, waits for every SMS, and reports throughput, end-to-end and ingest latency,
 * and CPU per interaction. Zendesk API calls are counted per subdomain when `countZendeskFor` is
 * given.
 */
export async function runInteractions(
  target: Target,
  shots: Shot[],
  o: RunOptions,
  idleRate: number,
  countZendeskFor?: string[],
): Promise<RunResult> {
  const watcher = await new SmsWatcher(target.telnyxUrl).start();
  const zd = zendeskControl(target.zendeskUrl);
  const zdSince = countZendeskFor ? (await zd.requests({ since: Number.MAX_SAFE_INTEGER })).last : 0;
  const cpu0 = cpuMs(target.pids.runtime);
  const proxy0 = target.pids.proxy ? cpuMs(target.pids.proxy) : 0;
  const t0 = performance.now();

  let results: ShotResult[];
  if (o.intervalMs) {
    const pending: Array<Promise<ShotResult>> = [];
    for (const shot of shots) {
      pending.push(fire(target, shot));
      await sleep(o.intervalMs);
    }
    results = await Promise.all(pending);
  } else {
    results = await pool(shots, o.concurrency, (shot) => fire(target, shot));
  }
  const missing = await watcher.waitFor(
    results.map((r) => r.key),
    o.timeoutMs ?? 60_000,
    target.pids.runtime,
  );
  await sleep(o.settleMs ?? 400);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = cpuMs(target.pids.runtime) - cpu0 - idleRate * wallS;
  const proxyCpu = target.pids.proxy ? cpuMs(target.pids.proxy) - proxy0 : null;

  let zendeskApiCalls: number | null = null;
  if (countZendeskFor) {
    const page = await zd.requests({ since: zdSince });
    zendeskApiCalls = page.requests.filter(
      (r) => r.path.includes('/api/v2/') && countZendeskFor.some((s) => r.path.startsWith(`/${s}/`)),
    ).length;
  }

  for (const r of results) r.smsAt = watcher.arrivals.get(r.key);
  const e2e = results.filter((r) => r.smsAt !== undefined).map((r) => (r.smsAt as number) - r.sentAt);
  const firstSent = Math.min(...results.map((r) => r.sentAt));
  const lastSms = Math.max(...results.map((r) => r.smsAt ?? 0));
  const n = shots.length;
  if (missing.length) console.error(`[bench] ${missing.length} of ${n} SMS did not arrive (e.g. ${missing.slice(0, 3).join(', ')})`);
  return {
    interactions: n,
    delivered: e2e.length,
    ok2xx: results.filter((r) => r.status >= 200 && r.status < 300).length,
    throughputPerS: round(e2e.length / Math.max(0.001, (lastSms - firstSent) / 1000), 1),
    e2e: {
      p50Ms: round(percentile(e2e, 50), 1),
      p90Ms: round(percentile(e2e, 90), 1),
      p99Ms: round(percentile(e2e, 99), 1),
      maxMs: round(percentile(e2e, 100), 1),
    },
    ingest: {
      p50Ms: round(
        percentile(
          results.map((r) => r.ingestMs),
          50,
        ),
      ),
      p99Ms: round(
        percentile(
          results.map((r) => r.ingestMs),
          99,
        ),
      ),
    },
    cpuMsPerInteraction: round(cpu / n, 3),
    proxyCpuMsPerInteraction: proxyCpu === null ? null : round(proxyCpu / n, 3),
    wallS: round(wallS, 2),
    zendeskApiCalls,
  };
}
