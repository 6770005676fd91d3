// Specification of SMS segment counting: encodings, known split points, pairs never split.
import { describe, expect, it } from 'vitest';
import {
  countSegments,
  detectEncoding,
  estimateCostUsd,
  GSM7_BASIC_CHARS,
  GSM7_EXTENSION_CHARS,
  isGsm7,
  MAX_PARTS,
  truncateToUnits,
} from './segments.ts';

const EMOJI = '😀'; // one code point, two UTF-16 code units

describe('GSM-7 tables', () => {
  it('has the 127 basic characters of GSM 03.38 (128 minus ESC) and the 10 extension characters', () => {
    expect(Array.from(GSM7_BASIC_CHARS)).toHaveLength(127);
    expect(new Set(GSM7_BASIC_CHARS).size).toBe(127);
    expect(Array.from(GSM7_EXTENSION_CHARS)).toHaveLength(10);
  });

  it('includes accented letters, Greek capitals, currency signs, LF and CR', () => {
    const sample = '£¥èéùìòÇØøÅåÆæßÉÄÖÑÜ§¿äöñüàΔΦΓΛΩΠΨΣΘΞ¡¤@$_\n\r';
    expect(isGsm7(sample)).toBe(true);
    expect(countSegments(sample).units).toBe(Array.from(sample).length);
  });

  it('sends characters outside the tables as UCS-2', () => {
    for (const ch of ['ç', 'á', 'ó', 'ú', 'í', 'Á', '“', '’', '—', '…', '\t', EMOJI, '中', 'α']) {
      expect(detectEncoding(`Hello ${ch}`), ch).toBe('UCS-2');
    }
  });
});

