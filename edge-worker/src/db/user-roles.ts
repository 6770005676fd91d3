// D1 cache of users' roles looked up through the Zendesk API (see http/auth.ts).
import type { Role } from '../../../shared/schemas/api.ts';

export async function readCachedRole(
  db: D1Database,
  installationId: string,
  userId: string,
  notBeforeMs: number,
): Promise<Role | 'end-user' | null> {
  const row = await db
    .prepare('SELECT role FROM user_roles WHERE installation_id = ? AND user_id = ? AND checked_at >= ?')
    .bind(installationId, userId, notBeforeMs)
    .first<{ role: Role | 'end-user' }>();
  return row?.role ?? null;
}

export async function writeCachedRole(
  db: D1Database,
  installationId: string,
  userId: string,
  role: Role | 'end-user',
  nowMs: number,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO user_roles (installation_id, user_id, role, checked_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (installation_id, user_id) DO UPDATE SET role = excluded.role, checked_at = excluded.checked_at`,
    )
    .bind(installationId, userId, role, nowMs)
    .run();
}

/** Settings that change who is a supervisor invalidate the cache for the installation. */
export function clearCachedRolesStatement(db: D1Database, installationId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM user_roles WHERE installation_id = ?').bind(installationId);
}
