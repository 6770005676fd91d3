// Specification of the extractive summary: budget, sentence boundaries, choice, determinism, speed.
import { describe, expect, it } from 'vitest';
import { summarizeExtractive } from './extractive.ts';
import {
  createArabicTicket,
  createEmojiTicket,
  createJapaneseTicket,
  createLongThread,
  createRouterTicket,
  createRussianTicket,
} from './fixtures.ts';
import { prepareComments } from './prepare.ts';
import { ELLIPSIS, countChars } from './text.ts';
import type { PreparedComment, SummaryComment } from './types.ts';

const FIXTURES: ReadonlyArray<[string, () => SummaryComment[]]> = [
  ['English e-mail thread', createRouterTicket],
  ['Japanese', createJapaneseTicket],
  ['Russian', createRussianTicket],
  ['Arabic', createArabicTicket],
  ['emoji', createEmojiTicket],
  ['100-comment thread', () => createLongThread(100)],
];

function prepare(comments: readonly SummaryComment[], includeInternal = false): PreparedComment[] {
  return prepareComments(comments, { includeInternal });
}

/** The source text with whitespace collapsed: every sentence of a summary must come from it. */
function readCorpus(comments: readonly PreparedComment[]): string {
  return comments.map((comment) => comment.text.replace(/\s+/g, ' ')).join(' ');
}

/**
 * A summary is whole sentences of the source (a full stop may have been added to an unpunctuated
 * line), or, when nothing fits, one sentence cut after a whole word with "...".
 */
