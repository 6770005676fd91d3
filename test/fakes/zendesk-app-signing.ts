// Signs ZAF "signed URLs" tokens the way Zendesk does: an RS256 JWT posted as the form field
// `token` when a location with `signedUrls: true` loads. Pure (node:crypto only), so tests can
// sign without a running fake. Sources: docs/zendesk-platform-notes.md §1 and
// https://developer.zendesk.com/documentation/apps/build-an-app/building-a-server-side-app/part-5-secure-the-app/
// ("Zendesk signs the ZAF JWT with an RSA digital signature known as RS256"). The claim set
// follows the third-party verifiers cited there; `sub` uses the users/{id}.json URL form (Zendesk
// does not document it; the worker accepts this form and a bare id).
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export type ZafLocation = 'nav_bar' | 'ticket_sidebar';

export interface ZendeskAppKeyPair {
  privateKey: KeyObject;
  /** SPKI PEM ("-----BEGIN PUBLIC KEY-----"), as `GET /api/v2/apps/{app_id}/public_key.pem` serves it. */
  publicKeyPem: string;
}

/** A fresh RSA-2048 key pair (the app's key pair; Zendesk holds the private half). */
export function generateZendeskAppKeyPair(): ZendeskAppKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export interface ZendeskAppClaimsOptions {
  subdomain: string;
  appInstallationId: number;
  userId: number;
  location: ZafLocation;
  /** Default `support`. */
  product?: string;
  /** Seconds from iat to exp; default 300 (third-party code: "only valid for 5 minutes"). */
  lifetimeS?: number;
  /** Unix seconds; default now. */
  issuedAtS?: number;
}

/** The claims Zendesk puts in a signed-URL token (iss, aud, sub, iat, nbf, exp, qsh, context). */
export function zendeskAppClaims(options: ZendeskAppClaimsOptions): Record<string, unknown> {
  const iat = options.issuedAtS ?? Math.floor(Date.now() / 1000);
  const host = `${options.subdomain}.zendesk.com`;
  return {
    iss: host,
    aud: `https://${host}/api/v2/apps/installations/${options.appInstallationId}.json`,
    sub: `https://${host}/api/v2/users/${options.userId}.json`,
    iat,
    nbf: iat,
    exp: iat + (options.lifetimeS ?? 300),
    // Query-string hash; Zendesk's algorithm is undocumented, any hex string stands in for it.
    qsh: createHash('sha256').update(randomBytes(16)).digest('hex'),
    context: { product: options.product ?? 'support', location: options.location },
  };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * An RS256 JWT over `claims`. The header defaults to `{alg:"RS256",typ:"JWT"}`; `header` is merged
 * over it, but the signature is always RSASSA-PKCS1-v1_5 SHA-256 (so a test can claim another alg).
 */
export function signZendeskAppToken(
  privateKey: KeyObject | string,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const signingInput = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...header }))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), key);
  return `${signingInput}.${base64url(signature)}`;
}
