// Builds the one SMS a rule sends and keeps it within the installation's part limit. Pure. No I/O.
//
// Layout, top to bottom; an empty part is left out together with its separator:
//
//   <custom text>
//   <blank line>
//   <summary>
//   <blank line>
//   <Label: value>       one line per data field
//
// Every part is trimmed. Inside a data value, any whitespace that contains a line break becomes a
// single space, so each field stays on its own line. A data line whose value is empty is left out.
//
// When the message would need more than `maxParts` parts, it is cut in this order, stopping as
// soon as it fits:
//   1. shorten the summary (to no fewer than SUMMARY_MIN_CHARS characters),
//   2. drop the summary,
//   3. from the last data line upwards: shorten its value (to no fewer than DATA_VALUE_MIN_CHARS
//      characters, the label is kept), else drop the line and try again with the one above,
//   4. shorten the custom text (the supervisor's own words go last); if not even one character fits,
//      it is dropped.
// Shortening cuts at the last sentence end, else the last word end, provided that keeps at least half
// of what would fit; otherwise it cuts mid-word. Trailing spaces and . , ; : are removed and an
// ellipsis appended: "..." while the message is GSM-7, "…" only when it is UCS-2 anyway, so the
// ellipsis never switches the message to UCS-2 by itself. The result never exceeds `maxParts`.
import { type SegmentCount, countSegments, GSM7_SINGLE_UNITS, isGsm7, MAX_PARTS, truncateToUnits } from './segments.ts';

/** A shortened summary keeps at least this many characters; below that it is dropped instead. */
export const SUMMARY_MIN_CHARS = 20;
/** A shortened data value keeps at least this many characters; below that the line is dropped. */
export const DATA_VALUE_MIN_CHARS = 10;

export interface DataLine {
  label: string;
  value: string;
}

export interface ComposeInput {
  customText: string;
  /** The interaction summary, or null when the rule does not include one or none is available. */
  summary: string | null;
  dataLines: readonly DataLine[];
}

export interface ComposeOptions {
  /** Upper bound on parts, 1..10 (Settings.maxParts). Out-of-range values are clamped. */
  maxParts: number;
}

export type SummaryOutcome = 'kept' | 'shortened' | 'dropped' | 'none';

export interface ComposedMessage {
  text: string;
  segments: SegmentCount;
  trimmed: {
    /** 'none': there was no summary to include. */
    summary: SummaryOutcome;
    /** Data lines shortened or dropped to fit. */
    dataLines: number;
    /** True when the custom text was shortened or dropped to fit. */
    customText: boolean;
  };
}

interface Line {
  head: string;
  value: string;
}

/** Compose the message text for a rule, trimming it per the policy above so it fits in `maxParts`. */
export function composeMessage(input: ComposeInput, options: ComposeOptions): ComposedMessage {
  const maxParts = clampParts(options.maxParts);
  const fits = (text: string): boolean => countSegments(text).segments <= maxParts;

  let customText = input.customText.trim();
  let summary = (input.summary ?? '').trim();
  let lines = prepareLines(input.dataLines);
  const trimmed: ComposedMessage['trimmed'] = {
    summary: summary === '' ? 'none' : 'kept',
    dataLines: 0,
    customText: false,
  };
  const finish = (): ComposedMessage => {
    const text = assemble(customText, summary, lines);
    return { text, segments: countSegments(text), trimmed };
  };

  const whole = assemble(customText, summary, lines);
  const wholeCount = countSegments(whole);
  if (wholeCount.segments <= maxParts) return { text: whole, segments: wholeCount, trimmed };

  // 1. Shorten the summary, 2. drop it.
  if (summary !== '') {
    const shortened = shortenToFit(summary, (s) => assemble(customText, s, lines), fits, SUMMARY_MIN_CHARS, maxParts);
    if (shortened !== null) {
      summary = shortened;
      trimmed.summary = 'shortened';
      return finish();
    }
    summary = '';
    trimmed.summary = 'dropped';
    if (fits(assemble(customText, summary, lines))) return finish();
  }

  // 3. Data lines from the end: shorten the value, else drop the line.
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line === undefined) continue;
    const above = lines.slice(0, i);
    trimmed.dataLines++;
    const shortened = shortenToFit(
      line.value,
      (v) => assemble(customText, '', [...above, { head: line.head, value: v }]),
      fits,
      DATA_VALUE_MIN_CHARS,
      maxParts,
    );
    if (shortened !== null) {
      lines = [...above, { head: line.head, value: shortened }];
      return finish();
    }
    lines = above;
    if (fits(assemble(customText, '', lines))) return finish();
  }

  // 4. Shorten the custom text.
  trimmed.customText = true;
  customText = shortenToFit(customText, (c) => c, fits, 1, maxParts) ?? '';
  return finish();
}

/**
 * How many characters a summary may have so that the whole message still fits in `maxParts`
 * without trimming anything else. Counted in plain characters (letters, digits, basic
 * punctuation): a summary that uses extension characters or emoji may still be shortened by
 * `composeMessage`. 0 when even the message without a summary does not fit.
 */
