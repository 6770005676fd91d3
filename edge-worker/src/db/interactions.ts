// D1 access for interactions: one per ended conversation or solve, keyed on the ending itself.
//
// The key (README "Guarantees"): every end event Zendesk reports is a row of interaction_events,
// keyed by ticket, event and `moment`, Zendesk's own time of that ending (the ticket's
// `updated_at` to the minute: the trigger body's {{ticket.updated_at_with_timestamp}} and the
// event webhook's detail.updated_at). So:
//  - Zendesk's redeliveries and the trigger + event-webhook copies of one solve have the same key
//    and are one receipt (a duplicate);
//  - a later solve (the ticket was reopened) has a later time: a new interaction, its own SMS;
//  - a conversation's end (chat / messaging) and a solve of the same ticket join one interaction,
//    whichever happened first and whichever arrives first: an end joins the ticket's interaction
//    that has a solve but no end yet (the solve nearest before it, else the nearest after), a solve
//    joins the one that has an end but no solve yet. Zendesk gives a messaging conversation one
//    session, and a new message after it ended starts a new ticket
//    (https://support.zendesk.com/hc/en-us/articles/8009788438042), so a ticket ends at most once.
//  Sends are unique per interaction, rule and recipient, so a rule listening to both events texts
//  a recipient once per conversation. Bursts of separate solves are left to the frequency cap.
// A body without Zendesk's time (a trigger installed before this key existed) gets `r:<receipt ms>`
// and collapses with any receipt of the same ticket and event in the last 60 minutes, as before.
import type { EndEvent } from '../../../shared/schemas/rule.ts';

/** Receipts without Zendesk's time (legacy trigger bodies) of one ticket and event within this window are one. */
export const LEGACY_WINDOW_MS = 60 * 60_000;

export interface InteractionRow {
  id: string;
  installation_id: string;
  ticket_id: string;
  /** The first end event recorded; all of them are in interaction_events. */
  event: EndEvent;
  source: string;
  status: 'received' | 'processing' | 'done' | 'failed';
  detail: string | null;
  attempts: number;
  note_added: number;
  received_at: string;
  received_ms: number;
  updated_at: string;
  /** Bumped when an end event joins: the pipeline finishes only the version it processed. */
  events_version: number;
  /** While it waits out an outage (migration 0007, db/outages.ts): next try due, since when, for whom. */
  retry_at: string | null;
  outage_since: string | null;
  waiting_for: 'zendesk' | 'telnyx' | null;
}

/** Zendesk's time of an ending to the minute (`2026-12-01T10:15Z`), or null when it is not a time. */
export function endMoment(value: string): string | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

export interface Receipt {
  /** New id: of the interaction if this receipt creates one, and of the receipt itself. */
  id: string;
  installationId: string;
  ticketId: string;
  event: EndEvent;
  source: string;
  /** endMoment() of Zendesk's time, or null when the body carried none. */
  moment: string | null;
  nowMs: number;
}

export type ReceiptOutcome = 'created' | 'joined' | 'duplicate';

const OTHER_EVENT: Record<EndEvent, EndEvent> = { ticket_solved: 'conversation_ended', conversation_ended: 'ticket_solved' };

// Parameters shared by the statements of recordReceipt (numbered, so each can use any subset):
// ?1 installation, ?2 ticket, ?3 event, ?4 receipt id, ?5 source, ?6 now ISO, ?7 now ms,
// ?8 moment (or 'r:<ms>'), ?9 start of the legacy window, ?10 the other end event.
/** The receipt's moment: Zendesk's, or for a legacy body the ticket's recent receipt of this event. */
const MOMENT = `(CASE WHEN ?8 LIKE 'r:%'
  THEN COALESCE((SELECT moment FROM interaction_events WHERE installation_id = ?1 AND ticket_id = ?2 AND event = ?3
                 AND received_ms > ?9 ORDER BY received_ms DESC LIMIT 1), ?8)
  ELSE ?8 END)`;
