// A rule's sender against the connected messaging profile: a phone number must be one of the
// profile's numbers, an alphanumeric sender ID one of the profile's sender IDs (its `alpha_sender`
// or its alphanumeric_sender_ids; see telnyx/client.ts). Saving is never blocked by US
// reachability: a sender that cannot text US recipients (no 10DLC campaign, toll-free not
// verified, an alphanumeric sender ID) gives a warning on the saved rule.
import { normalizeSender } from '../../../shared/phone/sender.ts';
import type { RuleWarning } from '../../../shared/schemas/rule.ts';
import type { UsReach } from '../../../shared/schemas/telnyx.ts';
import { APIError } from 'telnyx';
import type { Installation } from '../db/installations.ts';
import type { Env } from '../env.ts';
import { UpstreamError } from '../errors.ts';
import { listAlphanumericSenders, listProfileNumbers, readUsReach, telnyxFor } from '../telnyx/client.ts';
import { ALPHANUMERIC_US_REACH, describeUsReach } from '../telnyx/us-readiness.ts';

export type SenderCheck = { ok: true; kind: 'phone_number' | 'alphanumeric'; sender: string } | { ok: false; reason: string };

export async function checkSender(
  env: Env,
  installation: Installation,
  input: string,
  profileNumbers: readonly string[],
): Promise<SenderCheck> {
  const parsed = normalizeSender(input, installation.settings.defaultCountry);
  if (!parsed.ok) return parsed;
  if (parsed.kind === 'phone_number') {
    return profileNumbers.includes(parsed.sender)
      ? parsed
      : { ok: false, reason: 'Not an SMS number of the connected Telnyx messaging profile' };
  }
  const conn = await telnyxFor(env, installation);
  let senders: string[] = [];
  if (conn) {
    try {
      senders = await listAlphanumericSenders(conn);
    } catch (err) {
      if (err instanceof APIError) throw new UpstreamError('telnyx', typeof err.status === 'number' ? err.status : 0, err.message);
      throw err;
    }
  }
  // Stored as the profile spells it, so the `from` we send is exactly Telnyx's.
  const match = senders.find((s) => s.toLowerCase() === parsed.sender.toLowerCase());
  return match
    ? { ok: true, kind: 'alphanumeric', sender: match }
    : { ok: false, reason: 'Not an alphanumeric sender ID of the connected Telnyx messaging profile' };
}

/** The warnings a saved rule carries about its sender (none when it can text US recipients). */
export async function senderWarnings(
  env: Env,
  installation: Installation,
  sender: string,
  kind: 'phone_number' | 'alphanumeric',
): Promise<RuleWarning[]> {
  let us: UsReach = { status: 'unknown', reason: 'lookup_failed', detail: null };
  if (kind === 'alphanumeric') us = ALPHANUMERIC_US_REACH;
  else {
    try {
      const conn = await telnyxFor(env, installation);
      const number = conn ? (await listProfileNumbers(conn)).find((n) => n.phoneNumber === sender) : undefined;
      if (conn && number) us = await readUsReach(conn, number);
    } catch {
      // A warning is advice: Telnyx being unavailable now must not fail the save.
    }
  }
  if (us.status === 'ready') return [];
  return [{ field: 'senderNumber', code: 'sender_not_us_ready', message: describeUsReach(sender, us) }];
}
