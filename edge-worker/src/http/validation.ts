// Turns zod issues into the API's field errors: every offending field with its reason.
import type { z } from 'zod';
import type { FieldError } from '../../../shared/schemas/api.ts';

export function toFieldErrors(error: z.ZodError, prefix: readonly (string | number)[] = []): FieldError[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    return { field: path.length ? path.join('.') : '(body)', reason: issue.message };
  });
}