describe('countSegments', () => {
  it('counts empty text as 0 segments', () => {
    expect(countSegments('')).toEqual({
      encoding: 'GSM-7',
      characters: 0,
      units: 0,
      segments: 0,
      unitsPerSegment: 160,
      remainingInSegment: 160,
    });
  });

  it.each([
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [153 * 10, 10],
    [153 * 10 + 1, 11],
  ])('GSM-7: %i characters make %i parts', (length, parts) => {
    const result = countSegments('a'.repeat(length));
    expect(result.encoding).toBe('GSM-7');
    expect(result.units).toBe(length);
    expect(result.segments).toBe(parts);
  });

  it('reports the part size and the room left', () => {
    expect(countSegments('a'.repeat(150))).toMatchObject({ unitsPerSegment: 160, remainingInSegment: 10 });
    expect(countSegments('a'.repeat(160))).toMatchObject({ segments: 1, remainingInSegment: 0 });
    expect(countSegments('a'.repeat(161))).toMatchObject({ unitsPerSegment: 153, remainingInSegment: 145 });
    expect(countSegments('a'.repeat(306))).toMatchObject({ segments: 2, remainingInSegment: 0 });
  });

  it.each([
    [1, 1],
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
  ])('UCS-2: %i characters make %i parts', (length, parts) => {
    const result = countSegments('ç'.repeat(length));
    expect(result).toMatchObject({ encoding: 'UCS-2', units: length, characters: length, segments: parts });
  });

  it('reports UCS-2 part sizes', () => {
    expect(countSegments('ç'.repeat(70))).toMatchObject({ unitsPerSegment: 70, remainingInSegment: 0 });
    expect(countSegments('ç'.repeat(71))).toMatchObject({ unitsPerSegment: 67, remainingInSegment: 63 });
  });

  it('counts each extension character as two septets', () => {
    for (const ch of GSM7_EXTENSION_CHARS) {
      expect(countSegments(ch), JSON.stringify(ch)).toMatchObject({ encoding: 'GSM-7', units: 2, characters: 1 });
    }
    expect(countSegments('{}[]').units).toBe(8);
  });

  it('fits 80 extension characters in one part and needs two for 81', () => {
    expect(countSegments('€'.repeat(80))).toMatchObject({ units: 160, segments: 1 });
    expect(countSegments('€'.repeat(81))).toMatchObject({ units: 162, segments: 2 });
  });

  it('keeps "€" in GSM-7 at two septets', () => {
    expect(countSegments('Total: 5€')).toMatchObject({ encoding: 'GSM-7', characters: 9, units: 10, segments: 1 });
  });

  it('never splits an escape pair across parts', () => {
    // 152 plain + "€": the pair would occupy septets 153-154, so it moves to part 2.
    const straddling = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    const result = countSegments(straddling);
    expect(result.units).toBe(306); // 2 x 153 by division...
    expect(result.segments).toBe(3); // ...but the walk needs a third part.
    expect(result.remainingInSegment).toBe(153 - 1);
    // The same length with the pair not on a boundary fits in 2.
    expect(countSegments(`€${'a'.repeat(304)}`).segments).toBe(2);
  });

  it('fills 153 septets when a pair ends exactly on the boundary', () => {
    expect(countSegments(`${'a'.repeat(151)}€${'a'.repeat(153)}`).segments).toBe(2);
  });

  it('counts an emoji as one character and two UCS-2 units', () => {
    expect(countSegments(EMOJI)).toMatchObject({ encoding: 'UCS-2', characters: 1, units: 2, segments: 1 });
    expect(countSegments(EMOJI.repeat(35))).toMatchObject({ units: 70, segments: 1 });
    expect(countSegments(EMOJI.repeat(36))).toMatchObject({ units: 72, segments: 2 });
  });

  it('fits 67 x 2 units in two parts', () => {
    expect(countSegments('ç'.repeat(134)).segments).toBe(2);
    expect(countSegments(`ç${EMOJI.repeat(33)}${EMOJI.repeat(33)}ç`).segments).toBe(2); // 134 units, pairs aligned
  });

  it('never splits a surrogate pair across parts', () => {
    // 66 units + emoji: the pair would occupy units 67-68, so it moves to part 2.
    const straddling = `${'ç'.repeat(66)}${EMOJI}${'ç'.repeat(66)}`;
    const result = countSegments(straddling);
    expect(result.units).toBe(134);
    expect(result.segments).toBe(3);
    expect(countSegments(`${EMOJI}${'ç'.repeat(132)}`).segments).toBe(2);
  });

  it('counts a lone surrogate as one unit', () => {
    expect(countSegments('\ud83d')).toMatchObject({ encoding: 'UCS-2', characters: 1, units: 1 });
  });

  it('switches the whole message to UCS-2 for one character', () => {
    const result = countSegments(`${'a'.repeat(100)}’`);
    expect(result).toMatchObject({ encoding: 'UCS-2', units: 101, segments: 2 });
  });

  it('exports the Telnyx part limit', () => {
    expect(MAX_PARTS).toBe(10);
  });
});

describe('truncateToUnits', () => {
  it('keeps the longest prefix within the units', () => {
    expect(truncateToUnits('abcdef', 'GSM-7', 4)).toBe('abcd');
    expect(truncateToUnits('abc', 'GSM-7', 10)).toBe('abc');
    expect(truncateToUnits('abc', 'GSM-7', 0)).toBe('');
  });

  it('does not cut an escape pair', () => {
    expect(truncateToUnits('ab€', 'GSM-7', 3)).toBe('ab');
    expect(truncateToUnits('ab€', 'GSM-7', 4)).toBe('ab€');
  });

  it('does not cut a surrogate pair', () => {
    expect(truncateToUnits(`a${EMOJI}`, 'UCS-2', 2)).toBe('a');
    expect(truncateToUnits(`a${EMOJI}`, 'UCS-2', 3)).toBe(`a${EMOJI}`);
  });

  it('stops before a character that GSM-7 cannot send', () => {
    expect(truncateToUnits('abçd', 'GSM-7', 10)).toBe('ab');
  });
});

describe('estimateCostUsd', () => {
  it('multiplies parts by the per-part price, 0.004 USD by default', () => {
    expect(estimateCostUsd(1)).toBe(0.004);
    expect(estimateCostUsd(3)).toBe(0.012);
    expect(estimateCostUsd(2, 0.0079)).toBe(0.0158);
  });

  it('is 0 for no parts', () => {
    expect(estimateCostUsd(0)).toBe(0);
  });
});
