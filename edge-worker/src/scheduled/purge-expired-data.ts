// Cron Trigger (daily, "17 3 * * *"): deletes personal data older than each installation's
// retention (Settings.retentionDays, default 90): interactions with their sends (numbers, message
// bodies, summaries) and end events, SMS replies (numbers, texts, media links), HELP answers and
// daily budget counters; audit entries after AUDIT_MIN_DAYS or the retention, whichever is longer;
// cached role / ticket-access answers after a day. Kept: report_daily (aggregate counts, no
// personal data) and opt_outs (the record that a number must not be texted).
// Bounded: at most PURGE_LIMIT rows per statement and MAX_ROUNDS rounds per run; what is left
// is taken by the next run. Safe to run at any moment, twice: it only deletes what is expired.
import { Settings } from '../../../shared/schemas/settings.ts';
import { emptyPurgedCounts, listInstallationsForPurge, purgeRound, type PurgedCounts } from '../db/retention.ts';
import type { Env } from '../env.ts';
import { log } from '../log.ts';

/** Must equal the cron in wrangler.toml [triggers]; index.ts dispatches on controller.cron. */
export const PURGE_CRON = '17 3 * * *';
const DAY_MS = 24 * 60 * 60_000;
/** Audit entries are the record of who changed what: kept at least a year. */
export const AUDIT_MIN_DAYS = 365;
export const PURGE_LIMIT = 500;
/** D1 round trips per run (each a read and one batch), so one invocation stays within its limits. */
export const MAX_ROUNDS = 200;
const PAGE = 50;

export interface PurgeReport extends PurgedCounts {
  installations: number;
  /** True when the round budget ran out with rows possibly left for the next run. */
  incomplete: boolean;
}

export async function purgeExpiredData(env: Env, nowMs: number): Promise<PurgeReport> {
  const report: PurgeReport = { ...emptyPurgedCounts(), installations: 0, incomplete: false };
  let rounds = 0;
  let after = '';
  for (;;) {
    const page = await listInstallationsForPurge(env.DB, after, PAGE);
    for (const inst of page) {
      after = inst.id;
      report.installations += 1;
      const parsed = Settings.safeParse(JSON.parse(inst.settings_json));
      const days = parsed.success ? parsed.data.retentionDays : Settings.shape.retentionDays.parse(undefined);
      const cut = {
        dataBeforeMs: nowMs - days * DAY_MS,
        auditBeforeMs: nowMs - Math.max(days, AUDIT_MIN_DAYS) * DAY_MS,
        cacheBeforeMs: nowMs - DAY_MS,
      };
      for (;;) {
        if (rounds >= MAX_ROUNDS) {
          report.incomplete = true;
          log('info', 'retention purge', { ...report });
          return report;
        }
        rounds += 1;
        const round = await purgeRound(env.DB, inst.id, cut, PURGE_LIMIT);
        for (const key of Object.keys(round) as Array<keyof PurgedCounts>) report[key] += round[key];
        // A full batch of any bounded delete means there may be more of it (sends and budget
        // days follow their interactions / are unbounded, so they do not count).
        const full = [round.interactions, round.replies, round.helpAnswers, round.auditEntries, round.cacheRows].some((n) => n >= PURGE_LIMIT);
        if (!full) break;
      }
    }
    if (page.length < PAGE) break;
  }
  log('info', 'retention purge', { ...report });
  return report;
}
