// Validates a rule against its installation before it is stored: requirements met, phone numbers
// normalised to E.164 with the default country, sender number on the messaging profile, summary
// only when summaries are enabled. Collects every problem as a field error.
import type { FieldError } from '../../../shared/schemas/api.ts';
import type { RuleDefinition } from '../../../shared/schemas/rule.ts';
import { normalizePhone } from '../../../shared/phone/normalize.ts';
import type { Installation } from '../db/installations.ts';
import type { Env } from '../env.ts';
import { AppError, invalid } from '../errors.ts';
import { readRequirements } from './requirements.ts';

const REQUIREMENT_TEXT = {
  sms_connected: 'connect Telnyx (API key and messaging profile)',
  sender_number: 'the messaging profile needs at least one SMS-enabled number',
  group: 'the Zendesk account needs at least one group',
} as const;

export async function prepareRule(env: Env, installation: Installation, rule: RuleDefinition): Promise<RuleDefinition> {
  const requirements = await readRequirements(env, installation);
  if (!requirements.ready) {
    throw new AppError(
      'requirements_not_met',
      `Rules cannot be saved yet: ${requirements.missing.map((m) => REQUIREMENT_TEXT[m]).join('; ')}`,
    );
  }
  const country = installation.settings.defaultCountry;
  const errors: FieldError[] = [];

  const sender = normalizePhone(rule.senderNumber, country);
  if (!sender.ok) errors.push({ field: 'senderNumber', reason: sender.reason });
  else if (!requirements.senderNumbers.includes(sender.e164)) {
    errors.push({ field: 'senderNumber', reason: 'Not an SMS number of the connected Telnyx messaging profile' });
  }

  const otherNumbers: string[] = [];
  rule.recipients.otherNumbers.forEach((input, i) => {
    const n = normalizePhone(input, country);
    if (!n.ok) errors.push({ field: `recipients.otherNumbers.${i}`, reason: n.reason });
    else if (otherNumbers.includes(n.e164)) errors.push({ field: `recipients.otherNumbers.${i}`, reason: 'Listed twice' });
    else otherNumbers.push(n.e164);
  });

  if (rule.content.includeSummary && !installation.settings.summariesEnabled) {
    errors.push({ field: 'content.includeSummary', reason: 'Enable interaction summaries in Settings first' });
  }
  if (errors.length) throw invalid(errors);

  return {
    ...rule,
    senderNumber: sender.ok ? sender.e164 : rule.senderNumber,
    recipients: { ...rule.recipients, otherNumbers },
  };
}
