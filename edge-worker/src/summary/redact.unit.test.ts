// Specification of redaction: every secret pattern, the ids that must survive, idempotence.
import { describe, expect, it } from 'vitest';
import { REDACTED, findSecrets, isIbanValid, isLuhnValid, redactSecrets } from './redact.ts';

function expectRedacted(input: string, expected: string): void {
  expect(redactSecrets(input), input).toBe(expected);
}

function expectKept(input: string): void {
  expect(redactSecrets(input), input).toBe(input);
}

describe('payment cards', () => {
  it('redacts Luhn-valid numbers of 13-19 digits, with spaces, dashes or none', () => {
    expectRedacted('Card 4111 1111 1111 1111 exp 12/27', `Card ${REDACTED} exp 12/27`);
    expectRedacted('Card 5500-0000-0000-0004.', `Card ${REDACTED}.`);
    expectRedacted('amex 378282246310005 ok', `amex ${REDACTED} ok`);
    expectRedacted('19 digits 6011000990139424009 and 13 digits 4222222222222', `19 digits ${REDACTED} and 13 digits ${REDACTED}`);
  });

  it('keeps digit runs that fail the Luhn check or are too short or too long', () => {
    expectKept('Tracking 4111 1111 1111 1112');
    expectKept('Invoice 123456789012');
    expectKept('Reference 12345678901234567890123');
  });

  it('redacts the CVV', () => {
    expectRedacted('CVV 123', `CVV ${REDACTED}`);
    expectRedacted('security code: 4321', `security code: ${REDACTED}`);
  });
});

describe('one-time codes', () => {
  it('redacts 4-8 digits near code / OTP / verification / PIN', () => {
    expectRedacted('Your verification code is 482913.', `Your verification code is ${REDACTED}.`);
    expectRedacted('OTP: 1234', `OTP: ${REDACTED}`);
    expectRedacted('my PIN is 7731', `my PIN is ${REDACTED}`);
    expectRedacted('the code 123 456 did not work', `the code ${REDACTED} did not work`);
    expectRedacted('482913 is your login code', `${REDACTED} is your login code`);
  });

  it('redacts codes written in other languages and digit systems', () => {
    expectRedacted('Код подтверждения 482913 пришёл на почту.', `Код подтверждения ${REDACTED} пришёл на почту.`);
    expectRedacted('認証コード：４８２９１３', `認証コード：${REDACTED}`);
    expectRedacted('رمز التحقق هو ٤٨٢٩١٣', `رمز التحقق هو ${REDACTED}`);
  });

  it('keeps error, status, postal and order codes', () => {
    expectKept('I get error code 5028 when exporting.');
    expectKept('HTTP status code 4040 is odd.');
    expectKept('My zip code 94107 is correct.');
    expectKept('Promo code 20251 did not apply.');
    expectKept("The code didn't work for order 12345.");
    expectKept('The verification failed on ticket #48213.');
  });
});

describe('passwords and labelled secrets', () => {
  it('redacts the value after a password / token / API key label and keeps the label', () => {
    expectRedacted('password: hunter2', `password: ${REDACTED}`);
    expectRedacted('New password = "S3cret pass"', `New password = "${REDACTED} pass"`);
    expectRedacted('api_key=abc123', `api_key=${REDACTED}`);
    expectRedacted('my password is Tr0ub4dor&3', `my password is ${REDACTED}`);
    expectRedacted('пароль: qwerty123', `пароль: ${REDACTED}`);
    expectRedacted('パスワード：abcd1234', `パスワード：${REDACTED}`);
  });

  it('keeps sentences about passwords that contain none', () => {
    expectKept('my password is incorrect');
    expectKept('I need a password reset.');
    expectKept('The password field is empty');
  });
});