/** The interaction this receipt joins: the ticket's one with the other event and without this one. */
const JOINABLE = `(SELECT i.id FROM interactions i
  JOIN interaction_events o ON o.interaction_id = i.id AND o.event = ?10
  WHERE i.installation_id = ?1 AND i.ticket_id = ?2
    AND NOT EXISTS (SELECT 1 FROM interaction_events s WHERE s.interaction_id = i.id AND s.event = ?3)
  ORDER BY CASE WHEN o.moment <= ${MOMENT} THEN 0 ELSE 1 END, CASE WHEN o.moment <= ${MOMENT} THEN o.moment END DESC, o.moment ASC
  LIMIT 1)`;

/** The receipt's end event, inserted unless known; the triggers of migration 0013 do the rest. */
const INSERT_RECEIPT = `INSERT OR IGNORE INTO interaction_events (installation_id, ticket_id, event, moment, interaction_id, receipt_id, source, received_ms)
  SELECT ?1, ?2, ?3, ${MOMENT}, COALESCE(${JOINABLE}, ?4), ?4, ?5, ?7
  WHERE EXISTS (SELECT 1 FROM installations WHERE id = ?1)
  RETURNING interaction_id`;
/** A duplicate's interaction. */
const KNOWN_RECEIPT = `SELECT i.id, i.status FROM interaction_events e JOIN interactions i ON i.id = e.interaction_id
  WHERE e.installation_id = ?1 AND e.ticket_id = ?2 AND e.event = ?3 AND e.moment = ${MOMENT}`;

/** The highest `?N` of a statement, found once per SQL text (a regular expression over ~1 kB per webhook otherwise). */
const highestParameters = new Map<string, number>();
function highestParameter(sql: string): number {
  let highest = highestParameters.get(sql);
  if (highest === undefined) {
    highest = Math.max(...[...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1])));
    highestParameters.set(sql, highest);
  }
  return highest;
}

/** What ingest needs of the interaction a receipt belongs to. */
export interface ReceiptInteraction {
  id: string;
  status: InteractionRow['status'];
}

/**
 * Records a receipt: a duplicate of a known one, an end event joining the interaction of the same
 * conversation, or a new interaction. ONE statement, so one transaction and one round trip: it
 * inserts the end event, and the triggers of migration 0013 create the interaction it starts or
 * move on the one it joins inside that statement; two concurrent receipts of one conversation
 * cannot both create an interaction (the event's key is the primary key). A duplicate (nothing
 * inserted) costs one more read, to answer with the interaction it belongs to. Returns null when
 * the installation is gone (disconnected a moment ago).
 */
export async function recordReceipt(db: D1Database, r: Receipt): Promise<{ interaction: ReceiptInteraction; outcome: ReceiptOutcome } | null> {
  const params = [
    r.installationId, r.ticketId, r.event, r.id, r.source, new Date(r.nowMs).toISOString(), r.nowMs,
    r.moment ?? `r:${r.nowMs}`, r.nowMs - LEGACY_WINDOW_MS, OTHER_EVENT[r.event],
  ];
  // Each statement binds the parameters up to the highest number it uses.
  const statement = (sql: string) => db.prepare(sql).bind(...params.slice(0, highestParameter(sql)));
  // RETURNING is evaluated before the AFTER INSERT triggers run (https://sqlite.org/lang_returning.html:
  // the values are those the statement itself wrote), so it returns the event's own columns only;
  // a new or joined interaction is 'received' (the join trigger sets a finished one back to it).
  const inserted = await statement(INSERT_RECEIPT).first<{ interaction_id: string }>();
  if (inserted) {
    const outcome: ReceiptOutcome = inserted.interaction_id === r.id ? 'created' : 'joined';
    return { interaction: { id: inserted.interaction_id, status: 'received' }, outcome };
  }
  const known = await statement(KNOWN_RECEIPT).first<ReceiptInteraction>();
  return known ? { interaction: known, outcome: 'duplicate' } : null;
}

/**
 * Marks the interaction done, unless an end event joined it since `version` was read: then it
 * goes back to received (the joining receipt enqueued a job that processes it again) and false
 * is returned. One statement; `alongside` (e.g. the outcomes of the sends just made) goes in the
 * same batch, so finishing costs one round trip.
 */
