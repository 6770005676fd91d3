// Seed types and the demo account for the Telnyx fake. Pure data, no I/O.
// Shapes follow the Telnyx v2 API as typed by the official SDK (node_modules/telnyx:
// MessagingMessagingProfile, PhoneNumberWithMessagingSettings).

export interface TelnyxMessagingProfileSeed {
  id: string;
  name: string;
  webhook_url?: string | null;
  webhook_failover_url?: string | null;
  enabled?: boolean;
  [key: string]: unknown;
}

export interface TelnyxPhoneNumberSeed {
  phone_number: string;
  messaging_profile_id: string | null;
  id?: string;
  type?: 'long-code' | 'toll-free' | 'short-code';
  [key: string]: unknown;
}

/** Body of `PUT /__control/accounts/{apiKey}`. */
export interface TelnyxAccountSeed {
  messagingProfiles?: TelnyxMessagingProfileSeed[];
  phoneNumbers?: TelnyxPhoneNumberSeed[];
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
} as const;

/** Two usable messaging profiles with numbers (one toll-free), and one without numbers. */
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
  };
}
