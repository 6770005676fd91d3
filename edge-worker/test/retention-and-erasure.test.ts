// Retention and erasure (issue 12b), through HTTP, the Cron Trigger handler, D1 and the fakes:
// the daily purge deletes interactions, sends and replies older than each installation's
// retention and leaves the report's counts as they were; erasure of one number or one ticket
// blanks what is stored about it (the opt-out kept), only in that installation, and the pipeline
// never texts an erased send again; deleting an installation leaves no row of it in ANY table
// that has an installation_id (found from the schema, so new tables are covered) and no row of
// another tenant is touched.
import { SELF, createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { processInteraction } from '../src/pipeline/process-interaction.ts';
import { PURGE_CRON } from '../src/scheduled/purge-expired-data.ts';
import {
  admin,
  asUser,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  outbox,
  settled,
  solve,
  ticketSends,
  tx,
  uniqueNumber,
  waitFor,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;
const DAY_MS = 24 * 60 * 60_000;

const postTelnyx = (t: DeliveryTenant, cb: { headers: Record<string, string>; body: string }) =>
  SELF.fetch(`https://worker.test/v1/webhooks/telnyx/${t.installationId}`, { method: 'POST', headers: cb.headers, body: cb.body });

async function textIn(t: DeliveryTenant, from: string, text: string) {
  const inbound = await tx.inbound({ from, to: t.sender, text });
  expect((await postTelnyx(t, inbound.callback)).status).toBe(200);
  const id = (JSON.parse(inbound.callback.body) as { data: { payload: { id: string } } }).data.payload.id;
  // Settled: applied into the ticket, or recorded as a keyword.
  await waitFor(async () => {
    const row = await env.DB.prepare('SELECT status FROM replies WHERE installation_id = ? AND telnyx_message_id = ?').bind(t.installationId, id).first<{ status: string }>();
    return row && row.status !== 'pending' ? row : undefined;
  }, `reply ${id}`);
}

async function reportTotals(t: DeliveryTenant) {
  const res = await (await admin(t))('GET', '/v1/report');
  expect(res.status).toBe(200);
  return res.body.totals;
}

const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())?.n ?? 0;

/** Makes a ticket's interaction, its sends and the replies to them look `days` old. */
async function age(t: DeliveryTenant, ticketId: number, days: number) {
  const ms = Date.now() - days * DAY_MS;
  const iso = new Date(ms).toISOString();
  await env.DB.batch([
    env.DB.prepare('UPDATE interactions SET received_ms = ?, received_at = ? WHERE installation_id = ? AND ticket_id = ?').bind(ms, iso, t.installationId, String(ticketId)),
    env.DB.prepare('UPDATE replies SET received_at = ? WHERE installation_id = ? AND ticket_id = ?').bind(iso, t.installationId, String(ticketId)),
  ]);
}

async function runPurgeCron(nowMs = Date.now()) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: PURGE_CRON, scheduledTime: nowMs }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('retention purge (Cron Trigger)', () => {
  it("deletes interactions, sends and replies older than the retention, keeps the newer ones, another tenant's and the report's counts", async () => {
    const a = await createDeliveryTenant();
    const b = await createDeliveryTenant({ settings: { retentionDays: 365 } });
    for (const t of [a, b]) {
      await createRules(t, deliveryRule(t, { conditions: { groupIds: [], events: ['ticket_solved'] } }));
      await solve(t, T.damagedOrder);
      await settled(t, T.damagedOrder);
      await solve(t, T.doubleCharge);
      await settled(t, T.doubleCharge);
      await textIn(t, DEMO.phones.customer, 'Thanks, all good');
      await age(t, T.damagedOrder, 100);
    }
    expect(await count("SELECT COUNT(*) AS n FROM replies WHERE installation_id = ? AND ticket_id = '5001'", a.installationId)).toBe(1);
    const totalsBefore = await reportTotals(a);
    expect(totalsBefore.total).toBe(2);

    await runPurgeCron();

    const ticketRows = (t: DeliveryTenant, ticket: number) =>
      Promise.all([
        count('SELECT COUNT(*) AS n FROM interactions WHERE installation_id = ? AND ticket_id = ?', t.installationId, String(ticket)),
        count('SELECT COUNT(*) AS n FROM sends WHERE installation_id = ? AND ticket_id = ?', t.installationId, String(ticket)),
        count('SELECT COUNT(*) AS n FROM interaction_events WHERE installation_id = ? AND ticket_id = ?', t.installationId, String(ticket)),
        count('SELECT COUNT(*) AS n FROM replies WHERE installation_id = ? AND ticket_id = ?', t.installationId, String(ticket)),
      ]);
    // 100 days old with 90 days' retention: gone, whole.
    expect(await ticketRows(a, T.damagedOrder)).toEqual([0, 0, 0, 0]);
    // Newer: kept.
    expect(await ticketRows(a, T.doubleCharge)).toEqual([1, 1, 1, 0]);
    // The other tenant keeps a year.
    expect(await ticketRows(b, T.damagedOrder)).toEqual([1, 1, 1, 1]);
    // The report still counts what was purged (no DELETE trigger; nothing decremented).
    expect(await reportTotals(a)).toEqual(totalsBefore);
    expect((await ticketSends(a, T.damagedOrder)).interactions).toEqual([]);

    // Again: nothing more to delete, nothing else touched.
    await runPurgeCron();
    expect(await ticketRows(a, T.doubleCharge)).toEqual([1, 1, 1, 0]);
    expect(await reportTotals(a)).toEqual(totalsBefore);
  });

  it('never purges an interaction whose send is still on its way', async () => {
    const t = await createDeliveryTenant({ settings: { dailyMessageLimit: 1 } });
    await createRules(t, deliveryRule(t, { recipients: { customer: true, otherNumbers: [uniqueNumber()] } }));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends.map((s) => s.status).sort()).toEqual(['held', 'queued']);
    await age(t, T.damagedOrder, 400);
    await runPurgeCron();
    expect(await count('SELECT COUNT(*) AS n FROM sends WHERE installation_id = ?', t.installationId)).toBe(2);
  });
});

