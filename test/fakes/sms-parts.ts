// Pure. How many SMS parts a text takes, with the GSM 03.38 rules carriers (and Telnyx) use:
// GSM-7: 160 septets in one part, 153 per part when split; the extension characters
// ^ { } \ [ ] ~ | € and form feed take two septets and are never split across parts.
// UCS-2: 70 UTF-16 units in one part, 67 per part; a surrogate pair is never split.
// Written independently of the worker's own counter so that the fake can act as an oracle.

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

const basic = new Set(Array.from(GSM7_BASIC));
const extension = new Set(Array.from(GSM7_EXTENSION));

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsParts {
  encoding: SmsEncoding;
  parts: number;
  /** Characters as the user sees them (code points). */
  numChars: number;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return false;
  return true;
}

/** `requested` is the send API's `encoding`: auto (default), gsm7 or ucs2. */
export function countSmsParts(text: string, requested: 'auto' | 'gsm7' | 'ucs2' = 'auto'): SmsParts {
  const encoding: SmsEncoding = requested === 'ucs2' ? 'UCS-2' : requested === 'gsm7' || isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const numChars = Array.from(text).length;
  return { encoding, numChars, parts: encoding === 'GSM-7' ? gsm7Parts(text) : ucs2Parts(text) };
}

function gsm7Parts(text: string): number {
  // A character outside the alphabet (possible only with encoding=gsm7) is sent as '?': 1 septet.
  const sizes = Array.from(text, (ch) => (extension.has(ch) ? 2 : 1));
  return split(sizes, 160, 153);
}

function ucs2Parts(text: string): number {
  const sizes = Array.from(text, (ch) => ch.length); // 2 for a surrogate pair
  return split(sizes, 70, 67);
}

function split(sizes: number[], single: number, multi: number): number {
  const total = sizes.reduce((sum, n) => sum + n, 0);
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return parts;
}
