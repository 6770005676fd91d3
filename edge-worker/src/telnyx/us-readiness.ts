// Whether a sender can text US recipients, from what Telnyx says about it. Pure.
//
// Rules (Telnyx docs, developers.telnyx.com/docs/messaging/messages/phone-number-configuration,
// "Messaging enablement by number type"): a US long code is ready after 10DLC registration, i.e.
// when the number is assigned to a campaign; a toll-free number after toll-free verification;
// alphanumeric sender IDs cannot send to the US, Canada or Puerto Rico (docs/messaging/messages/
// alphanumeric-sender-id). Unregistered US A2P traffic is blocked by the carriers.
//
// Telnyx's records (types from the official SDK, node_modules/telnyx):
//  - the number's `type` on PhoneNumberWithMessagingSettings: 'long-code' | 'toll-free' |
//    'short-code' (and the spellings 'longcode' | 'tollfree' | 'shortcode'), `country_code`;
//  - GET /10dlc/phone_number_campaigns/{phoneNumber} (PhoneNumberCampaign.assignmentStatus:
//    ASSIGNED | PENDING_ASSIGNMENT | FAILED_ASSIGNMENT | PENDING_UNASSIGNMENT | FAILED_UNASSIGNMENT,
//    failureReasons, tcrCampaignId); a 4xx when the number has no assignment;
//  - GET /messaging_tollfree/verification/requests?phone_number= (VerificationRequestStatus.
//    verificationStatus: Verified | Rejected | Waiting For Vendor | Waiting For Customer |
//    Waiting For Telnyx | In Progress, reason).
import type { SenderType, UsReach, UsReason } from '../../../shared/schemas/telnyx.ts';

export type TenDlcFacts =
  | { kind: 'assignment'; assignmentStatus?: string | null; failureReasons?: string | null; tcrCampaignId?: string | null }
  | { kind: 'none' }
  | { kind: 'lookup_failed' };

export type TollFreeFacts =
  | { kind: 'requests'; requests: Array<{ verificationStatus?: string | null; reason?: string | null }> }
  | { kind: 'lookup_failed' };

/** NANP toll-free area codes (800, 833, 844, 855, 866, 877, 888), for numbers Telnyx gives no type. */
const NANP_TOLL_FREE = /^\+18(00|33|44|55|66|77|88)\d{7}$/;

export function senderTypeOf(rawType: string | null | undefined, phoneNumber: string): Exclude<SenderType, 'alphanumeric'> {
  const type = (rawType ?? '').toLowerCase().replace(/[-_]/g, '');
  if (type === 'tollfree') return 'toll_free';
  if (type === 'shortcode') return 'short_code';
  if (type === 'longcode') return 'long_code';
  return NANP_TOLL_FREE.test(phoneNumber) ? 'toll_free' : 'long_code';
}

const reach = (status: UsReach['status'], reason: UsReason, detail: string | null = null): UsReach => ({ status, reason, detail });

export function usReachOfLongCode(countryCode: string | null, facts: TenDlcFacts): UsReach {
  if (countryCode && countryCode.toUpperCase() !== 'US') return reach('not_ready', 'not_a_us_number', countryCode.toUpperCase());
  if (facts.kind === 'lookup_failed') return reach('unknown', 'lookup_failed');
  if (facts.kind === 'none') return reach('not_ready', 'no_ten_dlc_campaign');
  const campaign = facts.tcrCampaignId ?? null;
  switch (facts.assignmentStatus) {
    case 'ASSIGNED':
    case 'FAILED_UNASSIGNMENT': // the unassignment failed: the number is still on its campaign
      return reach('ready', 'ten_dlc_assigned', campaign);
    case 'PENDING_ASSIGNMENT':
      return reach('pending', 'ten_dlc_pending', campaign);
    case 'PENDING_UNASSIGNMENT':
      return reach('not_ready', 'ten_dlc_unassigning', campaign);
    case 'FAILED_ASSIGNMENT':
      return reach('not_ready', 'ten_dlc_failed', facts.failureReasons ?? null);
    default:
      // An assignment without a status the SDK documents: say we do not know rather than guess.
      return reach('unknown', 'lookup_failed', facts.assignmentStatus ?? null);
  }
}

/** Several requests may name one number (a rejected one, then a new one): the best one counts. */
export function usReachOfTollFree(facts: TollFreeFacts): UsReach {
  if (facts.kind === 'lookup_failed') return reach('unknown', 'lookup_failed');
  const statuses = facts.requests.map((r) => r.verificationStatus ?? '');
  const with_ = (status: string) => facts.requests.find((r) => r.verificationStatus === status);
  if (statuses.includes('Verified')) return reach('ready', 'toll_free_verified');
  const waiting = with_('Waiting For Customer');
  if (waiting) return reach('pending', 'toll_free_waiting_for_customer', waiting.reason ?? null);
  if (statuses.some((s) => s === 'In Progress' || s === 'Waiting For Telnyx' || s === 'Waiting For Vendor')) {
    return reach('pending', 'toll_free_pending');
  }
  const rejected = with_('Rejected');
  if (rejected) return reach('not_ready', 'toll_free_rejected', rejected.reason ?? null);
  return reach('not_ready', 'toll_free_not_submitted');
}

export const ALPHANUMERIC_US_REACH: UsReach = reach('not_ready', 'alphanumeric_sender');
export const SHORT_CODE_US_REACH: UsReach = reach('unknown', 'short_code');
export const NOT_CHECKED_US_REACH: UsReach = reach('unknown', 'not_checked');

/** English for the rule warning (the app has its own translated texts for the Setup screen). */
const REASON_TEXT: Record<UsReason, string> = {
  ten_dlc_assigned: 'it is assigned to a 10DLC campaign',
  ten_dlc_pending: 'its 10DLC campaign assignment is still pending',
  ten_dlc_failed: 'its 10DLC campaign assignment failed',
  ten_dlc_unassigning: 'it is being removed from its 10DLC campaign',
  no_ten_dlc_campaign: 'it is not assigned to a 10DLC campaign',
  toll_free_verified: 'it is a verified toll-free number',
  toll_free_pending: 'its toll-free verification is still in progress',
  toll_free_waiting_for_customer: 'its toll-free verification is waiting for information from you',
  toll_free_rejected: 'its toll-free verification was rejected',
  toll_free_not_submitted: 'it is a toll-free number without a verification request',
  not_a_us_number: 'it is not a US number',
  alphanumeric_sender: 'alphanumeric sender IDs cannot send to the US, Canada or Puerto Rico',
  short_code: 'short codes are not checked here',
  lookup_failed: 'Telnyx could not be asked about it',
  not_checked: 'it was not checked',
};

export function describeUsReach(sender: string, us: UsReach): string {
  const why = REASON_TEXT[us.reason];
  if (us.status === 'ready') return `${sender} can text US recipients: ${why}.`;
  if (us.status === 'unknown') return `Could not confirm that ${sender} can text US recipients: ${why}.`;
  return `${sender} cannot text US recipients yet: ${why}${us.detail ? ` (${us.detail})` : ''}. Messages to US numbers may be blocked.`;
}
