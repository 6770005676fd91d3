// Installation-wide settings and the write-only credentials an admin connects.
// Pure zod schemas shared by the worker and the app.
import { z } from 'zod';
import { isSupportedCountry } from 'libphonenumber-js/min';
import { ConnectionState } from './api.ts';
import { SenderId } from './rule.ts';

export const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use 24-hour HH:MM');

export const QuietHours = z.object({
  /** Local start of the quiet window, e.g. 21:00. The window may cross midnight. */
  start: HHMM,
  end: HHMM,
  /** IANA zone used when the recipient's own zone is unknown. */
  timeZone: z.string().min(1).max(64).refine(isValidTimeZone, 'Unknown IANA time zone'),
});
export type QuietHours = z.infer<typeof QuietHours>;

export const FrequencyCap = z.object({
  maxMessages: z.number().int().min(1).max(100),
  periodHours: z.number().int().min(1).max(24 * 31),
});
export type FrequencyCap = z.infer<typeof FrequencyCap>;

/**
 * The frequency cap a new installation has: 3 messages to one number per 24 h. One interaction
 * texts a number once; three solves of one customer's tickets in a day still all get their SMS,
 * a fourth (a burst of bulk solves, a rule that loops) does not.
 */
export const DEFAULT_FREQUENCY_CAP: FrequencyCap = { maxMessages: 3, periodHours: 24 };

/** ISO 3166-1 alpha-2, upper case, known to libphonenumber-js. */
const CountryCode = z
  .string()
  .length(2, 'Use a two-letter country code such as US')
  .transform((s) => s.toUpperCase())
  .refine((c) => isSupportedCountry(c), 'Unknown country code');

/** An E.164 number (+ and 8-15 digits). */
const E164 = z.string().trim().regex(/^\+[1-9]\d{7,14}$/, 'Use the international format, e.g. +14155550123');
/** One sender's throughput override (send pacing, issue 13). */
export const SenderThroughput = z.object({
  sender: SenderId,
  /** Messages per second Telnyx sends from this sender (0.01 = one every 100 s). */
  messagesPerSecond: z.number().min(0.01).max(10_000),
  /** Messages that may go to Telnyx at once before pacing applies; default: one second's worth, at least 1. */
  burst: z.number().int().min(1).max(10_000).optional(),
});
export type SenderThroughput = z.infer<typeof SenderThroughput>;

export const DEFAULT_HELP_REPLY_TEXT = 'Reply STOP to opt out. For help, reply with your question.';

export const Settings = z.object({
  /** Summaries must be on before a rule can include one (PRODUCT.md). */
  summariesEnabled: z.boolean().default(false),
  /** Include internal notes in the summary source. Off: nothing internal can reach a customer. */
  summaryIncludesInternalNotes: z.boolean().default(false),
  /** ISO 3166-1 alpha-2 country used to read numbers typed without a country code. */
  defaultCountry: z
    .string()
    .length(2, 'Use a two-letter country code such as US')
    .transform((s) => s.toUpperCase())
    .refine((c) => isSupportedCountry(c), 'Unknown country code'),
  /** Add an internal note to the ticket listing what was sent. */
  internalNoteEnabled: z.boolean().default(false),
  /** Names of Zendesk custom roles whose agents may manage rules, besides admins. */
  supervisorRoleNames: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  /** When the `phoneNumber` field is empty or invalid, text the requester's own phone instead. */
  customerFallbackToRequesterPhone: z.boolean().default(true),
  /** Hold messages during these hours in the recipient's time zone. */
  quietHours: QuietHours.nullable().default(null),
  /**
   * At most N messages to one number per period; null = off (chosen by an admin). On by default
   * (DEFAULT_FREQUENCY_CAP); migration 0008 gave installations that never chose the default.
   */
  frequencyCap: FrequencyCap.nullable().default(() => ({ ...DEFAULT_FREQUENCY_CAP })),
  /** Upper bound on SMS parts for one message (carriers accept up to 10). */
  maxParts: z.number().int().min(1).max(10).default(4),
  /** Who may retry a failed send from the sidebar. */
  retryAllowedFor: z.enum(['admins', 'agents']).default('agents'),
  /** A reply goes into the ticket when it arrives within this many days of our SMS to that number. */
  replyWindowDays: z.number().int().min(1).max(30).default(7),
  /** A reply added to a ticket sets it back to open. */
  replyReopensTicket: z.boolean().default(false),
  /** What a HELP reply is answered with (once per number per 24 h), from the number it was sent to. */
  helpReplyText: z.string().trim().min(1).max(320).default(DEFAULT_HELP_REPLY_TEXT),
  // Issue 12b: spend limits and retention (README "Spend limits", "Retention and erasure").
  /**
   * At most this many SMS handed to Telnyx per UTC day (installation-wide); sends beyond it are
   * held until the next UTC day or until an admin raises the limit. null = no limit. 1,000 a day
   * is far above a typical help desk's daily solves yet caps a runaway rule at about 5 USD a day.
   */
  dailyMessageLimit: z.number().int().min(1).max(1_000_000).nullable().default(1000),
  /** At most this estimated cost per UTC day (segments × estimatedCostPerSegment); null = off. */
  dailyCostLimit: z.number().positive().max(1_000_000).nullable().default(null),
  /**
   * The price of one SMS segment used for the estimate, in the account's currency. Telnyx's own
   * example answer prices one US part at 0.0051 USD (rate + carrier fee:
   * https://developers.telnyx.com/api-reference/messages/send-a-message-using-an-alphanumeric-sender-id,
   * response example `cost`, `cost_breakdown`); the account's rate card has the real price.
   */
  estimatedCostPerSegment: z.number().min(0).max(10).default(0.005),
  /** Countries (ISO 3166-1 alpha-2) whose numbers may be texted; null = only `defaultCountry`. */
  allowedCountries: z.array(CountryCode).min(1, 'Allow at least one country').max(250).nullable().default(null),
  /** Numbers a test SMS may go to besides the caller's own Zendesk phone (E.164). */
  testSendNumbers: z.array(E164).max(50).default([]),
  /** Message bodies, numbers, summaries and reply texts older than this many days are purged. */
  retentionDays: z.number().int().min(31, 'At least 31 days: frequency caps and reply matching look back that far').max(3650).default(90),
  // Outages (issue 12): how long a Zendesk or Telnyx outage only delays work before it fails.
  /** Hours an interaction or send waits out Zendesk / Telnyx 5xx, 429 or no answer before it fails. */
  outageHorizonHours: z.number().int().min(1).max(72).default(24),
  // Send pacing (issue 13): per-number throughput overrides and the account's SMS rate.
  /**
   * Throughput of particular senders when it differs from Telnyx's default for their type (a 10DLC
   * campaign's carrier throughput, a raised limit agreed with Telnyx). edge-worker/src/send/throughput.ts.
   */
  senderThroughput: z.array(SenderThroughput).max(100).default([]),
  /** The Telnyx account's SMS rate (messages per second) when Telnyx raised it; null = Telnyx's default. */
  accountMessagesPerSecond: z.number().positive().max(10_000).nullable().default(null),
});
export type Settings = z.infer<typeof Settings>;
export type SettingsInput = z.input<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = Settings.parse({ defaultCountry: 'US' });

