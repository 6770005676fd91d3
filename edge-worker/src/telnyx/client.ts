// I/O: the official telnyx SDK configured for one installation. Base URL is configuration (the
// local fake in tests and local runs). maxRetries is 0: the SDK's own retries carry no
// idempotency key and could text a person twice (FACTS.md); the queue decides retries.
import Telnyx, { NotFoundError } from 'telnyx';
import type { TelnyxSenders, UsReach } from '../../../shared/schemas/telnyx.ts';
import { readTelnyx, type Installation, type StoredTelnyx } from '../db/installations.ts';
import type { Env } from '../env.ts';
import {
  ALPHANUMERIC_US_REACH,
  NOT_CHECKED_US_REACH,
  SHORT_CODE_US_REACH,
  senderTypeOf,
  type TenDlcFacts,
  type TollFreeFacts,
  usReachOfLongCode,
  usReachOfTollFree,
} from './us-readiness.ts';

export interface TelnyxConnection {
  client: Telnyx;
  messagingProfileId: string;
  publicKey: string | null;
  /** True when the local sandbox key is used because the installation has none. */
  sandbox: boolean;
}

export function createTelnyx(apiKey: string, baseUrl: string, timeoutMs = 10_000): Telnyx {
  return new Telnyx({
    apiKey,
    baseURL: baseUrl,
    maxRetries: 0,
    timeout: timeoutMs,
    // Never from the environment (the SDK reads TELNYX_CLIENT_ID / _SECRET by default): with them
    // it would authenticate by OAuth and keep a token promise in the client (see telnyxFor's cache).
    clientID: null,
    clientSecret: null,
    // The global fetch looked up per call, not captured when the client is made (telnyxFor's cache).
    fetch: (input, init) => fetch(input, init),
  });
}

/**
 * Connections made in this isolate, by installation id (issue 13). Building one costs more CPU
 * than the rest of a send job's JavaScript: decrypting the sealed credentials (WebCrypto), parsing
 * them, and constructing the SDK client, which instantiates every API resource class it has
 * (measured with bench/cpu-profile.ts). Why reusing one across requests is safe:
 *  - It is used only while everything it was made from is unchanged: the sealed credentials as
 *    stored (the ciphertext string; every change re-encrypts them with a fresh IV, so the string
 *    changes with any change of key, profile or public key), the key that unseals them, the
 *    sandbox key, the base URL and the timeout. Otherwise it is made again.
 *  - The SDK client holds configuration only: no I/O object of the request that made it (its
 *    fetch looks the global up per call) and no pending promise (the SDK keeps one only for its
 *    OAuth client-credentials token, and no client id or secret is ever passed).
 *  - Only resolved values are stored, never a promise another request could await.
 *  - At most MAX_CACHED_CONNECTIONS installations; the oldest entry goes first.
 * The decrypted API key stays in this isolate's memory, as it did for each job; it is never logged.
 */
const connections = new Map<string, { madeFrom: string; conn: TelnyxConnection | null }>();
export const MAX_CACHED_CONNECTIONS = 100;

/** The installation's Telnyx connection, or null when SMS is not set up. Callers must not change it. */
export async function telnyxFor(env: Env, installation: Installation): Promise<TelnyxConnection | null> {
  const timeoutMs = Number(env.TELNYX_TIMEOUT_MS) || 10_000;
  const madeFrom = [installation.sealed.telnyx ?? '', env.SECRETS_KEY, env.SANDBOX_TELNYX_API_KEY ?? '', env.TELNYX_BASE_URL, timeoutMs].join('\u0000');
  const cached = connections.get(installation.id);
  if (cached?.madeFrom === madeFrom) return cached.conn;

  const stored: StoredTelnyx = await readTelnyx(env.SECRETS_KEY, installation);
  const apiKey = stored.apiKey ?? env.SANDBOX_TELNYX_API_KEY ?? null;
  const conn =
    apiKey && stored.messagingProfileId
      ? {
          client: createTelnyx(apiKey, env.TELNYX_BASE_URL, timeoutMs),
          messagingProfileId: stored.messagingProfileId,
          publicKey: stored.publicKey,
          sandbox: !stored.apiKey,
        }
      : null;
  connections.delete(installation.id);
  if (connections.size >= MAX_CACHED_CONNECTIONS) connections.delete(connections.keys().next().value as string);
  connections.set(installation.id, { madeFrom, conn });
  return conn;
}

/** A number of the messaging profile with what Telnyx says about it (PhoneNumberWithMessagingSettings). */
export interface ProfileNumber {
  phoneNumber: string;
  /** Telnyx's `type`: 'long-code' | 'toll-free' | 'short-code' (or their unhyphenated spellings). */
  rawType: string | null;
  countryCode: string | null;
}

/** GET /messaging_profiles/{id}/phone_numbers, every page (250 a page, the API's maximum). */
export async function listProfileNumbers(conn: TelnyxConnection): Promise<ProfileNumber[]> {
  const numbers: ProfileNumber[] = [];
  for await (const n of conn.client.messagingProfiles.listPhoneNumbers(conn.messagingProfileId, { 'page[size]': 250 })) {
    if (n.phone_number) numbers.push({ phoneNumber: n.phone_number, rawType: n.type ?? null, countryCode: n.country_code ?? null });
  }
  return numbers;
}

