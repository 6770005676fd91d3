// Text units for the summariser: code-point length, sentence spans, scoring words, budget-safe cuts.
// Pure. Uses Intl.Segmenter where the runtime has it (workerd and Node 22 do), regex fallbacks otherwise.

/** ASCII on purpose: "…" is not in GSM-7 and would turn the whole SMS into UCS-2 (70 chars/segment). */
export const ELLIPSIS = '...';

/** A sentence as a [start, end) slice of the text it was found in, trimmed of surrounding space. */
export type TextSpan = { start: number; end: number };

type SegmenterLike = { segment(input: string): Iterable<{ segment: string; index: number; isWordLike?: boolean }> };

const segmenters = new Map<string, SegmenterLike | null>();

/** Cached Intl.Segmenter, or null when the runtime has none (then the fallbacks run). */
function readSegmenter(granularity: 'grapheme' | 'word' | 'sentence'): SegmenterLike | null {
  const cached = segmenters.get(granularity);
  if (cached !== undefined) return cached;
  const Segmenter = typeof Intl === 'object' ? Intl.Segmenter : undefined;
  // 'und' (no locale) keeps the result independent of the host's default locale: same input, same output.
  const created = typeof Segmenter === 'function' ? new Segmenter('und', { granularity }) : null;
  segmenters.set(granularity, created);
  return created;
}

/** Length in Unicode code points (what the budget counts); a lone surrogate counts as one. */
export function countChars(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Scripts written without spaces between words: words there need a dictionary (or per-character) split. */
const NO_SPACE_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;

/** Does the text contain a script that is written without spaces (Chinese, Japanese, Thai, ...)? */
export function hasNoSpaceScript(text: string): boolean {
  return NO_SPACE_SCRIPT.test(text);
}

/** Is this character CJK (decides whether joined sentences need a space between them)? */
export function isCjkChar(char: string): boolean {
  return CJK_CHAR.test(char);
}

// ---------------------------------------------------------------------------------------------
// Sentences

const TERMINATORS = '.!?…。！？‼⁇⁈⁉؟۔।॥';
/** Full-width terminators end a sentence even with no space after them (CJK, Arabic question mark). */
const WIDE_TERMINATORS = '。！？؟';
const CLOSERS = '"\'”’)]}」』）】》»';

/** Sentence spans of one line without Intl.Segmenter: ICU-like rules, good enough for support mail. */
function findSentenceSpansInLineFallback(line: string, offset: number, spans: TextSpan[]): void {
  let start = 0;
  let i = 0;
  while (i < line.length) {
    const char = line.charAt(i);
    if (!TERMINATORS.includes(char)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < line.length && TERMINATORS.includes(line.charAt(end))) end++;
    while (end < line.length && CLOSERS.includes(line.charAt(end))) end++;
    const wide = WIDE_TERMINATORS.includes(line.charAt(end - 1)) || WIDE_TERMINATORS.includes(char);
    let next = end;
    while (next < line.length && (line.charAt(next) === ' ' || line.charAt(next) === '\t')) next++;
    const followedBySpace = next > end;
    const atEnd = next >= line.length;
    // "e.g. this" and "3.5" do not end a sentence: a full stop needs a space and no lower-case letter after it.
    const nextChar = line.charAt(next);
    const lowerAfterStop = char === '.' && nextChar !== '' && nextChar !== nextChar.toUpperCase();
    if (atEnd || (wide && !lowerAfterStop) || (followedBySpace && !lowerAfterStop)) {
      pushTrimmedSpan(line, start, end, offset, spans);
      start = next;
      i = next;
    } else {
      i = end;
    }
  }
  pushTrimmedSpan(line, start, line.length, offset, spans);
}

function pushTrimmedSpan(text: string, start: number, end: number, offset: number, spans: TextSpan[]): void {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text.charAt(s))) s++;
  while (e > s && /\s/.test(text.charAt(e - 1))) e--;
  if (e > s) spans.push({ start: s + offset, end: e + offset });
}

/**
 * Sentence spans of a text. A line break always ends a sentence (mail often has unpunctuated lines:
 * list items, addresses), then each line is split with Intl.Segmenter or the fallback.
 */
export function findSentenceSpans(text: string, options: { useSegmenter?: boolean } = {}): TextSpan[] {
  const segmenter = options.useSegmenter === false ? null : readSegmenter('sentence');
  const spans: TextSpan[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (line.trim() !== '') {
      if (segmenter) {
        for (const part of segmenter.segment(line)) {
          pushTrimmedSpan(line, part.index, part.index + part.segment.length, lineStart, spans);
        }
      } else {
        findSentenceSpansInLineFallback(line, lineStart, spans);
      }
    }
    lineStart = lineEnd + 1;
  }
  return spans;
}

