// The delivery report through HTTP and the fakes: a seeded run of interactions (delivered by
// receipts, failed at the carrier, skipped for opt-out and for no number), then the report's rows
// and totals equal what the sends say — also after every receipt arrives twice — the CSV export
// carries the same rows, STOP replies count once, and only managers may read it.
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { FAIL_REASONS, REPORT_CSV_COLUMNS, type ReportRow, SKIP_REASONS } from '../../shared/schemas/report.ts';
import { demoAccount } from '../../test/fakes/zendesk-data.ts';
import { openSession } from './helpers.ts';
import {
  asUser,
  admin,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  settled,
  solve,
  tx,
  uniqueNumber,
  waitFor,
  zd,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;
const today = () => new Date().toISOString().slice(0, 10);

const postTelnyx = (t: DeliveryTenant, cb: { headers: Record<string, string>; body: string }) =>
  SELF.fetch(`https://worker.test/v1/webhooks/telnyx/${t.installationId}`, { method: 'POST', headers: cb.headers, body: cb.body });

/** What the report must say, computed from the sends themselves (the test's oracle). */
async function countsFromSends(t: DeliveryTenant) {
  return env.DB.prepare(
    `SELECT substr(created_at, 1, 10) AS day, rule_id, COUNT(*) AS total,
       SUM(telnyx_message_id IS NOT NULL) AS sent, SUM(status = 'delivered') AS delivered, SUM(status = 'failed') AS failed,
       SUM(status = 'skipped') AS skipped, SUM(status = 'skipped' AND reason = 'opted_out') AS skipped_opted_out,
       SUM(status = 'skipped' AND reason = 'no_valid_number') AS skipped_no_valid_number,
       SUM(CASE WHEN telnyx_message_id IS NOT NULL THEN segments ELSE 0 END) AS parts, SUM(COALESCE(cost_micros, 0)) AS cost_micros
     FROM sends WHERE installation_id = ? GROUP BY 1, 2 ORDER BY 1, 2`,
  )
    .bind(t.installationId)
    .all<Record<string, number | string>>();
}

async function seededRun(label = 'Thank the customer') {
  const t = await createDeliveryTenant();
  const failing = uniqueNumber();
  const stopped = uniqueNumber();
  const [rule] = await createRules(t, deliveryRule(t, { label, recipients: { customer: true, otherNumbers: [failing, stopped] } }));
  if (!rule) throw new Error('no rule');
  // `stopped` opted out before anything was sent.
  expect((await postTelnyx(t, (await tx.inbound({ from: stopped, to: t.sender, text: 'STOP' })).callback)).status).toBe(200);
  await tx.setOutcome({ to: failing, outcome: 'delivery_failed', errorCode: '40008', errorTitle: 'Undeliverable', apiKey: t.telnyxApiKey });
  // Ticket 5001: customer (delivered), failing (carrier failure), stopped (skipped: opted out).
  // Ticket 5004: no customer phone (skipped: no valid number), failing, stopped.
  await solve(t, T.damagedOrder);
  await solve(t, T.noPhone);
  const sends = [...(await settled(t, T.damagedOrder)).sends, ...(await settled(t, T.noPhone)).sends];
  const ids = sends.map((s) => s.telnyxMessageId).filter((id): id is string => id !== null);
  expect(ids).toHaveLength(3);
  const callbacks = [];
  for (const id of ids) callbacks.push(...(await tx.callbacks(id)));
  for (const cb of callbacks) expect((await postTelnyx(t, cb)).status).toBe(200);
  return { t, rule, callbacks, failing, stopped };
}

async function report(t: DeliveryTenant, query = '') {
  return (await admin(t))('GET', `/v1/report${query}`);
}

describe('delivery report', () => {
  it('counts each send once per state, matching the sends exactly, also after duplicate receipts', async () => {
    const { t, rule, callbacks } = await seededRun();
    try {
      const first = await report(t);
      expect(first.status).toBe(200);
      const expected = {
        total: 6,
        sent: 3,
        delivered: 1,
        failed: 2,
        skipped: 3,
        pending: 0,
        parts: 3,
        optOuts: 0,
        // The Telnyx fake prices 0.004 USD per part, on its answer and on each receipt.
        cost: { amount: '0.012', currency: 'USD' },
      };
      expect(first.body.totals).toMatchObject(expected);
      expect(first.body.totals.skippedByReason).toMatchObject({ opted_out: 2, no_valid_number: 1 });
      expect(first.body.totals.failedByReason).toMatchObject({ carrier_failed: 2 });
      expect(first.body.rows).toEqual([expect.objectContaining({ day: today(), ruleId: rule.id, ruleLabel: 'Thank the customer', ...expected })]);

      // Every receipt again, in reverse order: nothing moves.
      for (const cb of [...callbacks].reverse()) expect((await postTelnyx(t, cb)).status).toBe(200);
      const again = await report(t);
      expect(again.body).toEqual(first.body);

      const oracle = (await countsFromSends(t)).results;
      expect(oracle).toHaveLength(1);
      const [o] = oracle;
      const [row] = again.body.rows;
      expect({
        total: row.total, sent: row.sent, delivered: row.delivered, failed: row.failed, skipped: row.skipped,
        opted_out: row.skippedByReason.opted_out, no_valid_number: row.skippedByReason.no_valid_number, parts: row.parts,
      }).toEqual({
        total: o?.total, sent: o?.sent, delivered: o?.delivered, failed: o?.failed, skipped: o?.skipped,
        opted_out: o?.skipped_opted_out, no_valid_number: o?.skipped_no_valid_number, parts: o?.parts,
      });
      expect(o?.cost_micros).toBe(12_000);
    } finally {
      await tx.clearOutcomes();
    }
  });

  it('exports the same rows as CSV (RFC 4180) with the session bearer', async () => {
    const { t, rule } = await seededRun('Thanks, "VIP"');
    try {
      const { token } = await openSession(t, DEMO.users.admin);
      const res = await SELF.fetch(`https://worker.test/v1/report.csv?from=${today()}&to=${today()}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toContain(`sms-report-${today()}-to-${today()}.csv`);
      const lines = (await res.text()).split('\r\n');
      expect(lines[0]).toBe(REPORT_CSV_COLUMNS.join(','));
      expect(lines).toHaveLength(3); // header, one row, the final CRLF
      expect(lines[2]).toBe('');
      // The label is quoted (it has a comma and quotes, which are doubled); the other fields are plain.
      const head = `${today()},${rule.id},"Thanks, ""VIP""",`;
      expect(lines[1]?.startsWith(head)).toBe(true);
      const rest = (lines[1] ?? '').slice(head.length).split(',');
      const cells = Object.fromEntries(REPORT_CSV_COLUMNS.slice(3).map((c, i) => [c, rest[i]]));
      expect(cells).toEqual({
        total: '6', sent: '3', delivered: '1', delivery_rate: '0.3333', failed: '2',
        failed_telnyx_rejected: '0', failed_carrier_failed: '2', failed_retries_exhausted: '0', failed_outcome_unknown: '0',
        skipped: '3', skipped_no_valid_number: '1', skipped_opted_out: '2', skipped_frequency_cap: '0', skipped_duplicate_recipient: '0',
        skipped_rule_disabled: '0', skipped_sms_not_connected: '0', skipped_cancelled: '0',
        skipped_summary_unavailable: '0', skipped_country_not_allowed: '0', skipped_erased: '0', skipped_ticket_reopened: '0', skipped_cancelled_by_agent: '0',
        pending: '0', opt_outs: '0', parts: '3', cost_amount: '0.012', cost_currency: 'USD',
      });
    } finally {
      await tx.clearOutcomes();
    }
  });

  it('counts a STOP reply once, for the rule of the latest message the number got', async () => {
    const { t, rule } = await seededRun();
    try {
      const stop = async () => expect((await postTelnyx(t, (await tx.inbound({ from: DEMO.phones.customer, to: t.sender, text: 'STOP' })).callback)).status).toBe(200);
      await stop();
      await stop(); // already opted out: no new opt-out
      const res = await report(t);
      expect(res.body.totals.optOuts).toBe(1);
      expect(res.body.rows[0]).toMatchObject({ ruleId: rule.id, optOuts: 1 });
    } finally {
      await tx.clearOutcomes();
    }
  });

  it('keeps the counts when sends are purged, and reads by range', async () => {
    const { t } = await seededRun();
    try {
      await env.DB.prepare('DELETE FROM sends WHERE installation_id = ?').bind(t.installationId).run();
      expect((await report(t)).body.totals.total).toBe(6);
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const past = await report(t, `?from=${new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10)}&to=${yesterday}`);
      expect(past.status).toBe(200);
      expect(past.body.rows).toEqual([]);
      expect(past.body.totals.total).toBe(0);
    } finally {
      await tx.clearOutcomes();
    }
  });

  it('defaults to the last 30 days and refuses longer or inverted ranges', async () => {
    const t = await createDeliveryTenant();
    const res = await report(t);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ to: today(), rows: [], totals: { total: 0, cost: { amount: '0.00', currency: null } } });
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    expect(res.body.from).toBe(from);
    expect((await report(t, '?from=2025-01-01&to=2026-01-02')).status).toBe(422);
    expect((await report(t, '?from=2025-01-02&to=2025-01-01')).status).toBe(422);
    expect((await report(t, '?from=2025-02-30')).status).toBe(422);
    expect((await report(t, '?from=2025-01-01&to=2026-01-01')).status).toBe(200);
  });

  it('is for admins and supervisors only', async () => {
    const t = await createDeliveryTenant();
    expect((await (await asUser(t, DEMO.users.agent))('GET', '/v1/report')).status).toBe(403);
    expect((await (await asUser(t, DEMO.users.agent))('GET', '/v1/report.csv')).status).toBe(403);
    expect((await (await asUser(t, DEMO.users.supervisor))('GET', '/v1/report')).status).toBe(200);
    expect((await SELF.fetch('https://worker.test/v1/report')).status).toBe(401);
  });
});

describe('report breakdown by reason (migration 0011)', () => {
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const sendIdTo = async (t: DeliveryTenant, ticketId: number, recipient: string) => {
    const row = await env.DB.prepare(
      'SELECT s.id FROM sends s JOIN interactions i ON i.id = s.interaction_id WHERE s.installation_id = ? AND i.ticket_id = ? AND s.recipient = ?',
    )
      .bind(t.installationId, String(ticketId), recipient)
      .first<{ id: string }>();
    if (!row) throw new Error(`no send of ticket ${ticketId} to that number`);
    return row.id;
  };
  const statusOf = (id: string) => env.DB.prepare('SELECT status, reason FROM sends WHERE id = ?').bind(id).first<{ status: string; reason: string | null }>();

  /** Per day and rule, from the sends themselves: the counts and each reason's count. */
  async function breakdownFromSends(t: DeliveryTenant) {
    const { results } = await env.DB.prepare(
      `SELECT substr(created_at, 1, 10) AS day, rule_id, status, reason, COUNT(*) AS n
       FROM sends WHERE installation_id = ? GROUP BY 1, 2, 3, 4`,
    )
      .bind(t.installationId)
      .all<{ day: string; rule_id: string; status: string; reason: string | null; n: number }>();
    const out = new Map<string, { total: number; pending: number; failed: number; skipped: number; failedByReason: Record<string, number>; skippedByReason: Record<string, number> }>();
    for (const r of results) {
      const key = `${r.day} ${r.rule_id}`;
      const o = out.get(key) ?? {
        total: 0,
        pending: 0,
        failed: 0,
        skipped: 0,
        failedByReason: Object.fromEntries(FAIL_REASONS.map((k) => [k, 0])),
        skippedByReason: Object.fromEntries(SKIP_REASONS.map((k) => [k, 0])),
      };
      o.total += r.n;
      if (['reserved', 'held', 'sending'].includes(r.status)) o.pending += r.n;
      if (r.status === 'failed') {
        o.failed += r.n;
        // A reason the report has no column for shows up as a key the report lacks.
        o.failedByReason[r.reason ?? 'null'] = (o.failedByReason[r.reason ?? 'null'] ?? 0) + r.n;
      }
      if (r.status === 'skipped') {
        o.skipped += r.n;
        o.skippedByReason[r.reason ?? 'null'] = (o.skippedByReason[r.reason ?? 'null'] ?? 0) + r.n;
      }
      out.set(key, o);
    }
    return out;
  }

  /** Every skipped_* (failed_*) column of report_daily, whatever the lists say, against the totals. */
  async function assertColumnsAddUp(t: DeliveryTenant) {
    const { results } = await env.DB.prepare('SELECT * FROM report_daily WHERE installation_id = ?').bind(t.installationId).all<Record<string, number | string>>();
    expect(results.length).toBeGreaterThan(0);
    for (const row of results) {
      const by = (prefix: string) => Object.entries(row).filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + Number(v), 0);
      expect({ day: row.day, rule: row.rule_id, skipped: by('skipped_'), failed: by('failed_') }).toEqual({
        day: row.day,
        rule: row.rule_id,
        skipped: row.skipped,
        failed: row.failed,
      });
    }
    // One column per listed reason, no more: the lists and the table agree.
    const columns = Object.keys(results[0] ?? {});
    expect(columns.filter((c) => c.startsWith('skipped_')).sort()).toEqual(SKIP_REASONS.map((r) => `skipped_${r}`).sort());
    expect(columns.filter((c) => c.startsWith('failed_')).sort()).toEqual(FAIL_REASONS.map((r) => `failed_${r}`).sort());
  }

  it('adds up for every skip and failure reason, the ones added after the report included, through the real pipeline', async () => {
    const germany = DEMO.phones.customerIntl; // the tenant texts only US numbers
    const failing = uniqueNumber();
    const [cancelMe, eraseMe, reopenMe] = [uniqueNumber(), uniqueNumber(), uniqueNumber()];
    const t = await createDeliveryTenant({ settings: { summariesEnabled: true, dailyMessageLimit: 2 } });
    // No conversation to summarise: a rule that needs a summary skips.
    await zd.seedAccount(t.subdomain, { ...demoAccount(), comments: {} });
    await tx.setOutcome({ to: failing, outcome: 'delivery_failed', errorCode: '40008', errorTitle: 'Undeliverable', apiKey: t.telnyxApiKey });
    try {
      const [now, summary, later] = await createRules(
        t,
        deliveryRule(t, { label: 'Now', recipients: { customer: true, otherNumbers: [germany, failing] } }),
        deliveryRule(t, {
          label: 'Summary',
          recipients: { customer: false, otherNumbers: [uniqueNumber()] },
          content: { customText: 'Solved.', includeSummary: true, skipIfNoSummary: true },
        }),
        deliveryRule(t, { label: 'Later', sendDelayMinutes: 60, recipients: { customer: false, otherNumbers: [cancelMe, eraseMe, reopenMe] } }),
      );
      // 5001: customer and `failing` take the day's budget of 2; 5004 (no customer phone) finds it used up.
      await solve(t, T.damagedOrder);
      await settled(t, T.damagedOrder);
      await solve(t, T.noPhone);
      await settled(t, T.noPhone);
      expect(await statusOf(await sendIdTo(t, T.noPhone, failing))).toEqual({ status: 'held', reason: 'budget_exceeded' });

      // Receipts for what Telnyx accepted, each twice: the second changes no count.
      const { results: accepted } = await env.DB.prepare('SELECT telnyx_message_id AS id FROM sends WHERE installation_id = ? AND telnyx_message_id IS NOT NULL')
        .bind(t.installationId)
        .all<{ id: string }>();
      expect(accepted).toHaveLength(2);
      const callbacks = [];
      for (const { id } of accepted) callbacks.push(...(await tx.callbacks(id)));
      for (const cb of callbacks) expect((await postTelnyx(t, cb)).status).toBe(200);
      const afterReceipts = (await report(t)).body;
      for (const cb of callbacks) expect((await postTelnyx(t, cb)).status).toBe(200);
      expect((await report(t)).body).toEqual(afterReceipts);
      expect(await statusOf(await sendIdTo(t, T.damagedOrder, failing))).toEqual({ status: 'failed', reason: 'carrier_failed' });

      // An agent cancels one delayed send of 5001; an admin erases a number with a delayed send on each ticket.
      const api = await admin(t);
      expect((await api('POST', `/v1/sends/${await sendIdTo(t, T.damagedOrder, cancelMe)}/cancel`)).status).toBe(200);
      expect((await api('POST', '/v1/erasure', { phone: eraseMe })).status).toBe(200);
      // 5001 is reopened; its delayed send to `reopenMe` falls due and is skipped.
      await zd.solveTicket(t.subdomain, T.damagedOrder, { status: 'open', signingSecret: t.webhookSecret });
      const reopened = await sendIdTo(t, T.damagedOrder, reopenMe);
      await env.DB.prepare('UPDATE sends SET scheduled_for = ? WHERE id = ?').bind(new Date(Date.now() - 1000).toISOString(), reopened).run();
      await env.SEND_QUEUE.send({ kind: 'send', sendId: reopened, installationId: t.installationId });
      await waitFor(async () => ((await statusOf(reopened))?.status === 'skipped' ? true : undefined), 'the reopened ticket to cancel its delayed send');

      const res = await report(t);
      expect(res.status).toBe(200);
      const rows: ReportRow[] = res.body.rows;
      expect(rows.map((r) => r.ruleId).sort()).toEqual([now?.id, summary?.id, later?.id].sort());
      // Each new skip reason is in the report, in its column; the holds are pending.
      expect(res.body.totals.skippedByReason).toMatchObject({
        summary_unavailable: 2,
        country_not_allowed: 2,
        erased: 2,
        ticket_reopened: 1,
        cancelled_by_agent: 1,
        no_valid_number: 1,
      });
      expect(res.body.totals.failedByReason).toMatchObject({ carrier_failed: 1 });
      // Held: budget_exceeded (5004 `failing`), send_delay (5004 `cancelMe` and `reopenMe`).
      expect(res.body.totals.pending).toBe(3);

      // Per day and rule: the breakdown adds up to the totals, and equals the sends grouped by reason.
      const oracle = await breakdownFromSends(t);
      expect(rows).toHaveLength(oracle.size);
      for (const row of rows) {
        expect(sum(row.skippedByReason)).toBe(row.skipped);
        expect(sum(row.failedByReason)).toBe(row.failed);
        const { total, pending, failed, skipped, failedByReason, skippedByReason } = row;
        expect({ total, pending, failed, skipped, failedByReason, skippedByReason }).toEqual(oracle.get(`${row.day} ${row.ruleId}`));
      }
      await assertColumnsAddUp(t);

      // The CSV: every skipped_* (failed_*) cell of a row adds up to its skipped (failed) cell.
      const { token } = await openSession(t, DEMO.users.admin);
      const csv = await (await SELF.fetch('https://worker.test/v1/report.csv', { headers: { authorization: `Bearer ${token}` } })).text();
      const [header, ...lines] = csv.trimEnd().split('\r\n');
      const names = (header ?? '').split(',');
      expect(lines).toHaveLength(3);
      for (const line of lines) {
        // The labels here have no commas or quotes: a plain split is the CSV's fields.
        const cells = Object.fromEntries(line.split(',').map((v, i) => [names[i], v]));
        const add = (prefix: string) => names.filter((n) => n.startsWith(prefix)).reduce((a, n) => a + Number(cells[n]), 0);
        expect(add('skipped_')).toBe(Number(cells.skipped));
        expect(add('failed_')).toBe(Number(cells.failed));
      }

      // The migration's backfill: from the sends, the new columns come out as the triggers made them.
      const backfill = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0011_'))?.queries.find((q) => q.includes('UPDATE report_daily SET'));
      if (!backfill) throw new Error('no backfill in migration 0011');
      await env.DB.prepare(
        `UPDATE report_daily SET skipped_summary_unavailable = 0, skipped_country_not_allowed = 0, skipped_erased = 0,
           skipped_ticket_reopened = 0, skipped_cancelled_by_agent = 0 WHERE installation_id = ?`,
      )
        .bind(t.installationId)
        .run();
      expect((await report(t)).body.totals.skippedByReason.erased).toBe(0);
      await env.DB.prepare(backfill).run();
      expect((await report(t)).body).toEqual(res.body);
    } finally {
      await tx.clearOutcomes();
    }
  });
});

describe('report in the OpenAPI document', () => {
  it('documents both routes with their query and the CSV media type', async () => {
    const doc = (await (await SELF.fetch('https://worker.test/openapi.json')).json()) as {
      paths: Record<string, { get?: { parameters?: Array<{ name: string }>; responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    expect(doc.paths['/v1/report']?.get?.parameters?.map((p) => p.name).sort()).toEqual(['from', 'to']);
    expect(Object.keys(doc.paths['/v1/report.csv']?.get?.responses['200']?.content ?? {})).toEqual(['text/csv']);
  });
});
