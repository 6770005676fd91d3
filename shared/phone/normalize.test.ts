// Specification of phone normalisation to E.164 and of masking for display.
import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone, normalizePhoneList } from './normalize.ts';

describe('normalizePhone', () => {
  it.each([
    ['+1 (415) 555-0123', 'US', '+14155550123'],
    ['415-555-0123', 'US', '+14155550123'],
    ['(415) 555.0123', 'US', '+14155550123'],
    ['  4155550123  ', 'us', '+14155550123'],
    ['+14155550123', 'GB', '+14155550123'],
    ['020 7946 0018', 'GB', '+442079460018'],
    ['00 44 20 7946 0018', 'GB', '+442079460018'],
    ['00 44 20 7946 0018', 'US', '+442079460018'],
    ['011 44 20 7946 0018', 'US', '+442079460018'],
    ['0049 30 1234567', 'FR', '+49301234567'],
    ['030 1234567', 'DE', '+49301234567'],
    ['415\u2013555\u20130123', 'US', '+14155550123'],
  ])('reads %s in %s as %s', (input, country, e164) => {
    expect(normalizePhone(input, country)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['', 'US', 'Enter a phone number'],
    ['   ', 'US', 'Enter a phone number'],
    ['abc', 'US', 'Not a phone number'],
    ['1-800-FLOWERS', 'US', 'Not a phone number'],
    ['+1 415 555 0123 ext 7', 'US', 'Not a phone number'],
    ['415 555 0123 #7', 'US', 'Not a phone number'],
    ['++14155550123', 'US', 'Not a phone number'],
    ['---', 'US', 'Not a phone number'],
    ['555-0123', 'US', 'Too short for United States'],
    ['123', 'GB', 'Too short for United Kingdom'],
    ['415555012345678', 'US', 'Too long for United States'],
    ['+1 415', 'US', 'Too short for country code +1'],
    ['+44 1', 'US', 'Too short for country code +44'],
    ['+1 (415) 555-01234', 'US', 'Too long for country code +1'],
    ['+999 1234567', 'US', 'Unknown country code'],
    ['00 999 123456', 'US', 'Unknown country code'],
  ])('refuses %s in %s: %s', (input, country, reason) => {
    expect(normalizePhone(input, country)).toEqual({ ok: false, reason });
  });

  it('asks for a country code when the default country is unknown', () => {
    const result = normalizePhone('4155550123', 'XX');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^Unknown default country XX/);
    expect(normalizePhone('+14155550123', 'XX')).toEqual({ ok: true, e164: '+14155550123' });
  });

  it('returns numbers that match the stored E.164 pattern', () => {
    for (const [input, country] of [
      ['+1 (415) 555-0123', 'US'],
      ['020 7946 0018', 'GB'],
      ['06 12 34 56 78', 'FR'],
    ] as const) {
      const result = normalizePhone(input, country);
      expect(result.ok && result.e164).toMatch(/^\+[1-9]\d{6,14}$/);
    }
  });
});

describe('normalizePhoneList', () => {
  it('returns every number in order when all are valid', () => {
    expect(normalizePhoneList(['+1 415 555 0123', '020 7946 0018'], 'GB')).toEqual({
      ok: true,
      e164s: ['+14155550123', '+442079460018'],
    });
  });

  it('reports errors by index', () => {
    expect(normalizePhoneList(['+14155550123', 'call me', '555-0123'], 'US')).toEqual({
      ok: false,
      errors: [
        { index: 1, reason: 'Not a phone number' },
        { index: 2, reason: 'Too short for United States' },
      ],
    });
  });

  it('reports a number listed twice at its second occurrence', () => {
    expect(normalizePhoneList(['+14155550123', '(415) 555-0123'], 'US')).toEqual({
      ok: false,
      errors: [{ index: 1, reason: 'Listed twice (also number 1)' }],
    });
  });

  it('accepts an empty list', () => {
    expect(normalizePhoneList([], 'US')).toEqual({ ok: true, e164s: [] });
  });
});

describe('maskPhone', () => {
  it.each([
    ['+14155550123', '+1 *** *** 0123'],
    ['+442079460018', '+44 *** *** 0018'],
    ['+3531234567', '+353 *** *** 4567'],
    ['+80012345678', '+800 *** *** 5678'],
  ])('masks %s as %s', (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked);
  });

  it('never shows more than the last 4 digits of the national number', () => {
    for (const e164 of ['+14155550123', '+442079460018', '+861391234567', '+79161234567']) {
      const masked = maskPhone(e164);
      const [code, , , tail] = masked.split(' ');
      expect(e164.startsWith(code ?? '?')).toBe(true);
      expect(tail).toBe(e164.slice(-4));
      expect(masked.replace(/\D/g, '').length).toBe((code?.length ?? 0) - 1 + 4);
    }
  });

  it('shows fewer digits of short national numbers', () => {
    expect(maskPhone('+35512345')).toBe('+355 *** *** 45');
    expect(maskPhone('+6831234')).toBe('+683 *** *** ***');
  });

  it('shows at most the last 4 digits of input that is not E.164', () => {
    expect(maskPhone('415 555 0123')).toBe('*** *** 0123');
    expect(maskPhone('12345')).toBe('***');
    expect(maskPhone('')).toBe('***');
  });
});
