// Pure (WebCrypto only; `now` is passed in). Verifies the JWT Zendesk signs when it loads one of
// the app's locations with signed URLs (manifest `signedUrls: true`): POSTed as the form field
// `token`, RS256 with the app's private key.
//
// Zendesk: "Zendesk signs the ZAF JWT with an RSA digital signature known as RS256"
// (https://developer.zendesk.com/documentation/apps/build-an-app/building-a-server-side-app/part-5-secure-the-app/,
// and "Authenticating Zendesk in your server-side app"). Claim values, as far as they could be
// checked (docs/zendesk-platform-notes.md §1):
//   iss  "{subdomain}.zendesk.com"                                          -> the account
//   aud  "https://{subdomain}.zendesk.com/api/v2/apps/installations/{id}.json" -> the app installation
//   sub  the Zendesk user. Its format is not documented: a numeric id, or the user's API URL
//        ".../api/v2/users/{id}.json" on the same account, are accepted; nothing else.
//   exp, nbf, iat  checked with LEEWAY_S; a token may live at most MAX_LIFETIME_S.
//   context.location  when present, must be the location being loaded.
// Only RS256 is accepted, decided from our expectation and never from the token's header: `none`,
// HS256 signed with the public key as its secret (algorithm confusion) and every other
// algorithm are refused before any key is used.
import { base64ToBytes } from '../crypto/secrets.ts';

export const LEEWAY_S = 30;
/** Zendesk's tokens are said to live 5 minutes (unconfirmed); anything longer than this is refused. */
export const MAX_LIFETIME_S = 10 * 60;

export type AppLocation = 'nav_bar' | 'ticket_sidebar';

export interface ZendeskAppIdentity {
  subdomain: string;
  /** Zendesk's id of the app installation (from `aud`). */
  appInstallationId: string;
  /** Zendesk user id (digits). */
  userId: string;
  /** When Zendesk signed the load (`iat`, else `nbf`, else now), epoch seconds. */
  issuedAtS: number;
}

export type AppTokenFailure =
  | 'malformed'
  | 'unsupported_algorithm'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'lifetime_too_long'
  | 'bad_issuer'
  | 'bad_audience'
  | 'bad_subject'
  | 'wrong_location';

export type AppTokenResult = { ok: true; identity: ZendeskAppIdentity } | { ok: false; reason: AppTokenFailure };

const ISSUER = /^([a-z0-9][a-z0-9-]{0,62})\.zendesk\.com$/;
const AUDIENCE = /^https:\/\/([a-z0-9][a-z0-9-]{0,62})\.zendesk\.com\/api\/v2\/apps\/installations\/(\d{1,20})\.json$/;
const SUBJECT_URL = /^https:\/\/([a-z0-9][a-z0-9-]{0,62})\.zendesk\.com\/api\/v2\/users\/(\d{1,20})\.json$/;

// Imported keys by PEM text: resolved keys only (a pending promise must not cross requests).
const keys = new Map<string, CryptoKey>();

async function importPublicKey(pem: string): Promise<CryptoKey> {
  const cached = keys.get(pem);
  if (cached) return cached;
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  const key = await crypto.subtle.importKey('spki', base64ToBytes(body), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  keys.set(pem, key);
  return key;
}

/**
 * The configured keys: one PEM, or several one after the other (a worker serving more than one
 * Zendesk app, e.g. private uploads in several accounts, each with its own app id and key pair).
 */
export function splitPublicKeys(config: string): string[] {
  return config.replace(/\\n/g, '\n').match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
}

function base64UrlToBytes(part: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new Error('not base64url');
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  return base64ToBytes(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64UrlToBytes(part)));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export async function verifyZendeskAppToken(
  token: string,
  /** ZENDESK_APP_PUBLIC_KEY: one PEM or several (splitPublicKeys). */
  publicKeysPem: string,
  expected: { location: AppLocation },
  nowMs: number,
): Promise<AppTokenResult> {
  const fail = (reason: AppTokenFailure): AppTokenResult => ({ ok: false, reason });
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 8192) return fail('malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const claims = decodeJson(payloadPart);
  if (!header || !claims) return fail('malformed');
  if (header.alg !== 'RS256') return fail('unsupported_algorithm');

  let signature: Uint8Array;
  try {
    signature = base64UrlToBytes(signaturePart);
  } catch {
    return fail('malformed');
  }
  const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
  let valid = false;
  for (const pem of splitPublicKeys(publicKeysPem)) {
    valid = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', await importPublicKey(pem), signature, signed);
    if (valid) break;
  }
  if (!valid) return fail('bad_signature');

  const nowS = nowMs / 1000;
  if (!isTime(claims.exp)) return fail('malformed');
  if (claims.exp + LEEWAY_S < nowS) return fail('expired');
  if (isTime(claims.nbf) && claims.nbf - LEEWAY_S > nowS) return fail('not_yet_valid');
  if (isTime(claims.iat) && claims.iat - LEEWAY_S > nowS) return fail('not_yet_valid');
  const issuedAtS = isTime(claims.iat) ? claims.iat : isTime(claims.nbf) ? claims.nbf : Math.floor(nowS);
  if (claims.exp - Math.min(issuedAtS, nowS) > MAX_LIFETIME_S) return fail('lifetime_too_long');

  const issuer = typeof claims.iss === 'string' ? ISSUER.exec(claims.iss.toLowerCase()) : null;
  if (!issuer) return fail('bad_issuer');
  const subdomain = issuer[1] as string;

  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const audience = audiences.length === 1 && typeof audiences[0] === 'string' ? AUDIENCE.exec(audiences[0].toLowerCase()) : null;
  if (!audience || audience[1] !== subdomain) return fail('bad_audience');

  const userId = subjectUserId(claims.sub, subdomain);
  if (!userId) return fail('bad_subject');

  const context = claims.context;
  if (context && typeof context === 'object' && 'location' in context && context.location !== expected.location) {
    return fail('wrong_location');
  }
  return { ok: true, identity: { subdomain, appInstallationId: audience[2] as string, userId, issuedAtS } };
}

function subjectUserId(sub: unknown, subdomain: string): string | null {
  if (typeof sub === 'number' && Number.isSafeInteger(sub) && sub > 0) return String(sub);
  if (typeof sub !== 'string') return null;
  if (/^\d{1,20}$/.test(sub)) return sub;
  const url = SUBJECT_URL.exec(sub.toLowerCase());
  return url && url[1] === subdomain ? (url[2] as string) : null;
}
