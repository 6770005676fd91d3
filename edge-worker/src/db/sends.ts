// D1 access for sends: one row per interaction, rule and recipient. The row is reserved before
// Telnyx is called and its status only moves forward, which is what makes a send happen once.
// The daily report (report_daily) follows every change of a row here through triggers
// (migration 0006): a statement that changes no row changes no count, so keep status changes
// conditional, as they are.
import type { RecipientKind, SendReason, SendStatus } from '../../../shared/schemas/send.ts';

export interface SendRow {
  id: string;
  installation_id: string;
  interaction_id: string;
  ticket_id: string;
  rule_id: string;
  rule_label: string;
  recipient_kind: RecipientKind;
  recipient: string;
  from_number: string;
  body: string;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  status: SendStatus;
  reason: SendReason | null;
  detail: string | null;
  carrier_error_code: string | null;
  telnyx_message_id: string | null;
  summary_source: string | null;
  compose_note: string | null;
  scheduled_for: string | null;
  attempts: number;
  /** Telnyx's `cost.amount` in millionths of `cost_currency` (migration 0006); null until reported. */
  cost_micros: number | null;
  cost_currency: string | null;
  /** While it waits out a Telnyx outage (migration 0007, db/outages.ts): next try due, first failure. */
  retry_at: string | null;
  outage_since: string | null;
  /** The recipient's IANA zone when planned (migration 0012): quiet hours when a budget hold is released. */
  recipient_time_zone: string | null;
  /** The UTC day the send was counted against the daily budget, and its estimated cost then (migration 0008); null until counted. */
  budget_day: string | null;
  budget_cost_micros: number | null;
  created_at: string;
  updated_at: string;
}

export type NewSend = Omit<
  SendRow,
  | 'carrier_error_code'
  | 'telnyx_message_id'
  | 'attempts'
  | 'updated_at'
  | 'cost_micros'
  | 'cost_currency'
  | 'retry_at'
  | 'outage_since'
  | 'recipient_time_zone'
  | 'budget_day'
  | 'budget_cost_micros'
> & { recipient_time_zone?: string | null; /** Its estimated cost, counted against the daily budget if it goes at once. */ budget_cost_micros?: number | null };

/** A message's cost as Telnyx reports it (SDK: `OutboundMessagePayload.Cost`, amount a decimal string). */
export interface TelnyxCost {
  amount?: string | null;
  currency?: string | null;
}

/** Telnyx's cost in millionths of its currency, or null when it is missing or not a number. */
export function costToMicros(cost: TelnyxCost | null | undefined): { micros: number; currency: string } | null {
  if (!cost?.amount || !cost.currency) return null;
  const amount = Number(cost.amount);
  return Number.isFinite(amount) ? { micros: Math.round(amount * 1_000_000), currency: cost.currency.toUpperCase() } : null;
}

/** Statuses that count as "a message went (or will go) to this number" for frequency caps. */
export const COUNTED_STATUSES: readonly SendStatus[] = ['reserved', 'held', 'sending', 'queued', 'sent', 'delivered'];

/** Forward-only order of statuses: a late or repeated callback never moves a send back. */
const RANK: Record<SendStatus, number> = {
  reserved: 0,
  held: 0,
  sending: 1,
  queued: 2,
  sent: 3,
  delivered: 4,
  failed: 4,
  skipped: 4,
};

/** The frequency cap an installation applies to planned sends (settings.frequencyCap), or null. */
export interface FrequencyCapGate {
  maxMessages: number;
  /** Sends created at or after this time count. */
  sinceIso: string;
  /** The skip's detail, as the agent reads it. */
  detail: string;
}

/** The installation's daily budget as the insert applies it (send/daily-budget.ts). */
export interface DailyBudgetGate {
  /** Today, UTC ('YYYY-MM-DD'), and when a send beyond the budget may go (the next UTC midnight). */
  day: string;
  releaseAtIso: string;
  /** Messages and estimated cost (millionths) per day; null = no limit. */
  messages: number | null;
  costMicros: number | null;
  /** The held send's detail, as the agent reads it. */
  detail: string;
}

