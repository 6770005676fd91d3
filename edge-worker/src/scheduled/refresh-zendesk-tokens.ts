// Cron Trigger: keeps every installation's Zendesk authorization alive. Global-client refresh
// tokens lapse after 30 days unused and access tokens after 30 minutes (Zendesk article
// 10212201463962, "Announcing the required expiration of global OAuth access and refresh
// tokens"). Access tokens are refreshed on use (zendesk/client.ts); this job refreshes every
// installation whose refresh token would lapse within REFRESH_AHEAD_MS, so a quiet account does
// not lose its connection. A refused refresh marks the installation "reconnect needed" (through
// zendeskFor's onRefreshRefused), which the app shows to admins with a Reconnect button.
import { listInstallationsToRefresh, readZendeskOAuth } from '../db/installations.ts';
import type { Env } from '../env.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';

export const REFRESH_AHEAD_MS = 7 * 24 * 60 * 60_000;
/** Per run; the next run (every 15 minutes) takes the rest. Keeps one invocation's subrequests bounded. */
export const BATCH = 20;

export interface RefreshReport {
  refreshed: number;
  refused: number;
  failed: number;
}

export async function refreshZendeskTokens(env: Env, nowMs: number): Promise<RefreshReport> {
  const report: RefreshReport = { refreshed: 0, refused: 0, failed: 0 };
  for (const installation of await listInstallationsToRefresh(env.DB, nowMs + REFRESH_AHEAD_MS, BATCH)) {
    if (!(await readZendeskOAuth(env.SECRETS_KEY, installation))) continue;
    // The rotated tokens and the "reconnect needed" state are persisted by the callbacks
    // zendeskFor wires in.
    const client = await zendeskFor(env, installation);
    const outcome = await client.refreshNow().catch(() => 'failed' as const);
    if (outcome === 'refreshed') report.refreshed += 1;
    else if (outcome === 'refused') report.refused += 1;
    else report.failed += 1;
    console.log(JSON.stringify({ msg: 'zendesk token refresh', installationId: installation.id, outcome }));
  }
  return report;
}
