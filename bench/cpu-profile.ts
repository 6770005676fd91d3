// Where the Worker's own CPU goes per interaction: a V8 CPU profile of the product's worker in the
// `cpu` section's setup (bench/cpu-worker: D1 and the queue served from this process, so the
// isolate runs the Worker's JavaScript only), taken through wrangler's DevTools inspector with the
// Chrome DevTools Protocol (Profiler.start / Profiler.stop,
// https://chromedevtools.github.io/devtools-protocol/tot/Profiler/). The profile is written as a
// .cpuprofile (open it in Chrome DevTools' Performance panel) and summarised: self time by module
// of the bundle (esbuild marks each module with a `// path` comment) and by function.
// Not part of `npm run bench` (profiling slows the isolate; the figures are shares, not costs):
//   node bench/cpu-profile.ts [--interactions=200] [--rules=1] [--sampling-us=250] [--jobs-batch=N] [--out=bench-results/cpu.cpuprofile]
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startFakes } from '../test/fakes/index.ts';
import { demoTelnyxAccount, TELNYX_DEMO } from '../test/fakes/telnyx-data.ts';
import { cleanupAll, findRuntimeEntry, findWorkerd, freePort, installSignalHandlers, ROOT, startWorkerDev } from './harness.ts';
import { storeRules } from './cpu-isolated.ts';
import { startRemoteD1 } from './remote-d1.ts';
import { SmsWatcher } from './measure.ts';
import { pool, provisionTenant, signedTrigger, takeTickets } from './tenants.ts';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const INTERACTIONS = Number(arg('interactions', '200'));
const RULES = Number(arg('rules', '1'));
const OUT = arg('out', join(ROOT, 'bench-results', 'cpu.cpuprofile'));
const SAMPLING_US = Number(arg('sampling-us', '250'));
/** > 0: profile the queue jobs alone, in invocations of this many messages (the webhooks go first, unprofiled). */
const JOBS_BATCH = Number(arg('jobs-batch', '0'));
const CONCURRENCY = 4;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A CDP session over WebSocket (Node 22's global WebSocket). */
async function cdp(url: string) {
  // Wrangler's inspector proxy accepts DevTools from a local Origin only
  // (node_modules/wrangler/wrangler-dist/InspectorProxyWorker.js); undici's WebSocket takes headers.
  const ws = new WebSocket(url, { headers: { origin: 'http://localhost' } } as unknown as string[]);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', (e) => reject(new Error(`inspector: ${String((e as ErrorEvent).message ?? e.type)}`)), { once: true });
  });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener('message', (event) => {
    const msg = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (msg.id === undefined) return;
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error) w?.reject(new Error(msg.error.message));
    else w?.resolve(msg.result);
  });
  ws.addEventListener('close', () => {
    for (const w of waiting.values()) w.reject(new Error('inspector closed'));
  });
  return {
    send: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** The bundle wrangler built for the config's dir: the newest .wrangler/tmp/dev-* /index.js. */
function newestBundle(configDir: string): string | null {
  const tmp = join(configDir, '.wrangler', 'tmp');
  let best: { path: string; mtime: number } | null = null;
  for (const dir of readdirSync(tmp)) {
    const path = join(tmp, dir, 'index.js');
    try {
      const mtime = statSync(path).mtimeMs;
      if (!best || mtime > best.mtime) best = { path, mtime };
    } catch {
      // Not a bundle folder.
    }
  }
  return best?.path ?? null;
}

/** Module of each bundle line, from esbuild's `// path/to/module.ts` markers (0-based lines). */
function moduleOfLines(bundle: string): string[] {
  const modules: string[] = [];
  let current = '(bundle)';
  for (const line of bundle.split('\n')) {
    const m = /^\/\/ (\S+\.(?:[cm]?[jt]sx?|json))$/.exec(line);
    if (m?.[1]) current = m[1].replace(/^(\.\.\/)+/, '').replace(/^node_modules\/\.pnpm\/[^/]+\/node_modules\//, 'node_modules/');
    modules.push(current);
  }
  return modules;
}

/** Groups a module path: a package for node_modules, the file otherwise. */
function packageOf(module: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  return m?.[1] ? `pkg:${m[1]}` : module;
}

function summarise(profile: Profile, lineModules: string[], bundleUrlPart: string, interactions: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const totalUs = profile.endTime - profile.startTime;
  const where = (f: CallFrame) => {
    if (f.url.includes(bundleUrlPart) || f.url.endsWith('index.js')) return lineModules[f.lineNumber] ?? '(bundle)';
    return f.url ? `(runtime) ${f.url}` : f.functionName ? `(native)` : '(vm)';
  };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const byModule = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const f = node.callFrame;
    const special = ['(idle)', '(program)', '(garbage collector)', '(root)'].includes(f.functionName);
    const module = special ? f.functionName : where(f);
    add(byModule, module, us);
    add(byPackage, special ? f.functionName : packageOf(module), us);
    add(byFunction, `${f.functionName || '(anonymous)'}  ${module}:${f.lineNumber + 1}`, us);
  }
  // Inclusive time of the worker's own entry points (a node's subtree, counted once per stack).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (!node) break;
      const f = node.callFrame;
      if (!f.functionName) continue;
      const module = where(f);
      if (!module.startsWith('edge-worker/') && !module.startsWith('shared/')) continue;
      const key = `${f.functionName}  ${module}`;
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, us);
    }
  }
  // Each sample charged to the nearest of the worker's own functions on its stack (the library,
  // native and runtime frames it called included): where the worker's code spends, flat.
  const byOwnCaller = new Map<string, number>();
  const packageByOwnCaller = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const own = byId.get(id)?.callFrame;
    const ownPackage = own ? packageOf(where(own)) : '?';
    let key = own?.functionName ?? '?';
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (!f) break;
      const module = where(f);
      if (module.startsWith('edge-worker/') || module.startsWith('shared/')) {
        key = `${f.functionName || '(anonymous)'}  ${module}:${f.lineNumber + 1}`;
        break;
      }
    }
    add(byOwnCaller, key, us);
    if (ownPackage.startsWith('pkg:')) add(packageByOwnCaller, `${ownPackage} <- ${key}`, us);
  }
  const busyUs = totalUs - (byModule.get('(idle)') ?? 0);
  const table = (title: string, m: Map<string, number>, n: number) =>
    [
      `\n${title}`,
      ...[...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k, us]) => `${(us / 1000 / interactions).toFixed(3).padStart(8)} ms/int.  ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${k}`),
    ].join('\n');
  return [
    `profile: ${(totalUs / 1e6).toFixed(1)} s wall, ${(busyUs / 1000).toFixed(0)} ms busy (not idle) for ${interactions} interactions = ${(busyUs / 1000 / interactions).toFixed(2)} ms/int. in the isolate's thread (profiler overhead included)`,
    table('self time by package / file', byPackage, 30),
    table('self time by module', byModule, 40),
    table('self time by function', byFunction, 50),
    table("self time charged to the nearest of the worker's own functions", byOwnCaller, 50),
    table("libraries' self time by the worker's own function that called them", packageByOwnCaller, 30),
    table("inclusive time of the worker's own functions", inclusive, 50),
  ].join('\n');
}

