// Specification of the text units: code-point length, sentence spans, words, budget-safe cuts.
import { describe, expect, it } from 'vitest';
import { ELLIPSIS, countChars, fitToBudget, splitSentences, splitWords, truncateAtWordBoundary } from './text.ts';
import { seededRandom as createRandom } from '../../../shared/random/seeded-random.ts';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;


const PIECES = [
  'The router restarts every night.',
  'Order #48213 arrived damaged!',
  'Could you check it?',
  '注文した商品が届きません。',
  '追跡番号を確認してください。',
  'Не могу войти в кабинет.',
  'تم استرداد المبلغ.',
  'family 👨‍👩‍👧‍👦 plan 🇩🇪 works ✅',
  'Supercalifragilisticexpialidocious-configuration-value-without-spaces',
  'e.g. version 4.2.1 is fine',
];

function createText(random: () => number): string {
  const count = 1 + Math.floor(random() * 8);
  return Array.from({ length: count }, () => PIECES[Math.floor(random() * PIECES.length)] ?? '').join(random() < 0.3 ? '\n' : ' ');
}

describe('countChars', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(countChars('abc')).toBe(3);
    expect(countChars('😀')).toBe(1);
    expect(countChars('🇩🇪')).toBe(2);
    expect(countChars('日本語')).toBe(3);
    expect(countChars('')).toBe(0);
  });
});

describe('splitSentences', () => {
  const mixed =
    '注文した商品が届きません。追跡番号を確認してください。Thanks e.g. this works. Право? Да! لم يصل طلبي. هل يمكنكم المساعدة؟ نعم';
  const expected = [
    '注文した商品が届きません。',
    '追跡番号を確認してください。',
    'Thanks e.g. this works.',
    'Право?',
    'Да!',
    'لم يصل طلبي.',
    'هل يمكنكم المساعدة؟',
    'نعم',
  ];

  it('splits Japanese without spaces, Cyrillic and Arabic (Intl.Segmenter)', () => {
    expect(splitSentences(mixed)).toEqual(expected);
  });

  it('gives the same sentences without Intl.Segmenter (fallback rules)', () => {
    expect(splitSentences(mixed, { useSegmenter: false })).toEqual(expected);
  });

  it('treats a line break as a sentence end', () => {
    expect(splitSentences('Order 123\nShipped today\n\nThanks')).toEqual(['Order 123', 'Shipped today', 'Thanks']);
  });

  it('does not split decimals or version numbers', () => {
    expect(splitSentences('Version 4.2.1 costs 3.50 EUR. Fine.', { useSegmenter: false })).toEqual([
      'Version 4.2.1 costs 3.50 EUR.',
      'Fine.',
    ]);
  });
});

describe('splitWords', () => {
  it('lower-cases words and splits on punctuation', () => {
    expect(splitWords("Jane's Wi-Fi DROPS, again!")).toEqual(["jane's", 'wi-fi', 'drops', 'again']);
  });

  it('splits Japanese into words with Intl.Segmenter, into characters without', () => {
    const withSegmenter = splitWords('注文した商品');
    expect(withSegmenter.length).toBeGreaterThan(1);
    expect(withSegmenter.join('')).toBe('注文した商品');
    expect(splitWords('注文した', { useSegmenter: false })).toEqual(['注', '文', 'し', 'た']);
  });

  it('folds full-width Latin and digits', () => {
    expect(splitWords('ＡＢＣ１２３')).toEqual(['abc123']);
  });
});

describe('truncateAtWordBoundary', () => {
  it('cuts between words and appends an ASCII ellipsis', () => {
    expect(truncateAtWordBoundary('The router restarts every night at three', 20)).toBe('The router...');
  });

  it('drops a dangling comma before the ellipsis', () => {
    expect(truncateAtWordBoundary('Hello, world and more words', 10)).toBe('Hello...');
  });

  it('cuts one long word at a character boundary', () => {
    const out = truncateAtWordBoundary('Supercalifragilisticexpialidocious', 12);
    expect(out).toBe('Supercali...');
  });

  it('cuts Japanese between words, never mid-character', () => {
    const out = truncateAtWordBoundary('注文した商品が届きません。追跡番号を確認してください。', 10);
    expect(countChars(out)).toBeLessThanOrEqual(10);
    expect(out.endsWith(ELLIPSIS)).toBe(true);
    expect('注文した商品が届きません。'.startsWith(out.slice(0, -ELLIPSIS.length))).toBe(true);
  });

  it('never splits an emoji sequence', () => {
    const out = truncateAtWordBoundary('👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦', 10);
    expect(out).toBe('👨‍👩‍👧‍👦...');
  });

  it('returns text without ellipsis when the budget is too small for one', () => {
    expect(truncateAtWordBoundary('Hello world', 3)).toBe('Hel');
  });
});

describe('fitToBudget', () => {
  it('keeps whole leading sentences when they fit', () => {
    expect(fitToBudget('First sentence. Second sentence. Third one.', 33)).toBe('First sentence. Second sentence.');
  });

  it('cuts the first sentence at a word boundary when none fits', () => {
    expect(fitToBudget('An unusually long first sentence here. Short.', 20)).toBe('An unusually long...');
  });

  it('never exceeds the budget, never splits a surrogate pair, keeps a prefix (1,600 random cases)', () => {
    const random = createRandom(7);
    for (let round = 0; round < 200; round++) {
      const text = createText(random);
      for (const budget of [1, 2, 3, 4, 5, 8, 13, 21, 34, 55, 89, 144]) {
        const out = fitToBudget(text, budget);
        expect(countChars(out), `${budget}: ${out}`).toBeLessThanOrEqual(budget);
        expect(LONE_SURROGATE.test(out)).toBe(false);
        const body = out.endsWith(ELLIPSIS) ? out.slice(0, -ELLIPSIS.length) : out;
        expect(text.replace(/\s+/g, ' ').includes(body.replace(/\s+/g, ' ')), `${JSON.stringify(text)} -> ${out}`).toBe(true);
      }
    }
  });
});