/** Sentences of a text, trimmed, in order. */
export function splitSentences(text: string, options: { useSegmenter?: boolean } = {}): string[] {
  return findSentenceSpans(text, options).map((span) => text.slice(span.start, span.end));
}

// ---------------------------------------------------------------------------------------------
// Words (for scoring)

const WORD_RUN = /[\p{L}\p{M}\p{N}]+(?:['’_-][\p{L}\p{M}\p{N}]+)*/gu;
const NON_ASCII = /[\u0080-\u{10ffff}]/u;

/**
 * Lower-cased word tokens for scoring. Space-separated scripts split on non-letters (fast, no ICU);
 * runs in Chinese/Japanese/Thai are split by Intl.Segmenter's dictionary, else one token per character.
 */
export function splitWords(text: string, options: { useSegmenter?: boolean } = {}): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(WORD_RUN)) {
    const run = match[0];
    if (NON_ASCII.test(run) && NO_SPACE_SCRIPT.test(run)) {
      const segmenter = options.useSegmenter === false ? null : readSegmenter('word');
      if (segmenter) {
        for (const part of segmenter.segment(run)) {
          if (part.isWordLike !== false) words.push(normalizeWord(part.segment));
        }
      } else {
        for (const char of run) words.push(normalizeWord(char));
      }
    } else {
      words.push(normalizeWord(run));
    }
  }
  return words;
}

function normalizeWord(word: string): string {
  // NFKC folds full-width Latin and digits (common in Japanese text) onto their ASCII forms.
  return (NON_ASCII.test(word) ? word.normalize('NFKC') : word).toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Budget-safe cuts

/** The first `max` user-perceived characters that fit in `max` code points (never splits an emoji). */
function takeGraphemes(text: string, max: number): string {
  if (max <= 0) return '';
  const segmenter = readSegmenter('grapheme');
  let out = '';
  let used = 0;
  const parts: Iterable<string> = segmenter
    ? (function* () {
        for (const part of segmenter.segment(text)) yield part.segment;
      })()
    : Array.from(text);
  for (const part of parts) {
    const size = countChars(part);
    if (used + size > max) break;
    out += part;
    used += size;
  }
  return out;
}

/** Units a cut may fall between: whitespace runs, space-free runs; no-space scripts split into words. */
function splitCutUnits(text: string): string[] {
  const units: string[] = [];
  for (const match of text.matchAll(/\s+|\S+/gu)) {
    const run = match[0];
    if (!/\s/.test(run) && NO_SPACE_SCRIPT.test(run)) {
      const segmenter = readSegmenter('word');
      if (segmenter) {
        for (const part of segmenter.segment(run)) units.push(part.segment);
      } else {
        units.push(...Array.from(run));
      }
    } else {
      units.push(run);
    }
  }
  return units;
}

/**
 * Cut a text to at most `budget` code points at a word boundary, ending with "...".
 * Falls back to a grapheme cut when the first word alone is too long; never exceeds the budget.
 */
export function truncateAtWordBoundary(text: string, budget: number): string {
  const max = Math.floor(budget);
  if (max <= 0) return '';
  const trimmed = text.trim();
  if (countChars(trimmed) <= max) return trimmed;
  const limit = max - countChars(ELLIPSIS);
  if (limit < 1) return takeGraphemes(trimmed, max);
  let kept = '';
  let used = 0;
  for (const unit of splitCutUnits(trimmed)) {
    const size = countChars(unit);
    if (used + size > limit) break;
    kept += unit;
    used += size;
  }
  kept = kept.replace(/[\s,;:،、，；：–—([{"'“‘«-]+$/u, '');
  if (kept === '') kept = takeGraphemes(trimmed, limit).trimEnd();
  return kept + ELLIPSIS;
}

/**
 * Fit a text to `budget` code points: keep whole leading sentences when at least one fits,
 * else cut the first sentence at a word boundary with "...". Never exceeds the budget.
 */
export function fitToBudget(text: string, budget: number): string {
  const max = Math.floor(budget);
  if (max <= 0) return '';
  const trimmed = text.trim();
  if (countChars(trimmed) <= max) return trimmed;
  const spans = findSentenceSpans(trimmed);
  let bestEnd = 0;
  let used = 0;
  for (const span of spans) {
    used += countChars(trimmed.slice(bestEnd, span.end));
    if (used > max) break;
    bestEnd = span.end;
  }
  if (bestEnd > 0) return trimmed.slice(0, bestEnd).trimEnd();
  const first = spans[0];
  return truncateAtWordBoundary(first ? trimmed.slice(first.start, first.end) : trimmed, max);
}
