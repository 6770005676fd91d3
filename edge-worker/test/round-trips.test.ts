// Issue 13, fewer round trips: what the shorter D1 path must keep true, through HTTP, the real
// queue consumer and D1. The interaction job uses the installation it holds in the isolate while
// the claim reports the same row version (migration 0013), so every change of the row must move
// that version and reach the next interaction; ingest is one statement whose triggers create the
// interaction with the receipt's own times.
import { createExecutionContext, createMessageBatch, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../src/env.ts';
import type { Job } from '../src/jobs.ts';
import worker from '../src/index.ts';
import { admin, createDeliveryTenant, createRules, DEMO, deliverWebhook, deliveryRule, outbox, settled, solve, zd, type DeliveryTenant } from './delivery-helpers.ts';

const T = DEMO.tickets;

const rowVersion = async (t: DeliveryTenant) =>
  (await env.DB.prepare('SELECT row_version FROM installations WHERE id = ?').bind(t.installationId).first<{ row_version: number }>())?.row_version;

describe('the installation cached by its row version', () => {
  it('moves the version on every change of the row, through the API or straight in D1', async () => {
    const t = await createDeliveryTenant();
    const v0 = await rowVersion(t);
    expect((await (await admin(t))('PATCH', '/v1/settings', { maxParts: 4 })).status).toBe(200);
    const v1 = (await rowVersion(t)) ?? 0;
    expect(v1).toBeGreaterThan(v0 ?? 0);
    await createRules(t, deliveryRule(t)); // the rules version is part of the row
    const v2 = (await rowVersion(t)) ?? 0;
    expect(v2).toBeGreaterThan(v1);
    await env.DB.prepare("UPDATE installations SET status = 'reconnect_needed' WHERE id = ?").bind(t.installationId).run();
    expect(await rowVersion(t)).toBe(v2 + 1);
  });

  it('a settings change between two interactions applies to the second', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await solve(t, T.damagedOrder);
    const first = await settled(t, T.damagedOrder);
    expect(first.sends.map((s) => s.status)).toEqual(['queued']);

    // Only Germany allowed from now on: the customer's US number is not texted.
    expect((await (await admin(t))('PATCH', '/v1/settings', { allowedCountries: ['DE'] })).status).toBe(200);
    // The ticket solved again after a reopen, minutes later: a new interaction (db/interactions.ts).
    const later = new Date(Date.now() + 3 * 60_000).toISOString();
    expect((await deliverWebhook(t, await zd.solveTicket(t.subdomain, T.damagedOrder, { signingSecret: t.webhookSecret, at: later }))).status).toBe(202);
    const second = await settled(t, T.damagedOrder);
    expect(second.sends.map((s) => [s.status, s.reason])).toEqual([['skipped', 'country_not_allowed']]);
    expect(await outbox(t)).toHaveLength(1);

  });
});

