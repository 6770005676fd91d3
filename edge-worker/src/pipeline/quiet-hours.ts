// Pure. Quiet hours in the recipient's time zone: is `now` inside the window, and when does it
// end? The window may cross midnight (21:00-08:00). `now` is passed in.
import type { QuietHours } from '../../../shared/schemas/settings.ts';

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Local wall-clock minutes since midnight in `timeZone`. */
function localMinutes(nowMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(nowMs));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/**
 * When the message may go out: null if now is outside quiet hours, else the end of the window
 * (epoch ms, to the minute). The recipient's zone wins; the setting's zone is the fallback.
 */
export function quietHoursRelease(quiet: QuietHours | null, recipientTimeZone: string | null, nowMs: number): number | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  let zone = quiet.timeZone;
  if (recipientTimeZone) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: recipientTimeZone });
      zone = recipientTimeZone;
    } catch {
      /* unknown zone on the Zendesk user: keep the installation's */
    }
  }
  const local = localMinutes(nowMs, zone);
  const inside = start < end ? local >= start && local < end : local >= start || local < end;
  if (!inside) return null;
  const wait = (end - local + 24 * 60) % (24 * 60);
  const release = nowMs + wait * 60_000;
  return release - (release % 60_000);
}
