// "Waiting for Zendesk, next try at 14:05" (issue 12): what the sidebar and the admin screen say
// while an interaction or a send waits out an outage. The time is the agent's: the browser's
// locale and time zone (Intl with no locale and no timeZone), the date added when not today.
import { t } from '../i18n/t.ts';

const SERVICE = { zendesk: 'Zendesk', telnyx: 'Telnyx' } as const;

/** "2:05 PM" today, else "Dec 2, 2026, 2:05 PM", in the agent's locale and time zone. */
export function formatNextTry(iso: string, nowMs = Date.now()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const sameDay = new Date(nowMs).toDateString() === at.toDateString();
  return new Intl.DateTimeFormat(undefined, sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

/** The waiting line, or null when not waiting. */
export function waitingText(w: { waitingFor?: 'zendesk' | 'telnyx' | null; nextTryAt?: string | null }, nowMs = Date.now()): string | null {
  if (!w.waitingFor) return null;
  return t('sidebar.waiting', { service: SERVICE[w.waitingFor], time: w.nextTryAt ? formatNextTry(w.nextTryAt, nowMs) : '—' });
}