/** The SMS-capable numbers of the messaging profile: the rule editor's sender choices. */
export async function listSenderNumbers(conn: TelnyxConnection): Promise<string[]> {
  return (await listProfileNumbers(conn)).map((n) => n.phoneNumber);
}

/**
 * The messaging profile's alphanumeric sender IDs. Telnyx models them two ways (SDK types): the
 * profile's own `alpha_sender` (MessagingMessagingProfile) and AlphanumericSenderID records tied to
 * a profile (GET /messaging_profiles/{id}/alphanumeric_sender_ids). Both count; duplicates once.
 */
export async function listAlphanumericSenders(conn: TelnyxConnection): Promise<string[]> {
  const profile = await conn.client.messagingProfiles.retrieve(conn.messagingProfileId);
  const senders = new Set<string>();
  if (profile.data?.alpha_sender) senders.add(profile.data.alpha_sender);
  try {
    for await (const record of conn.client.messagingProfiles.listAlphanumericSenderIDs(conn.messagingProfileId, { 'page[size]': 250 })) {
      if (record.alphanumeric_sender_id) senders.add(record.alphanumeric_sender_id);
    }
  } catch (err) {
    // Only the profile's own field then (an account without the newer resource answers 404).
    if (!(err instanceof NotFoundError)) throw err;
  }
  return [...senders];
}

/** GET /10dlc/phone_number_campaigns/{phoneNumber}: the number's 10DLC campaign assignment. */
export async function readTenDlcAssignment(conn: TelnyxConnection, phoneNumber: string): Promise<TenDlcFacts> {
  try {
    const a = await conn.client.messaging10dlc.phoneNumberCampaigns.retrieve(phoneNumber);
    return { kind: 'assignment', assignmentStatus: a.assignmentStatus ?? null, failureReasons: a.failureReasons ?? null, tcrCampaignId: a.tcrCampaignId ?? null };
  } catch (err) {
    if (err instanceof NotFoundError) return { kind: 'none' };
    return { kind: 'lookup_failed' };
  }
}

/**
 * GET /messaging_tollfree/verification/requests?phone_number=: the verification requests naming
 * the number (page and page_size are required by the API; one page of 20 is plenty for one number).
 */
export async function readTollFreeVerification(conn: TelnyxConnection, phoneNumber: string): Promise<TollFreeFacts> {
  try {
    const page = await conn.client.messagingTollfree.verification.requests.list({ page: 1, page_size: 20, phone_number: phoneNumber });
    return {
      kind: 'requests',
      requests: page.records
        .filter((r) => r.phoneNumbers?.some((p) => p.phoneNumber === phoneNumber) ?? true)
        .map((r) => ({ verificationStatus: r.verificationStatus ?? null, reason: r.reason ?? null })),
    };
  } catch {
    return { kind: 'lookup_failed' };
  }
}

/** How many numbers one request checks against Telnyx's 10DLC / toll-free APIs (subrequest budget). */
export const MAX_US_CHECKS = 40;
const CHECK_CONCURRENCY = 5;

/** Whether one number of the profile can text US recipients. */
export async function readUsReach(conn: TelnyxConnection, number: ProfileNumber): Promise<UsReach> {
  const type = senderTypeOf(number.rawType, number.phoneNumber);
  if (type === 'short_code') return SHORT_CODE_US_REACH;
  if (type === 'toll_free') return usReachOfTollFree(await readTollFreeVerification(conn, number.phoneNumber));
  if (number.countryCode && number.countryCode.toUpperCase() !== 'US') return usReachOfLongCode(number.countryCode, { kind: 'none' });
  return usReachOfLongCode(number.countryCode, await readTenDlcAssignment(conn, number.phoneNumber));
}

/** The profile's senders with their type and US reachability (the Setup screen's list). */
export async function readSenders(conn: TelnyxConnection): Promise<TelnyxSenders> {
  const [numbers, alphanumeric] = await Promise.all([listProfileNumbers(conn), listAlphanumericSenders(conn)]);
  const reaches: UsReach[] = new Array(numbers.length).fill(NOT_CHECKED_US_REACH);
  const checked = numbers.slice(0, MAX_US_CHECKS);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CHECK_CONCURRENCY, checked.length) }, async () => {
      while (next < checked.length) {
        const i = next++;
        reaches[i] = await readUsReach(conn, checked[i] as ProfileNumber);
      }
    }),
  );
  return {
    messagingProfileId: conn.messagingProfileId,
    numbers: numbers.map((n, i) => ({
      phoneNumber: n.phoneNumber,
      type: senderTypeOf(n.rawType, n.phoneNumber),
      countryCode: n.countryCode,
      us: reaches[i] ?? NOT_CHECKED_US_REACH,
    })),
    alphanumericSenders: alphanumeric.map((senderId) => ({ senderId, us: ALPHANUMERIC_US_REACH })),
  };
}
