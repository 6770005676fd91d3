// D1 cache of what the Zendesk API says about app users (see auth/user-access.ts): role,
// suspension and ticket restriction, plus per-ticket view decisions for the sidebar.
import { z } from 'zod';
import { Role } from '../../../shared/schemas/api.ts';

export const UserAccess = z.object({
  role: z.union([Role, z.literal('end-user')]),
  /** Suspended, or deleted (`active: false`): refused everywhere. */
  blocked: z.boolean(),
  /** Zendesk's `ticket_restriction`: organization | groups | assigned | requested | null (all tickets). */
  ticketRestriction: z.string().nullable(),
  organizationId: z.number().nullable(),
});
export type UserAccess = z.infer<typeof UserAccess>;

export async function readCachedAccess(
  db: D1Database,
  installationId: string,
  userId: string,
  notBeforeMs: number,
): Promise<UserAccess | null> {
  const row = await db
    .prepare('SELECT access_json FROM user_roles WHERE installation_id = ? AND user_id = ? AND checked_at >= ?')
    .bind(installationId, userId, notBeforeMs)
    .first<{ access_json: string | null }>();
  if (!row?.access_json) return null;
  // Parsed on read: the row may have been written by an older deploy.
  const parsed = UserAccess.safeParse(JSON.parse(row.access_json));
  return parsed.success ? parsed.data : null;
}

export async function writeCachedAccess(
  db: D1Database,
  installationId: string,
  userId: string,
  access: UserAccess,
  nowMs: number,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO user_roles (installation_id, user_id, role, access_json, checked_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (installation_id, user_id) DO UPDATE SET role = excluded.role, access_json = excluded.access_json,
         checked_at = excluded.checked_at`,
    )
    .bind(installationId, userId, access.role, JSON.stringify(access), nowMs)
    .run();
}

/** Settings that change who is a supervisor invalidate the cache for the installation. */
export function clearCachedRolesStatement(db: D1Database, installationId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM user_roles WHERE installation_id = ?').bind(installationId);
}

export async function readCachedTicketAccess(
  db: D1Database,
  installationId: string,
  userId: string,
  ticketId: string,
  notBeforeMs: number,
): Promise<boolean | null> {
  const row = await db
    .prepare('SELECT allowed FROM ticket_access WHERE installation_id = ? AND user_id = ? AND ticket_id = ? AND checked_at >= ?')
    .bind(installationId, userId, ticketId, notBeforeMs)
    .first<{ allowed: number }>();
  return row ? row.allowed === 1 : null;
}

export async function writeCachedTicketAccess(
  db: D1Database,
  installationId: string,
  userId: string,
  ticketId: string,
  allowed: boolean,
  nowMs: number,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO ticket_access (installation_id, user_id, ticket_id, allowed, checked_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (installation_id, user_id, ticket_id) DO UPDATE SET allowed = excluded.allowed, checked_at = excluded.checked_at`,
    )
    .bind(installationId, userId, ticketId, allowed ? 1 : 0, nowMs)
    .run();
}
