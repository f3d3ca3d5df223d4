// The letters of the label expressions' word boundaries (agent/extract/letters.ts) are \p{L} exactly in the scripts
// the code pages print: every code point of U+0000-U+052F and U+1E00-U+1EFF, in and out of a case-insensitive
// expression.
import { describe, expect, it } from 'vitest';
import { LETTER } from '../../agent/extract/letters.js';

const BLOCKS: [number, number][] = [
  [0x0000, 0x0530],
  [0x1e00, 0x1f00],
];

describe('LETTER', () => {
  it('is \\p{L} in the Latin, Greek and Cyrillic blocks', () => {
    for (const flags of ['u', 'iu']) {
      const listed = new RegExp(`^[${LETTER}]$`, flags);
      const property = new RegExp('^\\p{L}$', flags);
      const differ: string[] = [];
      for (const [from, to] of BLOCKS) {
        for (let c = from; c < to; c++) {
          const s = String.fromCodePoint(c);
          if (listed.test(s) !== property.test(s)) differ.push(`U+${c.toString(16).padStart(4, '0')}`);
        }
      }
      expect(differ, flags).toEqual([]);
    }
  });

  it('is not a letter of another script, nor a digit, space or sign', () => {
    const letter = new RegExp(`^[${LETTER}]$`, 'iu');
    for (const s of ['ש', 'ع', 'ก', 'ア', '漢', '7', ' ', '-', '×', '÷', '€']) expect(letter.test(s), s).toBe(false);
  });
});
