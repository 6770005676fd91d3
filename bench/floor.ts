// The floor, measured the same way as the product's worker in the same run: bench/floor-worker on
// `wrangler dev` (same workerd, same compatibility settings), with its own Zendesk and Telnyx
// fakes on 127.0.0.1. Same interaction counts, concurrency and load generator as worker-bench.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zendeskControl } from '../test/fakes/control-client.ts';
import { startFakes } from '../test/fakes/index.ts';
import { demoTelnyxAccount, TELNYX_DEMO } from '../test/fakes/telnyx-data.ts';
import { ZENDESK_DEMO } from '../test/fakes/zendesk-data.ts';
import { findRuntimeEntry, findWorkerd, freePort, memoryMB, onCleanup, ROOT, round, startWorkerDev, removeState } from './harness.ts';
import { runLoadInChild } from './loadgen.ts';
import type { LoadResult } from './loadgen.ts';
import { idleCpuRate, runInteractions } from './measure.ts';
import type { RunResult, Shot, Target } from './measure.ts';
import { benchAccount, FIRST_BENCH_TICKET, SENDER } from './tenants.ts';
import type { Sizes } from './worker-bench.ts';

const SUBDOMAIN = 'floor';
const SECRET = 'whsec_bench_floor_0123456789abcdef';

export interface FloorResult {
  entry: string;
  idleCpuMsPerS: number;
  lowRate: RunResult;
  burst: RunResult;
  load: LoadResult[];
  memory: { idleMB: number; peakMB: number };
}

const log = (line: string) => console.log(`[floor] ${line}`);

export async function runFloorBench(s: Sizes): Promise<FloorResult> {
  const state = mkdtempSync(join(tmpdir(), 'pisms-bench-floor-'));
  const fakes = await startFakes({ host: '127.0.0.1' });
  const stopFakes = onCleanup('fakes (floor)', async () => {
    await fakes.close();
    removeState(state);
  });
  try {
    const tickets = 40 + s.lowRate + s.burst;
    await zendeskControl(fakes.zendeskUrl).seedAccount(SUBDOMAIN, benchAccount(SUBDOMAIN, tickets));
    fakes.telnyx.seedAccount(TELNYX_DEMO.apiKey, demoTelnyxAccount());
    const port = await freePort();
    const dev = await startWorkerDev({
      config: join(ROOT, 'bench', 'floor-worker', 'wrangler.toml'),
      persistDir: join(state, 'state'),
      logFile: join(state, 'worker.log'),
      port,
      vars: {
        ZENDESK_BASE_URL_TEMPLATE: `${fakes.zendeskUrl}/{subdomain}`,
        ZENDESK_ACCESS_TOKEN: ZENDESK_DEMO.accessToken,
        WEBHOOK_SECRET: SECRET,
        TELNYX_BASE_URL: `${fakes.telnyxUrl}/v2`,
        TELNYX_API_KEY: TELNYX_DEMO.apiKey,
        TELNYX_FROM: SENDER,
        TELNYX_PROFILE_ID: TELNYX_DEMO.profiles.support,
      },
    });
    try {
      const pids = findWorkerd(dev.port);
      const entry = (await findRuntimeEntry(pids.runtime)) ?? dev.url;
      log(`floor runtime pid ${pids.runtime}; webhooks go to ${entry}`);
      const target: Target = { baseUrl: entry, pids, telnyxUrl: fakes.telnyxUrl, zendeskUrl: fakes.zendeskUrl };
      let next = FIRST_BENCH_TICKET;
      const shots = (n: number): Shot[] =>
        Array.from({ length: n }, () => ({ subdomain: SUBDOMAIN, pathId: SUBDOMAIN, secret: SECRET, ticket: next++ }));

      await runInteractions(target, shots(20), { concurrency: 4 }, 0);
      const idle = await idleCpuRate(pids);
      const memIdle = memoryMB(pids.runtime);
      const lowRate = await runInteractions(target, shots(s.lowRate), { concurrency: 1, intervalMs: 250 }, idle, [SUBDOMAIN]);
      log(`low rate: e2e p50 ${lowRate.e2e.p50Ms} ms, p99 ${lowRate.e2e.p99Ms} ms`);
      const burst = await runInteractions(target, shots(s.burst), { concurrency: s.burstConcurrency }, idle, [SUBDOMAIN]);
      log(`burst: ${burst.throughputPerS} interactions/s, e2e p50 ${burst.e2e.p50Ms} ms, CPU ${burst.cpuMsPerInteraction} ms/interaction`);

      // The same load generator as the product's ingest; every request is a whole interaction here.
      const ticketList = Array.from({ length: 20 }, (_, i) => FIRST_BENCH_TICKET + i);
      const load: LoadResult[] = [];
      for (const connections of s.ingestConcurrencies) {
        const r = await runLoadInChild({
          url: `${entry}/v1/webhooks/zendesk/${SUBDOMAIN}`,
          secret: SECRET,
          connections,
          durationMs: s.ingestMs,
          maxRequests: s.ingestMaxRequests,
          warmupPerConnection: 5,
          ticketPrefix: '',
          tickets: ticketList,
        });
        log(
          `load ${connections} connection(s): ${r.rps} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, statuses ${JSON.stringify(r.statuses)}`,
        );
        load.push(r);
      }
      return {
        entry,
        idleCpuMsPerS: round(idle, 2),
        lowRate,
        burst,
        load,
        memory: { idleMB: memIdle.rssMB, peakMB: memoryMB(pids.runtime).peakRssMB },
      };
    } finally {
      await dev.stop();
    }
  } finally {
    await stopFakes();
  }
}
