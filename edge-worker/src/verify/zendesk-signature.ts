// Pure (WebCrypto only). Verifies a Zendesk webhook signature: base64(HMAC-SHA256(secret,
// timestamp + rawBody)), headers X-Zendesk-Webhook-Signature and -Timestamp (FACTS.md;
// https://developer.zendesk.com/documentation/webhooks/verifying/). Zendesk publishes no replay
// window; we accept timestamps up to REPLAY_WINDOW_S old and CLOCK_SKEW_S in the future.
import { base64ToBytes } from '../crypto/secrets.ts';

export const REPLAY_WINDOW_S = 5 * 60;
export const CLOCK_SKEW_S = 60;

export type ZendeskSignatureResult =
  | { ok: true }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'future_timestamp' | 'bad_signature'; detail?: string };

export async function verifyZendeskSignature(
  secret: string,
  rawBody: string,
  headers: { signature: string | null | undefined; timestamp: string | null | undefined },
  nowMs: number,
): Promise<ZendeskSignatureResult> {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { ok: false, reason: 'missing_headers' };
  const ts = Date.parse(timestamp);
  if (Number.isNaN(ts)) return { ok: false, reason: 'bad_timestamp' };
  if (nowMs - ts > REPLAY_WINDOW_S * 1000) return { ok: false, reason: 'stale_timestamp', detail: timestamp };
  if (ts - nowMs > CLOCK_SKEW_S * 1000) return { ok: false, reason: 'future_timestamp', detail: timestamp };

  let given: Uint8Array;
  try {
    given = base64ToBytes(signature.trim());
  } catch {
    return { ok: false, reason: 'bad_signature' };
  }
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  // subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify('HMAC', key, given, new TextEncoder().encode(timestamp + rawBody));
  return valid ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
