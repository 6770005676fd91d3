// Display formatting. Pure; English formats to match the (English-only) translations.

const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** "Nov 29, 2026, 6:02 PM"; the input as-is when it is not a date. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** A cost hint in US dollars with enough digits for fractions of a cent: "$0.0079". */
export function formatUsd(amount: number): string {
  return `$${amount.toFixed(amount < 0.1 ? 4 : 2)}`;
}
