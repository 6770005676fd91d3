// D1 access for the daily SMS budget (migration 0008): a counter row per installation and UTC
// day, moved only by the trigger on `sends.budget_day`. Counting a send and checking the limit is
// ONE statement (countAgainstBudget), so it is exact under any concurrency: D1 runs one statement
// at a time, and the statement that finds the day full changes nothing.

export interface BudgetLimits {
  /** Messages per UTC day; null = no limit. */
  messages: number | null;
  /** Estimated cost per UTC day in millionths; null = no limit. */
  costMicros: number | null;
}

export interface DailyBudgetRow {
  day: string;
  messages: number;
  cost_micros: number;
  exceeded_at: string | null;
}

/** The UTC day of an instant, 'YYYY-MM-DD'. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The start of the next UTC day (epoch ms). */
export function nextUtcDay(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/**
 * Counts the send against `day`'s budget if the day has room, in one statement. Returns true when
 * the send may go out: counted now, or counted before (a retry after 429/5xx, or a send released
 * from a hold on a later day: each send is counted once). False: the day is full.
 */
export async function countAgainstBudget(
  db: D1Database,
  sendId: string,
  day: string,
  costMicros: number,
  limits: BudgetLimits,
): Promise<boolean> {
  const [counted, row] = await db.batch<{ budget_day: string | null }>([
    db
      .prepare(
        `UPDATE sends SET budget_day = ?2, budget_cost_micros = ?3
         WHERE id = ?1 AND budget_day IS NULL
           AND (?4 IS NULL OR COALESCE((SELECT messages FROM daily_budget b WHERE b.installation_id = sends.installation_id AND b.day = ?2), 0) < ?4)
           AND (?5 IS NULL OR COALESCE((SELECT cost_micros FROM daily_budget b WHERE b.installation_id = sends.installation_id AND b.day = ?2), 0) + ?3 <= ?5)`,
      )
      .bind(sendId, day, costMicros, limits.messages, limits.costMicros),
    db.prepare('SELECT budget_day FROM sends WHERE id = ?').bind(sendId),
  ]);
  if ((counted?.meta.changes ?? 0) > 0) return true;
  return (row?.results[0]?.budget_day ?? null) !== null;
}

/**
 * A claimed send (status `sending`) that found the day full: back to held until `releaseAt`, its
 * claim's attempt given back (waiting for the budget is not a failed try).
 */
export async function holdSendForBudget(db: D1Database, sendId: string, releaseAtIso: string, detail: string, nowIso: string): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE sends SET status = 'held', reason = 'budget_exceeded', scheduled_for = ?1, detail = ?2, attempts = MAX(0, attempts - 1), updated_at = ?3
       WHERE id = ?4 AND status = 'sending'`,
    )
    .bind(releaseAtIso, detail, nowIso, sendId)
    .run();
  return res.meta.changes > 0;
}

/** Marks the day exceeded; true only for the first caller of the day (who tells the admins). */
export async function markBudgetExceeded(db: D1Database, installationId: string, day: string, nowIso: string): Promise<boolean> {
  const row = await db
    .prepare(
      `INSERT INTO daily_budget (installation_id, day, exceeded_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (installation_id, day) DO UPDATE SET exceeded_at = excluded.exceeded_at WHERE exceeded_at IS NULL
       RETURNING day`,
    )
    .bind(installationId, day, nowIso)
    .first<{ day: string }>();
  return row !== null;
}

export async function readDailyBudget(db: D1Database, installationId: string, day: string): Promise<DailyBudgetRow> {
  const row = await db
    .prepare('SELECT day, messages, cost_micros, exceeded_at FROM daily_budget WHERE installation_id = ? AND day = ?')
    .bind(installationId, day)
    .first<DailyBudgetRow>();
  return row ?? { day, messages: 0, cost_micros: 0, exceeded_at: null };
}

export async function countHeldForBudget(db: D1Database, installationId: string): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM sends WHERE installation_id = ? AND status = 'held' AND reason = 'budget_exceeded'")
    .bind(installationId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Makes up to `limit` budget-held sends due now (an admin raised or lifted the limit) and clears
 * today's "exceeded" mark, so that running out again is reported again. Returns their ids for
 * send jobs; those that still do not fit are held again by the send step.
 */
export async function releaseBudgetHolds(db: D1Database, installationId: string, nowIso: string, limit: number): Promise<string[]> {
  const [released] = await db.batch<{ id: string }>([
    db
      .prepare(
        `UPDATE sends SET scheduled_for = ?2, detail = 'Released: the daily budget was raised', updated_at = ?2
         WHERE id IN (SELECT id FROM sends WHERE installation_id = ?1 AND status = 'held' AND reason = 'budget_exceeded'
                      ORDER BY scheduled_for LIMIT ?3)
         RETURNING id`,
      )
      .bind(installationId, nowIso, limit),
    db.prepare('UPDATE daily_budget SET exceeded_at = NULL WHERE installation_id = ? AND day = ?').bind(installationId, nowIso.slice(0, 10)),
  ]);
  return (released?.results ?? []).map((r) => r.id);
}
