// The product's worker (edge-worker/src/index.ts, unchanged) behind a thin shim that hands it an
// env.DB which counts what the real code path asks of D1: calls (round trips), statements (a batch
// of n counts n), rows read and written (from D1's own `meta`), per stage and per SQL text; and the
// queue messages it produces. Stages: `ingest` (POST /v1/webhooks/zendesk/...), `interaction_job`
// and `send_job` (queue messages by kind), `receipt` (Telnyx callbacks), `api` (everything else).
// GET /__bench/d1 returns the counters, POST /__bench/d1/reset zeroes them. Probes for the cost
// of the local runtime itself (CPU is read from outside, per call): GET /__bench/noop (an empty
// answer), GET /__bench/d1-probe?n= (n sequential `SELECT 1` round trips to the local D1),
// GET /__bench/queue-probe?n= (n sends to a queue nobody consumes). POST /__bench/seed-report
// ?installation=&days=&rules=&end= writes daily report aggregates straight into report_daily (the
// delivery report's timing, without producing days of sends first). Bench only.
import type { Env } from '../../edge-worker/src/env.ts';
import worker from '../../edge-worker/src/index.ts';
import type { Job } from '../../edge-worker/src/jobs.ts';

// The product's Durable Object classes, exported from this entry as wrangler.toml declares them.
export { SenderPacer } from '../../edge-worker/src/index.ts';

type Stage = 'ingest' | 'interaction_job' | 'send_job' | 'receipt' | 'api';

interface Counter {
  /** Round trips to D1: run/all/first/raw and one per batch. */
  calls: number;
  /** SQL statements executed (a batch of n counts n). */
  statements: number;
  batches: number;
  rowsRead: number;
  rowsWritten: number;
  queueMessages: number;
  /** Statements per SQL text (whitespace collapsed, first 90 characters). */
  bySql: Record<string, number>;
  /** Handler invocations: requests for HTTP stages, messages for queue stages. */
  invocations: number;
}

const STAGES: Stage[] = ['ingest', 'interaction_job', 'send_job', 'receipt', 'api'];
let counters = fresh();

function fresh(): Record<Stage, Counter> {
  return Object.fromEntries(
    STAGES.map((s) => [
      s,
      { calls: 0, statements: 0, batches: 0, rowsRead: 0, rowsWritten: 0, queueMessages: 0, bySql: {}, invocations: 0 },
    ]),
  ) as Record<Stage, Counter>;
}

const label = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 90);

interface Meta {
  rows_read?: number;
  rows_written?: number;
}

function addMeta(c: Counter, meta: Meta | undefined): void {
  c.rowsRead += meta?.rows_read ?? 0;
  c.rowsWritten += meta?.rows_written ?? 0;
}

/** Wrapped statement -> the real one (D1's batch() only accepts its own statements) and its SQL. */
const realStatement = new WeakMap<object, { stmt: D1PreparedStatement; sql: string }>();

function wrapStatement(stmt: D1PreparedStatement, sql: string, c: Counter): D1PreparedStatement {
  const count = () => {
    c.calls++;
    c.statements++;
    c.bySql[label(sql)] = (c.bySql[label(sql)] ?? 0) + 1;
  };
  const wrapped = {
    bind: (...values: unknown[]) => wrapStatement(stmt.bind(...values), sql, c),
    // first() is all() plus taking row 0; going through all() exposes meta (rows read).
    first: async (column?: string) => {
      count();
      const res = await stmt.all<Record<string, unknown>>();
      addMeta(c, res.meta as Meta);
      const row = res.results[0] ?? null;
      if (column === undefined) return row;
      return row ? (row[column] ?? null) : null;
    },
    all: async () => {
      count();
      const res = await stmt.all();
      addMeta(c, res.meta as Meta);
      return res;
    },
    run: async () => {
      count();
      const res = await stmt.run();
      addMeta(c, res.meta as Meta);
      return res;
    },
    raw: async (options?: { columnNames?: boolean }) => {
      count();
      return options?.columnNames ? stmt.raw({ columnNames: true }) : stmt.raw();
    },
  } as unknown as D1PreparedStatement;
  realStatement.set(wrapped, { stmt, sql });
  return wrapped;
}

function countingDb(db: D1Database, c: Counter): D1Database {
  return {
    prepare: (sql: string) => wrapStatement(db.prepare(sql), sql, c),
    batch: async (statements: D1PreparedStatement[]) => {
      c.calls++;
      c.batches++;
      c.statements += statements.length;
      const real = statements.map((s) => {
        const known = realStatement.get(s);
        const key = `[batch] ${label(known?.sql ?? '(unwrapped statement)')}`;
        c.bySql[key] = (c.bySql[key] ?? 0) + 1;
        return known?.stmt ?? s;
      });
      const results = await db.batch(real);
      for (const r of results) addMeta(c, r.meta as Meta);
      return results;
    },
    exec: async (query: string) => {
      c.calls++;
      c.statements += query.split(';').filter((q) => q.trim()).length;
      return db.exec(query);
    },
    dump: () => db.dump(),
    withSession: (...args: Parameters<D1Database['withSession']>) => db.withSession(...args),
  } as unknown as D1Database;
}

