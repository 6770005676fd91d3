// D1 access for the delivery report: reads the daily aggregates (report_daily) that triggers on
// `sends` and `opt_outs` keep (migration 0006). Reads only: no code writes the table directly.
import { FAIL_REASONS, formatMicros, type ReportRow, SKIP_REASONS } from '../../../shared/schemas/report.ts';

type Reasoned<P extends string, R extends readonly string[]> = { [K in R[number] as `${P}_${K}`]: number };

export type ReportDailyRow = {
  installation_id: string;
  day: string;
  rule_id: string;
  rule_label: string;
  total: number;
  pending: number;
  sent: number;
  delivered: number;
  failed: number;
  skipped: number;
  opt_outs: number;
  parts: number;
  cost_micros: number;
  cost_currency: string | null;
} & Reasoned<'failed', typeof FAIL_REASONS> &
  Reasoned<'skipped', typeof SKIP_REASONS>;

/**
 * Rows of the inclusive day range, by day then rule label. One range search of the primary key
 * (installation_id, day, rule_id) of a WITHOUT ROWID table, in key order: D1 reads the rows
 * returned, never the table. (Ordering by label in SQL would add a temporary B-tree sort, which
 * D1 counts as reading every row twice; the labels of one day are sorted here instead.)
 */
export async function listReportRows(db: D1Database, installationId: string, from: string, to: string): Promise<ReportRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM report_daily WHERE installation_id = ? AND day >= ? AND day <= ? ORDER BY day, rule_id')
    .bind(installationId, from, to)
    .all<ReportDailyRow>();
  return results
    .map(toReportRow)
    .sort((a, b) => (a.day === b.day ? a.ruleLabel.localeCompare(b.ruleLabel) || (a.ruleId < b.ruleId ? -1 : 1) : a.day < b.day ? -1 : 1));
}

export function toReportRow(r: ReportDailyRow): ReportRow {
  return {
    day: r.day,
    ruleId: r.rule_id,
    ruleLabel: r.rule_label,
    total: r.total,
    sent: r.sent,
    delivered: r.delivered,
    failed: r.failed,
    failedByReason: Object.fromEntries(FAIL_REASONS.map((k) => [k, r[`failed_${k}`]])) as ReportRow['failedByReason'],
    skipped: r.skipped,
    skippedByReason: Object.fromEntries(SKIP_REASONS.map((k) => [k, r[`skipped_${k}`]])) as ReportRow['skippedByReason'],
    pending: r.pending,
    optOuts: r.opt_outs,
    parts: r.parts,
    cost: { amount: formatMicros(r.cost_micros), currency: r.cost_currency },
  };
}
