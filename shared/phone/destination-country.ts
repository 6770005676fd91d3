// Which countries an installation texts (Settings.allowedCountries; null = its defaultCountry
// only), and the country of an E.164 number. Pure. No I/O.
//
// libphonenumber-js finds the country from the number's calling code and leading digits
// (https://gitlab.com/catamphetamine/libphonenumber-js#country): +1 613… is CA, +1 415… is US.
// With the "min" metadata some numbers of a shared calling code (e.g. UK ranges it cannot place
// among GB, GG, IM, JE) get no country; those are allowed when an allowed country has their
// calling code, since the number is at least in that numbering plan.
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export interface CountrySettings {
  defaultCountry: string;
  allowedCountries: readonly string[] | null;
}

/** The countries texts may go to: the list an admin chose, or the installation's own country. */
export function allowedCountries(settings: CountrySettings): readonly string[] {
  return settings.allowedCountries ?? [settings.defaultCountry];
}

/** The ISO 3166-1 alpha-2 country of an E.164 number, or null when it cannot be told. */
export function countryOfNumber(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}

/**
 * Null when the number may be texted, else why not (for the send's `detail`): its country is not
 * in the allowed list.
 */
export function countryNotAllowed(e164: string, settings: CountrySettings): string | null {
  const allowed = allowedCountries(settings);
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return 'The number has no known country';
  if (parsed.country) {
    return allowed.includes(parsed.country) ? null : `Texts to ${parsed.country} numbers are not allowed (Settings: countries)`;
  }
  const sharesCode = allowed.some((c) => isSupportedCountry(c) && getCountryCallingCode(c as CountryCode) === parsed.countryCallingCode);
  return sharesCode ? null : `Texts to +${parsed.countryCallingCode} numbers are not allowed (Settings: countries)`;
}
