// D1 writes that stop a held send before it goes (send timing, issue 14): an agent's cancel, and
// every pending delayed send of a rule that is disabled or deleted. Each is one conditional
// UPDATE (held -> skipped): a send already claimed for Telnyx (`sending`) is not touched, so a
// cancel and a send never both happen. The report's triggers (migration 0006) see the change.
import type { SendReason } from '../../../shared/schemas/send.ts';

/** held -> skipped with the reason, for exactly one caller; false when it was no longer held. */
export async function cancelHeldSend(
  db: D1Database,
  installationId: string,
  id: string,
  reason: SendReason,
  detail: string,
  nowIso: string,
): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE sends SET status = 'skipped', reason = ?1, detail = ?2, updated_at = ?3
       WHERE installation_id = ?4 AND id = ?5 AND status = 'held'`,
    )
    .bind(reason, detail, nowIso, installationId, id)
    .run();
  return res.meta.changes > 0;
}

/** Every delayed send of a rule still waiting: skipped (rule_disabled) with `detail`. */
export function cancelDelayedSendsOfRuleStatement(
  db: D1Database,
  installationId: string,
  ruleId: string,
  detail: string,
  nowIso: string,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sends SET status = 'skipped', reason = 'rule_disabled', detail = ?1, updated_at = ?2
       WHERE installation_id = ?3 AND rule_id = ?4 AND status = 'held' AND reason = 'send_delay'`,
    )
    .bind(detail, nowIso, installationId, ruleId);
}

/** A delayed send that hit quiet hours when due: held until `scheduledFor`, still a delayed send. */
export async function postponeHeldSend(db: D1Database, id: string, scheduledFor: string, detail: string, nowIso: string): Promise<boolean> {
  const res = await db
    .prepare(`UPDATE sends SET scheduled_for = ?1, detail = ?2, updated_at = ?3 WHERE id = ?4 AND status = 'held'`)
    .bind(scheduledFor, detail, nowIso, id)
    .run();
  return res.meta.changes > 0;
}

/** The end events of an interaction (its first event when none were recorded separately). */
export async function interactionEndEvents(db: D1Database, interactionId: string): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT event FROM interaction_events WHERE interaction_id = ?1
       UNION SELECT event FROM interactions WHERE id = ?1`,
    )
    .bind(interactionId)
    .all<{ event: string }>();
  return results.map((r) => r.event);
}
