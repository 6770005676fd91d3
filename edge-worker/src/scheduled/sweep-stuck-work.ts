// Cron Trigger (every 5 minutes, wrangler.toml): finds work whose queue job was lost and puts it
// back on its path. A job is lost when the worker crashed after a claim, an enqueue failed, or a
// message ran out of the queue's retries. How a row shows it has no live job: every row that
// waits for a job carries the time that job is due, COALESCE(retry_at, updated_at) (retry_at is
// written whenever the worker re-enqueues something itself, db/outages.ts), or scheduled_for
// for a held send; a row still unfinished SWEEP_GRACE_MS after that time has none.
//   - interactions received / processing  -> an interaction job again (the pipeline is
//     idempotent: stored sends are never planned twice, each send is claimed once)
//   - sends reserved, or held and due       -> a send job again (claimSendForJob: one winner)
//   - sends `sending` longer than the Telnyx timeout -> failed / outcome_unknown (the call may
//     have reached Telnyx; a receipt still settles it, telnyx-webhook.ts)
// Safe at any moment and twice at once: each step is ONE conditional UPDATE … RETURNING, which D1
// runs atomically, and it moves the row's due time to now, so a concurrent sweep no longer
// matches the rows another sweep took. A run takes steps of at most SWEEP_BATCH rows each, one
// after the other, until a step finds less than a full batch (nothing left) or the run's budget
// (SWEEP_BUDGET_MS, SWEEP_MAX_STEPS) is spent: a mass loss of thousands of jobs heals in one run,
// not in hours of 50-row runs. No statement binds more than a handful of parameters (D1 binds at
// most 100 per statement).
//
// Unknown outcomes are NOT resolved by looking them up at Telnyx, on purpose. A send that timed
// out has no Telnyx message id, so GET /v2/messages/{id} cannot find it. Message detail records
// (GET /v2/detail_records?filter[record_type]=messaging, SDK `client.detailRecords.list`) can be
// searched by cld / cli / created_at and carry `delivery_status_webhook_url`, which holds our send
// id; but Telnyx documents no delay after which a record is guaranteed to be searchable
// (https://developers.telnyx.com/docs/messaging/messages/message-detail-records,
// https://developers.telnyx.com/api-reference/detail-records/search-detail-records), and its MDR
// reports warn that records of the last 4 hours may be missing "due to wait time for downstream
// message delivery confirmation" (MdrDetailedRequest.end_time in Telnyx's OpenAPI spec, MDR
// detailed reports API). POST /v2/messages takes no idempotency key or client reference. So "no
// record found" never proves that Telnyx did not accept the message, and a resend on that basis
// could text a person twice. Unknown outcomes are settled by their receipt, or by an admin who retries them with
// explicit confirmation (http/attention-api.ts).
import type { Env } from '../env.ts';
import type { Job } from '../jobs.ts';
import { log } from '../log.ts';

/** Its schedule in wrangler.toml [triggers] (index.ts dispatches on it). Not exported from index.ts:
 * workerd refuses an entry module that exports anything but handlers and classes. */
export const SWEEP_CRON = '*/5 * * * *';
/** After its due time, how long a row may wait before its job counts as lost. */
export const SWEEP_GRACE_MS = 15 * 60_000;
/** Beyond the Telnyx timeout, how long a `sending` row may stay before it counts as abandoned. */
export const SENDING_GRACE_MS = 2 * 60_000;
/** Rows per step and statement: with 50 interactions and 50 sends, a step's jobs are at most 100
 * messages, one sendBatch call (https://developers.cloudflare.com/queues/platform/limits/). */
export const SWEEP_BATCH = 50;
/** How long one run may keep taking steps (wall-clock time since the run began). A Cron Trigger
 * whose interval is under an hour (ours: 5 minutes) may use 30 s of CPU time on Workers Paid, and
 * a Cron Trigger invocation may last 15 min of wall-clock time
 * (https://developers.cloudflare.com/workers/platform/limits/, "CPU time" and "Duration"). A step
 * spends nearly all its time waiting on D1 and Queues, which is not CPU time; 20 s of wall-clock
 * time therefore keeps CPU time well under 30 s, and a run ends long before the next one starts.
 * (On Workers Free a Cron Trigger gets 10 ms of CPU; this worker assumes Workers Paid.) */
export const SWEEP_BUDGET_MS = 20_000;
/** At most this many steps per run: each step is one D1 batch and at most one sendBatch, and every
 * call to D1 or Queues is a subrequest, 1,000 per invocation at the least on Workers Paid
 * (https://developers.cloudflare.com/workers/platform/limits/, "Subrequests"). 100 steps: 200
 * subrequests, up to 5,000 interactions and 5,000 sends per run; the next run takes any rest. */
export const SWEEP_MAX_STEPS = 100;

/** The ids the run took, over all its steps (a concurrent sweep never takes the same row). */
export interface SweepReport {
  interactions: string[];
  sends: string[];
  unknown: string[];
  /** How many steps the run took. */
  steps: number;
}

interface Taken {
  id: string;
  installation_id: string;
}
/** The rows one step took, by statement. */
interface StepTaken {
  interactions: Taken[];
  sends: Taken[];
  unknown: Taken[];
}

