// Field errors keyed by dotted path ("recipients.otherNumbers.1"), the same keys the worker uses
// in a 422's `fields`. Pure helpers shared by the rule editor and the setup forms.
import type { z } from 'zod';
import type { FieldError } from '../../../shared/schemas/api.ts';

export type FieldErrors = Record<string, string>;

export function pathKey(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

/** First message per path from a failed zod parse. */
export function fromZodError(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = pathKey(issue.path);
    out[key] ??= issue.message;
  }
  return out;
}

/** First reason per field from a worker 422. */
export function fromApiFields(fields: FieldError[]): FieldErrors {
  const out: FieldErrors = {};
  for (const f of fields) out[f.field] ??= f.reason;
  return out;
}

/**
 * Splits errors into those a form shows on one of its fields and the rest, so that no error is
 * ever lost: the rest are listed in the form's summary alert.
 */
export function partitionErrors(errors: FieldErrors, isShown: (key: string) => boolean) {
  const unplaced: Array<[string, string]> = [];
  for (const [key, message] of Object.entries(errors)) {
    if (!isShown(key)) unplaced.push([key, message]);
  }
  return unplaced;
}
