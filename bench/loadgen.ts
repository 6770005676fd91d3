// Closed-loop HTTP load generator for the webhook endpoints, run as its own process so it does
// not share an event loop with the fakes. `connections` keep-alive connections each send the next
// request as soon as the previous answer arrives, until `durationMs` or `maxRequests`. Every
// request is a distinct trigger webhook (new ticket id) signed like Zendesk signs it, so none is
// deduplicated. Latency is measured per request with hrtime (sub-millisecond), from writing the
// request to the end of the answer. 127.0.0.1 only.
//   node bench/loadgen.ts '{"url":"http://127.0.0.1:8787/v1/webhooks/zendesk/inst_x","secret":"...","connections":8,"durationMs":3000,"maxRequests":5000}'
// Prints one JSON line (LoadResult).
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { signZendeskWebhook, zendeskTimestamp } from '../test/fakes/zendesk-signature.ts';
import { onCleanup } from './harness.ts';

export interface LoadOptions {
  url: string;
  secret: string;
  connections: number;
  durationMs: number;
  maxRequests: number;
  /** Requests per connection sent before measuring starts (not counted). */
  warmupPerConnection?: number;
  /** Ticket ids are `${ticketPrefix}${counter}`; pick a prefix no other run uses. */
  ticketPrefix: string;
  /** Body template: the trigger body by default, or a fixed ticket list for the floor. */
  tickets?: number[];
  /** Also return every latency (ms), so runs can be pooled before taking percentiles. */
  keepLatencies?: boolean;
}

export interface LoadResult {
  connections: number;
  requests: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  statuses: Record<string, number>;
  errors: number;
  /** Every measured request's latency (ms), when `keepLatencies` was asked. */
  latenciesMs?: number[];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const target = new URL(o.url);
  if (target.hostname !== '127.0.0.1') throw new Error('loadgen only targets 127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  let counter = 0;
  let stampSecond = -1;
  let stamp = '';
  const nextBody = (): { body: string; headers: Record<string, string> } => {
    const i = counter++;
    const ticket = o.tickets ? o.tickets[i % o.tickets.length] : `${o.ticketPrefix}${i}`;
    const body = JSON.stringify({ ticket_id: String(ticket), event: 'ticket_solved' });
    const sec = Math.floor(Date.now() / 1000);
    if (sec !== stampSecond) {
      stampSecond = sec;
      stamp = zendeskTimestamp(new Date(sec * 1000));
    }
    return {
      body,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'x-zendesk-webhook-signature': signZendeskWebhook(o.secret, body, stamp),
        'x-zendesk-webhook-signature-timestamp': stamp,
      },
    };
  };

  const once = () =>
    new Promise<number>((resolve) => {
      const { body, headers } = nextBody();
      const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      });
      req.on('error', () => resolve(0));
      req.end(body);
    });

  for (let w = 0; w < (o.warmupPerConnection ?? 0); w++) await Promise.all(Array.from({ length: o.connections }, once));

  const latencies = new Float64Array(o.maxRequests);
  const statuses: Record<string, number> = {};
  let issued = 0;
  let done = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + o.durationMs;
  const lane = async () => {
    while (issued < o.maxRequests && performance.now() < deadline) {
      issued++;
      const t0 = process.hrtime.bigint();
      const status = await once();
      latencies[done++] = Number(process.hrtime.bigint() - t0) / 1e6;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 0) errors++;
    }
  };
  await Promise.all(Array.from({ length: o.connections }, lane));
  const durationS = (performance.now() - started) / 1000;
  agent.destroy();

  const sample = latencies.slice(0, done).sort();
  const mean = sample.reduce((a, b) => a + b, 0) / Math.max(1, sample.length);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    connections: o.connections,
    requests: done,
    durationS: r(durationS),
    rps: Math.round(done / durationS),
    p50Ms: r(percentile(sample, 50)),
    p90Ms: r(percentile(sample, 90)),
    p99Ms: r(percentile(sample, 99)),
    maxMs: r(percentile(sample, 100)),
    meanMs: r(mean),
    statuses,
    errors,
    ...(o.keepLatencies ? { latenciesMs: Array.from(sample, (v) => Math.round(v * 1000) / 1000) } : {}),
  };
}

/** Runs the load in a child Node process (its own event loop and CPU), killed on timeout. */
export function runLoadInChild(o: LoadOptions, timeoutMs = o.durationMs + 60_000): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(o)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const stop = onCleanup('loadgen', async () => {
      child.kill('SIGKILL');
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      void stop();
      if (code !== 0) reject(new Error(`loadgen exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult);
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
  runLoad(options)
    .then((result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
