// I/O: the official telnyx SDK configured for one installation. Base URL is configuration (the
// local fake in tests and local runs). maxRetries is 0: the SDK's own retries carry no
// idempotency key and could text a person twice (FACTS.md); the queue decides retries.
import Telnyx from 'telnyx';
import { readTelnyx, type Installation, type StoredTelnyx } from '../db/installations.ts';
import type { Env } from '../env.ts';

export interface TelnyxConnection {
  client: Telnyx;
  messagingProfileId: string;
  publicKey: string | null;
  /** True when the local sandbox key is used because the installation has none. */
  sandbox: boolean;
}

export function createTelnyx(apiKey: string, baseUrl: string, timeoutMs = 10_000): Telnyx {
  return new Telnyx({ apiKey, baseURL: baseUrl, maxRetries: 0, timeout: timeoutMs });
}

/** The installation's Telnyx connection, or null when SMS is not set up. */
export async function telnyxFor(env: Env, installation: Installation): Promise<TelnyxConnection | null> {
  const stored: StoredTelnyx = await readTelnyx(env.SECRETS_KEY, installation);
  const apiKey = stored.apiKey ?? env.SANDBOX_TELNYX_API_KEY ?? null;
  if (!apiKey || !stored.messagingProfileId) return null;
  return {
    client: createTelnyx(apiKey, env.TELNYX_BASE_URL, Number(env.TELNYX_TIMEOUT_MS) || 10_000),
    messagingProfileId: stored.messagingProfileId,
    publicKey: stored.publicKey,
    sandbox: !stored.apiKey,
  };
}

/** The SMS-capable numbers of the messaging profile: the rule editor's sender choices. */
export async function listSenderNumbers(conn: TelnyxConnection): Promise<string[]> {
  const numbers: string[] = [];
  for await (const n of conn.client.messagingProfiles.listPhoneNumbers(conn.messagingProfileId, { 'page[size]': 250 })) {
    if (n.phone_number) numbers.push(n.phone_number);
  }
  return numbers;
}
