// The original feature's prerequisites: SMS connected, at least one sender number, at least one
// group. Checked before a rule is saved and shown to the admin as a checklist.
import type { Requirements } from '../../../shared/schemas/api.ts';
import type { Installation } from '../db/installations.ts';
import type { Env } from '../env.ts';
import { listSenderNumbers, telnyxFor } from '../telnyx/client.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';
import { UpstreamError } from '../errors.ts';
import { APIError } from 'telnyx';

export interface RequirementFacts extends Requirements {
  /** The messaging profile's numbers (empty when SMS is not connected). */
  senderNumbers: string[];
}

export async function readRequirements(env: Env, installation: Installation): Promise<RequirementFacts> {
  const conn = await telnyxFor(env, installation);
  // A rejected key or profile means "not set up"; Telnyx or Zendesk being unavailable is not an
  // unmet requirement: it propagates as 503 so nobody is told to fix a setup that is fine.
  const [senderNumbers, groups] = await Promise.all([
    conn ? listSenderNumbers(conn).catch(unlessUnavailable('telnyx', [] as string[])) : Promise.resolve([] as string[]),
    zendeskFor(env, installation)
      .then((z) => z.listGroups())
      .catch(unlessUnavailable('zendesk', [])),
  ]);
  const missing: Requirements['missing'] = [];
  if (!conn) missing.push('sms_connected');
  if (senderNumbers.length === 0) missing.push('sender_number');
  if (groups.length === 0) missing.push('group');
  return {
    smsConnected: conn !== null,
    hasSenderNumber: senderNumbers.length > 0,
    hasGroup: groups.length > 0,
    ready: missing.length === 0,
    missing,
    senderNumbers,
  };
}

function unlessUnavailable<T>(service: 'zendesk' | 'telnyx', fallback: T) {
  return (err: unknown): T => {
    if (err instanceof UpstreamError && err.isTransient) throw err;
    if (err instanceof APIError) {
      const status = typeof err.status === 'number' ? err.status : 0;
      if (status === 0 || status === 429 || status >= 500) throw new UpstreamError(service, status, err.message);
    }
    return fallback;
  };
}
