// SMS length accounting: encoding (GSM-7 or UCS-2), units and the number of parts a carrier sends. Pure. No I/O.
//
// The GSM 03.38 tables are written out here rather than taken from a library: counting parts needs a
// walk that knows a carrier never splits an extension character's escape pair (GSM-7) or a UTF-16
// surrogate pair (UCS-2) across two parts, and the libraries we looked at only divide a total.
// Numbers: 160 septets in a single GSM-7 message, 153 per part of a long one (the user data header
// takes 7); 70 / 67 UTF-16 code units for UCS-2 (FACTS.md, "Telnyx messaging").

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Code points (an emoji is 1, "é" typed as one code point is 1). */
  characters: number;
  /** GSM-7 septets (extension characters count 2) or UTF-16 code units (emoji count 2). */
  units: number;
  /** Parts the carrier sends. 0 for empty text. */
  segments: number;
  /** Capacity of one part at this length: 160 / 70 for a single message, 153 / 67 once split. */
  unitsPerSegment: number;
  /** Units still free in the last part before another part is needed (the full capacity when empty). */
  remainingInSegment: number;
}

/** Telnyx rejects messages of more than 10 parts. */
export const MAX_PARTS = 10;
export const GSM7_SINGLE_UNITS = 160;
export const GSM7_PART_UNITS = 153;
export const UCS2_SINGLE_UNITS = 70;
export const UCS2_PART_UNITS = 67;

/**
 * GSM 03.38 basic character set in table order (0x00..0x7F), without 0x1B (ESC, the escape to
 * the extension table, which is not a character of its own). Note 0x09 is capital Ç; the small ç
 * is not in the table, so text with ç is sent as UCS-2.
 */
export const GSM7_BASIC_CHARS =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** GSM 03.38 extension table: each is sent as ESC + char, so it costs 2 septets. Includes form feed. */
export const GSM7_EXTENSION_CHARS = '\f^{}\\[~]|€';

/** Septets per UTF-16 code unit: 0 = not in GSM-7, 1 = basic table, 2 = extension table. */
const GSM7_COST = buildGsmCostTable();

function buildGsmCostTable(): Uint8Array {
  const table = new Uint8Array(0x20ad); // up to and including € (U+20AC), the highest GSM-7 code point
  for (const ch of GSM7_BASIC_CHARS) table[ch.charCodeAt(0)] = 1;
  for (const ch of GSM7_EXTENSION_CHARS) table[ch.charCodeAt(0)] = 2;
  return table;
}

/** True when every character of `text` exists in GSM-7 (basic or extension table). */
export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if ((GSM7_COST[text.charCodeAt(i)] ?? 0) === 0) return false;
  }
  return true;
}

/** The encoding a carrier uses for `text`: GSM-7 when every character is in its tables, else UCS-2. */
export function detectEncoding(text: string): SmsEncoding {
  return isGsm7(text) ? 'GSM-7' : 'UCS-2';
}

/**
 * Count encoding, units and parts of `text` exactly as it will be split for sending. Parts are
 * counted by walking, as carriers split: a character that does not fit whole in the current part
 * (an escape pair, a surrogate pair) starts the next part and leaves a unit unused. So 2 x 153
 * septets may need 3 parts where dividing the total would say 2.
 */
export function countSegments(text: string): SegmentCount {
  // One pass for the common case: classify as GSM-7 while walking 153-septet parts.
  let units = 0;
  let parts = 1;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const cost = GSM7_COST[text.charCodeAt(i)] ?? 0;
    if (cost === 0) return countUcs2(text);
    units += cost;
    if (used + cost > GSM7_PART_UNITS) {
      parts++;
      used = cost;
    } else {
      used += cost;
    }
  }
  // Every GSM-7 character is a single BMP code unit, so characters === text.length.
  if (units <= GSM7_SINGLE_UNITS) return single('GSM-7', text.length, units, GSM7_SINGLE_UNITS);
  return {
    encoding: 'GSM-7',
    characters: text.length,
    units,
    segments: parts,
    unitsPerSegment: GSM7_PART_UNITS,
    remainingInSegment: GSM7_PART_UNITS - used,
  };
}

function countUcs2(text: string): SegmentCount {
  let characters = 0;
  let parts = 1;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    // A surrogate pair (emoji and other astral characters) is one character of two units.
    const cost = isSurrogatePairAt(text, i) ? 2 : 1;
    i += cost - 1;
    characters++;
    if (used + cost > UCS2_PART_UNITS) {
      parts++;
      used = cost;
    } else {
      used += cost;
    }
  }
  const units = text.length;
  if (units <= UCS2_SINGLE_UNITS) return single('UCS-2', characters, units, UCS2_SINGLE_UNITS);
  return {
    encoding: 'UCS-2',
    characters,
    units,
    segments: parts,
    unitsPerSegment: UCS2_PART_UNITS,
    remainingInSegment: UCS2_PART_UNITS - used,
  };
}

function single(encoding: SmsEncoding, characters: number, units: number, singleUnits: number): SegmentCount {
  return {
    encoding,
    characters,
    units,
    segments: units === 0 ? 0 : 1,
    unitsPerSegment: singleUnits,
    remainingInSegment: singleUnits - units,
  };
}

/**
 * The longest prefix of `text` that costs at most `maxUnits` in `encoding`, never cutting an
 * escape pair or a surrogate pair. In GSM-7 a character outside the GSM tables cannot be sent at
 * all, so the prefix stops before the first such character.
 */
export function truncateToUnits(text: string, encoding: SmsEncoding, maxUnits: number): string {
  let used = 0;
  let i = 0;
  while (i < text.length) {
    let cost: number;
    let width = 1;
    if (encoding === 'GSM-7') {
      cost = GSM7_COST[text.charCodeAt(i)] ?? 0;
      if (cost === 0) break;
    } else if (isSurrogatePairAt(text, i)) {
      cost = 2;
      width = 2;
    } else {
      cost = 1;
    }
    if (used + cost > maxUnits) break;
    used += cost;
    i += width;
  }
  return text.slice(0, i);
}

/**
 * Estimated price of one message to one recipient. The default, USD 0.004 per part, is a hint: about
 * the list price of an outbound SMS part on a US long code (carrier pass-through fees excluded).
 * Installations with other rates, routes or countries pass their own.
 */
export function estimateCostUsd(segments: number, perSegmentUsd = 0.004): number {
  if (!(segments > 0) || !(perSegmentUsd > 0)) return 0;
  // Rounded to micro-dollars so 3 x 0.004 prints as 0.012, not 0.012000000000000002.
  return Math.round(segments * perSegmentUsd * 1e6) / 1e6;
}

function isSurrogatePairAt(text: string, i: number): boolean {
  const hi = text.charCodeAt(i);
  if (hi < 0xd800 || hi > 0xdbff) return false;
  const lo = text.charCodeAt(i + 1);
  return lo >= 0xdc00 && lo <= 0xdfff;
}
