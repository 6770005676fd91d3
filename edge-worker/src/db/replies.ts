// D1 access for SMS replies (inbound messages to our senders) and HELP answers.
// A reply row is written first, keyed by Telnyx's message id: whoever inserts it acts on it, so a
// redelivered webhook does nothing. See migrations/0005_replies.sql and SCHEMA.md.
import type { SendRow } from './sends.ts';

export type ReplyStatus = 'pending' | 'applied' | 'failed' | 'ignored' | 'keyword';

export interface ReplyMedia {
  url: string;
  contentType: string | null;
}

export interface ReplyRow {
  installation_id: string;
  telnyx_message_id: string;
  from_phone: string;
  to_number: string;
  body: string;
  media_json: string;
  send_id: string | null;
  ticket_id: string | null;
  status: ReplyStatus;
  reason: string | null;
  comment_kind: 'public' | 'internal' | null;
  attempts: number;
  received_at: string;
  updated_at: string;
}

export type NewReply = Omit<ReplyRow, 'comment_kind' | 'attempts' | 'updated_at' | 'media_json'> & { media: ReplyMedia[] };

/** Inserts the reply unless its message id is known; true when this call inserted it. */
export async function insertReply(db: D1Database, r: NewReply): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO replies (installation_id, telnyx_message_id, from_phone, to_number, body, media_json, send_id, ticket_id,
         status, reason, received_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (installation_id, telnyx_message_id) DO NOTHING`,
    )
    .bind(
      r.installation_id,
      r.telnyx_message_id,
      r.from_phone,
      r.to_number,
      r.body,
      JSON.stringify(r.media),
      r.send_id,
      r.ticket_id,
      r.status,
      r.reason,
      r.received_at,
      r.received_at,
    )
    .run();
  return res.meta.changes > 0;
}

export async function readReply(db: D1Database, installationId: string, messageId: string): Promise<ReplyRow | null> {
  return db
    .prepare('SELECT * FROM replies WHERE installation_id = ? AND telnyx_message_id = ?')
    .bind(installationId, messageId)
    .first<ReplyRow>();
}

/** Counts an attempt at a pending reply; null when it is no longer pending (applied or failed already). */
export async function claimPendingReply(db: D1Database, installationId: string, messageId: string, now: string): Promise<ReplyRow | null> {
  return db
    .prepare(
      `UPDATE replies SET attempts = attempts + 1, updated_at = ?
       WHERE installation_id = ? AND telnyx_message_id = ? AND status = 'pending' RETURNING *`,
    )
    .bind(now, installationId, messageId)
    .first<ReplyRow>();
}

/** pending -> applied / failed (once). */
export async function settleReply(
  db: D1Database,
  installationId: string,
  messageId: string,
  o: { status: 'applied' | 'failed'; reason: string | null; commentKind: 'public' | 'internal' | null; now: string },
): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE replies SET status = ?, reason = ?, comment_kind = ?, updated_at = ?
       WHERE installation_id = ? AND telnyx_message_id = ? AND status = 'pending'`,
    )
    .bind(o.status, o.reason, o.commentKind, o.now, installationId, messageId)
    .run();
  return res.meta.changes > 0;
}

/** Replies that answer sends of a ticket (ignored ones and keywords left out), oldest first. */
export async function listRepliesForTicket(db: D1Database, installationId: string, ticketId: string): Promise<ReplyRow[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM replies WHERE installation_id = ? AND ticket_id = ? AND status IN ('pending', 'applied', 'failed')
       ORDER BY received_at, rowid`,
    )
    .bind(installationId, ticketId)
    .all<ReplyRow>();
  return results;
}

/**
 * The latest SMS that reached (or may have reached) `phone` from our number `from`: the send a
 * reply from `phone` to `from` answers. Sends that never went out (reserved, held, skipped,
 * failed before Telnyx took them) do not count; `outcome_unknown` may have gone out, so it does.
 * Uses the index sends_by_recipient (installation_id, recipient, created_at).
 */
export async function findLatestSendTo(db: D1Database, installationId: string, phone: string, from: string): Promise<SendRow | null> {
  return db
    .prepare(
      `SELECT * FROM sends WHERE installation_id = ? AND recipient = ? AND from_number = ?
         AND (status IN ('sending', 'queued', 'sent', 'delivered') OR reason = 'outcome_unknown')
       ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    )
    .bind(installationId, phone, from)
    .first<SendRow>();
}

/**
 * Takes the right to answer a HELP from `phone`: true at most once per `periodMs` per number, also
 * when two HELPs race (one upsert decides).
 */
export async function claimHelpAnswer(db: D1Database, installationId: string, phone: string, nowMs: number, periodMs: number): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO help_answers (installation_id, phone, answered_ms) VALUES (?, ?, ?)
       ON CONFLICT (installation_id, phone) DO UPDATE SET answered_ms = excluded.answered_ms
       WHERE help_answers.answered_ms <= ?`,
    )
    .bind(installationId, phone, nowMs, nowMs - periodMs)
    .run();
  return res.meta.changes > 0;
}