/**
 * Stores the interaction job's planned sends in ONE statement, however many there are (the rows
 * travel as one JSON parameter read with json_each: D1 binds at most 100 parameters per statement
 * and takes strings up to 2,000,000 bytes, https://developers.cloudflare.com/d1/platform/limits/).
 * Inside the statement, against the stored data of that moment:
 *  - a number that opted out is skipped `opted_out`; else one that got `maxMessages` counted sends
 *    since `sinceIso` is skipped `frequency_cap`. Both apply to sends planned to go out (reserved
 *    or held) and to the planned duplicates of such a send (duplicate_recipient), which share its
 *    fate as before; the other skip reasons come first, as planned.
 *  - a send planned `reserved` is counted against the daily budget when the day has room for it
 *    and the sends before it in this statement (the count read once, a running sum added; the
 *    trigger of migration 0013 adds each to the day's counter): stored `sending` with its first
 *    attempt counted. The insert IS the claim (one winner: a concurrent run's insert of the same
 *    interaction, rule and recipient is ignored, ON CONFLICT DO NOTHING, and returns no row), so
 *    the caller calls Telnyx for exactly the rows returned as `sending`. One beyond the budget is
 *    stored `held` (`budget_exceeded`) until `releaseAtIso`, as send/daily-budget.ts holds one.
 *    D1 runs one statement at a time, so concurrent inserts cannot both take the last slot.
 * The counts are of the sends stored before this statement: SQLite computes the SELECT of an INSERT
 * that reads its own target table into a temporary table before inserting (checked with SQLite,
 * and covered by edge-worker/test/round-trips.test.ts), so a row of this statement never counts
 * against its planned duplicates.
 * Returns the rows inserted; a row missing from the answer was stored by another run.
 */
export async function insertPlannedSends(
  db: D1Database,
  target: { installationId: string; interactionId: string; ticketId: string; nowIso: string },
  rows: readonly NewSend[],
  cap: FrequencyCapGate | null,
  budget: DailyBudgetGate,
): Promise<SendRow[]> {
  if (rows.length === 0) return [];
  const planned = rows.map((r) => ({
    id: r.id, rule_id: r.rule_id, rule_label: r.rule_label, recipient_kind: r.recipient_kind, recipient: r.recipient,
    from_number: r.from_number, body: r.body, segments: r.segments, encoding: r.encoding, status: r.status, reason: r.reason,
    detail: r.detail, summary_source: r.summary_source, compose_note: r.compose_note, scheduled_for: r.scheduled_for,
    recipient_time_zone: r.recipient_time_zone ?? null, cost: r.budget_cost_micros ?? 0,
  }));
  // ?1 installation, ?2 interaction, ?3 ticket, ?4 the rows, ?5 now, ?6..?8 the frequency cap,
  // ?9 the statuses it counts, ?10..?14 the daily budget. json_extract returns a JSON scalar as its
  // SQL type (https://sqlite.org/json1.html#jex), so numbers stay numbers.
  const { results } = await db
    .prepare(
      `WITH planned AS (
         SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.rule_id') AS rule_id, json_extract(value, '$.rule_label') AS rule_label,
           json_extract(value, '$.recipient_kind') AS recipient_kind, json_extract(value, '$.recipient') AS recipient, json_extract(value, '$.from_number') AS from_number,
           json_extract(value, '$.body') AS body, json_extract(value, '$.segments') AS segments, json_extract(value, '$.encoding') AS encoding, json_extract(value, '$.status') AS status,
           json_extract(value, '$.reason') AS reason, json_extract(value, '$.detail') AS detail, json_extract(value, '$.summary_source') AS summary_source,
           json_extract(value, '$.compose_note') AS compose_note, json_extract(value, '$.scheduled_for') AS scheduled_for,
           json_extract(value, '$.recipient_time_zone') AS recipient_time_zone, json_extract(value, '$.cost') AS cost, key AS position
         FROM json_each(?4)
       ),
       gated AS (
         SELECT planned.*, CASE
           WHEN NOT (status IN ('reserved', 'held') OR reason = 'duplicate_recipient') THEN NULL
           WHEN EXISTS (SELECT 1 FROM opt_outs o WHERE o.installation_id = ?1 AND o.phone = planned.recipient) THEN 'opted_out'
           WHEN ?6 IS NOT NULL AND (SELECT COUNT(*) FROM sends s WHERE s.installation_id = ?1 AND s.recipient = planned.recipient
                  AND s.created_at >= ?7 AND s.status IN (SELECT value FROM json_each(?9))) >= ?6 THEN 'frequency_cap'
         END AS gate
         FROM planned
       ),
       going AS (
         SELECT gated.*, (gate IS NULL AND status = 'reserved') AS goes FROM gated
       ),
       budgeted AS (
         SELECT going.*, goes AND
           (?12 IS NULL OR COALESCE((SELECT messages FROM daily_budget b WHERE b.installation_id = ?1 AND b.day = ?10), 0)
              + SUM(goes) OVER (ORDER BY position) <= ?12) AND
           (?13 IS NULL OR COALESCE((SELECT cost_micros FROM daily_budget b WHERE b.installation_id = ?1 AND b.day = ?10), 0)
              + SUM(CASE WHEN goes THEN cost ELSE 0 END) OVER (ORDER BY position) <= ?13) AS fits
         FROM going
       )
       INSERT INTO sends (id, installation_id, interaction_id, ticket_id, rule_id, rule_label, recipient_kind, recipient,
         from_number, body, segments, encoding, status, reason, detail, summary_source, compose_note, scheduled_for,
         recipient_time_zone, attempts, budget_day, budget_cost_micros, created_at, updated_at)
       SELECT id, ?1, ?2, ?3, rule_id, rule_label, recipient_kind, recipient, from_number, body, segments, encoding,
         CASE WHEN gate IS NOT NULL THEN 'skipped' WHEN fits THEN 'sending' WHEN goes THEN 'held' ELSE status END,
         CASE WHEN gate IS NOT NULL THEN gate WHEN goes AND NOT fits THEN 'budget_exceeded' ELSE reason END,
         CASE gate WHEN 'opted_out' THEN 'The recipient replied STOP' WHEN 'frequency_cap' THEN ?8
           ELSE CASE WHEN goes AND NOT fits THEN ?14 ELSE detail END END,
         summary_source, compose_note,
         CASE WHEN gate IS NOT NULL THEN NULL WHEN goes AND NOT fits THEN ?11 ELSE scheduled_for END,
         recipient_time_zone,
         CASE WHEN fits THEN 1 ELSE 0 END,
         CASE WHEN fits THEN ?10 END,
         CASE WHEN fits THEN cost END,
         ?5, ?5
       FROM budgeted WHERE true ORDER BY position
       ON CONFLICT DO NOTHING
       RETURNING *`,
    )
    .bind(
      target.installationId, target.interactionId, target.ticketId, JSON.stringify(planned), target.nowIso,
      cap?.maxMessages ?? null, cap?.sinceIso ?? null, cap?.detail ?? null, JSON.stringify(COUNTED_STATUSES),
      budget.day, budget.releaseAtIso, budget.messages, budget.costMicros, budget.detail,
    )
    .all<SendRow>();
  return results;
}

