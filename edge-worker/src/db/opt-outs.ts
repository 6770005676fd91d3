// D1 access for opt-outs: numbers that texted STOP (or that Telnyx reports as opted out).

/**
 * Which of `numbers` opted out, in one statement however many there are: the list travels as ONE
 * JSON parameter read with json_each (D1 binds at most 100 parameters per statement,
 * https://developers.cloudflare.com/d1/platform/limits/; https://sqlite.org/json1.html#jeach).
 */
export async function listOptedOut(db: D1Database, installationId: string, numbers: readonly string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const { results } = await db
    .prepare('SELECT phone FROM opt_outs WHERE installation_id = ? AND phone IN (SELECT value FROM json_each(?))')
    .bind(installationId, JSON.stringify(numbers))
    .all<{ phone: string }>();
  return new Set(results.map((r) => r.phone));
}

export async function recordOptOut(db: D1Database, installationId: string, phone: string, keyword: string, now: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO opt_outs (installation_id, phone, keyword, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (installation_id, phone) DO UPDATE SET keyword = excluded.keyword, created_at = excluded.created_at`,
    )
    .bind(installationId, phone, keyword, now)
    .run();
}

export async function clearOptOut(db: D1Database, installationId: string, phone: string): Promise<void> {
  await db.prepare('DELETE FROM opt_outs WHERE installation_id = ? AND phone = ?').bind(installationId, phone).run();
}
