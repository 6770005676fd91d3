// Pure (WebCrypto only; `now` is passed in). Verifies a Zendesk webhook signature:
// base64(HMAC-SHA256(secret, timestamp + rawBody)), headers X-Zendesk-Webhook-Signature and
// -Timestamp (FACTS.md; https://developer.zendesk.com/documentation/webhooks/verifying/).
// Zendesk publishes no replay window; we accept timestamps up to REPLAY_WINDOW_S old and
// CLOCK_SKEW_S in the future. Two steps, so the edge can refuse a request whose headers are
// missing or stale before it looks up any key: checkZendeskSignatureHeaders (no key), then
// verifyZendeskSignature with an imported key (importZendeskSigningKey, cached by the caller).
import { base64ToBytes } from '../crypto/secrets.ts';

export const REPLAY_WINDOW_S = 5 * 60;
export const CLOCK_SKEW_S = 60;

export type ZendeskSignatureFailure = 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'future_timestamp' | 'bad_signature';
export type ZendeskSignatureResult = { ok: true } | { ok: false; reason: ZendeskSignatureFailure; detail?: string };

/** Headers that passed the checks that need no key. */
export interface CheckedSignatureHeaders {
  ok: true;
  timestamp: string;
  /** The decoded signature; null when it is not base64 (it then fails verification). */
  signature: Uint8Array | null;
}

export function checkZendeskSignatureHeaders(
  headers: { signature: string | null | undefined; timestamp: string | null | undefined },
  nowMs: number,
): CheckedSignatureHeaders | { ok: false; reason: ZendeskSignatureFailure; detail?: string } {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { ok: false, reason: 'missing_headers' };
  const ts = Date.parse(timestamp);
  if (Number.isNaN(ts)) return { ok: false, reason: 'bad_timestamp' };
  if (nowMs - ts > REPLAY_WINDOW_S * 1000) return { ok: false, reason: 'stale_timestamp', detail: timestamp };
  if (ts - nowMs > CLOCK_SKEW_S * 1000) return { ok: false, reason: 'future_timestamp', detail: timestamp };
  let decoded: Uint8Array | null;
  try {
    decoded = base64ToBytes(signature.trim());
  } catch {
    decoded = null;
  }
  return { ok: true, timestamp, signature: decoded };
}

/** The signing secret as an HMAC-SHA256 key ("the secret as is", FACTS.md). */
export function importZendeskSigningKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
}

/** subtle.verify compares in constant time. */
export async function verifyZendeskSignature(key: CryptoKey, rawBody: string, checked: CheckedSignatureHeaders): Promise<ZendeskSignatureResult> {
  // A signature that is not base64 is still run through verify, so every refusal costs the same.
  const given = checked.signature ?? new Uint8Array(32);
  const valid = await crypto.subtle.verify('HMAC', key, given, new TextEncoder().encode(checked.timestamp + rawBody));
  return valid && checked.signature !== null ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