describe('keys and tokens', () => {
  it('redacts keys with known prefixes', () => {
    expectRedacted('key sk_live_51HabcdefGHIJKLmnop', `key ${REDACTED}`);
    expectRedacted('Telnyx KEY0123456789ABCDEF_abcdefghij', `Telnyx ${REDACTED}`);
    expectRedacted('gh ghp_abcdefghijklmnopqrstuvwxyz0123456789', `gh ${REDACTED}`);
    expectRedacted('aws AKIAIOSFODNN7EXAMPLE', `aws ${REDACTED}`);
    expectRedacted('slack xoxb-123456789012-abcdefghij', `slack ${REDACTED}`);
  });

  it('redacts JWTs, bearer tokens, private keys', () => {
    expectRedacted(
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      `token ${REDACTED}`,
    );
    expectRedacted('Authorization: Bearer abcDEF123456ghiJKL789', `Authorization: Bearer ${REDACTED}`);
    expectRedacted('-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', REDACTED);
  });

  it('redacts long random-looking strings (base64/base62 mixes, long hex)', () => {
    expectRedacted('reset link ?t=aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5', `reset link ?t=${REDACTED}`);
    expectRedacted('hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', `hash ${REDACTED}`);
  });

  it('keeps UUIDs, tracking numbers and long plain words', () => {
    expectKept('order id 550e8400-e29b-41d4-a716-446655440000');
    expectKept('UPS 1Z999AA10123456784');
    expectKept('Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz');
  });
});

describe('IBAN and SSN', () => {
  it('redacts mod-97-valid IBANs, grouped or not, and keeps invalid ones', () => {
    expectRedacted('IBAN DE89 3704 0044 0532 0130 00 please', `IBAN ${REDACTED} please`);
    expectRedacted('GB82WEST12345698765432', REDACTED);
    expectKept('IBAN DE00 3704 0044 0532 0130 00');
  });

  it('redacts SSNs in the dashed form or next to "SSN"', () => {
    expectRedacted('SSN 123-45-6789', `SSN ${REDACTED}`);
    expectRedacted('social security number: 123456789', `social security number: ${REDACTED}`);
    expectKept('Call 415-555-0123');
    expectKept('ticket 123456789');
  });
});

describe('emails and phone numbers', () => {
  it('replaces e-mail addresses with [email]', () => {
    expectRedacted('Write to jane.doe+shop@example.co.uk today', 'Write to [email] today');
    expectRedacted('Почта иван@пример.рф', 'Почта [email]');
  });

  it('keeps phone numbers and phone-like ticket ids (not secrets)', () => {
    expectKept('Call me at +1 415 555 0100 or 415-555-0199.');
    expectKept('Ticket 4155550123 and Order #12345 and case 2026-000123');
  });
});

describe('redactSecrets', () => {
  it('is idempotent', () => {
    const input = 'card 4111111111111111, code 482913, password: x1y2, mail a@b.co, IBAN GB82WEST12345698765432';
    const once = redactSecrets(input);
    expect(redactSecrets(once)).toBe(once);
    expect(once).toBe(`card ${REDACTED}, code ${REDACTED}, password: ${REDACTED}, mail [email], IBAN ${REDACTED}`);
  });

  it('leaves ordinary support prose untouched', () => {
    expectKept('My AcmeNet X200 router keeps dropping Wi-Fi since firmware 4.2.1; order #48213, 3 units, 49.99 EUR on 2026-03-02.');
  });

  it('reports what it found and where', () => {
    expect(findSecrets('pin 1234 and a@b.co')).toEqual([
      { kind: 'one_time_code', start: 4, end: 8 },
      { kind: 'email', start: 13, end: 19 },
    ]);
  });
});

describe('checksums', () => {
  it('implements Luhn and IBAN mod 97', () => {
    expect(isLuhnValid([4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toBe(true);
    expect(isLuhnValid([4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2])).toBe(false);
    expect(isIbanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(isIbanValid('DE88 3704 0044 0532 0130 00')).toBe(false);
  });
});
