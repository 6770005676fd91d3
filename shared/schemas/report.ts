// The delivery report: daily counts per rule, read from the worker's daily aggregates
// (report_daily, migrations 0006 and 0011). Pure zod schemas and helpers shared by the worker and the app.
import { z } from 'zod';
import type { SendReason } from './send.ts';

/** The longest range one report covers, in days (a leap year). */
export const MAX_REPORT_DAYS = 366;
/** The range when none is asked for: the last 30 days, today included. */
export const DEFAULT_REPORT_DAYS = 30;

export const ReportDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD').refine((d) => isRealDay(d), 'Not a calendar date');

/**
 * Every reason a send is skipped with (status `skipped`), one `skipped_<reason>` column each in
 * report_daily: the breakdown adds up to `skipped`. A new skip reason needs its column and the
 * triggers anew (migration 0011 shows how). Holds (`quiet_hours`, `send_delay`,
 * `budget_exceeded`) are pending, not skips.
 */
export const SKIP_REASONS = [
  'no_valid_number',
  'opted_out',
  'frequency_cap',
  'duplicate_recipient',
  'rule_disabled',
  'sms_not_connected',
  'cancelled',
  // Reasons added after the report (migration 0011):
  'summary_unavailable',
  'country_not_allowed',
  'erased',
  'ticket_reopened',
  'cancelled_by_agent',
] as const satisfies readonly SendReason[];
/** Every reason a send fails with (status `failed`); `failed_<reason>` columns, as above. */
export const FAIL_REASONS = ['telnyx_rejected', 'carrier_failed', 'retries_exhausted', 'outcome_unknown'] as const satisfies readonly SendReason[];
/** Reasons a send waits with (status `held`): counted in `pending`, no column of their own. */
export const HOLD_REASONS = ['quiet_hours', 'budget_exceeded', 'send_delay'] as const satisfies readonly SendReason[];

// Every send reason is a skip, a failure or a hold: a reason added to SendReason without a place
// here fails the typecheck, instead of silently leaving the report's breakdown short of its total.
type UnplacedReason = Exclude<SendReason, (typeof SKIP_REASONS)[number] | (typeof FAIL_REASONS)[number] | (typeof HOLD_REASONS)[number]>;
const everyReasonPlaced: [UnplacedReason] extends [never] ? true : UnplacedReason = true;
void everyReasonPlaced;

const count = z.number().int();

export const ReportCounts = z.object({
  /** Every send (one SMS per interaction, rule and recipient), whatever became of it. */
  total: count,
  /** Accepted by Telnyx (it returned a message id): the base of the delivery rate. */
  sent: count,
  delivered: count,
  failed: count,
  failedByReason: z.object(Object.fromEntries(FAIL_REASONS.map((r) => [r, count])) as Record<(typeof FAIL_REASONS)[number], typeof count>),
  skipped: count,
  skippedByReason: z.object(Object.fromEntries(SKIP_REASONS.map((r) => [r, count])) as Record<(typeof SKIP_REASONS)[number], typeof count>),
  /** Not settled yet: reserved, held for quiet hours, or being sent. */
  pending: count,
  /** STOP-type replies, attributed to the rule of the latest message the number got. */
  optOuts: count,
  /** SMS parts (segments) of the messages Telnyx accepted. */
  parts: count,
  /** What Telnyx reported the messages cost; `currency` is null while nothing was priced. */
  cost: z.object({ amount: z.string(), currency: z.string().nullable() }),
});
export type ReportCounts = z.infer<typeof ReportCounts>;

export const ReportRow = ReportCounts.extend({
  day: z.string(),
  ruleId: z.string(),
  /** The rule's label at its latest send of that day (the rule may have been deleted since). */
  ruleLabel: z.string(),
});
export type ReportRow = z.infer<typeof ReportRow>;

export const Report = z.object({
  from: z.string(),
  to: z.string(),
  /** One row per day and rule that had sends or opt-outs, by day then rule label. */
  rows: z.array(ReportRow),
  totals: ReportCounts,
});
export type Report = z.infer<typeof Report>;

export const ReportQuery = z
  .object({
    from: ReportDay.optional(),
    to: ReportDay.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] })
  .refine((q) => !q.from || !q.to || daysBetween(q.from, q.to) < MAX_REPORT_DAYS, {
    message: `At most ${MAX_REPORT_DAYS} days`,
    path: ['to'],
  });