async function main(): Promise<void> {
  const state = mkdtempSync(join(tmpdir(), 'pisms-bench-profile-'));
  const fakes = await startFakes({ host: '127.0.0.1' });
  const d1 = await startRemoteD1();
  try {
    fakes.telnyx.seedAccount(TELNYX_DEMO.apiKey, demoTelnyxAccount());
    const port = await freePort();
    const inspectorPort = await freePort();
    const configDir = join(ROOT, 'bench', 'cpu-worker');
    const worker = await startWorkerDev({
      config: join(configDir, 'wrangler.toml'),
      persistDir: join(state, 'ours'),
      logFile: join(state, 'ours.log'),
      port,
      inspectorPort,
      vars: {
        REMOTE_D1_URL: d1.url,
        ZENDESK_BASE_URL_TEMPLATE: `${fakes.zendeskUrl}/{subdomain}`,
        TELNYX_BASE_URL: `${fakes.telnyxUrl}/v2`,
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        SECRETS_KEY: Buffer.from('bench-secrets-key-for-cpu-bench!').toString('base64'),
        PROVISIONING_TOKEN: 'bench-provisioning-token-0123456789',
        SESSION_SECRET: 'bench-session-secret-for-cpu-bench-0123456789',
      },
    });
    const pids = findWorkerd(worker.port);
    const entry = (await findRuntimeEntry(pids.runtime)) ?? worker.url;
    const tenant = await provisionTenant({
      workerUrl: entry,
      zendeskUrl: fakes.zendeskUrl,
      telnyxUrl: fakes.telnyxUrl,
      provisioningToken: 'bench-provisioning-token-0123456789',
      subdomain: 'cpuprofile',
      tickets: INTERACTIONS + 40,
    });
    storeRules(d1, tenant.id, RULES, 'rule_prof');
    const watcher = await new SmsWatcher(fakes.telnyxUrl).start();
    const webhook = async (ticket: number) => {
      const { headers, body } = signedTrigger(tenant.webhookSecret, ticket);
      const res = await fetch(`${entry}/v1/webhooks/zendesk/${tenant.id}`, { method: 'POST', headers, body });
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    };
    /** Queue invocations of up to `batch` due messages until none is left (as bench/cpu-isolated.ts). */
    const drain = async (batch: number) => {
      for (let m = d1.take(batch); m.length > 0; m = d1.take(batch)) {
        const due = m.filter((x) => x.delaySeconds === 0);
        if (!due.length) continue;
        const q = await fetch(`${entry}/__bench/queue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: due }) });
        if (q.status !== 200) throw new Error(`queue answered ${q.status}: ${await q.text()}`);
      }
    };
    const sms = (tickets: number[]) =>
      watcher.waitFor(
        tickets.map((t) => `cpuprofile ${t}`),
        10_000,
        pids.runtime,
      );
    // As the cpu section's rounds: each webhook, then the queue's due messages (CONCURRENCY in flight).
    const interact = async (tickets: number[]) => {
      await pool(tickets, CONCURRENCY, async (ticket) => {
        await webhook(ticket);
        await drain(10);
      });
      return sms(tickets);
    };
    // Warm-up: isolate, per-isolate caches, JIT.
    await interact(takeTickets(tenant, 20));

    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{ webSocketDebuggerUrl?: string; title?: string }>;
    const target = targets.find((t) => t.webSocketDebuggerUrl);
    if (!target?.webSocketDebuggerUrl) throw new Error(`no inspector target: ${JSON.stringify(targets)}`);
    console.log(`[profile] inspector target ${target.title ?? ''} ${target.webSocketDebuggerUrl}`);
    const session = await cdp(target.webSocketDebuggerUrl);
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
    const tickets = takeTickets(tenant, INTERACTIONS);
    let missing: string[];
    if (JOBS_BATCH > 0) {
      // The jobs alone: the webhooks first (not profiled), then queue invocations of JOBS_BATCH.
      await pool(tickets, CONCURRENCY, webhook);
      await session.send('Profiler.start');
      await drain(JOBS_BATCH);
      missing = await sms(tickets);
    } else {
      await session.send('Profiler.start');
      missing = await interact(tickets);
    }
    const { profile } = await session.send<{ profile: Profile }>('Profiler.stop');
    session.close();
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify(profile));
    const bundlePath = newestBundle(configDir);
    const bundle = bundlePath ? readFileSync(bundlePath, 'utf8') : '';
    // Kept beside the profile: the line numbers in the summary are the bundle's.
    writeFileSync(`${OUT}.bundle.js`, bundle);
    const lineModules = moduleOfLines(bundle);
    console.log(`[profile] ${tickets.length} interactions, ${tickets.length - missing.length} SMS, ${RULES} rule(s); profile written to ${OUT}; bundle ${bundlePath}`);
    console.log(summarise(profile, lineModules, '.wrangler/tmp', tickets.length));
  } finally {
    await cleanupAll();
    await d1.close();
    await fakes.close();
  }
}

installSignalHandlers();
main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => process.stdout.write('', () => process.exit()));
