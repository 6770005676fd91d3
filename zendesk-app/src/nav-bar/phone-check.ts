// Phone numbers typed in the editor, checked as you type with the shared normaliser and the
// installation's default country, so local formats are accepted and mistakes show at once.
import { normalizePhone } from '../../../shared/phone/normalize.ts';

/**
 * null when `input` is a valid number (or still empty), else the normaliser's reason, a
 * readable English sentence ("Not a phone number").
 */
export function phoneProblem(input: string, country: string): string | null {
  if (input.trim() === '') return null;
  const result = normalizePhone(input, country);
  return result.ok ? null : result.reason;
}