function expectSentenceBoundaries(summary: string, corpus: string): void {
  if (summary.endsWith(ELLIPSIS)) {
    const kept = summary.slice(0, -ELLIPSIS.length);
    const at = corpus.indexOf(kept);
    expect(at, `cut text not in source: ${summary}`).toBeGreaterThanOrEqual(0);
    const next = corpus.slice(at + kept.length, at + kept.length + 1);
    const isCjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(next);
    expect(isCjk || /^[\s,;:.!?]?$/u.test(next) || /[\s,;:]/u.test(next), `cut inside a word: ${summary} | next "${next}"`).toBe(true);
    return;
  }
  expect(/[.!?…。！？؟»"”’)\]」』）]$|\p{Extended_Pictographic}$/u.test(summary), `not a complete sentence: ${summary}`).toBe(true);
  // Each picked sentence appears in the source (minus a full stop the summariser may have added).
  const parts = summary.split(/(?<=[.!?。！？؟])\s*/u).filter((part) => part.trim() !== '');
  for (const part of parts) {
    const bare = part.trim().replace(/[.。]$/u, '');
    expect(corpus.includes(bare), `not from the source: "${bare}"`).toBe(true);
  }
}

describe('summarizeExtractive: budget', () => {
  it.each(FIXTURES)('never exceeds any budget from 20 to 1,000 and keeps sentence boundaries (%s)', (_name, create) => {
    const comments = prepare(create());
    const corpus = readCorpus(comments);
    for (let budget = 20; budget <= 1000; budget += budget < 200 ? 1 : 13) {
      const summary = summarizeExtractive(comments, budget);
      expect(countChars(summary), `budget ${budget}: ${summary}`).toBeLessThanOrEqual(budget);
      expect(summary.length, `budget ${budget} gave nothing`).toBeGreaterThan(0);
      expectSentenceBoundaries(summary, corpus);
    }
  });

  it('cuts at a word boundary with "..." when not even one sentence fits', () => {
    const comments = prepare([
      {
        authorName: 'Jane',
        authorRole: 'end-user',
        body: 'The replacement router that arrived yesterday does not power on at all.',
        isHtml: false,
        isPublic: true,
        createdAt: '2026-03-02T09:00:00Z',
      },
    ]);
    expect(summarizeExtractive(comments, 30)).toBe('The replacement router that...');
    expect(summarizeExtractive(comments, 29)).toBe('The replacement router...');
    expect(summarizeExtractive(comments, 4)).toBe('T...');
    expect(summarizeExtractive(comments, 2)).toBe('Th');
  });

  it('returns an empty string for a budget below 1 or no sentences', () => {
    expect(summarizeExtractive(prepare(createRouterTicket()), 0)).toBe('');
    expect(summarizeExtractive([], 100)).toBe('');
  });
});

describe('summarizeExtractive: what it picks', () => {
  it("states the customer's problem and the agent's resolution, in conversation order", () => {
    const summary = summarizeExtractive(prepare(createRouterTicket()), 300);
    expect(summary).toContain('My AcmeNet X200 router keeps dropping the Wi-Fi connection');
    expect(summary).toContain('Firmware 4.2.1 has a known issue');
    expect(summary.indexOf('My AcmeNet')).toBeLessThan(summary.indexOf('Firmware 4.2.1'));
  });

  it('leaves out greetings, address lines, pleasantries and signatures', () => {
    const summary = summarizeExtractive(prepare(createRouterTicket()), 1000);
    expect(summary).not.toMatch(/Hi there|Hi Jane|Kind regards|Best regards|\+1 415/);
    expect(summary).not.toContain(',.');
  });

  it('finds the problem and the resolution in a 100-comment thread', () => {
    const summary = summarizeExtractive(prepare(createLongThread(100)), 300);
    expect(summary).toContain('every CSV export fails with error code 5028');
    expect(summary).toContain('The fix for the CSV export was deployed');
  });

  it('does not repeat near-identical sentences', () => {
    const comments = prepare(createLongThread(200));
    const summary = summarizeExtractive(comments, 1000);
    const sentences = summary.split(/(?<=[.!?])\s+/);
    expect(new Set(sentences).size).toBe(sentences.length);
  });

  it('summarises Japanese without adding spaces between sentences', () => {
    const summary = summarizeExtractive(prepare(createJapaneseTicket()), 100);
    expect(summary).toContain('コーヒーメーカー');
    expect(summary).toContain('再発送');
    expect(summary).not.toMatch(/。 /);
  });

  it('summarises Russian and Arabic in their own script', () => {
    expect(summarizeExtractive(prepare(createRussianTicket()), 300)).toMatch(/^Не могу войти в личный кабинет/);
    expect(summarizeExtractive(prepare(createArabicTicket()), 160)).toContain('تم استرداد المبلغ المكرر');
  });

  it('keeps emoji intact', () => {
    const summary = summarizeExtractive(prepare(createEmojiTicket()), 300);
    expect(summary).toContain('👨‍👩‍👧‍👦');
    expect(summary).toContain('back on your family plan ✅');
  });

  it('uses internal notes only when they were included, and then weighs them down', () => {
    const withoutNotes = summarizeExtractive(prepare(createRouterTicket()), 1000);
    expect(withoutNotes).not.toContain('NET-812');
    const withNotes = summarizeExtractive(prepare(createRouterTicket(), true), 1000);
    expect(withNotes).toContain('NET-812');
    expect(withNotes).not.toContain('7731');
    expect(withNotes).not.toContain('4111');
  });
});

describe('summarizeExtractive: determinism and speed', () => {
  it('gives the same output for the same input', () => {
    for (const [, create] of FIXTURES) {
      const first = summarizeExtractive(prepare(create()), 160);
      for (let i = 0; i < 3; i++) expect(summarizeExtractive(prepare(create()), 160)).toBe(first);
    }
  });

  it('does not depend on object identity or earlier calls', () => {
    const comments = prepare(createLongThread(50));
    const copy = structuredClone(comments);
    summarizeExtractive(prepare(createJapaneseTicket()), 100);
    expect(summarizeExtractive(copy, 200)).toBe(summarizeExtractive(comments, 200));
  });

  it('summarises 1,000 comments (prepare included) well within a second', () => {
    const thread = createLongThread(1000);
    const started = performance.now();
    const summary = summarizeExtractive(prepare(thread), 300);
    const elapsed = performance.now() - started;
    expect(countChars(summary)).toBeLessThanOrEqual(300);
    expect(elapsed).toBeLessThan(1000);
  });
});
