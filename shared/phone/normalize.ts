// Phone numbers: typed input -> E.164 with a default country, and masking for display. Pure. No I/O.
//
// libphonenumber-js is imported from its main entry, which carries the "min" metadata (~80 kB). The
// Zendesk app bundles the same build (and shared/schemas/settings.ts uses it), so the editor and the
// worker agree on what is valid, and the worker bundle stays small. Trade-off: with min metadata
// `isValid()` checks the number's length per country, not its digit patterns, so e.g. fictional
// 555-01xx numbers are accepted; the carrier rejects numbers that do not exist.
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  isSupportedCountry,
  type PhoneNumber,
  ParseError,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from 'libphonenumber-js';

export type NormalizePhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

export type NormalizePhoneListResult = { ok: true; e164s: string[] } | { ok: false; errors: Array<{ index: number; reason: string }> };

/** Digits, spaces, a leading "+", and the punctuation people type in numbers. Letters are refused. */
const TYPED_NUMBER = /^\+?[\d\s().\-/\u2010-\u2015]+$/u;

/**
 * Read a typed phone number as E.164. Numbers without a country code are read in
 * `defaultCountry` (ISO 3166-1 alpha-2). Accepted: "+1 (415) 555-0123", "415-555-0123" (US),
 * "020 7946 0018" (GB), the international dialling prefix of the default country ("00 44 ...",
 * "011 44 ..."), and "00" + country code from any country. Refused with a readable reason:
 * letters (including vanity numbers and "ext"), wrong lengths, unknown country codes.
 */
export function normalizePhone(input: string, defaultCountry: string): NormalizePhoneResult {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'Enter a phone number' };
  if (!TYPED_NUMBER.test(text) || !/\d/.test(text)) return { ok: false, reason: 'Not a phone number' };

  const country = defaultCountry.trim().toUpperCase();
  const knownCountry = isSupportedCountry(country) ? country : undefined;
  const international = text.startsWith('+');
  if (!international && knownCountry === undefined) {
    return { ok: false, reason: `Unknown default country ${country || '(none)'}: add the country code, e.g. +1` };
  }

  const first = readNumber(text, knownCountry);
  if (first.ok) return first;
  // "00" is the international prefix in most of the world; accept it when the default country's
  // own prefix differs (e.g. US uses 011) and reading it as a national number failed.
  const digitsOnly = text.replace(/[^\d+]/g, '');
  if (!international && digitsOnly.startsWith('00')) {
    const second = readNumber(`+${digitsOnly.slice(2)}`, knownCountry);
    if (second.ok) return second;
    return { ok: false, reason: second.reason };
  }
  return { ok: false, reason: first.reason };
}

/**
 * Normalise a list (a rule's other numbers). Errors carry the index in `inputs`, so callers can
 * report `recipients.otherNumbers.<index>: <reason>`. A number listed twice is an error at its
 * second occurrence ("Listed twice (also number 1)", positions 1-based for people).
 */
export function normalizePhoneList(inputs: readonly string[], defaultCountry: string): NormalizePhoneListResult {
  const e164s: string[] = [];
  const errors: Array<{ index: number; reason: string }> = [];
  const firstSeen = new Map<string, number>();
  inputs.forEach((input, index) => {
    const result = normalizePhone(input, defaultCountry);
    if (!result.ok) {
      errors.push({ index, reason: result.reason });
      return;
    }
    const seen = firstSeen.get(result.e164);
    if (seen !== undefined) {
      errors.push({ index, reason: `Listed twice (also number ${seen + 1})` });
      return;
    }
    firstSeen.set(result.e164, index);
    e164s.push(result.e164);
  });
  return errors.length === 0 ? { ok: true, e164s } : { ok: false, errors };
}

