// The Setup tab's settings form state, its conversion to a PATCH body, and the schema of a draft
// kept across a reload. Pure.
import { z } from 'zod';
import type { Settings } from '../../../shared/schemas/settings.ts';
import type { SettingsPatchBody as SettingsPatch } from '../api/admin-api.ts';

export interface SettingsDraft {
  summariesEnabled: boolean;
  summaryIncludesInternalNotes: boolean;
  defaultCountry: string;
  internalNoteEnabled: boolean;
  /** Comma-separated role names as typed. */
  supervisorRoleNames: string;
  customerFallbackToRequesterPhone: boolean;
  quietHoursOn: boolean;
  quietStart: string;
  quietEnd: string;
  quietTimeZone: string;
  capOn: boolean;
  capMaxMessages: string;
  capPeriodHours: string;
  maxParts: string;
  retryAllowedFor: Settings['retryAllowedFor'];
  replyWindowDays: string;
  replyReopensTicket: boolean;
  helpReplyText: string;
}

/** The settings form as kept in sessionStorage when the session ended. */
export const StoredSettingsDraft = z.object({
  summariesEnabled: z.boolean(),
  summaryIncludesInternalNotes: z.boolean(),
  defaultCountry: z.string(),
  internalNoteEnabled: z.boolean(),
  supervisorRoleNames: z.string(),
  customerFallbackToRequesterPhone: z.boolean(),
  quietHoursOn: z.boolean(),
  quietStart: z.string(),
  quietEnd: z.string(),
  quietTimeZone: z.string(),
  capOn: z.boolean(),
  capMaxMessages: z.string(),
  capPeriodHours: z.string(),
  maxParts: z.string(),
  retryAllowedFor: z.enum(['agents', 'admins']),
  // Defaults: a draft kept before these settings existed still restores.
  replyWindowDays: z.string().default('7'),
  replyReopensTicket: z.boolean().default(false),
  helpReplyText: z.string().default(''),
}) satisfies z.ZodType<SettingsDraft>;

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function draftFromSettings(s: Settings): SettingsDraft {
  return {
    summariesEnabled: s.summariesEnabled,
    summaryIncludesInternalNotes: s.summaryIncludesInternalNotes,
    defaultCountry: s.defaultCountry,
    internalNoteEnabled: s.internalNoteEnabled,
    supervisorRoleNames: s.supervisorRoleNames.join(', '),
    customerFallbackToRequesterPhone: s.customerFallbackToRequesterPhone,
    quietHoursOn: s.quietHours !== null,
    quietStart: s.quietHours?.start ?? '21:00',
    quietEnd: s.quietHours?.end ?? '08:00',
    quietTimeZone: s.quietHours?.timeZone ?? browserTimeZone(),
    capOn: s.frequencyCap !== null,
    capMaxMessages: String(s.frequencyCap?.maxMessages ?? 3),
    capPeriodHours: String(s.frequencyCap?.periodHours ?? 24),
    maxParts: String(s.maxParts),
    retryAllowedFor: s.retryAllowedFor,
    replyWindowDays: String(s.replyWindowDays),
    replyReopensTicket: s.replyReopensTicket,
    helpReplyText: s.helpReplyText,
  };
}

/** Text to number; '' and junk become NaN so the schema reports them on the field. */
function toNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** The full settings the draft describes (unvalidated; the schema checks it). */
export function draftToSettings(d: SettingsDraft): SettingsPatch {
  return {
    summariesEnabled: d.summariesEnabled,
    summaryIncludesInternalNotes: d.summaryIncludesInternalNotes,
    defaultCountry: d.defaultCountry,
    internalNoteEnabled: d.internalNoteEnabled,
    supervisorRoleNames: d.supervisorRoleNames
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== ''),
    customerFallbackToRequesterPhone: d.customerFallbackToRequesterPhone,
    quietHours: d.quietHoursOn ? { start: d.quietStart, end: d.quietEnd, timeZone: d.quietTimeZone.trim() } : null,
    frequencyCap: d.capOn ? { maxMessages: toNumber(d.capMaxMessages), periodHours: toNumber(d.capPeriodHours) } : null,
    maxParts: toNumber(d.maxParts),
    retryAllowedFor: d.retryAllowedFor,
    replyWindowDays: toNumber(d.replyWindowDays),
    replyReopensTicket: d.replyReopensTicket,
    helpReplyText: d.helpReplyText,
  };
}

/** Only what changed, so the PATCH (and the audit trail) names just the edited settings. */
export function settingsPatch(current: Settings, d: SettingsDraft): SettingsPatch {
  const next = draftToSettings(d);
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(current[key as keyof Settings])) patch[key] = value;
  }
  return patch as SettingsPatch;
}
