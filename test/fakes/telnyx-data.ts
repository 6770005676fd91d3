// Seed types and the demo account for the Telnyx fake. Pure data, no I/O.
// Shapes follow the Telnyx v2 API as typed by the official SDK (node_modules/telnyx:
// MessagingMessagingProfile, PhoneNumberWithMessagingSettings).

export interface TelnyxMessagingProfileSeed {
  id: string;
  name: string;
  webhook_url?: string | null;
  webhook_failover_url?: string | null;
  enabled?: boolean;
  /** The profile's own alphanumeric sender ID (MessagingMessagingProfile.alpha_sender). */
  alpha_sender?: string | null;
  [key: string]: unknown;
}

export interface TelnyxPhoneNumberSeed {
  phone_number: string;
  messaging_profile_id: string | null;
  id?: string;
  type?: 'long-code' | 'toll-free' | 'short-code';
  /** ISO 3166-1 alpha-2; default US for +1 numbers. */
  country_code?: string;
  [key: string]: unknown;
}

/** An AlphanumericSenderID record (GET /alphanumeric_sender_ids, /messaging_profiles/{id}/alphanumeric_sender_ids). */
export interface TelnyxAlphanumericSenderSeed {
  id?: string;
  alphanumeric_sender_id: string;
  messaging_profile_id: string;
  /** A US long code Telnyx sends from instead when the destination is in the US (docs: "US and Canada fallback"). */
  us_long_code_fallback?: string;
}

/** A 10DLC phone number campaign assignment (PhoneNumberCampaign, GET /10dlc/phone_number_campaigns/{phoneNumber}). */
export interface TelnyxTenDlcAssignmentSeed {
  phoneNumber: string;
  campaignId?: string;
  assignmentStatus: 'FAILED_ASSIGNMENT' | 'PENDING_ASSIGNMENT' | 'ASSIGNED' | 'PENDING_UNASSIGNMENT' | 'FAILED_UNASSIGNMENT';
  tcrCampaignId?: string;
  failureReasons?: string;
}

/** A toll-free verification request (VerificationRequestStatus, GET /messaging_tollfree/verification/requests). */
export interface TelnyxTollFreeVerificationSeed {
  id?: string;
  phoneNumbers: string[];
  verificationStatus: 'Verified' | 'Rejected' | 'Waiting For Vendor' | 'Waiting For Customer' | 'Waiting For Telnyx' | 'In Progress';
  reason?: string | null;
  businessName?: string;
}

/** Advanced opt-in/out keywords of a profile (POST /messaging_profiles/{id}/autoresp_configs). */
export interface TelnyxAutorespConfigSeed {
  messaging_profile_id: string;
  op: 'start' | 'stop' | 'help';
  keywords: string[];
}

/** Body of `PUT /__control/accounts/{apiKey}`. */
export interface TelnyxAccountSeed {
  messagingProfiles?: TelnyxMessagingProfileSeed[];
  phoneNumbers?: TelnyxPhoneNumberSeed[];
  alphanumericSenderIds?: TelnyxAlphanumericSenderSeed[];
  tenDlcAssignments?: TelnyxTenDlcAssignmentSeed[];
  tollFreeVerifications?: TelnyxTollFreeVerificationSeed[];
  autorespConfigs?: TelnyxAutorespConfigSeed[];
}

/** Ids, key and numbers of `demoTelnyxAccount()`. */
export const TELNYX_DEMO = {
  apiKey: 'KEY_TEST_DEMO_0123456789abcdef',
  profiles: {
    support: '40017f8e-49bd-4f16-9e3d-ef103f916228',
    billing: '40017f8e-49bd-4f16-9e3d-ef103f916229',
    /** A profile with no numbers (sending with it alone fails). */
    empty: '40017f8e-49bd-4f16-9e3d-ef103f91622a',
  },
  numbers: {
    support1: '+14155550301',
    support2: '+14155550302',
    billing: '+14155550303',
    tollFree: '+18885550100',
  },
  /** The support profile's alphanumeric sender ID (one-way; never to US, CA or PR numbers). */
  alphaSender: 'AcmeHelp',
} as const;

/**
 * Two usable messaging profiles with numbers (one toll-free), and one without numbers. US
 * registration as a real account has it: support1 is on an assigned 10DLC campaign, support2 has
 * no campaign, billing's assignment is pending, the toll-free number is verified; the support
 * profile also has an alphanumeric sender ID.
 */
export function demoTelnyxAccount(options: { webhookUrl?: string | null } = {}): Required<TelnyxAccountSeed> {
  const D = TELNYX_DEMO;
  const webhook_url = options.webhookUrl ?? null;
  return {
    messagingProfiles: [
      { id: D.profiles.support, name: 'Support line', webhook_url },
      { id: D.profiles.billing, name: 'Billing line', webhook_url },
      { id: D.profiles.empty, name: 'Unused profile', webhook_url: null },
    ],
    phoneNumbers: [
      { phone_number: D.numbers.support1, messaging_profile_id: D.profiles.support },
      { phone_number: D.numbers.support2, messaging_profile_id: D.profiles.support },
      { phone_number: D.numbers.tollFree, messaging_profile_id: D.profiles.support, type: 'toll-free' },
      { phone_number: D.numbers.billing, messaging_profile_id: D.profiles.billing },
    ],
    alphanumericSenderIds: [{ alphanumeric_sender_id: D.alphaSender, messaging_profile_id: D.profiles.support }],
    tenDlcAssignments: [
      { phoneNumber: D.numbers.support1, assignmentStatus: 'ASSIGNED', tcrCampaignId: 'CDEMO01' },
      { phoneNumber: D.numbers.billing, assignmentStatus: 'PENDING_ASSIGNMENT', tcrCampaignId: 'CDEMO02' },
    ],
    tollFreeVerifications: [{ phoneNumbers: [D.numbers.tollFree], verificationStatus: 'Verified', businessName: 'Acme Inc' }],
    autorespConfigs: [],
  };
}
