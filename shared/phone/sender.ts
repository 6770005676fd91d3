// A rule's sender as typed -> its stored form. Pure. No I/O.
// Text with a letter is an alphanumeric sender ID (Telnyx: 1-11 letters, digits, spaces, at least
// one letter; shared/schemas/rule.ts), kept as typed after trimming; anything else is a phone
// number, normalised to E.164 with the default country.
import { AlphanumericSenderId, isAlphanumericSenderInput } from '../schemas/rule.ts';
import { normalizePhone } from './normalize.ts';

export type NormalizeSenderResult =
  | { ok: true; kind: 'phone_number'; sender: string }
  | { ok: true; kind: 'alphanumeric'; sender: string }
  | { ok: false; reason: string };

export function normalizeSender(input: string, defaultCountry: string): NormalizeSenderResult {
  const text = input.trim();
  if (isAlphanumericSenderInput(text)) {
    const parsed = AlphanumericSenderId.safeParse(text);
    if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]?.message ?? 'Not an alphanumeric sender ID' };
    return { ok: true, kind: 'alphanumeric', sender: parsed.data };
  }
  const phone = normalizePhone(text, defaultCountry);
  return phone.ok ? { ok: true, kind: 'phone_number', sender: phone.e164 } : phone;
}
