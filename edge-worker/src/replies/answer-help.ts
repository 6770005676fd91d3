// Answers a HELP keyword with the installation's `helpReplyText`, from the number it was sent to.
// No reply loops:
//   - never when Telnyx marks the inbound with `autoresponse_type`: the messaging profile has its
//     own auto-response for that keyword and already answered
//     (https://developers.telnyx.com/docs/messaging/messages/advanced-opt-in-out; without a
//     profile config Telnyx sends no HELP answer, only block rules for STOP / START);
//   - at most once per number per 24 h (one D1 upsert decides, also when two HELPs race);
//   - only HELP as the whole message is answered, never an ordinary message.
// The slot is taken before Telnyx is called: a failed answer is not retried (logged), so a number
// is never answered twice in 24 h.
import type { Installation } from '../db/installations.ts';
import { claimHelpAnswer } from '../db/replies.ts';
import type { Env } from '../env.ts';
import { log } from '../log.ts';
import { telnyxFor } from '../telnyx/client.ts';

export const HELP_ANSWER_PERIOD_MS = 24 * 60 * 60 * 1000;

export type HelpOutcome = 'answered' | 'auto_answered_by_telnyx' | 'answered_recently' | 'sms_not_connected' | 'send_failed';

export async function answerHelp(
  env: Env,
  installation: Installation,
  m: { from: string; to: string; autoresponseType: string | null | undefined },
  nowMs: number,
): Promise<HelpOutcome> {
  if (m.autoresponseType) return 'auto_answered_by_telnyx';
  const conn = await telnyxFor(env, installation);
  if (!conn) return 'sms_not_connected';
  if (!(await claimHelpAnswer(env.DB, installation.id, m.from, nowMs, HELP_ANSWER_PERIOD_MS))) return 'answered_recently';
  try {
    await conn.client.messages.send({
      from: m.to,
      to: m.from,
      text: installation.settings.helpReplyText,
      messaging_profile_id: conn.messagingProfileId,
    });
    return 'answered';
  } catch (err) {
    log('warn', 'HELP answer not sent', { installationId: installation.id, error: String(err) });
    return 'send_failed';
  }
}