export async function listSendsForInteraction(db: D1Database, interactionId: string): Promise<SendRow[]> {
  const { results } = await db.prepare('SELECT * FROM sends WHERE interaction_id = ? ORDER BY rowid').bind(interactionId).all<SendRow>();
  return results;
}

export async function listSendsForTicket(db: D1Database, installationId: string, ticketId: string): Promise<SendRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM sends WHERE installation_id = ? AND ticket_id = ? ORDER BY rowid')
    .bind(installationId, ticketId)
    .all<SendRow>();
  return results;
}

export async function readSend(db: D1Database, installationId: string, id: string): Promise<SendRow | null> {
  return db.prepare('SELECT * FROM sends WHERE installation_id = ? AND id = ?').bind(installationId, id).first<SendRow>();
}

/** A send claimed by a send job, with what the job needs to know besides the row. */
export interface ClaimedSend extends SendRow {
  /** The installation row's version (migration 0013), or null when the installation is gone. */
  claim_installation_version: number | null;
  /** 1 when the recipient opted out (a STOP may arrive while a send is held or waits for a retry). */
  claim_opted_out: number;
}

/**
 * Claims a send for the one attempt that may call Telnyx: reserved (or held and due) -> sending;
 * only one concurrent caller gets the row back. The same statement returns the installation's row
 * version (the installation is then cached in the isolate: db/installations.ts
 * readInstallationAt) and whether the recipient opted out, so a paced or retried send costs two
 * round trips (this and its outcome). A held send whose hold needs checks when due (a send delay,
 * a budget hold: pipeline/send-delay.ts) is claimed only with `checksDone`.
 */
export async function claimSendForJob(
  db: D1Database,
  installationId: string,
  id: string,
  nowIso: string,
  checksDone: boolean,
): Promise<ClaimedSend | null> {
  return db
    .prepare(
      `UPDATE sends SET status = 'sending', attempts = attempts + 1, updated_at = ?1
       WHERE id = ?2 AND installation_id = ?3 AND (status = 'reserved' OR (status = 'held' AND scheduled_for <= ?1
         AND (?4 OR COALESCE(reason, '') NOT IN ('send_delay', 'budget_exceeded'))))
       RETURNING *,
         (SELECT row_version FROM installations WHERE id = sends.installation_id) AS claim_installation_version,
         EXISTS (SELECT 1 FROM opt_outs o WHERE o.installation_id = sends.installation_id AND o.phone = sends.recipient) AS claim_opted_out`,
    )
    .bind(nowIso, id, installationId, checksDone ? 1 : 0)
    .first<ClaimedSend>();
}

