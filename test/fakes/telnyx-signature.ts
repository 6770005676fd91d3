// Telnyx webhook signatures, as Telnyx computes them (FACTS.md, "Telnyx messaging"):
//   telnyx-signature-ed25519 = base64(Ed25519-sign(private key, `${timestamp}|${rawBody}`))
//   telnyx-timestamp         = Unix seconds
// The public key is shown in Mission Control as base64 of the 32 raw key bytes; the official SDK's
// TelnyxWebhook (node_modules/telnyx/src/lib/webhooks.ts) verifies exactly this scheme.
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface TelnyxKeyPair {
  privateKey: KeyObject;
  /** base64 of the raw 32-byte Ed25519 public key (the Mission Control format). */
  publicKeyBase64: string;
}

export function generateTelnyxKeyPair(): TelnyxKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('Ed25519 public key without x');
  return { privateKey, publicKeyBase64: Buffer.from(jwk.x, 'base64url').toString('base64') };
}

/** base64 Ed25519 signature of `${timestamp}|${body}`. */
export function signTelnyxWebhook(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign(null, Buffer.from(`${timestamp}|${body}`, 'utf8'), privateKey).toString('base64');
}
