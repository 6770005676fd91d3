// Specification of message composition: layout, the trimming policy step by step, the part limit.
import { describe, expect, it } from 'vitest';
import { type ComposeInput, composeMessage, DATA_VALUE_MIN_CHARS, renderDataLines, SUMMARY_MIN_CHARS, summaryBudget } from './compose.ts';
import { countSegments, isGsm7 } from './segments.ts';
import { seededRandom } from '../random/seeded-random.ts';

const EMOJI = '😀';

function compose(input: Partial<ComposeInput>, maxParts = 1) {
  return composeMessage({ customText: '', summary: null, dataLines: [], ...input }, { maxParts });
}

/** Sentences of plain words, `count` of them, each about 40 characters. */
function sentences(count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`Sentence number ${i} talks about the order.`);
  return out.join(' ');
}

describe('layout', () => {
  it('puts custom text, summary and data lines in that order, separated by blank lines', () => {
    const result = compose({
      customText: 'Thanks for calling.',
      summary: 'We reset your password.',
      dataLines: [
        { label: 'Ticket', value: '42' },
        { label: 'Agent', value: 'Sam' },
      ],
    });
    expect(result.text).toBe('Thanks for calling.\n\nWe reset your password.\n\nTicket: 42\nAgent: Sam');
    expect(result.trimmed).toEqual({ summary: 'kept', dataLines: 0, customText: false });
    expect(result.segments).toEqual(countSegments(result.text));
  });

  it.each([
    [{ summary: 'S', dataLines: [{ label: 'L', value: 'v' }] }, 'S\n\nL: v'],
    [{ customText: 'C', dataLines: [{ label: 'L', value: 'v' }] }, 'C\n\nL: v'],
    [{ customText: 'C', summary: 'S' }, 'C\n\nS'],
    [{ customText: 'C' }, 'C'],
    [{ summary: 'S' }, 'S'],
    [{ dataLines: [{ label: 'L', value: 'v' }] }, 'L: v'],
    [{}, ''],
  ])('omits empty parts and their separators (%o)', (input, expected) => {
    expect(compose(input).text).toBe(expected);
  });

  it('trims every part and treats blank parts as empty', () => {
    const result = compose({ customText: '  Hi  \n', summary: '   ', dataLines: [{ label: ' Order ', value: ' 7 ' }] });
    expect(result.text).toBe('Hi\n\nOrder: 7');
    expect(result.trimmed.summary).toBe('none');
  });

  it('reports summary "none" when there is no summary', () => {
    expect(compose({ customText: 'Hi' }).trimmed.summary).toBe('none');
  });

  it('keeps each data line on one line and drops lines without a value', () => {
    const result = compose({
      dataLines: [
        { label: 'Address', value: '1 Main St\r\n  Springfield' },
        { label: 'Empty', value: '  ' },
        { label: 'Note:', value: 'ok' },
        { label: '', value: 'no label' },
      ],
    });
    expect(result.text).toBe('Address: 1 Main St Springfield\nNote: ok\nno label');
  });

  it('gives empty text 0 segments', () => {
    expect(compose({}).segments.segments).toBe(0);
  });
});