describe('ingest in one statement', () => {
  it('creates the interaction with the receipt time, as the worker writes times', async () => {
    const t = await createDeliveryTenant();
    const before = Date.now();
    const res = await solve(t, T.damagedOrder);
    expect(res.status).toBe(202);
    const row = await env.DB.prepare('SELECT id, status, received_at, received_ms, updated_at, events_version FROM interactions WHERE id = ?')
      .bind(res.body.interactionId)
      .first<{ id: string; status: string; received_at: string; received_ms: number; updated_at: string; events_version: number }>();
    expect(row).not.toBeNull();
    expect(row?.received_ms).toBeGreaterThanOrEqual(before);
    expect(row?.received_at).toBe(new Date(row?.received_ms ?? 0).toISOString());
    expect(row?.events_version).toBe(1); // the column's default: no end event joined yet
    const event = await env.DB.prepare('SELECT interaction_id, receipt_id FROM interaction_events WHERE interaction_id = ?')
      .bind(res.body.interactionId)
      .first<{ interaction_id: string; receipt_id: string }>();
    expect(event).toEqual({ interaction_id: res.body.interactionId, receipt_id: res.body.interactionId });
  });

  it('refuses a receipt for an installation deleted meanwhile, writing nothing', async () => {
    const t = await createDeliveryTenant();
    await solve(t, T.damagedOrder); // its keys are cached in this isolate now
    await env.DB.prepare('DELETE FROM installations WHERE id = ?').bind(t.installationId).run();
    const res = await solve(t, T.doubleCharge);
    expect(res.status).toBe(401);
    const left = await env.DB.prepare('SELECT COUNT(*) AS n FROM interaction_events WHERE installation_id = ?').bind(t.installationId).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});

/**
 * env.DB wrapped to count round trips (a statement's run/all/first/raw, or one batch) and
 * statements (a batch of n counts n), as the bench's counting worker does (bench/d1-count-worker).
 */
function countingDb(db: D1Database) {
  const counts = { calls: 0, statements: 0 };
  // D1's batch() accepts only its own statements: wrapped -> real.
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const counted =
      <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
      (...args: A) => {
        counts.calls += 1;
        counts.statements += 1;
        return run(...args);
      };
    const wrapped = {
      bind: (...values: unknown[]) => wrap(stmt.bind(...values)),
      first: counted((column?: string) => (column === undefined ? stmt.first() : stmt.first(column))),
      all: counted(() => stmt.all()),
      run: counted(() => stmt.run()),
      raw: counted(() => stmt.raw()),
    } as unknown as D1PreparedStatement;
    real.set(wrapped, stmt);
    return wrapped;
  };
  const wrapped = {
    prepare: (sql: string) => wrap(db.prepare(sql)),
    batch: (statements: D1PreparedStatement[]) => {
      counts.calls += 1;
      counts.statements += statements.length;
      return db.batch(statements.map((s) => real.get(s) ?? s));
    },
    exec: (query: string) => db.exec(query),
    dump: () => db.dump(),
    withSession: (...args: Parameters<D1Database['withSession']>) => db.withSession(...args),
  } as unknown as D1Database;
  return { db: wrapped, counts, reset: () => Object.assign(counts, { calls: 0, statements: 0 }) };
}

describe('D1 round trips per interaction (counted on the real code path)', () => {
  it('ingest 1, the interaction job 3 (5 statements in all), a paced or retried send job 2', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    const counter = countingDb(env.DB);
    // The queue is captured, so each job runs here, with the counting database.
    const enqueued: Job[] = [];
    const queue = {
      send: async (body: Job) => void enqueued.push(body),
      sendBatch: async (messages: Array<{ body: Job }>) => void enqueued.push(...messages.map((m) => m.body)),
    };
    const counted = { ...(env as Env), DB: counter.db, SEND_QUEUE: queue as unknown as Queue } as Env;
    const consume = async (job: Job) => {
      const batch = createMessageBatch<Job>('pisms-interactions', [{ id: `m-${enqueued.length}`, timestamp: new Date(), attempts: 1, body: job }]);
      const ctx = createExecutionContext();
      const handler: ExportedHandlerQueueHandler<Env, Job> = worker.queue;
      await handler(batch, counted, ctx);
      await waitOnExecutionContext(ctx);
    };
    // Each solve a minute apart is its own interaction; the first warms this isolate's caches
    // (webhook keys, installation, rules, ticket fields), as any busy isolate has them.
    const run = async (minute: number) => {
      const at = new Date(Date.now() + minute * 60_000).toISOString();
      const req = await zd.solveTicket(t.subdomain, T.damagedOrder, { signingSecret: t.webhookSecret, at });
      counter.reset();
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`https://worker.test/v1/webhooks/zendesk/${t.installationId}`, { method: 'POST', headers: req.headers, body: req.body }),
        counted,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(202);
      const ingest = { ...counter.counts };
      const job = enqueued.shift();
      if (!job) throw new Error('nothing enqueued');
      counter.reset();
      await consume(job);
      return { ingest, job: { ...counter.counts } };
    };
    await run(2);
    const warm = await run(4);
    expect(warm.ingest).toEqual({ calls: 1, statements: 1 });
    expect(warm.job).toEqual({ calls: 3, statements: 4 });
    expect(await outbox(t)).toHaveLength(2);

    // A send job (a retry, a paced send): its claim and its outcome.
    const [{ id: sendId } = { id: '' }] = (await settled(t, T.damagedOrder)).sends;
    await env.DB.prepare("UPDATE sends SET status = 'reserved', telnyx_message_id = NULL WHERE id = ?").bind(sendId).run();
    counter.reset();
    await consume({ kind: 'send', sendId, installationId: t.installationId });
    expect(counter.counts).toEqual({ calls: 2, statements: 2 });
    expect(await outbox(t)).toHaveLength(3);
  });
});