/** Tenant with a rule texting the customer and `x`, ticket 5001 and 5002 solved, and `x` replying. */
async function tenantTexting(x: string) {
  const t = await createDeliveryTenant();
  await createRules(t, deliveryRule(t, { recipients: { customer: true, otherNumbers: [x] }, conditions: { groupIds: [], events: ['ticket_solved'] } }));
  await solve(t, T.damagedOrder);
  await settled(t, T.damagedOrder);
  await solve(t, T.doubleCharge);
  await settled(t, T.doubleCharge);
  await textIn(t, x, 'Got it, thanks');
  return t;
}

describe('erasure', () => {
  it('erases one number: its sends blanked, its replies and audit mentions gone, the opt-out kept, the report and other tenants untouched', async () => {
    const x = uniqueNumber();
    const a = await tenantTexting(x);
    const b = await tenantTexting(x);
    await textIn(a, x, 'STOP');
    const totalsBefore = await reportTotals(a);
    expect(await count('SELECT COUNT(*) AS n FROM audit_log WHERE installation_id = ? AND instr(changes_json, ?) > 0', a.installationId, x)).toBeGreaterThan(0);

    expect((await (await asUser(a, DEMO.users.supervisor))('POST', '/v1/erasure', { phone: x })).status).toBe(403);
    const res = await (await admin(a))('POST', '/v1/erasure', { phone: x.replace('+1', '') });
    expect(res.status).toBe(200);
    const [rule] = (await (await admin(a))('GET', '/v1/rules')).body.rules;
    expect(res.body).toMatchObject({
      kind: 'phone',
      subject: `+1 *** *** ${x.slice(-4)}`,
      removed: { sends: 2, replies: 2, helpAnswers: 0 },
    });
    expect(res.body.removed.auditEntries).toBeGreaterThan(0);
    expect(res.body.kept).toEqual([
      expect.stringContaining('The opt-out (STOP) of this number'),
      expect.stringContaining(`Rules that name this number as a recipient: ${rule.id}`),
    ]);

    // Nothing in A names the number any more, except the opt-out that keeps it from being texted.
    for (const [table, column] of [['sends', 'recipient'], ['replies', 'from_phone'], ['help_answers', 'phone']] as const) {
      expect(await count(`SELECT COUNT(*) AS n FROM ${table} WHERE installation_id = ? AND ${column} = ?`, a.installationId, x), table).toBe(0);
    }
    expect(await count('SELECT COUNT(*) AS n FROM audit_log WHERE installation_id = ? AND instr(changes_json, ?) > 0', a.installationId, x)).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM opt_outs WHERE installation_id = ? AND phone = ?', a.installationId, x)).toBe(1);
    const sends = (await ticketSends(a, T.damagedOrder)).interactions[0]?.sends ?? [];
    expect(sends.map((s) => [s.recipientKind, s.recipientMasked, s.status, s.body === ''])).toEqual([
      ['customer', '+1 *** *** 0201', 'queued', false],
      ['other', null, 'queued', true],
    ]);
    // The report counts as before; B is untouched.
    expect(await reportTotals(a)).toEqual(totalsBefore);
    expect(await count('SELECT COUNT(*) AS n FROM sends WHERE installation_id = ? AND recipient = ? AND body != ?', b.installationId, x, '')).toBe(2);
    expect(await count('SELECT COUNT(*) AS n FROM replies WHERE installation_id = ? AND from_phone = ?', b.installationId, x)).toBe(1);
    // Audited, with the number masked.
    const entry = (await (await admin(a))('GET', '/v1/audit')).body.entries[0];
    expect(entry).toMatchObject({ action: 'privacy.erasure', subjectId: `+1 *** *** ${x.slice(-4)}` });
    expect(JSON.stringify(entry)).not.toContain(x);
  });

  it('never texts an erased send again when its interaction runs once more', async () => {
    const x = uniqueNumber();
    const t = await tenantTexting(x);
    expect((await (await admin(t))('POST', '/v1/erasure', { phone: x })).status).toBe(200);
    const before = (await outbox(t)).length;
    // What a joining end event does: the interaction goes back to received and runs again.
    const interaction = await env.DB.prepare("SELECT id FROM interactions WHERE installation_id = ? AND ticket_id = '5001'")
      .bind(t.installationId)
      .first<{ id: string }>();
    if (!interaction) throw new Error('no interaction');
    await env.DB.prepare("UPDATE interactions SET status = 'received' WHERE id = ?").bind(interaction.id).run();
    await processInteraction(env, { kind: 'interaction', interactionId: interaction.id, installationId: t.installationId }, Date.now());
    expect((await outbox(t)).length).toBe(before);
    expect(await count('SELECT COUNT(*) AS n FROM sends WHERE interaction_id = ?', interaction.id)).toBe(2);
    // And an erased failed send cannot be retried to nowhere.
    expect(await count('SELECT COUNT(*) AS n FROM sends WHERE installation_id = ? AND recipient = ?', t.installationId, x)).toBe(0);
  });

  it("erases one ticket: its sends blanked and its replies deleted, the other tickets untouched", async () => {
    const x = uniqueNumber();
    const t = await tenantTexting(x);
    const totalsBefore = await reportTotals(t);
    // x's reply answered the latest SMS to x: ticket 5002's.
    const res = await (await admin(t))('POST', '/v1/erasure', { ticketId: String(T.doubleCharge) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'ticket', subject: '5002', removed: { sends: 2, replies: 1 } });
    const erased = (await ticketSends(t, T.doubleCharge)).interactions[0]?.sends ?? [];
    expect(erased.map((s) => [s.recipientMasked, s.body])).toEqual([
      [null, ''],
      [null, ''],
    ]);
    const kept = (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends ?? [];
    expect(kept.map((s) => s.recipientMasked)).toEqual(['+1 *** *** 0201', `+1 *** *** ${x.slice(-4)}`]);
    expect(kept.every((s) => s.body.length > 0)).toBe(true);
    expect(await reportTotals(t)).toEqual(totalsBefore);
  });

  it('validates the request', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    const notANumber = await api('POST', '/v1/erasure', { phone: 'call me' });
    expect(notANumber.status).toBe(422);
    expect(notANumber.body.error.fields[0].field).toBe('phone');
    expect((await api('POST', '/v1/erasure', {})).status).toBe(422);
    expect((await api('POST', '/v1/erasure', { ticketId: 'abc' })).status).toBe(422);
    expect((await api('POST', '/v1/erasure', { phone: '+14155550123', ticketId: '1' })).status).toBe(422);
  });
});

