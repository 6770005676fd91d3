// Outages delay work, they do not fail it (README "Guarantees"). When Zendesk or Telnyx answers
// 429 / 5xx, or does not answer where a retry is safe, the interaction or send waits and is tried
// again, until the installation's outage horizon (settings.outageHorizonHours, default 24 h)
// has passed since the FIRST failure of this outage; only then does it fail, with the reason.
//
// The queue's own retry count cannot carry that: max_retries (8 in wrangler.toml; at most 100,
// https://developers.cloudflare.com/queues/platform/limits/) would end a 24-hour outage after
// minutes, and one message waits at most 12 hours (jobs.ts MAX_QUEUE_DELAY_S: the limit the
// codebase already assumed; the official limits page in our docs corpus does not state it, only
// secondary references ("delay (max 43200s)") do, and miniflare accepts up to 86400 s, so 12 h is
// the conservative choice). So the first failure time lives in D1 (`outage_since`), the
// worker re-enqueues a fresh message itself (queue/requeue.ts), and `retry_at` records when that
// message is due, which also lets the sweeper (scheduled/sweep-stuck-work.ts) tell a row that
// waits from one whose job was lost.
import { MAX_QUEUE_DELAY_S } from '../jobs.ts';

/** Longest wait between two tries during an outage: an outage's end is noticed within minutes. */
export const OUTAGE_MAX_BACKOFF_S = 10 * 60;
/** First wait; later waits grow with the outage's age (about doubling) up to the cap. */
export const OUTAGE_MIN_BACKOFF_S = 2;

export type OutagePlan =
  | { kind: 'wait'; delaySeconds: number; retryAt: string; since: string }
  | { kind: 'give_up'; since: string; hours: number };

/**
 * What to do after a transient failure: wait (how long, honouring the service's Retry-After) or,
 * once the horizon has passed since the outage began, give up. Pure: `nowMs` is the caller's clock.
 */
export function planOutageWait(o: { since: string | null; nowMs: number; horizonHours: number; retryAfterS: number | null }): OutagePlan {
  const sinceMs = o.since ? Date.parse(o.since) : o.nowMs;
  const since = new Date(Number.isNaN(sinceMs) ? o.nowMs : sinceMs).toISOString();
  const endMs = Date.parse(since) + o.horizonHours * 3_600_000;
  if (o.nowMs >= endMs) return { kind: 'give_up', since, hours: o.horizonHours };
  const elapsedS = Math.ceil((o.nowMs - Date.parse(since)) / 1000);
  const backoff = Math.min(OUTAGE_MAX_BACKOFF_S, Math.max(OUTAGE_MIN_BACKOFF_S, elapsedS));
  // Retry-After is the service's own word: wait exactly that (not longer than one queue delay).
  const wanted = o.retryAfterS !== null && o.retryAfterS >= 0 ? Math.ceil(o.retryAfterS) : backoff;
  // The last try happens at the horizon, not after it.
  const delaySeconds = Math.max(0, Math.min(wanted, MAX_QUEUE_DELAY_S, Math.ceil((endMs - o.nowMs) / 1000)));
  return { kind: 'wait', delaySeconds, retryAt: new Date(o.nowMs + delaySeconds * 1000).toISOString(), since };
}

/** `Retry-After` in seconds (the delta form; an HTTP date is read too), or null. */
export function retryAfterSeconds(value: string | null | undefined, nowMs: number): number | null {
  if (!value) return null;
  const s = Number(value);
  if (Number.isFinite(s)) return s >= 0 ? s : null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * An interaction waits out an outage: back to received (a fresh job is due at retryAt), the
 * service it waits for and the first failure kept. Not if it finished meanwhile.
 */
export async function markInteractionWaiting(
  db: D1Database,
  id: string,
  w: { service: 'zendesk' | 'telnyx'; detail: string; retryAt: string; since: string; now: string },
): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE interactions SET status = 'received', detail = ?1, waiting_for = ?2, retry_at = ?3,
         outage_since = COALESCE(outage_since, ?4), updated_at = ?5
       WHERE id = ?6 AND status IN ('received', 'processing')`,
    )
    .bind(w.detail, w.service, w.retryAt, w.since, w.now, id)
    .run();
  return res.meta.changes > 0;
}

/** An interaction whose outage lasted past the horizon, or that the dead-letter queue returned: failed. */
export async function failInteraction(db: D1Database, id: string, detail: string, now: string): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE interactions SET status = 'failed', detail = ?1, waiting_for = NULL, retry_at = NULL, updated_at = ?2
       WHERE id = ?3 AND status IN ('received', 'processing')`,
    )
    .bind(detail, now, id)
    .run();
  return res.meta.changes > 0;
}

/**
 * A send whose Telnyx call certainly sent nothing (429 / 5xx / refused): back to reserved for the
 * try due at retryAt, the first failure of the outage kept.
 */
export async function releaseSendToWait(db: D1Database, id: string, w: { detail: string; retryAt: string; since: string; now: string }): Promise<void> {
  await db
    .prepare(
      `UPDATE sends SET status = 'reserved', detail = ?1, retry_at = ?2, outage_since = COALESCE(outage_since, ?3), updated_at = ?4
       WHERE id = ?5 AND status = 'sending'`,
    )
    .bind(w.detail, w.retryAt, w.since, w.now, id)
    .run();
}
