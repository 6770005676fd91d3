// The product's worker (edge-worker/src/index.ts, unchanged) with env.DB and env.SEND_QUEUE served
// by the bench process over HTTP (bench/remote-d1.ts), so the workerd this runs in does nothing
// but the Worker's own work: its CPU per interaction is the Worker's, apart from the local
// D1 / Queues emulation that otherwise shares the process. Each D1 call is one fetch with the SQL
// and parameters as JSON and the rows back as JSON, as the real binding's JavaScript wrapper
// does: workerd's D1 binding is a wrapped binding (module `cloudflare-internal:d1-api`, as
// miniflare configures it: node_modules/miniflare/dist/src/index.js) that posts each query to a
// fetcher, locally miniflare's D1 worker answering `/query` and `/execute`
// (node_modules/miniflare/dist/src/workers/d1/database.worker.js). A queue send is one fetch too.
//   POST /__bench/queue   {messages}: one queue invocation with the messages the bench took from
//                         its queue server (up to 10: max_batch_size in /wrangler.toml).
//   GET  /__bench/d1-probe?n=  n sequential `SELECT 1` round trips (the cost of one D1 call here).
//   GET  /__bench/noop    an empty answer.
//   GET  /__bench/pacer-probe?n=  n sequential send-slot calls to a SenderPacer of its own, at a
//                         rate that never waits (the cost of one pacer round trip here, both sides).
// Bench only.
import type { Env } from '../../edge-worker/src/env.ts';
import worker from '../../edge-worker/src/index.ts';
import type { Job } from '../../edge-worker/src/jobs.ts';
import type { SenderPacer } from '../../edge-worker/src/send/sender-pacer.ts';

// The product's Durable Object classes, exported from this entry as wrangler.toml declares them.
export { SenderPacer } from '../../edge-worker/src/index.ts';

interface BenchEnv extends Omit<Env, 'DB' | 'SEND_QUEUE'> {
  REMOTE_D1_URL: string;
}

type Param = string | number | null;

function toParam(value: unknown): Param {
  if (value === null || value === undefined) {
    if (value === undefined) throw new Error('D1_TYPE_ERROR: undefined is not a supported bind value');
    return null;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw new Error(`D1_TYPE_ERROR: unsupported bind value of type ${typeof value}`);
}

interface Result {
  success: boolean;
  results: Array<Record<string, unknown>>;
  meta: Record<string, number>;
}

async function query(url: string, statements: Array<{ sql: string; params: Param[] }>, batch: boolean): Promise<Result[]> {
  const res = await fetch(`${url}/d1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ statements, batch }),
  });
  const body = (await res.json()) as { results?: Result[]; error?: string };
  if (!res.ok || !body.results) throw new Error(body.error ?? `D1 server answered ${res.status}`);
  return body.results;
}

const statementOf = new WeakMap<object, { sql: string; params: Param[] }>();

function statement(url: string, sql: string, params: Param[]): D1PreparedStatement {
  const one = async () => (await query(url, [{ sql, params }], false))[0] as Result;
  const stmt = {
    bind: (...values: unknown[]) => statement(url, sql, values.map(toParam)),
    first: async (column?: string) => {
      const row = (await one()).results[0] ?? null;
      if (column === undefined) return row;
      return row ? (row[column] ?? null) : null;
    },
    all: one,
    run: one,
    raw: async (options?: { columnNames?: boolean }) => {
      const rows = (await one()).results;
      const values = rows.map((r) => Object.values(r));
      return options?.columnNames ? [Object.keys(rows[0] ?? {}), ...values] : values;
    },
  };
  statementOf.set(stmt, { sql, params });
  return stmt as unknown as D1PreparedStatement;
}

function remoteDb(url: string): D1Database {
  return {
    prepare: (sql: string) => statement(url, sql, []),
    batch: async (statements: D1PreparedStatement[]) =>
      query(
        url,
        statements.map((s) => {
          const known = statementOf.get(s);
          if (!known) throw new Error('not a statement of this database');
          return known;
        }),
        true,
      ),
    exec: async () => {
      throw new Error('exec is not used by the worker');
    },
  } as unknown as D1Database;
}

function remoteQueue(url: string): Queue<Job> {
  const send = async (messages: Array<{ body: Job; delaySeconds?: number }>) => {
    const res = await fetch(`${url}/queue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`queue server answered ${res.status}`);
  };
  return {
    send: (body: Job, options?: QueueSendOptions) => send([{ body, delaySeconds: options?.delaySeconds }]),
    sendBatch: (messages: Iterable<MessageSendRequest<Job>>) => send([...messages].map((m) => ({ body: m.body, delaySeconds: m.delaySeconds }))),
  } as unknown as Queue<Job>;
}

function envFor(env: BenchEnv): Env {
  return { ...(env as unknown as Env), DB: remoteDb(env.REMOTE_D1_URL), SEND_QUEUE: remoteQueue(env.REMOTE_D1_URL) };
}

/**
 * One queue invocation: the messages the bench took from its queue server (at most
 * max_batch_size), through the worker's queue handler. Answers which were retried.
 */
async function invokeQueue(request: Request, env: BenchEnv): Promise<Response> {
  const { messages } = (await request.json()) as { messages: Array<{ id: string; body: Job; delaySeconds: number }> };
  const retried: string[] = [];
  const batch = {
    queue: 'pisms-interactions',
    messages: messages.map((m) => ({
      id: m.id,
      timestamp: new Date(),
      body: m.body,
      attempts: 1,
      ack: () => undefined,
      retry: () => retried.push(m.id),
    })),
    ackAll: () => undefined,
    retryAll: () => undefined,
  };
  await worker.queue(batch as unknown as MessageBatch<Job>, envFor(env));
  return Response.json({ ran: messages.length, retried });
}

export default {
  async fetch(request: Request, env: BenchEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/__bench/queue' && request.method === 'POST') return invokeQueue(request, env);
    if (url.pathname === '/__bench/noop') return new Response('ok');
    if (url.pathname === '/__bench/d1-probe') {
      const n = Number(url.searchParams.get('n') ?? '1');
      const db = remoteDb(env.REMOTE_D1_URL);
      for (let i = 0; i < n; i++) await db.prepare('SELECT 1 AS one').first();
      return Response.json({ n });
    }
    if (url.pathname === '/__bench/pacer-probe') {
      const n = Number(url.searchParams.get('n') ?? '1');
      const namespace = env.SEND_PACER as unknown as DurableObjectNamespace<SenderPacer>;
      const pacer = namespace.get(namespace.idFromName('bench-pacer-probe'));
      const rate = { perSecond: 1_000_000, burst: 1_000_000 };
      for (let i = 0; i < n; i++) await pacer.takeSlot({ sender: '+15550000000', senderRate: rate, accountRate: rate, maxWaitMs: 0 });
      return Response.json({ n });
    }
    return worker.fetch(request as Parameters<typeof worker.fetch>[0], envFor(env), ctx);
  },
} satisfies ExportedHandler<BenchEnv>;