describe('trimming, step by step', () => {
  it('1. shortens the summary at a sentence end, with "..." in a GSM-7 message', () => {
    const summary = sentences(6); // about 250 characters
    const result = compose({ customText: 'Thanks!', summary });
    expect(result.trimmed).toEqual({ summary: 'shortened', dataLines: 0, customText: false });
    expect(result.segments.segments).toBe(1);
    expect(result.segments.encoding).toBe('GSM-7');
    expect(result.text.startsWith('Thanks!\n\nSentence number 0 talks about the order. ')).toBe(true);
    expect(result.text.endsWith('talks about the order...')).toBe(true);
    expect(result.text).not.toContain('…');
  });

  it('1. shortens the summary at a word end when no sentence ends in reach', () => {
    const summary = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const result = compose({ summary });
    expect(result.trimmed.summary).toBe('shortened');
    expect(result.text).toMatch(/ word\d+\.\.\.$/);
    const kept = result.text.slice(0, -3);
    expect(summary.startsWith(kept)).toBe(true);
    expect(summary[kept.length]).toBe(' ');
  });

  it('1. cuts mid-word when the text has no spaces', () => {
    const result = compose({ summary: 'x'.repeat(400) });
    expect(result.text).toBe(`${'x'.repeat(157)}...`);
    expect(result.segments.units).toBe(160);
  });

  it('1. uses "…" when the message is UCS-2 anyway', () => {
    const summary = `${EMOJI} ${'é'.repeat(10)} ${'ç'.repeat(200)}`;
    const result = compose({ summary });
    expect(result.segments.encoding).toBe('UCS-2');
    expect(result.text.endsWith('…')).toBe(true);
    expect(result.text).not.toContain('...');
    expect(result.segments.units).toBeLessThanOrEqual(70);
  });

  it('1. does not let the ellipsis turn a GSM-7 message into UCS-2', () => {
    // The non-GSM character is in the part that gets cut off: the rest is GSM-7, so "..." is used.
    const summary = `${'word '.repeat(60)}ç`;
    const result = compose({ summary });
    expect(result.segments.encoding).toBe('GSM-7');
    expect(result.text.endsWith('...')).toBe(true);
  });

  it('2. drops the summary when less than the minimum would remain', () => {
    const customText = 'c'.repeat(150);
    const result = compose({ customText, summary: 'A summary that is long enough to matter.' });
    expect(result.trimmed).toEqual({ summary: 'dropped', dataLines: 0, customText: false });
    expect(result.text).toBe(customText);
  });

  it('2. keeps a shortened summary of at least the minimum length', () => {
    // 160 - 2 (separator) - 3 (ellipsis) - 20 = 135 characters of custom text leave room for exactly the minimum.
    const customText = 'c'.repeat(135);
    const summary = 's'.repeat(60);
    const result = compose({ customText, summary });
    expect(result.trimmed.summary).toBe('shortened');
    expect(result.text).toBe(`${customText}\n\n${'s'.repeat(SUMMARY_MIN_CHARS)}...`);
    expect(compose({ customText: `${customText}c`, summary }).trimmed.summary).toBe('dropped');
  });

  it('3. shortens the last data line after the summary is dropped', () => {
    const result = compose({
      customText: 'c'.repeat(100),
      summary: 'A summary that is long enough to matter, really it is.',
      dataLines: [
        { label: 'Order', value: '12345' },
        { label: 'Notes', value: 'The parcel was left with the neighbour at number twelve.' },
      ],
    });
    expect(result.trimmed).toEqual({ summary: 'dropped', dataLines: 1, customText: false });
    expect(result.text).toMatch(/^c{100}\n\nOrder: 12345\nNotes: The parcel .*\.\.\.$/);
    expect(result.segments.segments).toBe(1);
  });

  it('3. drops data lines from the end when shortening is not enough', () => {
    const result = compose({
      customText: 'c'.repeat(130),
      dataLines: [
        { label: 'Order', value: '12345' },
        { label: 'Notes', value: 'n'.repeat(40) },
        { label: 'More', value: 'm'.repeat(40) },
      ],
    });
    expect(result.trimmed).toEqual({ summary: 'none', dataLines: 2, customText: false });
    expect(result.text).toBe(`${'c'.repeat(130)}\n\nOrder: 12345`);
  });

  it('3. drops a short value rather than cutting it below the minimum', () => {
    const value = 'v'.repeat(DATA_VALUE_MIN_CHARS);
    const result = compose({ customText: 'c'.repeat(150), dataLines: [{ label: 'Id', value }] });
    expect(result.trimmed.dataLines).toBe(1);
    expect(result.text).toBe('c'.repeat(150));
  });

  it('3. dropping a UCS-2 data line brings the message back to GSM-7', () => {
    const result = compose({
      customText: 'c'.repeat(100),
      dataLines: [{ label: 'Mood', value: EMOJI }],
    });
    expect(result.text).toBe('c'.repeat(100));
    expect(result.segments.encoding).toBe('GSM-7');
    expect(result.trimmed.dataLines).toBe(1);
  });

  it('4. shortens the custom text last, after dropping everything else', () => {
    const customText = sentences(6);
    const result = compose({ customText, summary: 'Summary text here.', dataLines: [{ label: 'Id', value: '1' }] });
    expect(result.trimmed).toEqual({ summary: 'dropped', dataLines: 1, customText: true });
    expect(result.text.endsWith('...')).toBe(true);
    expect(result.text.startsWith('Sentence number 0')).toBe(true);
    expect(result.segments.segments).toBe(1);
  });

  it('4. shortens emoji custom text without splitting a pair', () => {
    const result = compose({ customText: EMOJI.repeat(100) });
    expect(result.trimmed.customText).toBe(true);
    expect(result.text).toBe(`${EMOJI.repeat(34)}…`);
    expect(result.segments.units).toBe(69);
  });

  it('uses more parts when allowed instead of trimming', () => {
    const summary = sentences(6);
    const result = compose({ customText: 'Thanks!', summary }, 2);
    expect(result.trimmed.summary).toBe('kept');
    expect(result.segments.segments).toBe(2);
  });

  it('clamps maxParts to 1..10', () => {
    expect(compose({ customText: 'x'.repeat(400) }, 0).segments.segments).toBe(1);
    expect(compose({ summary: 'y'.repeat(5000) }, 50).segments.segments).toBe(10);
    expect(compose({ summary: 'y'.repeat(5000) }, Number.NaN).segments.segments).toBe(1);
  });
});

