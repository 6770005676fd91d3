// D1 and the interaction queue served from THIS process (Node's own SQLite, node:sqlite), for
// bench/cpu-worker: the product's worker then runs in a workerd that hosts no database and no
// queue broker, so that workerd's CPU is the Worker's own (what Cloudflare bills), plus the HTTP
// client work of each D1 call, which the real D1 binding also does inside the isolate (it is a
// JavaScript wrapper that sends each query over a fetcher). Migrations are the worker's own
// (edge-worker/migrations, applied in order). Bench only, 127.0.0.1 only.
//
//   POST /d1        {statements: [{sql, params}], batch}  -> {results: [{results, meta}]} | {error}
//   POST /queue     {messages: [{body, delaySeconds?}]}    -> {ok}
// The bench takes queued messages in-process (take) and hands them to the worker's queue handler.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ROOT } from './harness.ts';

type Param = string | number | null;
interface Statement {
  sql: string;
  params: Param[];
}
export interface QueuedMessage {
  id: string;
  body: unknown;
  delaySeconds: number;
}

export interface RemoteD1 {
  url: string;
  db: DatabaseSync;
  /** Queue messages sent and not taken yet. */
  pending(): number;
  /** Up to `max` queued messages, oldest first, removed from the queue. */
  take(max: number): QueuedMessage[];
  /** Round trips served (one per query or batch). */
  calls(): number;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// Prepared once per SQL text: this process shares the machine's two cores with the measured
// workerd, so its own cost (compiling the same statements on every call) should not weigh on the
// Worker's figures, e.g. the ingest load against the floor (bench/ingest-isolated.ts).
const preparedBy = new WeakMap<DatabaseSync, Map<string, StatementSync>>();
function prepared(db: DatabaseSync, sql: string): StatementSync {
  let cache = preparedBy.get(db);
  if (!cache) {
    cache = new Map();
    preparedBy.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

function execute(db: DatabaseSync, s: Statement) {
  const rows = prepared(db, s.sql).all(...s.params) as Array<Record<string, unknown>>;
  const { c, id } = prepared(db, 'SELECT changes() AS c, last_insert_rowid() AS id').get() as { c: number; id: number };
  // D1's result shape (developers.cloudflare.com/d1/worker-api/return-object/); rows read are not
  // counted here (bench/d1-count-worker counts them against the real local D1).
  const changed = /^\s*(insert|update|delete|replace)/i.test(s.sql) ? c : 0;
  return { success: true, results: rows, meta: { changes: changed, last_row_id: id, rows_read: 0, rows_written: changed, duration: 0 } };
}

export async function startRemoteD1(): Promise<RemoteD1> {
  const db = new DatabaseSync(':memory:');
  db.exec('PRAGMA foreign_keys = ON');
  const dir = join(ROOT, 'edge-worker', 'migrations');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) db.exec(readFileSync(join(dir, file), 'utf8'));
  const queue: QueuedMessage[] = [];
  let nextId = 0;
  let calls = 0;
  const server: Server = createServer(async (req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method !== 'POST') return answer(405, { error: 'POST only' });
      const body = (await readJson(req)) as Record<string, unknown>;
      if (req.url === '/d1') {
        calls += 1;
        const statements = body.statements as Statement[];
        if (!body.batch) return answer(200, { results: [execute(db, statements[0] as Statement)] });
        // A batch is one transaction, as in D1: all or nothing.
        db.exec('BEGIN');
        try {
          const results = statements.map((s) => execute(db, s));
          db.exec('COMMIT');
          return answer(200, { results });
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      }
      if (req.url === '/queue') {
        for (const m of body.messages as Array<{ body: unknown; delaySeconds?: number }>) {
          queue.push({ id: `m${++nextId}`, body: m.body, delaySeconds: m.delaySeconds ?? 0 });
        }
        return answer(200, { ok: true });
      }
      return answer(404, { error: 'not found' });
    } catch (error) {
      return answer(500, { error: `D1_ERROR: ${error instanceof Error ? error.message : String(error)}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    pending: () => queue.length,
    take: (max) => queue.splice(0, max),
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          db.close();
          resolve();
        });
      }),
  };
}
