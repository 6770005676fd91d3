// D1 access for erasure on request (POST /v1/erasure, http/privacy-api.ts): everything stored
// about one phone number or one ticket of an installation. One D1 batch (one transaction).
//
// Per table (README "Retention and erasure"):
//   sends        the number and the message body are blanked; the row stays with its status,
//                so the report's counts (report_daily, kept by triggers that do not watch these
//                columns) and the exactly-once key stay. `recipient` becomes 'erased:<send id>'
//                (unique, so the one-row-per-recipient key still holds), and the pipeline never
//                plans an interaction with an erased send again (process-interaction.ts): a late
//                end event cannot text the number anew. A send not yet handed to Telnyx
//                (reserved / held) is skipped with reason `erased`.
//   replies      deleted (the number, the text, media links).
//   help_answers deleted.
//   audit_log    the number is replaced by "[erased]" inside recorded changes.
//   opt_outs     KEPT: it is what stops us texting the number again (a legal duty); erasing it
//                would make the number textable. The answer says so.
//   rules / settings: numbers an admin configured are not changed here; the answer names them.

/** The recipient a send gets when its number is erased. */
export function isErasedRecipient(recipient: string): boolean {
  return recipient.startsWith('erased:');
}

const SKIP_PENDING = `UPDATE sends SET status = 'skipped', reason = 'erased', detail = 'Erased on request before it was sent', updated_at = ?1
  WHERE installation_id = ?2 AND status IN ('reserved', 'held') AND`;
const SCRUB = `UPDATE sends SET recipient = 'erased:' || id, body = '', detail = NULL, compose_note = NULL, updated_at = ?1
  WHERE installation_id = ?2 AND`;

export interface PhoneErasure {
  sends: number;
  replies: number;
  helpAnswers: number;
  auditEntries: number;
  optOutKept: boolean;
  /** Rules whose definition names the number (an admin configured it); not changed. */
  configuredInRules: string[];
  /** The installation's settings name it (test-send numbers); not changed. */
  configuredInSettings: boolean;
}

export async function eraseByPhone(db: D1Database, installationId: string, e164: string, nowIso: string): Promise<PhoneErasure> {
  const p = [nowIso, installationId, e164] as const;
  const results = await db.batch<Record<string, unknown>>([
    db.prepare(`${SKIP_PENDING} recipient = ?3`).bind(...p),
    db.prepare(`${SCRUB} recipient = ?3`).bind(...p),
    db.prepare('DELETE FROM replies WHERE installation_id = ?1 AND from_phone = ?2').bind(installationId, e164),
    db.prepare('DELETE FROM help_answers WHERE installation_id = ?1 AND phone = ?2').bind(installationId, e164),
    db
      .prepare(`UPDATE audit_log SET changes_json = replace(changes_json, ?2, '[erased]') WHERE installation_id = ?1 AND instr(changes_json, ?2) > 0`)
      .bind(installationId, e164),
    db.prepare('SELECT 1 AS kept FROM opt_outs WHERE installation_id = ?1 AND phone = ?2').bind(installationId, e164),
    db.prepare('SELECT id FROM rules WHERE installation_id = ?1 AND instr(definition_json, ?2) > 0 ORDER BY position').bind(installationId, e164),
    db.prepare('SELECT instr(settings_json, ?2) > 0 AS named FROM installations WHERE id = ?1').bind(installationId, e164),
  ]);
  const changes = (i: number) => results[i]?.meta.changes ?? 0;
  return {
    sends: changes(1),
    replies: changes(2),
    helpAnswers: changes(3),
    auditEntries: changes(4),
    optOutKept: (results[5]?.results.length ?? 0) > 0,
    configuredInRules: (results[6]?.results ?? []).map((r) => String(r.id)),
    configuredInSettings: Boolean(results[7]?.results[0]?.named),
  };
}

export interface TicketErasure {
  sends: number;
  replies: number;
}

export async function eraseByTicket(db: D1Database, installationId: string, ticketId: string, nowIso: string): Promise<TicketErasure> {
  const p = [nowIso, installationId, ticketId] as const;
  const results = await db.batch([
    db.prepare(`${SKIP_PENDING} ticket_id = ?3`).bind(...p),
    db.prepare(`${SCRUB} ticket_id = ?3`).bind(...p),
    db.prepare('DELETE FROM replies WHERE installation_id = ?1 AND ticket_id = ?2').bind(installationId, ticketId),
    db.prepare('DELETE FROM ticket_access WHERE installation_id = ?1 AND ticket_id = ?2').bind(installationId, ticketId),
  ]);
  return { sends: results[1]?.meta.changes ?? 0, replies: results[2]?.meta.changes ?? 0 };
}