/**
 * Mask an E.164 number for display: "+<country code> *** *** <last 4 digits>", e.g.
 * "+1 *** *** 0123", "+44 *** *** 0018". The groups of stars are fixed, so the length is not
 * revealed either. Numbers whose national part is short show fewer digits: 5-6 digits show the
 * last 2, 4 or fewer show none. Input that is not E.164 shows at most its last 4 digits
 * ("*** *** 0123"), or "***" when it has fewer than 8 digits.
 */
export function maskPhone(e164: string): string {
  const compact = e164.replace(/[\s\-().]/g, '');
  if (!/^\+[1-9]\d{6,14}$/.test(compact)) {
    const digits = compact.replace(/\D/g, '');
    return digits.length >= 8 ? `*** *** ${digits.slice(-4)}` : '***';
  }
  const digits = compact.slice(1);
  const callingCode = findCallingCode(digits);
  const national = digits.slice(callingCode.length);
  const visible = national.length >= 7 ? 4 : national.length >= 5 ? 2 : 0;
  const tail = visible === 0 ? '***' : national.slice(-visible);
  return `+${callingCode} *** *** ${tail}`;
}

function readNumber(text: string, defaultCountry: CountryCode | undefined): NormalizePhoneResult {
  let phone: PhoneNumber;
  try {
    phone = parsePhoneNumberWithError(text, defaultCountry === undefined ? {} : { defaultCountry });
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, reason: describeParseError(error.message, text, defaultCountry) };
    throw error;
  }
  if (phone.ext !== undefined) return { ok: false, reason: 'Not a phone number' };
  if (phone.isValid()) return { ok: true, e164: phone.number };
  const where = describeRegion(phone.country, phone.countryCallingCode, text, defaultCountry);
  const length = validatePhoneNumberLength(text, defaultCountry === undefined ? {} : { defaultCountry });
  if (length === 'TOO_SHORT') return { ok: false, reason: `Too short for ${where}` };
  if (length === 'TOO_LONG') return { ok: false, reason: `Too long for ${where}` };
  if (length === 'INVALID_LENGTH') return { ok: false, reason: `Wrong length for ${where}` };
  return { ok: false, reason: `Not a valid number for ${where}` };
}

function describeParseError(code: string, text: string, defaultCountry: CountryCode | undefined): string {
  switch (code) {
    case 'INVALID_COUNTRY':
      return 'Unknown country code';
    case 'TOO_SHORT':
      return `Too short for ${describeRegion(undefined, undefined, text, defaultCountry)}`;
    case 'TOO_LONG':
      return `Too long for ${describeRegion(undefined, undefined, text, defaultCountry)}`;
    case 'INVALID_LENGTH':
      return `Wrong length for ${describeRegion(undefined, undefined, text, defaultCountry)}`;
    default:
      return 'Not a phone number';
  }
}

/** "United Kingdom" when the country is known, else "country code +44". */
function describeRegion(
  country: CountryCode | undefined,
  callingCode: string | undefined,
  text: string,
  defaultCountry: CountryCode | undefined,
): string {
  if (country !== undefined) return nameCountry(country);
  if (!text.startsWith('+') && defaultCountry !== undefined) return nameCountry(defaultCountry);
  const code = callingCode ?? findCallingCode(text.replace(/\D/g, ''));
  return `country code +${code}`;
}

function nameCountry(country: CountryCode): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(country) ?? country;
  } catch {
    return country;
  }
}

// ---- calling codes ------------------------------------------------------------------------------

let callingCodes: ReadonlySet<string> | undefined;

/**
 * The country calling code at the start of `digits`. Calling codes are prefix-free, so the first
 * 1-, 2- or 3-digit prefix that is a known code is the one. Unknown (non-geographic codes such as
 * 800 are not in the min metadata): 3 digits, the length of every unassigned and non-geographic code.
 */
function findCallingCode(digits: string): string {
  callingCodes ??= new Set(getCountries().map((c) => getCountryCallingCode(c)));
  for (let length = 1; length <= 3; length++) {
    const prefix = digits.slice(0, length);
    if (callingCodes.has(prefix)) return prefix;
  }
  return digits.slice(0, 3);
}