/** What became of a send (Telnyx's answer, a receipt, or a reason not to send). */
export interface SendOutcome {
  status: SendStatus;
  reason?: SendReason | null;
  detail?: string | null;
  carrierErrorCode?: string | null;
  telnyxMessageId?: string | null;
  segments?: number | null;
  cost?: TelnyxCost | null;
  now: string;
}

/** The outcome write as a statement, for a caller that batches it with its own (one round trip). */
export function recordSendOutcomeStatement(db: D1Database, id: string, o: SendOutcome): D1PreparedStatement {
  const cost = costToMicros(o.cost);
  // Forward-only: the rank of the new status must not be below the stored one. Failed and
  // delivered are final, except that a carrier receipt may settle an unknown outcome.
  return db
    .prepare(
      `UPDATE sends SET status = ?1, reason = ?2, detail = ?3, carrier_error_code = COALESCE(?4, carrier_error_code),
         telnyx_message_id = COALESCE(?5, telnyx_message_id), segments = COALESCE(?6, segments), updated_at = ?7,
         cost_micros = COALESCE(?10, cost_micros), cost_currency = COALESCE(?11, cost_currency),
         retry_at = NULL, outage_since = NULL
       WHERE id = ?8 AND (
         CASE status WHEN 'reserved' THEN 0 WHEN 'held' THEN 0 WHEN 'sending' THEN 1 WHEN 'queued' THEN 2 WHEN 'sent' THEN 3 ELSE 4 END < ?9
         OR (status = 'failed' AND reason = 'outcome_unknown' AND ?9 >= 2)
       )`,
    )
    .bind(o.status, o.reason ?? null, o.detail ?? null, o.carrierErrorCode ?? null, o.telnyxMessageId ?? null, o.segments ?? null, o.now, id, RANK[o.status],
      cost?.micros ?? null, cost?.currency ?? null);
}

/** Records a send's outcome now; true when it moved the send (forward only). */
export async function recordSendOutcome(db: D1Database, id: string, o: SendOutcome): Promise<boolean> {
  const res = await recordSendOutcomeStatement(db, id, o).run();
  return res.meta.changes > 0;
}

/**
 * A cost Telnyx reported on a receipt that did not move the status (e.g. message.finalized after
 * the status was already final): the latest reported cost wins. Writing the same value changes
 * nothing, so the report's trigger does not fire for repeats.
 */
export async function recordSendCost(db: D1Database, id: string, reported: TelnyxCost | null | undefined): Promise<void> {
  const cost = costToMicros(reported);
  if (!cost) return;
  await db
    .prepare('UPDATE sends SET cost_micros = ?1, cost_currency = ?2 WHERE id = ?3 AND (cost_micros IS NOT ?1 OR cost_currency IS NOT ?2)')
    .bind(cost.micros, cost.currency, id)
    .run();
}

/** An agent's retry of a failed send: failed (retryable) -> reserved, for exactly one caller. */
export async function reopenFailedSend(db: D1Database, installationId: string, id: string, nowIso: string): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE sends SET status = 'reserved', reason = NULL, detail = 'Retry requested', updated_at = ?
       WHERE installation_id = ? AND id = ? AND status = 'failed' AND reason IN ('telnyx_rejected', 'carrier_failed', 'retries_exhausted')
         AND recipient NOT LIKE 'erased:%'`,
    )
    .bind(nowIso, installationId, id)
    .run();
  return res.meta.changes > 0;
}

export async function findSendByTelnyxId(db: D1Database, installationId: string, messageId: string): Promise<SendRow | null> {
  return db
    .prepare('SELECT * FROM sends WHERE installation_id = ? AND telnyx_message_id = ?')
    .bind(installationId, messageId)
    .first<SendRow>();
}

/**
 * Send pacing (issue 13): the claimed send waits for its sender's next send slot on the queue.
 * Back to reserved without spending the attempt its claim counted: waiting is not a failure.
 */
export async function deferSendForPacing(db: D1Database, id: string, detail: string, nowIso: string): Promise<void> {
  await db
    .prepare("UPDATE sends SET status = 'reserved', attempts = MAX(0, attempts - 1), detail = ?, updated_at = ? WHERE id = ? AND status = 'sending'")
    .bind(detail, nowIso, id)
    .run();
}
