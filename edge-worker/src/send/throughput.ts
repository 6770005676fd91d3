// How fast Telnyx lets a sender and an account send: the figures the send pacer
// (sender-pacer.ts) schedules against. Pure.
//
// Telnyx's default rates (developers.telnyx.com/docs/messaging/messages/rate-limiting, "Rate
// Limits"): per account, SMS 50 messages/second; per sender, Long Code 0.1 MPS per number,
// Toll-Free 20 MPS per number, Short Code 1,000 MPS per number, Alphanumeric 0.1 MPS per sender ID.
// "The default Long Code rate limit applies to non-US destinations. For US destinations, throughput
// is determined at the campaign level based on your 10DLC registration" (carrier figures per
// campaign, e.g. AT&T 240-4,500 SMS per minute by message class): the worker cannot read a
// campaign's carrier throughput from Telnyx at send time, so a US 10DLC number keeps the
// conservative long-code default unless the installation states its rate (settings
// `senderThroughput`), as it must for any limit Telnyx raised on request ("If you need an
// increased rate limit, contact Telnyx sales").
//
// Burst: what exceeds a sender's rate is not refused by Telnyx but "held in a queue", rejected
// only past the queue's length (4 hours' worth; 1,440 messages for a long code) —
// developers.telnyx.com/docs/messaging/messages/configuration-and-usage, "Queuing", and the
// rate-limiting page's "Max Queue Length". So a few messages may go to Telnyx together and leave
// at the number's rate from Telnyx's queue; the pacer lets DEFAULT_MIN_BURST (or one second's
// worth, whichever is more) through at once and holds the rest in our queue, where an opt-out
// that arrives meanwhile is still honoured and Telnyx's queue never fills.
import type { Settings } from '../../../shared/schemas/settings.ts';
import { isAlphanumericSenderInput } from '../../../shared/schemas/rule.ts';
import { senderTypeOf } from '../telnyx/us-readiness.ts';

export type SenderClass = 'long_code' | 'toll_free' | 'short_code' | 'alphanumeric';

/** Telnyx's default messages per second per sender (rate-limiting page, "Sender"). */
export const TELNYX_SENDER_RATE: Readonly<Record<SenderClass, number>> = {
  long_code: 0.1,
  toll_free: 20,
  short_code: 1000,
  alphanumeric: 0.1,
};

/** Telnyx's default SMS rate per account (rate-limiting page, "Account"). */
export const TELNYX_ACCOUNT_SMS_RATE = 50;

/** Messages that may go to Telnyx together before pacing applies, unless stated per sender. */
export const DEFAULT_MIN_BURST = 10;

export interface Rate {
  /** Messages per second. */
  perSecond: number;
  /** Messages that may be sent back to back; afterwards one every 1/perSecond seconds. */
  burst: number;
}

export interface SendThroughput {
  senderClass: SenderClass;
  sender: Rate;
  account: Rate;
  /** Whether the sender's rate comes from the installation's settings (not Telnyx's default). */
  overridden: boolean;
}

/**
 * The class of a stored sender from its text alone (send time has no Telnyx look-up): a letter
 * means an alphanumeric sender ID; 3-8 digits a short code (US/CA short codes have 5-6); a NANP
 * toll-free area code a toll-free number; anything else a long code.
 */
export function senderClassOf(sender: string): SenderClass {
  if (isAlphanumericSenderInput(sender)) return 'alphanumeric';
  if (/^\+?\d{3,8}$/.test(sender)) return 'short_code';
  return senderTypeOf(null, sender);
}

const defaultBurst = (perSecond: number) => Math.max(DEFAULT_MIN_BURST, Math.ceil(perSecond));

/** The rates to pace one sender of an installation by: Telnyx's defaults unless the settings say otherwise. */
export function throughputFor(
  settings: Pick<Settings, 'senderThroughput' | 'accountMessagesPerSecond'>,
  sender: string,
): SendThroughput {
  const senderClass = senderClassOf(sender);
  const override = (settings.senderThroughput ?? []).find((o) => o.sender === sender);
  const senderRate = override?.messagesPerSecond ?? TELNYX_SENDER_RATE[senderClass];
  const accountRate = settings.accountMessagesPerSecond ?? TELNYX_ACCOUNT_SMS_RATE;
  return {
    senderClass,
    sender: { perSecond: senderRate, burst: override?.burst ?? defaultBurst(senderRate) },
    account: { perSecond: accountRate, burst: Math.max(1, Math.ceil(accountRate)) },
    overridden: override !== undefined,
  };
}
