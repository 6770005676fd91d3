// The time in "Waiting for Zendesk, next try at …": the time alone today, the date too otherwise
// (a next try past midnight is tomorrow's, and "12:04 AM" alone would read as already past).
import { describe, expect, it } from 'vitest';
import { formatNextTry } from './waiting.ts';

describe('formatNextTry', () => {
  const noon = new Date(2026, 11, 1, 12, 0, 0);
  it('shows the time alone when the next try is today', () => {
    const at = new Date(2026, 11, 1, 14, 5, 0);
    const text = formatNextTry(at.toISOString(), noon.getTime());
    expect(text).toBe(new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(at));
    expect(text).not.toContain('2026');
  });
  it('adds the date when the next try is another day', () => {
    const at = new Date(2026, 11, 2, 0, 4, 0);
    expect(formatNextTry(at.toISOString(), new Date(2026, 11, 1, 23, 59, 0).getTime())).toContain('2026');
  });
  it('hands back what it cannot read', () => {
    expect(formatNextTry('soon', noon.getTime())).toBe('soon');
  });
});
