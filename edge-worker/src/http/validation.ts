// Turns zod issues into the API's field errors: every offending field with its reason; and reads
// a phone number a request names, or answers 422 for its field.
import type { z } from 'zod';
import { normalizePhone } from '../../../shared/phone/normalize.ts';
import type { FieldError } from '../../../shared/schemas/api.ts';
import { invalid } from '../errors.ts';

export function toFieldErrors(error: z.ZodError, prefix: readonly (string | number)[] = []): FieldError[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    return { field: path.length ? path.join('.') : '(body)', reason: issue.message };
  });
}

/** The E.164 form of a number typed into `field` (national numbers in the installation's default
 * country), or a 422 that names the field with the reason. */
export function phoneField(field: string, input: string, defaultCountry: string): string {
  const number = normalizePhone(input, defaultCountry);
  if (!number.ok) throw invalid([{ field, reason: number.reason }]);
  return number.e164;
}