type WithoutDefaults<S extends z.ZodRawShape> = { [K in keyof S]: S[K] extends z.ZodDefault<infer T> ? T : S[K] };

/** The shape with each field's default removed (the field's own validation kept). */
function withoutDefaults<S extends z.ZodRawShape>(shape: S): WithoutDefaults<S> {
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [key, field instanceof z.ZodDefault ? field.unwrap() : field]),
  ) as WithoutDefaults<S>;
}

/**
 * PATCH body for settings: any subset of the keys, each validated as in Settings, and only the
 * keys named change. Built from the schema without its defaults on purpose: `Settings.partial()`
 * keeps them, so a PATCH naming only `defaultCountry` came out with `summariesEnabled: false` and
 * reset every other defaulted setting.
 */
export const SettingsPatch = z.object(withoutDefaults(Settings.shape)).partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/**
 * Credentials are write-only: the API accepts them and answers with `ConnectionStatus` only.
 * A null clears the credential.
 */
export const TelnyxCredentials = z.object({
  apiKey: z.string().trim().min(10, 'Telnyx API key looks too short').max(200).nullable(),
  messagingProfileId: z.string().trim().min(1).max(100).nullable(),
  /** The account's Ed25519 public key (base64), used to verify Telnyx callbacks. */
  publicKey: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'Must be the base64 Ed25519 public key from the Telnyx portal')
    .nullable(),
}).partial();
export type TelnyxCredentials = z.infer<typeof TelnyxCredentials>;

export const ZendeskOAuthCredentials = z.object({
  accessToken: z.string().min(10).max(500),
  refreshToken: z.string().min(10).max(500).nullable().default(null),
  /** ISO time the access token expires; null for tokens without expiry. */
  expiresAt: z.iso.datetime().nullable().default(null),
  /** ISO time the refresh token lapses if unused (Zendesk: 30 days for global clients); null when unknown. */
  refreshExpiresAt: z.iso.datetime().nullable().default(null),
  /** The OAuth client; null = the worker's global client (ZENDESK_OAUTH_CLIENT_ID / _SECRET). */
  clientId: z.string().max(200).nullable().default(null),
  clientSecret: z.string().max(500).nullable().default(null),
});
export type ZendeskOAuthCredentials = z.infer<typeof ZendeskOAuthCredentials>;

/** What the app sees instead of secrets. */
export const ConnectionStatus = z.object({
  telnyx: z.object({
    apiKeySet: z.boolean(),
    /** Last four characters only, so an admin can tell which key is in use. */
    apiKeyHint: z.string().nullable(),
    messagingProfileId: z.string().nullable(),
    publicKeySet: z.boolean(),
    /** The worker runs with a local SMS sandbox (`npm start`): Setup offers "Use the SMS sandbox". */
    sandboxAvailable: z.boolean(),
  }),
  zendesk: z.object({ oauthConnected: z.boolean(), state: ConnectionState, tokenExpiresAt: z.string().nullable() }),
  webhookSigningSecretSet: z.boolean(),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