describe('the part limit holds for any input', () => {
  const alphabet = ['a', 'b', ' ', ' ', '.', 'é', '€', '{', '^', '\n', 'ç', '’', EMOJI, '中', 'Z', '9', '!', '|'];

  it('never exceeds maxParts, and reports the real count', () => {
    const random = seededRandom(2024);
    const randomText = (maxLength: number, plainBias: number): string => {
      const length = Math.floor(random() * maxLength);
      let s = '';
      for (let i = 0; i < length; i++) {
        s += random() < plainBias ? 'abcdefghij klmnop. '[Math.floor(random() * 19)] : alphabet[Math.floor(random() * alphabet.length)];
      }
      return s;
    };
    const seen = { summaryShortened: 0, summaryDropped: 0, dataLines: 0, customText: 0, ellipsisGsm: 0, ellipsisUcs2: 0 };
    for (let round = 0; round < 1500; round++) {
      const maxParts = 1 + Math.floor(random() * 10);
      const bias = random();
      const input: ComposeInput = {
        customText: randomText(random() < 0.2 ? 500 : 120, bias),
        summary: random() < 0.3 ? null : randomText(random() < 0.3 ? 3000 : 400, bias),
        dataLines: Array.from({ length: Math.floor(random() * 8) }, () => ({
          label: randomText(20, bias),
          value: randomText(random() < 0.2 ? 600 : 60, bias),
        })),
      };
      const result = composeMessage(input, { maxParts });
      const recount = countSegments(result.text);
      expect(recount, JSON.stringify({ input, maxParts })).toEqual(result.segments);
      expect(recount.segments, JSON.stringify({ input, maxParts })).toBeLessThanOrEqual(maxParts);
      const untouched =
        result.trimmed.dataLines === 0 &&
        !result.trimmed.customText &&
        result.trimmed.summary !== 'shortened' &&
        result.trimmed.summary !== 'dropped';
      if (untouched) {
        expect(result.text).toBe(composeMessage(input, { maxParts: 10 }).text);
      }
      // The ellipsis never switches the encoding: a UCS-2 result is UCS-2 without its "…" too
      // (the random alphabet has no "…" of its own).
      if (recount.encoding === 'UCS-2') expect(isGsm7(result.text.replaceAll('…', ''))).toBe(false);
      if (result.trimmed.summary === 'shortened') seen.summaryShortened++;
      if (result.trimmed.summary === 'dropped') seen.summaryDropped++;
      if (result.trimmed.dataLines > 0) seen.dataLines++;
      if (result.trimmed.customText) seen.customText++;
      if (result.text.includes('...')) seen.ellipsisGsm++;
      if (result.text.includes('…')) seen.ellipsisUcs2++;
    }
    // The random inputs reach every trimming step.
    for (const [step, count] of Object.entries(seen)) expect(count, step).toBeGreaterThan(20);
  });
});