export type ReportQuery = z.infer<typeof ReportQuery>;

/** Sent messages that were delivered, 0..1; null when nothing was sent. */
export function deliveryRate(c: Pick<ReportCounts, 'sent' | 'delivered'>): number | null {
  return c.sent > 0 ? c.delivered / c.sent : null;
}

/** The range a query means: defaults to the last 30 days up to `today`, a missing end filled in. */
export function resolveReportRange(q: ReportQuery, today: string): { from: string; to: string } {
  const to = q.to ?? (q.from ? minDay(addDays(q.from, DEFAULT_REPORT_DAYS - 1), today) : today);
  const from = q.from ?? addDays(to, -(DEFAULT_REPORT_DAYS - 1));
  return { from, to };
}

/** Millionths as an exact decimal string: 12345 -> "0.012345", trailing zeros kept to 2 places. */
export function formatMicros(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(micros));
  const whole = Math.floor(abs / 1_000_000);
  const frac = String(abs % 1_000_000).padStart(6, '0').replace(/0{1,4}$/, '');
  return `${sign}${whole}.${frac.padEnd(2, '0')}`;
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function minDay(a: string, b: string): string {
  return a < b ? a : b;
}

function isRealDay(day: string): boolean {
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === day;
}

/** Adds counts (totals, per-day sums for the chart); a second currency makes the total's `MIXED`. */
export function sumCounts(rows: readonly ReportCounts[]): ReportCounts {
  const out = emptyCounts();
  let micros = 0;
  for (const r of rows) {
    for (const k of ['total', 'sent', 'delivered', 'failed', 'skipped', 'pending', 'optOuts', 'parts'] as const) out[k] += r[k];
    for (const k of FAIL_REASONS) out.failedByReason[k] += r.failedByReason[k];
    for (const k of SKIP_REASONS) out.skippedByReason[k] += r.skippedByReason[k];
    micros += parseMicros(r.cost.amount);
    const cur = r.cost.currency;
    if (cur) out.cost.currency = out.cost.currency === null || out.cost.currency === cur ? cur : 'MIXED';
  }
  out.cost.amount = formatMicros(micros);
  return out;
}

export function emptyCounts(): ReportCounts {
  return {
    total: 0,
    sent: 0,
    delivered: 0,
    failed: 0,
    failedByReason: Object.fromEntries(FAIL_REASONS.map((r) => [r, 0])) as ReportCounts['failedByReason'],
    skipped: 0,
    skippedByReason: Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as ReportCounts['skippedByReason'],
    pending: 0,
    optOuts: 0,
    parts: 0,
    cost: { amount: '0.00', currency: null },
  };
}

/** The inverse of formatMicros (exact for up to 6 decimals). */
export function parseMicros(amount: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(amount);
  if (!m) return 0;
  const v = Number(m[2]) * 1_000_000 + Number((m[3] ?? '').padEnd(6, '0'));
  return m[1] ? -v : v;
}

/** CSV columns of the export, in order (one row per day and rule, header first). */
export const REPORT_CSV_COLUMNS = [
  'day',
  'rule_id',
  'rule_label',
  'total',
  'sent',
  'delivered',
  'delivery_rate',
  'failed',
  ...FAIL_REASONS.map((r) => `failed_${r}`),
  'skipped',
  ...SKIP_REASONS.map((r) => `skipped_${r}`),
  'pending',
  'opt_outs',
  'parts',
  'cost_amount',
  'cost_currency',
] as const;

/** RFC 4180: CRLF line ends; a field with a comma, quote, CR or LF is quoted, quotes doubled. */
export function toReportCsv(rows: readonly ReportRow[]): string {
  const field = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [REPORT_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const rate = deliveryRate(r);
    lines.push(
      [
        r.day,
        r.ruleId,
        r.ruleLabel,
        r.total,
        r.sent,
        r.delivered,
        rate === null ? '' : rate.toFixed(4),
        r.failed,
        ...FAIL_REASONS.map((k) => r.failedByReason[k]),
        r.skipped,
        ...SKIP_REASONS.map((k) => r.skippedByReason[k]),
        r.pending,
        r.optOuts,
        r.parts,
        r.cost.amount,
        r.cost.currency,
      ]
        .map(field)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
