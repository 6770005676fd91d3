// Validates a rule against its installation before it is stored: requirements met, phone numbers
// normalised to E.164 with the default country, sender number on the messaging profile, summary
// only when summaries are enabled, every field it names known (a system field the engine reads,
// or a ticket field the Zendesk account has), and the installation's rule cap kept
// (shared/schemas/rule.ts; recipients are bounded per rule and per interaction, not per
// installation: pipeline/recipient-limit.ts). Collects every problem as a field error.
import { contentPlaceholderErrors } from '../../../shared/compose/placeholders.ts';
import { checkFieldRef, FIELD_PROBLEM_TEXT, fieldRefsOf, ticketFieldsById } from '../../../shared/rules/field-refs.ts';
import type { FieldError } from '../../../shared/schemas/api.ts';
import { RULES_PER_INSTALLATION_MAX, type RuleDefinition, type RuleWarning } from '../../../shared/schemas/rule.ts';
import { normalizePhone } from '../../../shared/phone/normalize.ts';
import type { Installation } from '../db/installations.ts';
import { countRules } from '../db/rules.ts';
import type { Env } from '../env.ts';
import { AppError, invalid } from '../errors.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';
import { readTicketFields } from '../zendesk/ticket-fields-cache.ts';
import { checkSender, senderWarnings } from './check-sender.ts';
import { readRequirements } from './requirements.ts';

export interface PrepareRuleOptions {
  /** The id of the rule this definition replaces (its own recipients leave the budget). */
  replacing?: string;
  /**
   * Check the fields the rule names (default true). A PATCH that touches neither content nor
   * conditions skips it, so a rule whose field was deleted in Zendesk can still be disabled.
   */
  checkFields?: boolean;
}

/** Recipients one rule may text per interaction: its fixed numbers, the agent, the customer. */
export function recipientSlots(rule: Pick<RuleDefinition, 'recipients'>): number {
  const r = rule.recipients;
  return r.otherNumbers.length + (r.assignedAgent ? 1 : 0) + (r.customer ? 1 : 0);
}

/**
 * The installation's rule cap (shared/schemas/rule.ts RULES_PER_INSTALLATION_MAX), from a count
 * in SQL (not by reading every rule). The insert re-checks it in its own statement.
 */
export function capErrors(existingCount: number, replacing?: string): FieldError[] {
  if (replacing === undefined && existingCount >= RULES_PER_INSTALLATION_MAX) {
    return [{ field: 'rules', reason: `At most ${RULES_PER_INSTALLATION_MAX} rules per installation: delete a rule first` }];
  }
  return [];
}

/** Field errors for every field the rule names that neither the engine nor the account has. */
async function fieldErrors(env: Env, installation: Installation, rule: RuleDefinition): Promise<FieldError[]> {
  const uses = fieldRefsOf(rule);
  const custom = uses.some((u) => /^\d+$/.test(u.ref));
  let fields = new Map<string, { id: number; active?: boolean; removable?: boolean }>();
  if (custom) {
    const zendesk = await zendeskFor(env, installation);
    fields = ticketFieldsById(await readTicketFields(installation.id, zendesk, Date.now()));
    // The cache may predate a field created since: ask Zendesk again before refusing.
    if (uses.some((u) => checkFieldRef(u.ref, fields) !== null && /^\d+$/.test(u.ref))) {
      fields = ticketFieldsById(await readTicketFields(installation.id, zendesk, Date.now(), { fresh: true }));
    }
  }
  return uses.flatMap((use) => {
    const problem = checkFieldRef(use.ref, fields);
    if (!problem) return [];
    return [{ field: use.path, reason: use.placeholder ? `${use.placeholder}: ${FIELD_PROBLEM_TEXT[problem]}` : FIELD_PROBLEM_TEXT[problem] }];
  });
}

const REQUIREMENT_TEXT = {
  sms_connected: 'connect Telnyx (API key and messaging profile)',
  sender_number: 'the messaging profile needs at least one SMS-enabled number',
  group: 'the Zendesk account needs at least one group',
} as const;

export async function prepareRule(
  env: Env,
  installation: Installation,
  rule: RuleDefinition,
  opts: PrepareRuleOptions = {},
): Promise<RuleDefinition> {
  return (await prepareRuleWithWarnings(env, installation, rule, opts)).definition;
}

/** The rule as stored, and what the saved rule's answer warns about (never blocking: check-sender.ts). */
export async function prepareRuleWithWarnings(
  env: Env,
  installation: Installation,
  rule: RuleDefinition,
  opts: PrepareRuleOptions = {},
): Promise<{ definition: RuleDefinition; warnings: RuleWarning[] }> {
  const requirements = await readRequirements(env, installation);
  if (!requirements.ready) {
    throw new AppError(
      'requirements_not_met',
      `Rules cannot be saved yet: ${requirements.missing.map((m) => REQUIREMENT_TEXT[m]).join('; ')}`,
    );
  }
  const country = installation.settings.defaultCountry;
  const errors: FieldError[] = [];

  // A phone number of the profile, or one of its alphanumeric sender IDs (check-sender.ts).
  const sender = await checkSender(env, installation, rule.senderNumber, requirements.senderNumbers);
  if (!sender.ok) errors.push({ field: 'senderNumber', reason: sender.reason });

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
  if (opts.checkFields !== false) {
    // Placeholders (syntax, unknown names), then the fields, ticket_field placeholders among them.
    // Like fields, skipped for a patch that leaves content alone: a rule whose text predates
    // placeholders (a literal "{{") can still be disabled or renamed.
    errors.push(...contentPlaceholderErrors(rule.content));
    errors.push(...(await fieldErrors(env, installation, rule)));
  }
  if (opts.replacing === undefined) errors.push(...capErrors(await countRules(env.DB, installation.id)));
  if (errors.length) throw invalid(errors);

  const definition = {
    ...rule,
    senderNumber: sender.ok ? sender.sender : rule.senderNumber,
    recipients: { ...rule.recipients, otherNumbers },
  };
  const warnings = sender.ok ? await senderWarnings(env, installation, sender.sender, sender.kind) : [];
  return { definition, warnings };
}
