// Pure. Who a matched rule texts: the assigned agent, the customer and fixed numbers, each
// normalised to E.164 with the installation's default country, or a reason why not.
import { normalizePhone } from '../../../shared/phone/normalize.ts';
import type { Rule } from '../../../shared/schemas/rule.ts';
import type { RecipientKind } from '../../../shared/schemas/send.ts';
import type { Settings } from '../../../shared/schemas/settings.ts';
import type { Snapshot } from './interaction-snapshot.ts';

export type ResolvedRecipient =
  | { kind: RecipientKind; ok: true; e164: string; timeZone: string | null; source: string }
  | { kind: RecipientKind; ok: false; detail: string };

function userTimeZone(user: { iana_time_zone?: string | null } | null): string | null {
  return user?.iana_time_zone ?? null;
}

/**
 * The customer's number: the ticket field titled "phoneNumber" first (PRODUCT.md); when it is
 * empty or invalid and the installation allows it, the requester's user field `phoneNumber`,
 * then the requester's phone.
 */
function resolveCustomer(snapshot: Snapshot, settings: Settings): ResolvedRecipient {
  const country = settings.defaultCountry;
  const tz = userTimeZone(snapshot.requester);
  const problems: string[] = [];
  if (snapshot.customerPhoneField) {
    const n = normalizePhone(snapshot.customerPhoneField, country);
    if (n.ok) return { kind: 'customer', ok: true, e164: n.e164, timeZone: tz, source: 'phoneNumber field' };
    problems.push(`phoneNumber field: ${n.reason}`);
  } else {
    problems.push('phoneNumber field is empty');
  }
  if (settings.customerFallbackToRequesterPhone) {
    const userField = snapshot.requester?.user_fields?.phoneNumber;
    for (const [source, value] of [
      ['requester phoneNumber user field', typeof userField === 'string' ? userField : null],
      ['requester phone', snapshot.requester?.phone ?? null],
    ] as const) {
      if (!value) continue;
      const n = normalizePhone(value, country);
      if (n.ok) return { kind: 'customer', ok: true, e164: n.e164, timeZone: tz, source };
      problems.push(`${source}: ${n.reason}`);
    }
    if (!snapshot.requester?.phone) problems.push('requester has no phone');
  }
  return { kind: 'customer', ok: false, detail: problems.join('; ') };
}

export function resolveRecipients(rule: Pick<Rule, 'recipients'>, snapshot: Snapshot, settings: Settings): ResolvedRecipient[] {
  const out: ResolvedRecipient[] = [];
  if (rule.recipients.assignedAgent) {
    const agent = snapshot.assignee;
    if (!agent) out.push({ kind: 'assigned_agent', ok: false, detail: 'ticket has no assignee' });
    else if (!agent.phone) out.push({ kind: 'assigned_agent', ok: false, detail: 'assigned agent has no phone in Zendesk' });
    else {
      const n = normalizePhone(agent.phone, settings.defaultCountry);
      out.push(
        n.ok
          ? { kind: 'assigned_agent', ok: true, e164: n.e164, timeZone: userTimeZone(agent), source: 'agent phone' }
          : { kind: 'assigned_agent', ok: false, detail: `agent phone: ${n.reason}` },
      );
    }
  }
  if (rule.recipients.customer) out.push(resolveCustomer(snapshot, settings));
  for (const number of rule.recipients.otherNumbers) {
    // Stored rules hold E.164 already (validated at save); normalise again in case settings changed.
    const n = normalizePhone(number, settings.defaultCountry);
    out.push(n.ok ? { kind: 'other', ok: true, e164: n.e164, timeZone: null, source: 'rule' } : { kind: 'other', ok: false, detail: n.reason });
  }
  return out;
}