function countingQueue(queue: Queue<Job>, c: Counter): Queue<Job> {
  return {
    send: (body: Job, options?: QueueSendOptions) => {
      c.queueMessages++;
      return queue.send(body, options);
    },
    sendBatch: (messages: Iterable<MessageSendRequest<Job>>, options?: QueueSendBatchOptions) => {
      const list = [...messages];
      c.queueMessages += list.length;
      return queue.sendBatch(list, options);
    },
  } as unknown as Queue<Job>;
}

function envFor(env: Env, stage: Stage): Env {
  const c = counters[stage];
  return { ...env, DB: countingDb(env.DB, c), SEND_QUEUE: countingQueue(env.SEND_QUEUE, c) };
}

function stageOf(path: string): Stage {
  if (path.startsWith('/v1/webhooks/zendesk/')) return 'ingest';
  if (path.startsWith('/v1/webhooks/telnyx/')) return 'receipt';
  return 'api';
}

/** Aggregates for `days` days up to `end` times `rules` rules, 100 rows per batch. */
async function seedReport(db: D1Database, q: URLSearchParams): Promise<Response> {
  const installation = q.get('installation') ?? '';
  const days = Number(q.get('days') ?? '90');
  const rules = Number(q.get('rules') ?? '20');
  const end = Date.parse(`${q.get('end') ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const statements: D1PreparedStatement[] = [];
  for (let d = 0; d < days; d++) {
    const day = new Date(end - d * 86_400_000).toISOString().slice(0, 10);
    for (let r = 0; r < rules; r++) {
      const sent = 40 + ((d * 7 + r * 13) % 60);
      statements.push(
        db
          .prepare(
            `INSERT OR REPLACE INTO report_daily (installation_id, day, rule_id, rule_label, total, sent, delivered, failed, failed_carrier_failed,
               skipped, skipped_opted_out, opt_outs, parts, cost_micros, cost_currency)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'USD')`,
          )
          .bind(installation, day, `rule_bench_${r}`, `Bench rule ${r}`, sent + 5, sent, sent - 3, 3, 3, 5, 2, 1, sent * 2, sent * 8000),
      );
    }
  }
  for (let i = 0; i < statements.length; i += 100) await db.batch(statements.slice(i, i + 100));
  return Response.json({ rows: statements.length });
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === '/__bench/d1' && request.method === 'GET') return Response.json(counters);
    if (path === '/__bench/d1/reset' && request.method === 'POST') {
      counters = fresh();
      return Response.json({ ok: true });
    }
    if (path === '/__bench/seed-report' && request.method === 'POST') return seedReport(env.DB, new URL(request.url).searchParams);
    if (path === '/__bench/noop') return new Response('ok');
    if (path === '/__bench/d1-probe') {
      const n = Number(new URL(request.url).searchParams.get('n') ?? '1');
      for (let i = 0; i < n; i++) await env.DB.prepare('SELECT 1 AS one').first();
      return Response.json({ n });
    }
    if (path === '/__bench/queue-probe') {
      const n = Number(new URL(request.url).searchParams.get('n') ?? '1');
      const sink = (env as Env & { SINK_QUEUE: Queue<unknown> }).SINK_QUEUE;
      for (let i = 0; i < n; i++) await sink.send({ kind: 'probe', i });
      return Response.json({ n });
    }
    const stage = stageOf(path);
    counters[stage].invocations++;
    return worker.fetch(request as Parameters<typeof worker.fetch>[0], envFor(env, stage), ctx);
  },

  async queue(batch: MessageBatch<Job>, env: Env): Promise<void> {
    // The real consumer handles messages independently; split the batch by kind so each kind's
    // D1 use is counted under its own stage.
    const byKind = new Map<Stage, Array<Message<Job>>>();
    for (const msg of batch.messages) {
      const stage: Stage = (msg.body as { kind?: string })?.kind === 'send' ? 'send_job' : 'interaction_job';
      byKind.set(stage, [...(byKind.get(stage) ?? []), msg]);
    }
    await Promise.all(
      [...byKind].map(([stage, messages]) => {
        counters[stage].invocations += messages.length;
        const sub = { ...batch, queue: batch.queue, messages, ackAll: () => batch.ackAll(), retryAll: () => batch.retryAll() };
        return worker.queue(sub as unknown as MessageBatch<Job>, envFor(env, stage));
      }),
    );
  },
} satisfies ExportedHandler<Env, Job>;