export function summaryBudget(input: { customText: string; dataLines: readonly DataLine[] }, options: ComposeOptions): number {
  const maxParts = clampParts(options.maxParts);
  const customText = input.customText.trim();
  const lines = prepareLines(input.dataLines);
  const fitsWith = (n: number): boolean => countSegments(assemble(customText, 'a'.repeat(n), lines)).segments <= maxParts;
  if (!fitsWith(0)) return 0;
  let lo = 0;
  let hi = maxParts * GSM7_SINGLE_UNITS;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fitsWith(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The data lines for a rule's chosen fields. The label is the rule's own label, else the field's
 * Zendesk title (`titles`, keyed like the field), else the field key. Lists (tags, multiselect)
 * are joined with ", ". Fields whose value is empty (missing, null, blank, []) are skipped rather
 * than shown as "-": in a text message a placeholder costs characters and tells the reader nothing.
 */
export function renderDataLines(
  fields: ReadonlyArray<{ field: string; label?: string | undefined }>,
  values: Readonly<Record<string, string | readonly string[] | null>>,
  titles: Readonly<Record<string, string>>,
): DataLine[] {
  const lines: DataLine[] = [];
  for (const { field, label } of fields) {
    const raw = Object.hasOwn(values, field) ? values[field] : undefined;
    const value = formatValue(raw);
    if (value === '') continue;
    const title = Object.hasOwn(titles, field) ? titles[field] : undefined;
    const shownLabel = label?.trim() || title?.trim() || field;
    lines.push({ label: shownLabel, value });
  }
  return lines;
}

function formatValue(raw: string | readonly string[] | null | undefined): string {
  if (raw === null || raw === undefined) return '';
  if (typeof raw === 'string') return raw.trim();
  return raw
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .join(', ');
}

function clampParts(maxParts: number): number {
  if (!Number.isFinite(maxParts)) return 1;
  return Math.min(MAX_PARTS, Math.max(1, Math.floor(maxParts)));
}

function prepareLines(dataLines: readonly DataLine[]): Line[] {
  const lines: Line[] = [];
  for (const { label, value } of dataLines) {
    const cleanValue = value.replace(/\s*[\r\n]\s*/g, ' ').trim();
    if (cleanValue === '') continue;
    const cleanLabel = label
      .replace(/\s*[\r\n]\s*/g, ' ')
      .trim()
      .replace(/\s*:$/, '');
    lines.push({ head: cleanLabel === '' ? '' : `${cleanLabel}: `, value: cleanValue });
  }
  return lines;
}

function assemble(customText: string, summary: string, lines: readonly Line[]): string {
  let text = customText;
  if (summary !== '') text = text === '' ? summary : `${text}\n\n${summary}`;
  if (lines.length > 0) {
    const block = lines.map((l) => l.head + l.value).join('\n');
    text = text === '' ? block : `${text}\n\n${block}`;
  }
  return text;
}

/**
 * The longest shortened form of `original` (ending in an ellipsis) with which `render(form)` fits,
 * keeping at least `minKeep` characters of `original`; null when none fits. Every returned form
 * has been checked with `fits`.
 */
function shortenToFit(
  original: string,
  render: (part: string) => string,
  fits: (text: string) => boolean,
  minKeep: number,
  maxParts: number,
): string | null {
  // No part can hold more code points than the whole message has units: bound the search by that.
  const upper = truncateToUnits(original, 'UCS-2', maxParts * GSM7_SINGLE_UNITS);
  const chars = Array.from(upper);
  const restIsGsm = isGsm7(render(''));
  const shortenedTo = (n: number): string | null => {
    const kept = chars
      .slice(0, n)
      .join('')
      .replace(/[\s.,;:]+$/u, '');
    if (kept === '') return null;
    const ellipsis = restIsGsm && isGsm7(kept) ? '...' : '…';
    return kept + ellipsis;
  };
  const fitsAt = (n: number): string | null => {
    const form = shortenedTo(n);
    return form !== null && fits(render(form)) ? form : null;
  };

  const longest = Math.min(chars.length, Array.from(original).length - 1);
  if (longest < minKeep || fitsAt(minKeep) === null) return null;
  let lo = minKeep;
  let hi = longest;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fitsAt(mid) !== null) lo = mid;
    else hi = mid - 1;
  }
  const boundary = findBoundary(chars, lo, minKeep);
  if (boundary < lo) {
    const atBoundary = fitsAt(boundary);
    if (atBoundary !== null) return atBoundary;
  }
  return fitsAt(lo);
}

/**
 * Where to cut the first `n` characters: after the last sentence end, else the last word end,
 * when that keeps at least half of `n` (and `minKeep`); else `n` itself.
 */
function findBoundary(chars: readonly string[], n: number, minKeep: number): number {
  const lowest = Math.max(minKeep, Math.ceil(n / 2));
  const endsWord = (e: number): boolean => {
    const next = chars[e];
    const last = chars[e - 1];
    return (next === undefined || /\s/u.test(next)) && last !== undefined && !/\s/u.test(last);
  };
  for (let e = n; e >= lowest; e--) {
    if (endsWord(e) && /[.!?…]/u.test(chars[e - 1] ?? '')) return e;
  }
  for (let e = n; e >= lowest; e--) {
    if (endsWord(e)) return e;
  }
  return n;
}
