import { describe, expect, it } from 'vitest';
import { allowedCountries, countryNotAllowed, countryOfNumber } from './destination-country.ts';

describe('destination countries', () => {
  it("defaults to the installation's own country", () => {
    expect(allowedCountries({ defaultCountry: 'US', allowedCountries: null })).toEqual(['US']);
    expect(allowedCountries({ defaultCountry: 'US', allowedCountries: ['GB', 'DE'] })).toEqual(['GB', 'DE']);
  });

  it('tells countries of one calling code apart by their leading digits', () => {
    expect(countryOfNumber('+14155550123')).toBe('US');
    expect(countryOfNumber('+16135550123')).toBe('CA');
    expect(countryNotAllowed('+14155550123', { defaultCountry: 'US', allowedCountries: null })).toBeNull();
    expect(countryNotAllowed('+16135550123', { defaultCountry: 'US', allowedCountries: null })).toBe('Texts to CA numbers are not allowed (Settings: countries)');
    expect(countryNotAllowed('+4915112345678', { defaultCountry: 'US', allowedCountries: ['US', 'DE'] })).toBeNull();
  });

  it('allows a number it cannot place only when an allowed country shares its calling code', () => {
    // A UK drama range the "min" metadata places in no country of +44.
    expect(countryOfNumber('+447700900123')).toBeNull();
    expect(countryNotAllowed('+447700900123', { defaultCountry: 'GB', allowedCountries: null })).toBeNull();
    expect(countryNotAllowed('+447700900123', { defaultCountry: 'US', allowedCountries: null })).toBe('Texts to +44 numbers are not allowed (Settings: countries)');
  });
});