export async function sweepStuckWork(env: Env, nowMs: number): Promise<SweepReport> {
  const startedMs = Date.now();
  const now = new Date(nowMs).toISOString();
  // SWEEP_GRACE_SECONDS shortens the graces for the soak (docs/soak.md), whose patience is a minute.
  const graceMs = Number(env.SWEEP_GRACE_SECONDS) > 0 ? Number(env.SWEEP_GRACE_SECONDS) * 1000 : SWEEP_GRACE_MS;
  const cutoff = new Date(nowMs - graceMs).toISOString();
  const timeoutMs = Number(env.TELNYX_TIMEOUT_MS ?? 10_000) || 10_000;
  const sendingGraceMs = Math.min(graceMs, SENDING_GRACE_MS);
  const sendingCutoff = new Date(nowMs - timeoutMs - sendingGraceMs).toISOString();

  const report: SweepReport = { interactions: [], sends: [], unknown: [], steps: 0 };
  let more = true;
  // Date.now() moves on after each I/O in a Worker, so it measures the time the steps took.
  while (more && report.steps < SWEEP_MAX_STEPS && Date.now() - startedMs < SWEEP_BUDGET_MS) {
    const step = await sweepStep(env, now, cutoff, sendingCutoff);
    report.steps++;
    report.interactions.push(...step.interactions.map((r) => r.id));
    report.sends.push(...step.sends.map((r) => r.id));
    report.unknown.push(...step.unknown.map((r) => r.id));
    // A statement that found less than a full batch left nothing behind; the rows each step took
    // no longer match (their due time is now), so the next step finds only rows not yet taken.
    more = [step.interactions, step.sends, step.unknown].some((rows) => rows.length === SWEEP_BATCH);
  }
  if (report.interactions.length || report.sends.length || report.unknown.length) {
    log('warn', 'sweeper put stuck work back on its path', {
      interactions: report.interactions.length,
      sends: report.sends.length,
      unknown: report.unknown.length,
      steps: report.steps,
      // More was left when the budget ran out: the next run goes on.
      budgetSpent: more,
    });
  }
  return report;
}

/** One step: at most SWEEP_BATCH rows of each kind taken (three conditional UPDATE … RETURNING in
 * one D1 batch), and their jobs queued in one sendBatch. */
async function sweepStep(env: Env, now: string, cutoff: string, sendingCutoff: string): Promise<StepTaken> {
  // The partial indexes of migration 0007 (interactions_unfinished, sends_in_flight) serve these
  // scans: their WHERE is repeated verbatim.
  const [interactions, sends, unknown] = await env.DB.batch<Taken>([
    env.DB.prepare(
      `UPDATE interactions SET retry_at = ?1
       WHERE id IN (SELECT id FROM interactions WHERE status IN ('received', 'processing')
                    AND updated_at < ?2 AND COALESCE(retry_at, updated_at) < ?2 ORDER BY updated_at LIMIT ?3)
         AND status IN ('received', 'processing') AND COALESCE(retry_at, updated_at) < ?2
       RETURNING id, installation_id`,
    ).bind(now, cutoff, SWEEP_BATCH),
    env.DB.prepare(
      `UPDATE sends SET retry_at = ?1
       WHERE id IN (SELECT id FROM sends WHERE status IN ('reserved', 'held', 'sending')
                    AND ((status = 'reserved' AND COALESCE(retry_at, updated_at) < ?2)
                      OR (status = 'held' AND COALESCE(retry_at, scheduled_for, updated_at) < ?2))
                    ORDER BY updated_at LIMIT ?3)
         AND ((status = 'reserved' AND COALESCE(retry_at, updated_at) < ?2)
           OR (status = 'held' AND COALESCE(retry_at, scheduled_for, updated_at) < ?2))
       RETURNING id, installation_id`,
    ).bind(now, cutoff, SWEEP_BATCH),
    env.DB.prepare(
      `UPDATE sends SET status = 'failed', reason = 'outcome_unknown', retry_at = NULL, outage_since = NULL, updated_at = ?1,
         detail = 'The worker stopped while Telnyx was being called; the message may have gone out, so it is not resent'
       WHERE id IN (SELECT id FROM sends WHERE status IN ('reserved', 'held', 'sending') AND status = 'sending'
                    AND updated_at < ?2 ORDER BY updated_at LIMIT ?3)
         AND status = 'sending' AND updated_at < ?2
       RETURNING id, installation_id`,
    ).bind(now, sendingCutoff, SWEEP_BATCH),
  ]);

  const rows = (r: D1Result<Taken> | undefined) => r?.results ?? [];
  const taken: StepTaken = { interactions: rows(interactions), sends: rows(sends), unknown: rows(unknown) };
  const jobs: Array<{ body: Job }> = [
    ...taken.interactions.map((r) => ({ body: { kind: 'interaction', interactionId: r.id, installationId: r.installation_id } as const })),
    ...taken.sends.map((r) => ({ body: { kind: 'send', sendId: r.id, installationId: r.installation_id } as const })),
  ];
  // At most 2 × SWEEP_BATCH = 100 messages: one sendBatch call
  // (https://developers.cloudflare.com/queues/platform/limits/). If it fails, the run stops here
  // (the error goes up) and these rows' due time is now: the run after the grace period takes them again.
  if (jobs.length) await env.SEND_QUEUE.sendBatch(jobs);
  return taken;
}