describe('summaryBudget', () => {
  it('is the longest summary that fits with everything else', () => {
    const input = { customText: 'Thanks for contacting us.', dataLines: [{ label: 'Ticket', value: '42' }] };
    for (const maxParts of [1, 2, 4]) {
      const budget = summaryBudget(input, { maxParts });
      expect(compose({ ...input, summary: 'a'.repeat(budget) }, maxParts).trimmed.summary).toBe('kept');
      expect(compose({ ...input, summary: 'a'.repeat(budget + 1) }, maxParts).trimmed.summary).not.toBe('kept');
    }
    // 160 - 25 (custom) - 2 - 2 (separators) - 10 ("Ticket: 42")
    expect(summaryBudget(input, { maxParts: 1 })).toBe(121);
  });

  it('counts in UCS-2 when the rest of the message is UCS-2', () => {
    expect(summaryBudget({ customText: `Thanks ${EMOJI}`, dataLines: [] }, { maxParts: 1 })).toBe(70 - 9 - 2);
  });

  it('is the whole message when there is nothing else', () => {
    expect(summaryBudget({ customText: '', dataLines: [] }, { maxParts: 1 })).toBe(160);
    expect(summaryBudget({ customText: '', dataLines: [] }, { maxParts: 3 })).toBe(459);
  });

  it('is 0 when the rest alone does not fit', () => {
    expect(summaryBudget({ customText: 'c'.repeat(300), dataLines: [] }, { maxParts: 1 })).toBe(0);
  });
});

describe('renderDataLines', () => {
  const titles = { '360001': 'Order number', priority: 'Priority' };

  it('labels with the rule label, else the Zendesk title, else the field key', () => {
    const lines = renderDataLines(
      [{ field: '360001', label: 'Order' }, { field: 'priority' }, { field: 'via' }, { field: '360001', label: '  ' }],
      { '360001': 'A-17', priority: 'high', via: 'web' },
      titles,
    );
    expect(lines).toEqual([
      { label: 'Order', value: 'A-17' },
      { label: 'Priority', value: 'high' },
      { label: 'via', value: 'web' },
      { label: 'Order number', value: 'A-17' },
    ]);
  });

  it('joins lists with ", " and skips blank elements', () => {
    expect(renderDataLines([{ field: 'tags' }], { tags: ['vip', ' ', 'refund'] }, {})).toEqual([{ label: 'tags', value: 'vip, refund' }]);
  });

  it('skips fields whose value is empty', () => {
    const lines = renderDataLines(
      [{ field: 'a' }, { field: 'b' }, { field: 'c' }, { field: 'd' }, { field: 'constructor' }],
      { a: null, b: '  ', c: [] },
      {},
    );
    expect(lines).toEqual([]);
  });

  it('feeds composeMessage', () => {
    const dataLines = renderDataLines([{ field: 'priority' }], { priority: 'high' }, titles);
    expect(compose({ customText: 'Hi', dataLines }).text).toBe('Hi\n\nPriority: high');
  });
});

