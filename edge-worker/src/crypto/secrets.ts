// Encrypts credentials before they are stored in D1 (AES-256-GCM with SECRETS_KEY), so a copy of
// the database alone does not reveal Telnyx keys, OAuth tokens or signing secrets.
// Format: "v1:" + base64(iv[12] || ciphertext+tag). The installation id is bound as additional
// data, so a ciphertext copied into another tenant's row does not decrypt.

// Resolved keys only: a pending promise from another request must not be shared (Workers).
const keyCache = new Map<string, CryptoKey>();

async function importKey(secretsKey: string): Promise<CryptoKey> {
  const cached = keyCache.get(secretsKey);
  if (cached) return cached;
  const raw = base64ToBytes(secretsKey);
  if (raw.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes, base64-encoded');
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  keyCache.set(secretsKey, key);
  return key;
}

export async function encryptSecret(secretsKey: string, installationId: string, plain: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(installationId) },
    await importKey(secretsKey),
    new TextEncoder().encode(plain),
  );
  const out = new Uint8Array(12 + sealed.byteLength);
  out.set(iv, 0);
  out.set(new Uint8Array(sealed), 12);
  return `v1:${bytesToBase64(out)}`;
}

export async function decryptSecret(secretsKey: string, installationId: string, stored: string): Promise<string> {
  if (!stored.startsWith('v1:')) throw new Error('Unknown secret format');
  const bytes = base64ToBytes(stored.slice(3));
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: new TextEncoder().encode(installationId) },
    await importKey(secretsKey),
    bytes.slice(12),
  );
  return new TextDecoder().decode(plain);
}

export function randomToken(bytes = 32): string {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Constant-time comparison of two strings (for tokens and signatures). */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  let diff = ea.length ^ eb.length;
  const n = Math.max(ea.length, eb.length);
  for (let i = 0; i < n; i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0);
  return diff === 0;
}