export async function finishInteraction(
  db: D1Database,
  id: string,
  version: number,
  status: 'done' | 'failed',
  detail: string,
  now: string,
  alongside: readonly D1PreparedStatement[] = [],
): Promise<boolean> {
  const results = await db.batch<{ finished: number }>([
    ...alongside,
    db
      // Finished: no longer waiting for anything (db/outages.ts). A joined version goes back to
      // received only while this run holds it (processing), as a redelivery may hold it meanwhile.
      .prepare(
        `UPDATE interactions SET
           status = CASE WHEN events_version = ?5 THEN ?1 ELSE 'received' END,
           detail = CASE WHEN events_version = ?5 THEN ?2 ELSE detail END,
           updated_at = ?3,
           retry_at = CASE WHEN events_version = ?5 THEN NULL ELSE retry_at END,
           outage_since = CASE WHEN events_version = ?5 THEN NULL ELSE outage_since END,
           waiting_for = CASE WHEN events_version = ?5 THEN NULL ELSE waiting_for END
         WHERE id = ?4 AND (events_version = ?5 OR status = 'processing')
         RETURNING events_version = ?5 AS finished`,
      )
      .bind(status, detail, now, id, version),
  ]);
  return results[results.length - 1]?.results[0]?.finished === 1;
}

export function setInteractionStatusStatement(
  db: D1Database,
  id: string,
  status: InteractionRow['status'],
  detail: string | null,
  now: string,
): D1PreparedStatement {
  return db
    .prepare('UPDATE interactions SET status = ?, detail = ?, updated_at = ? WHERE id = ?')
    .bind(status, detail, now, id);
}

/** An interaction claimed for processing, with what the job needs to know about it. */
export interface ClaimedInteraction {
  interaction: InteractionRow;
  /** Its end events, first received first (a conversation's end and its solve may both be there). */
  events: EndEvent[];
  /** How many sends are stored for it: more than 0 on a rerun (db/sends.ts listSendsForInteraction). */
  storedSends: number;
  /** The installation row's version (migration 0013), or null when the installation is gone. */
  installationVersion: number | null;
}

/**
 * Marks the interaction as being processed and returns it; null when done already or unknown.
 * One statement: the claim returns, beside the row, the interaction's end events, how many sends
 * it has and its installation's row version, so the job needs no further read for them when the
 * installation is cached in the isolate at that version (subqueries in RETURNING may read other
 * tables: https://sqlite.org/lang_returning.html, "Limitations and caveats").
 */
export async function claimInteraction(db: D1Database, id: string, now: string): Promise<ClaimedInteraction | null> {
  const row = await db
    .prepare(
      `UPDATE interactions SET status = 'processing', attempts = attempts + 1, updated_at = ?1 WHERE id = ?2 AND status != 'done'
       RETURNING *,
         (SELECT json_group_array(event) FROM (SELECT event, MIN(received_ms) AS first_ms FROM interaction_events
            WHERE interaction_id = interactions.id GROUP BY event ORDER BY first_ms)) AS claim_events,
         (SELECT COUNT(*) FROM sends WHERE interaction_id = interactions.id) AS claim_stored_sends,
         (SELECT row_version FROM installations WHERE id = interactions.installation_id) AS claim_installation_version`,
    )
    .bind(now, id)
    .first<InteractionRow & { claim_events: string; claim_stored_sends: number; claim_installation_version: number | null }>();
  if (!row) return null;
  const { claim_events: events, claim_stored_sends: storedSends, claim_installation_version: installationVersion, ...interaction } = row;
  return { interaction, events: JSON.parse(events) as EndEvent[], storedSends, installationVersion };
}

/** True for exactly one caller: the one that gets to write the internal note. */
export async function claimNote(db: D1Database, id: string): Promise<boolean> {
  const res = await db.prepare('UPDATE interactions SET note_added = 1 WHERE id = ? AND note_added = 0').bind(id).run();
  return res.meta.changes > 0;
}

export async function listInteractionsForTicket(db: D1Database, installationId: string, ticketId: string): Promise<InteractionRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM interactions WHERE installation_id = ? AND ticket_id = ? ORDER BY received_ms DESC LIMIT 50')
    .bind(installationId, ticketId)
    .all<InteractionRow>();
  return results;
}