describe('deleting an installation', () => {
  it("leaves no row of it in any table with an installation_id, and every row of another tenant", async () => {
    // Every table that has an installation_id column, read from the schema: tables added later
    // are checked without changing this test.
    const { results } = await env.DB.prepare(
      `SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) c
       WHERE m.type = 'table' AND c.name = 'installation_id' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_cf_%' ORDER BY m.name`,
    ).all<{ name: string }>();
    const tables = results.map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['sends', 'interactions', 'replies', 'opt_outs', 'report_daily', 'daily_budget', 'audit_log', 'rules']));

    const x = uniqueNumber();
    const [a, b] = [await tenantTexting(x), await tenantTexting(x)];
    for (const t of [a, b]) {
      await textIn(t, x, 'STOP');
      await textIn(t, x, 'HELP');
      // The sidebar's ticket check caches per user and ticket (ticket_access).
      expect((await (await asUser(t, DEMO.users.agent))('GET', `/v1/tickets/${T.damagedOrder}/sends`)).status).toBe(200);
    }
    const rowsOf = async (t: DeliveryTenant) =>
      Object.fromEntries(
        await Promise.all(tables.map(async (table) => [table, await count(`SELECT COUNT(*) AS n FROM ${table} WHERE installation_id = ?`, t.installationId)] as const)),
      );
    const aBefore = await rowsOf(a);
    const bBefore = await rowsOf(b);
    // The tenant really has data in most of them, so the check below means something.
    expect(Object.values(aBefore).filter((n) => n > 0).length).toBeGreaterThanOrEqual(10);

    const res = await (await admin(a))('DELETE', '/v1/installation', { confirmSubdomain: a.subdomain });
    expect(res.status).toBe(200);
    expect(await rowsOf(a)).toEqual(Object.fromEntries(tables.map((table) => [table, 0])));
    expect(await count('SELECT COUNT(*) AS n FROM installations WHERE id = ?', a.installationId)).toBe(0);
    expect(await rowsOf(b)).toEqual(bBefore);
  });
});
