// The installation's daily SMS budget (Settings: dailyMessageLimit, dailyCostLimit,
// estimatedCostPerSegment), checked right before Telnyx is called (send-sms.ts deliverClaimed),
// the one place every SMS passes through. A send is counted once, on the UTC day it first goes
// out (db/daily-budget.ts, one conditional statement). Beyond the budget a send is never dropped:
// it is held (reason `budget_exceeded`) until the next UTC day, when its send job claims it
// again, or until an admin raises the limit (releaseHeldSends). The first hold of a day writes an
// audit entry; the admin screen shows a banner from GET /v1/budget.
import type { Settings } from '../../../shared/schemas/settings.ts';
import { insertAuditStatement } from '../db/audit.ts';
import {
  countAgainstBudget,
  holdSendForBudget,
  markBudgetExceeded,
  nextUtcDay,
  releaseBudgetHolds,
  utcDay,
  type BudgetLimits,
} from '../db/daily-budget.ts';
import type { Installation } from '../db/installations.ts';
import type { DailyBudgetGate, SendRow } from '../db/sends.ts';
import type { Env } from '../env.ts';
import { MAX_QUEUE_DELAY_S, type QueueAction } from '../jobs.ts';
import { log } from '../log.ts';

/** Held sends released per settings change; the rest wait for the next UTC day. */
export const RELEASE_BATCH = 1000;
/** Cloudflare Queues takes at most 100 messages per sendBatch (https://developers.cloudflare.com/queues/platform/limits/). */
const QUEUE_BATCH_MAX = 100;

export function budgetLimits(settings: Settings): BudgetLimits {
  return {
    messages: settings.dailyMessageLimit,
    costMicros: settings.dailyCostLimit === null ? null : Math.round(settings.dailyCostLimit * 1_000_000),
  };
}

/** The estimated cost of one send, in millionths: its segments at the configured price. */
export function estimatedCostMicros(settings: Settings, segments: number): number {
  return Math.round(Math.max(1, segments) * settings.estimatedCostPerSegment * 1_000_000);
}

const heldDetail = (releaseAt: string) => `Daily SMS budget used up; goes out after ${releaseAt} or when an admin raises the budget`;

/**
 * Today's budget as the interaction job's insert applies it to the sends it makes at once
 * (db/sends.ts insertPlannedSends): they are counted in that statement, so deliverClaimed finds
 * them counted already and spends no round trip on it.
 */
export function dailyBudgetGate(settings: Settings, nowMs: number): DailyBudgetGate {
  const releaseAt = new Date(nextUtcDay(nowMs)).toISOString();
  const limits = budgetLimits(settings);
  return { day: utcDay(nowMs), releaseAtIso: releaseAt, messages: limits.messages, costMicros: limits.costMicros, detail: heldDetail(releaseAt) };
}

/**
 * Counts a claimed send against today's budget. Returns null when it may go out; otherwise holds
 * it until the next UTC day (enqueueing its send job) and returns what the queue should do.
 */
export async function enforceDailyBudget(env: Env, installation: Installation, send: SendRow, nowMs: number): Promise<QueueAction | null> {
  // Counted when it was stored (the interaction job's insert) or by an earlier attempt: once only.
  if (send.budget_day !== null) return null;
  const settings = installation.settings;
  const day = utcDay(nowMs);
  if (await countAgainstBudget(env.DB, send.id, day, estimatedCostMicros(settings, send.segments), budgetLimits(settings))) return null;

  const now = new Date(nowMs).toISOString();
  const releaseMs = nextUtcDay(nowMs);
  const releaseAt = new Date(releaseMs).toISOString();
  const held = await holdSendForBudget(env.DB, send.id, releaseAt, heldDetail(releaseAt), now);
  if (!held) return { action: 'ack' };
  await noteBudgetExceeded(env, installation, day, now);
  // A hold longer than the queue's longest delay is re-enqueued when the job comes early
  // (send-sms.ts handleUnclaimed).
  await env.SEND_QUEUE.send(
    { kind: 'send', sendId: send.id, installationId: installation.id },
    { delaySeconds: Math.min(MAX_QUEUE_DELAY_S, Math.max(1, Math.ceil((releaseMs - nowMs) / 1000))) },
  );
  return { action: 'ack' };
}

/** A send was held for the budget: the first hold of the day writes the audit entry admins see. */
export async function noteBudgetExceeded(env: Env, installation: Installation, day: string, now: string): Promise<void> {
  const settings = installation.settings;
  if (await markBudgetExceeded(env.DB, installation.id, day, now)) {
    await insertAuditStatement(env.DB, {
      installationId: installation.id,
      actorUserId: 'system',
      actorRole: 'system',
      action: 'budget.exceeded',
      subjectId: day,
      changes: {
        dailyMessageLimit: { from: null, to: settings.dailyMessageLimit },
        dailyCostLimit: { from: null, to: settings.dailyCostLimit },
      },
      now,
    }).run();
    log('warn', 'daily SMS budget used up; sends held', { installationId: installation.id, day });
  }
}

/** Whether a settings change lets more through today: a limit raised or lifted, or a lower price. */
export function budgetRaised(before: Settings, after: Settings): boolean {
  const more = (a: number | null, b: number | null) => a !== null && (b === null || b > a);
  return (
    more(before.dailyMessageLimit, after.dailyMessageLimit) ||
    more(before.dailyCostLimit, after.dailyCostLimit) ||
    (before.dailyCostLimit !== null && after.estimatedCostPerSegment < before.estimatedCostPerSegment)
  );
}

/** An admin raised or lifted the budget: held sends are due now (each is counted as it goes out). */
export async function releaseHeldSends(env: Env, installationId: string, nowMs: number): Promise<number> {
  const ids = await releaseBudgetHolds(env.DB, installationId, new Date(nowMs).toISOString(), RELEASE_BATCH);
  for (let i = 0; i < ids.length; i += QUEUE_BATCH_MAX) {
    await env.SEND_QUEUE.sendBatch(ids.slice(i, i + QUEUE_BATCH_MAX).map((sendId) => ({ body: { kind: 'send' as const, sendId, installationId } })));
  }
  return ids.length;
}
