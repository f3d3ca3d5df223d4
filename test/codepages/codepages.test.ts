import { describe, expect, it } from 'vitest';
import { codePageName, codeTable, createKanjiDecoder, internationalTable } from '../../agent/decode/codepages.js';

const ESC_T = { PC437: 0, Katakana: 1, PC850: 2, PC860: 3, PC863: 4, PC865: 5, WPC1252: 16, PC866: 17, PC852: 18, PC858: 19, ISO8859_15: 40, WPC1250: 45 };

describe('code pages (ESC t)', () => {
  it.each([
    ['PC437', ESC_T.PC437, { 0x9c: '£', 0x81: 'ü', 0x82: 'é', 0xe1: 'ß' }],
    ['PC850', ESC_T.PC850, { 0x9c: '£', 0x9b: 'ø', 0xa4: 'ñ' }],
    ['PC858 (euro at 0xD5)', ESC_T.PC858, { 0xd5: '€', 0x9c: '£' }],
    ['PC860', ESC_T.PC860, { 0x84: 'ã', 0x94: 'õ' }],
    ['PC863', ESC_T.PC863, { 0x84: 'Â', 0x9b: '¢' }],
    ['PC865', ESC_T.PC865, { 0x9b: 'ø', 0x9d: 'Ø' }],
    ['PC866', ESC_T.PC866, { 0x80: 'А', 0xf1: 'ё' }],
    ['PC852', ESC_T.PC852, { 0xa6: 'Ž', 0x9f: 'č' }],
    ['WPC1252 (euro at 0x80)', ESC_T.WPC1252, { 0x80: '€', 0xa3: '£', 0xfc: 'ü' }],
    ['WPC1250', ESC_T.WPC1250, { 0x80: '€', 0x8e: 'Ž', 0xe8: 'č' }],
    ['ISO8859-15 (euro at 0xA4)', ESC_T.ISO8859_15, { 0xa4: '€', 0xe9: 'é' }],
    ['Katakana', ESC_T.Katakana, { 0xb1: 'ｱ', 0x41: 'A' }],
  ])('%s', (_name, escT, expected) => {
    const table = codeTable(escT);
    for (const [byte, char] of Object.entries(expected)) expect(table[Number(byte)], `0x${Number(byte).toString(16)}`).toBe(char);
    expect(table[0x41]).toBe('A');
  });

  it('falls back to PC437 for pages it cannot decode, and names pages', () => {
    expect(codeTable(254)).toBe(codeTable(0));
    expect(codePageName(19)).toBe('PC858');
    expect(codePageName(254)).toBe('PC437');
  });
});

describe('international character sets (ESC R)', () => {
  it('puts the national characters in the twelve ASCII positions', () => {
    const uk = internationalTable(codeTable(0), 3);
    expect(uk[0x23]).toBe('£');
    const germany = internationalTable(codeTable(0), 2);
    expect([0x40, 0x5b, 0x5c, 0x5d, 0x7b, 0x7c, 0x7d, 0x7e].map((b) => germany[b]).join('')).toBe('§ÄÖÜäöüß');
    expect(internationalTable(codeTable(0), 0)).toBe(codeTable(0));
  });
});

describe('Kanji (multi-byte) decoding', () => {
  it.each([
    ['shift_jis', [0x93, 0xfa], '日'],
    ['gbk', [0xd6, 0xd0], '中'],
    ['big5', [0xa4, 0xa4], '中'],
    ['euc-kr', [0xc7, 0xd1], '한'],
  ] as const)('%s', (enc, [b1, b2], char) => {
    const codec = createKanjiDecoder(enc);
    expect(codec.isLeadByte(b1)).toBe(true);
    expect(codec.decode(b1, b2)).toBe(char);
  });

  it('gives nothing for an invalid pair rather than a replacement character', () => {
    expect(createKanjiDecoder('shift_jis').decode(0x81, 0x20)).toBe('');
  });
});
