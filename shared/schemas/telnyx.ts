// The messaging profile's senders as the Setup screen and the rule editor see them
// (GET /v1/telnyx/numbers): each number with its type and whether it can text US recipients.
// Shared zod schemas (worker response, app parsing).
//
// US reachability, from Telnyx's documentation (developers.telnyx.com/docs/messaging/messages/
// phone-number-configuration, "Messaging enablement by number type"): a US long code sends A2P
// traffic after 10DLC registration (brand + campaign, the number assigned to the campaign); a
// toll-free number after toll-free verification; alphanumeric sender IDs cannot send to the US,
// Canada or Puerto Rico (docs/messaging/messages/alphanumeric-sender-id).
import { z } from 'zod';

/** Our names for Telnyx's number types (`type` of PhoneNumberWithMessagingSettings in the SDK). */
export const SenderType = z.enum(['long_code', 'toll_free', 'short_code', 'alphanumeric']);
export type SenderType = z.infer<typeof SenderType>;

/** Can this sender text US recipients now? */
export const UsReadiness = z.enum([
  'ready', // registered (10DLC campaign assigned, or toll-free verified)
  'pending', // registration submitted, not approved yet
  'not_ready', // not registered, rejected, or a sender that can never reach the US
  'unknown', // Telnyx could not be asked (or the type is not checked)
]);
export type UsReadiness = z.infer<typeof UsReadiness>;

/** Why, as a stable code (the app translates it). */
export const UsReason = z.enum([
  'ten_dlc_assigned', // 10DLC assignmentStatus ASSIGNED (or FAILED_UNASSIGNMENT: still assigned)
  'ten_dlc_pending', // PENDING_ASSIGNMENT
  'ten_dlc_failed', // FAILED_ASSIGNMENT
  'ten_dlc_unassigning', // PENDING_UNASSIGNMENT
  'no_ten_dlc_campaign', // no assignment for the number
  'toll_free_verified', // verification request Verified
  'toll_free_pending', // In Progress / Waiting For Telnyx / Waiting For Vendor
  'toll_free_waiting_for_customer', // Waiting For Customer: Telnyx needs something from you
  'toll_free_rejected', // Rejected
  'toll_free_not_submitted', // no verification request names the number
  'not_a_us_number', // a long code of another country
  'alphanumeric_sender', // never to the US, Canada or Puerto Rico
  'short_code', // not checked here
  'lookup_failed', // Telnyx did not answer
  'not_checked', // more numbers than one request checks
]);
export type UsReason = z.infer<typeof UsReason>;

export const UsReach = z
  .object({
    status: UsReadiness,
    reason: UsReason,
    /** Telnyx's own words when it gave any (e.g. a 10DLC failure reason, a TCR campaign id). */
    detail: z.string().nullable(),
  })
  .meta({ id: 'UsReach' });
export type UsReach = z.infer<typeof UsReach>;

export const TelnyxNumber = z
  .object({
    phoneNumber: z.string(),
    type: SenderType.exclude(['alphanumeric']),
    /** ISO 3166-1 alpha-2 country of the number, when Telnyx says. */
    countryCode: z.string().nullable(),
    us: UsReach,
  })
  .meta({ id: 'TelnyxNumber' });
export type TelnyxNumber = z.infer<typeof TelnyxNumber>;

export const TelnyxAlphanumericSender = z
  .object({
    senderId: z.string(),
    us: UsReach,
  })
  .meta({ id: 'TelnyxAlphanumericSender' });
export type TelnyxAlphanumericSender = z.infer<typeof TelnyxAlphanumericSender>;

export const TelnyxSenders = z
  .object({
    messagingProfileId: z.string().nullable(),
    /** The profile's SMS numbers. */
    numbers: z.array(TelnyxNumber),
    /** The profile's alphanumeric sender IDs (its `alpha_sender` and its alphanumeric_sender_ids). */
    alphanumericSenders: z.array(TelnyxAlphanumericSender),
  })
  .meta({ id: 'TelnyxSenders' });
export type TelnyxSenders = z.infer<typeof TelnyxSenders>;
