// Issue 12, resilience: outages delay work instead of failing it, a 503 on ingest makes Zendesk
// retry, the sweeper (Cron Trigger) heals every stuck state, and dead letters are recorded.
// Time: the worker's steps take the clock as an argument (sendOne's nowMs, the sweeper's
// scheduledTime); an outage "older than N" is the row's `outage_since` moved back in D1, and a
// lost job is a row whose due time is moved back, both through env.DB as a crash would leave them.
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  SELF,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { readSend, type SendRow } from '../src/db/sends.ts';
import type { Env } from '../src/env.ts';
import type { Job } from '../src/jobs.ts';
import worker from '../src/index.ts';
import { SWEEP_BATCH, sweepStuckWork } from '../src/scheduled/sweep-stuck-work.ts';
import { sendOne } from '../src/send/send-sms.ts';
import {
  admin,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  insertSendStatement,
  outbox,
  settled,
  ticketSends,
  tx,
  waitFor,
  zd,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

interface IxRow {
  id: string;
  status: string;
  detail: string | null;
  waiting_for: string | null;
  retry_at: string | null;
  outage_since: string | null;
}
const interactionOf = (t: DeliveryTenant) =>
  env.DB.prepare('SELECT * FROM interactions WHERE installation_id = ? ORDER BY received_ms DESC LIMIT 1').bind(t.installationId).first<IxRow>();

/** The worker's real fetch handler with a work queue that refuses every message (a Queues outage). */
async function fetchWithBrokenQueue(req: Request): Promise<Response> {
  const brokenQueue = {
    send: () => Promise.reject(new Error('Queue send failed: internal error')),
    sendBatch: () => Promise.reject(new Error('Queue send failed: internal error')),
  } as unknown as Queue;
  const ctx = createExecutionContext();
  const res = await worker.fetch(req, { ...(env as Env), SEND_QUEUE: brokenQueue } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function solvedRequest(t: DeliveryTenant, ticketId: number) {
  return zd.solveTicket(t.subdomain, ticketId, { signingSecret: t.webhookSecret });
}
const webhookRequest = (t: DeliveryTenant, req: { headers: Record<string, string>; body: string }) =>
  new Request(`https://worker.test/v1/webhooks/zendesk/${t.installationId}`, { method: 'POST', headers: req.headers, body: req.body });

describe('a Zendesk outage delays the interaction, it does not fail it', () => {
  it('waits through more failures than the queue allows retries, says so, then texts exactly once', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await ticketSends(t, T.damagedOrder); // caches the agent's ticket access: the faults below hit the pipeline only
    // 10 failures: today's policy gave up after 9 queue attempts (max_retries 8).
    await zd.addFault({ method: 'GET', pathPattern: `^/${t.subdomain}/api/v2/tickets/${T.damagedOrder}\\.json$`, status: 503, times: 10, headers: { 'Retry-After': '1' } });
    const req = await solvedRequest(t, T.damagedOrder);
    expect((await SELF.fetch(webhookRequest(t, req))).status).toBe(202);

    const waiting = await waitFor(async () => {
      const ix = (await ticketSends(t, T.damagedOrder)).interactions[0] as { waitingFor?: string | null; nextTryAt?: string | null } | undefined;
      return ix?.waitingFor === 'zendesk' ? ix : undefined;
    }, 'the interaction to wait for Zendesk');
    expect(waiting).toMatchObject({ status: 'received', detail: 'Zendesk answered 503' });
    expect(Date.parse(String(waiting.nextTryAt))).toBeGreaterThan(Date.now() - 5_000);
    // The admin screen's list says so too.
    const attention = await (await admin(t))('GET', '/v1/attention');
    expect(attention.body.waiting).toEqual([expect.objectContaining({ kind: 'interaction', ticketId: String(T.damagedOrder), waitingFor: 'zendesk' })]);
    // The outage began 9 minutes ago: longer than the ~8.5 minutes after which it used to fail.
    await env.DB.prepare('UPDATE interactions SET outage_since = ? WHERE installation_id = ?').bind(ago(9 * MIN), t.installationId).run();

    const done = await waitFor(
      async () => {
        const ix = (await interactionOf(t))?.status === 'done' ? await settled(t, T.damagedOrder) : undefined;
        return ix;
      },
      'recovery',
      50_000,
    );
    expect(done.sends).toMatchObject([{ status: 'queued' }]);
    const ticketCalls = (await zd.requests({ subdomain: t.subdomain })).requests.filter((r) => r.path.endsWith(`/tickets/${T.damagedOrder}.json`));
    expect(ticketCalls.length).toBeGreaterThanOrEqual(11);
    expect(await interactionOf(t)).toMatchObject({ waiting_for: null, retry_at: null, outage_since: null });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await outbox(t)).toHaveLength(1);
  }, 60_000);

  it('fails with the reason once the outage is older than the horizon', async () => {
    const t = await createDeliveryTenant({ settings: { outageHorizonHours: 24 } });
    await createRules(t, deliveryRule(t));
    await ticketSends(t, T.damagedOrder);
    await zd.addFault({ method: 'GET', pathPattern: `^/${t.subdomain}/api/v2/tickets/${T.damagedOrder}\\.json$`, status: 503, times: -1, headers: { 'Retry-After': '1' } });
    try {
      expect((await SELF.fetch(webhookRequest(t, await solvedRequest(t, T.damagedOrder)))).status).toBe(202);
      await waitFor(async () => ((await interactionOf(t))?.waiting_for === 'zendesk' ? true : undefined), 'a wait');
      await env.DB.prepare('UPDATE interactions SET outage_since = ? WHERE installation_id = ?').bind(ago(24 * HOUR + MIN), t.installationId).run();
      const failed = await waitFor(async () => {
        const ix = await interactionOf(t);
        return ix?.status === 'failed' ? ix : undefined;
      }, 'the interaction to fail');
      expect(failed.detail).toMatch(/^Zendesk answered 503; Zendesk was unavailable for 24 h \(since .+\), gave up$/);
      expect(failed).toMatchObject({ waiting_for: null, retry_at: null });
      expect(await outbox(t)).toHaveLength(0);
    } finally {
      await zd.clearFaults();
    }
  });
});

describe('a Telnyx outage delays the send', () => {
  it('keeps the send reserved (waiting for Telnyx) past the old attempt limit, then sends once', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await tx.addFault({ apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$', status: 503, times: 8, headers: { 'Retry-After': '1' } });
    await SELF.fetch(webhookRequest(t, await solvedRequest(t, T.damagedOrder)));
    const waiting = await waitFor(async () => {
      const s = (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0] as { waitingFor?: string; nextTryAt?: string; status: string } | undefined;
      return s?.waitingFor === 'telnyx' ? s : undefined;
    }, 'the send to wait for Telnyx');
    expect(waiting.status).toBe('reserved');
    const done = await waitFor(async () => {
      const s = (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0];
      return s?.status === 'queued' ? s : undefined;
    }, 'the send', 50_000);
    expect(done).toMatchObject({ waitingFor: null, nextTryAt: null });
    const posts = (await tx.requests({ apiKey: t.telnyxApiKey })).requests.filter((r) => r.method === 'POST' && r.path === '/v2/messages');
    expect(posts).toHaveLength(9); // more than the 6 attempts after which it used to fail
    expect(await outbox(t)).toHaveLength(1);
  }, 60_000);

  it('fails the send as retries_exhausted once the outage is older than the horizon', async () => {
    const t = await createDeliveryTenant({ settings: { outageHorizonHours: 2 } });
    await createRules(t, deliveryRule(t));
    await tx.addFault({ apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$', status: 503, times: -1, headers: { 'Retry-After': '600' } });
    try {
      await SELF.fetch(webhookRequest(t, await solvedRequest(t, T.damagedOrder)));
      const sendId = await waitFor(async () => {
        const s = (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends[0];
        return s?.status === 'reserved' ? s.id : undefined;
      }, 'a waiting send');
      // Drive the send job with a clock an hour on, then past the 2-hour horizon.
      const job = { kind: 'send' as const, sendId, installationId: t.installationId };
      expect(await sendOne(env, job, Date.now() + HOUR)).toEqual({ action: 'retry', delaySeconds: 600 });
      expect(await readSend(env.DB, t.installationId, sendId)).toMatchObject({ status: 'reserved', detail: 'Telnyx answered 503 (10007); waiting for Telnyx' });
      expect(await sendOne(env, job, Date.now() + 2 * HOUR + MIN)).toEqual({ action: 'ack' });
      const row = await readSend(env.DB, t.installationId, sendId);
      expect(row).toMatchObject({ status: 'failed', reason: 'retries_exhausted', retry_at: null, outage_since: null });
      expect(row?.detail).toMatch(/^Telnyx answered 503 \(10007\); Telnyx was unavailable for 2 h \(since .+, \d+ attempts\)$/);
      expect(await outbox(t)).toHaveLength(0);
    } finally {
      await tx.clearFaults();
    }
  });
});

describe('ingest when the work queue refuses the job', () => {
  it('answers 503 with a Retry-After under 60 s; Zendesk’s redelivery queues it and it texts once', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    const req = await solvedRequest(t, T.damagedOrder);
    const refused = await fetchWithBrokenQueue(webhookRequest(t, req));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThan(60);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
    expect(await interactionOf(t)).toMatchObject({ status: 'received' });
    // Zendesk retries the same request: a duplicate receipt of an unprocessed interaction, queued.
    const again = await SELF.fetch(webhookRequest(t, req));
    expect(again.status).toBe(200);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends).toMatchObject([{ status: 'queued' }]);
    expect(await outbox(t)).toHaveLength(1);
  });
});

describe('ingest when D1 fails', () => {
  it('answers 503 with a Retry-After under 60 s, never 500 (Zendesk does not retry a 500); the redelivery texts once', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    const req = await solvedRequest(t, T.damagedOrder);
    // D1 refuses every query (statements and batches), as in an outage of the database: the
    // receipt cannot be stored, whichever way the ingest writes it.
    const db = (env as Env).DB;
    const lost = () => Promise.reject(new Error('D1_ERROR: Network connection lost.'));
    const brokenStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
      new Proxy(statement, {
        get: (target, prop) =>
          prop === 'bind' ? (...values: unknown[]) => brokenStatement(target.bind(...values))
          : ['run', 'all', 'first', 'raw'].includes(String(prop)) ? lost
          : Reflect.get(target, prop, target),
      });
    const brokenDb = new Proxy(db, {
      get: (target, prop) =>
        prop === 'batch' ? lost
        : prop === 'prepare' ? (sql: string) => brokenStatement(target.prepare(sql))
        : Reflect.get(target, prop, target),
    }) as D1Database;
    const ctx = createExecutionContext();
    const refused = await worker.fetch(webhookRequest(t, req), { ...(env as Env), DB: brokenDb } as Env, ctx);
    await waitOnExecutionContext(ctx);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThan(60);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
    expect(await interactionOf(t)).toBeNull();
    // Zendesk retries the same request once D1 answers again.
    const again = await SELF.fetch(webhookRequest(t, req));
    expect(again.status).toBe(202);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends).toMatchObject([{ status: 'queued' }]);
    expect(await outbox(t)).toHaveLength(1);
  });
});

/** A send of `base`'s interaction whose job was lost: another rule's send (sends are unique per
 * interaction, rule and recipient), left `reserved`, `held` (its release at `at`) or `sending`. */
function stuckSend(base: SendRow, id: string, recipient: string, status: 'reserved' | 'held' | 'sending', at: string) {
  return insertSendStatement(env.DB, {
    ...base,
    id,
    rule_id: `${base.rule_id}-${id}`,
    recipient,
    status,
    reason: status === 'held' ? 'quiet_hours' : null,
    detail: null,
    scheduled_for: status === 'held' ? at : null,
    created_at: at,
  });
}

/** `count` interactions of `t` left `received` (every fourth `processing`) since `at` without a
 * job, as a mass loss leaves them. One statement makes them all (D1 binds at most 100 parameters
 * per statement: this one binds five). */
async function lostInteractions(t: DeliveryTenant, count: number, at: string): Promise<string[]> {
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
     INSERT INTO interactions (id, installation_id, ticket_id, event, source, status, received_at, received_ms, updated_at)
     SELECT 'ix_lost_' || ?2 || '_' || i, ?3, CAST(90000 + i AS TEXT), 'ticket_solved', 'trigger',
            CASE WHEN i % 4 = 0 THEN 'processing' ELSE 'received' END, ?4, ?5, ?4
     FROM n`,
  )
    .bind(count, t.subdomain, t.installationId, at, Date.parse(at))
    .run();
  const { results } = await env.DB.prepare('SELECT id FROM interactions WHERE installation_id = ?').bind(t.installationId).all<{ id: string }>();
  return results.map((r) => r.id).sort();
}

/** Sweeps twice at once, as two overlapping cron runs would, and returns both reports. */
async function sweepTwice(nowMs = Date.now()) {
  return Promise.all([sweepStuckWork(env, nowMs), sweepStuckWork(env, nowMs)]);
}

describe('the sweeper puts stuck work back on its path (safe twice at once)', () => {
  it('re-enqueues an interaction left `received` without a job (its enqueue failed)', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    expect((await fetchWithBrokenQueue(webhookRequest(t, await solvedRequest(t, T.damagedOrder)))).status).toBe(503);
    // Zendesk gave up redelivering; 20 minutes pass.
    await env.DB.prepare('UPDATE interactions SET updated_at = ? WHERE installation_id = ?').bind(ago(20 * MIN), t.installationId).run();
    const ix = await interactionOf(t);
    const reports = await sweepTwice();
    // The two sweeps took it once between them.
    expect(reports.flatMap((r) => r.interactions).filter((id) => id === ix?.id)).toHaveLength(1);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends).toMatchObject([{ status: 'queued' }]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await outbox(t)).toHaveLength(1);
  });

  it('takes each stuck row in exactly one of two concurrent sweeps, and leaves waiting rows alone', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    // Three interactions whose jobs were lost (two `received`, one `processing`), one that waits for Zendesk until later.
    for (const ticketId of [T.damagedOrder, T.doubleCharge, T.vipChat]) {
      await fetchWithBrokenQueue(webhookRequest(t, await solvedRequest(t, ticketId)));
    }
    await fetchWithBrokenQueue(webhookRequest(t, await solvedRequest(t, T.noPhone)));
    await env.DB.prepare('UPDATE interactions SET updated_at = ? WHERE installation_id = ?').bind(ago(30 * MIN), t.installationId).run();
    // One of them was claimed by a worker that then died: stuck `processing`.
    await env.DB.prepare("UPDATE interactions SET status = 'processing' WHERE installation_id = ? AND ticket_id = ?").bind(t.installationId, String(T.vipChat)).run();
    await env.DB.prepare("UPDATE interactions SET waiting_for = 'zendesk', retry_at = ? WHERE installation_id = ? AND ticket_id = ?")
      .bind(new Date(Date.now() + 5 * MIN).toISOString(), t.installationId, String(T.noPhone))
      .run();
    const { results: mine } = await env.DB.prepare('SELECT id, ticket_id FROM interactions WHERE installation_id = ?')
      .bind(t.installationId)
      .all<{ id: string; ticket_id: string }>();
    const [a, b] = await sweepTwice();
    const ticketOf = new Map(mine.map((r) => [r.id, r.ticket_id]));
    const taken = [...(a?.interactions ?? []), ...(b?.interactions ?? [])].filter((id) => ticketOf.has(id)).map((id) => ticketOf.get(id));
    // Each lost one taken by exactly one of the two sweeps; the waiting one by neither.
    expect(taken.sort()).toEqual([T.damagedOrder, T.doubleCharge, T.vipChat].map(String).sort());
    // One job each: three interactions processed, each ticket texted once.
    await waitFor(async () => {
      const { results } = await env.DB.prepare("SELECT COUNT(*) AS n FROM interactions WHERE installation_id = ? AND status = 'done'").bind(t.installationId).all<{ n: number }>();
      return results[0]?.n === 3 ? true : undefined;
    }, 'three interactions done');
    await new Promise((r) => setTimeout(r, 1500));
    const sms = await outbox(t);
    // Every message Telnyx got is one send row's (one per interaction, rule and recipient).
    const { results: accepted } = await env.DB.prepare('SELECT telnyx_message_id AS id FROM sends WHERE installation_id = ? AND telnyx_message_id IS NOT NULL')
      .bind(t.installationId)
      .all<{ id: string }>();
    expect(sms.length).toBeGreaterThan(0);
    expect(sms.map((m) => m.id).sort()).toEqual(accepted.map((r) => r.id).sort());
    const waiting = await env.DB.prepare('SELECT status, waiting_for FROM interactions WHERE installation_id = ? AND ticket_id = ?')
      .bind(t.installationId, String(T.noPhone))
      .first();
    expect(waiting).toEqual({ status: 'received', waiting_for: 'zendesk' });
  });

  it('sends a `reserved` send whose job was lost, and a `held` send whose release passed', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await SELF.fetch(webhookRequest(t, await solvedRequest(t, T.damagedOrder)));
    const first = await settled(t, T.damagedOrder);
    const ix = await interactionOf(t);
    if (!ix || !first.sends[0]) throw new Error('no interaction');
    const base = await readSend(env.DB, t.installationId, first.sends[0].id);
    if (!base) throw new Error('no send');
    const reservedId = `snd_stuck_reserved_${t.subdomain}`;
    const heldId = `snd_stuck_held_${t.subdomain}`;
    await stuckSend(base, reservedId, DEMO.phones.agent, 'reserved', ago(20 * MIN)).run();
    await stuckSend(base, heldId, DEMO.phones.supervisor, 'held', ago(20 * MIN)).run();
    const reports = await sweepTwice();
    expect(reports.flatMap((r) => r.sends).filter((id) => id === reservedId || id === heldId).sort()).toEqual([heldId, reservedId].sort());
    for (const id of [reservedId, heldId]) {
      await waitFor(async () => ((await readSend(env.DB, t.installationId, id))?.status === 'queued' ? true : undefined), `${id} sent`);
    }
    await new Promise((r) => setTimeout(r, 1500));
    const to = (await outbox(t)).map((m) => m.to[0]?.phone_number).sort();
    expect(to).toEqual([DEMO.phones.customer, DEMO.phones.agent, DEMO.phones.supervisor].sort());
  });

  it('settles a send left `sending` past the Telnyx timeout as outcome_unknown, which its receipt then settles', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await SELF.fetch(webhookRequest(t, await solvedRequest(t, T.damagedOrder)));
    const send = (await settled(t, T.damagedOrder)).sends[0];
    if (!send?.telnyxMessageId) throw new Error('no accepted send');
    // Telnyx accepted it, then the worker died before recording the answer.
    await env.DB.prepare("UPDATE sends SET status = 'sending', telnyx_message_id = NULL, updated_at = ? WHERE id = ?").bind(ago(5 * MIN), send.id).run();
    const reports = await sweepTwice();
    expect(reports.flatMap((r) => r.unknown).filter((id) => id === send.id)).toHaveLength(1);
    expect(await readSend(env.DB, t.installationId, send.id)).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
    const [, finalized] = await tx.callbacks(send.telnyxMessageId);
    if (!finalized) throw new Error('missing callback');
    const res = await SELF.fetch(`https://worker.test/v1/webhooks/telnyx/${t.installationId}?send=${encodeURIComponent(send.id)}`, {
      method: 'POST',
      headers: finalized.headers,
      body: finalized.body,
    });
    expect(res.status).toBe(200);
    expect(await readSend(env.DB, t.installationId, send.id)).toMatchObject({ status: 'delivered', telnyx_message_id: send.telnyxMessageId });
    expect(await outbox(t)).toHaveLength(1);
  });

  it('heals a mass loss of hundreds of interactions and sends in ONE run, a step of at most 50 rows each at a time', async () => {
    // Interactions: a tenant without rules, so each healed job finishes quickly ("No rule fires").
    const quiet = await createDeliveryTenant();
    const LOST_INTERACTIONS = 4 * SWEEP_BATCH + 7;
    const lostAt = ago(30 * MIN);
    const lost = await lostInteractions(quiet, LOST_INTERACTIONS, lostAt);
    expect(lost).toHaveLength(LOST_INTERACTIONS);
    // Sends: another rule's send of a real interaction, many times over; some held past their
    // release, some claimed `sending` by a worker that died.
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await SELF.fetch(webhookRequest(t, await solvedRequest(t, T.damagedOrder)));
    const first = await settled(t, T.damagedOrder);
    const base = first.sends[0] && (await readSend(env.DB, t.installationId, first.sends[0].id));
    if (!base) throw new Error('no send');
    const heldIds = Array.from({ length: 2 * SWEEP_BATCH + 13 }, (_, i) => `snd_lost_held_${t.subdomain}_${i}`);
    const sendingIds = Array.from({ length: SWEEP_BATCH + 9 }, (_, i) => `snd_lost_sending_${t.subdomain}_${i}`);
    await env.DB.batch([
      ...heldIds.map((id) => stuckSend(base, id, DEMO.phones.customer, 'held', lostAt)),
      ...sendingIds.map((id) => stuckSend(base, id, DEMO.phones.customer, 'sending', lostAt)),
    ]);

    const report = await sweepStuckWork(env, Date.now());

    // One run took every lost row, each once, in more steps than one.
    const mine = (ids: string[], of: Set<string>) => ids.filter((id) => of.has(id)).sort();
    expect(mine(report.interactions, new Set(lost))).toEqual(lost);
    expect(mine(report.sends, new Set(heldIds))).toEqual([...heldIds].sort());
    expect(mine(report.unknown, new Set(sendingIds))).toEqual([...sendingIds].sort());
    expect(report.steps).toBeGreaterThan(LOST_INTERACTIONS / SWEEP_BATCH);
    // Abandoned `sending` rows are settled in D1 by the run itself.
    const { results: unknown } = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM sends WHERE installation_id = ? AND status = 'failed' AND reason = 'outcome_unknown'",
    )
      .bind(t.installationId)
      .all<{ n: number }>();
    expect(unknown[0]?.n).toBe(sendingIds.length);
    // Every job went on the real queue: the consumer finishes each interaction and sends each held send once.
    await waitFor(
      async () => {
        const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM interactions WHERE installation_id = ? AND status = 'done'")
          .bind(quiet.installationId)
          .first<{ n: number }>();
        return row?.n === LOST_INTERACTIONS ? true : undefined;
      },
      `${LOST_INTERACTIONS} interactions done`,
      90_000,
    );
    await waitFor(
      async () => {
        const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM sends WHERE installation_id = ? AND status IN ('held', 'reserved', 'sending')")
          .bind(t.installationId)
          .first<{ n: number }>();
        return row?.n === 0 ? true : undefined;
      },
      'every held send sent',
      90_000,
    );
    expect(await interactionOf(quiet)).toMatchObject({ status: 'done', detail: 'No rule fires on this event' });
    const sms = await outbox(t);
    expect(sms).toHaveLength(1 + heldIds.length);
    // Nothing is left for the next run.
    const again = await sweepStuckWork(env, Date.now());
    expect(mine(again.interactions, new Set(lost))).toEqual([]);
    expect(mine([...again.sends, ...again.unknown], new Set([...heldIds, ...sendingIds]))).toEqual([]);
  }, 200_000);

  it('two runs at once over a mass loss take each row once between them, whichever run takes it', async () => {
    const quiet = await createDeliveryTenant();
    const lost = await lostInteractions(quiet, 3 * SWEEP_BATCH + 11, ago(30 * MIN));
    const [a, b] = await sweepTwice();
    const of = new Set(lost);
    const taken = [...(a?.interactions ?? []), ...(b?.interactions ?? [])].filter((id) => of.has(id)).sort();
    expect(taken).toEqual(lost);
    await waitFor(async () => {
      const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM interactions WHERE installation_id = ? AND status = 'done'")
        .bind(quiet.installationId)
        .first<{ n: number }>();
      return row?.n === lost.length ? true : undefined;
    }, 'every interaction done', 60_000);
  }, 90_000);

  it('runs from the */5 Cron Trigger', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await fetchWithBrokenQueue(webhookRequest(t, await solvedRequest(t, T.doubleCharge)));
    await env.DB.prepare('UPDATE interactions SET updated_at = ? WHERE installation_id = ?').bind(ago(20 * MIN), t.installationId).run();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *', scheduledTime: Date.now() }), env as Env, ctx);
    await waitOnExecutionContext(ctx);
    const done = await settled(t, T.doubleCharge);
    expect(done.status).toBe('done');
  });
});

describe('dead letters', () => {
  it('records what the queue gave up on as failed with the reason', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t));
    await fetchWithBrokenQueue(webhookRequest(t, await solvedRequest(t, T.damagedOrder)));
    const ix = await interactionOf(t);
    if (!ix) throw new Error('no interaction');
    const batch = createMessageBatch<unknown>('pisms-interactions-dlq', [
      { id: 'dl-1', timestamp: Date.now(), attempts: 1, body: { kind: 'interaction', interactionId: ix.id, installationId: t.installationId } },
      { id: 'dl-2', timestamp: Date.now(), attempts: 1, body: { nonsense: true } },
    ]);
    const ctx = createExecutionContext();
    // The handler's type promises jobs; a dead-letter queue can hold anything (dl-2 is not one).
    await worker.queue(batch as MessageBatch<Job>, env as Env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(['dl-1', 'dl-2']);
    expect(await interactionOf(t)).toMatchObject({ status: 'failed', detail: 'The work queue gave up after its retries (dead-letter queue)' });
    const sidebar = (await ticketSends(t, T.damagedOrder)).interactions[0];
    expect(sidebar).toMatchObject({ status: 'failed', detail: 'The work queue gave up after its retries (dead-letter queue)' });
  });
});
