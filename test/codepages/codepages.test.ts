import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  codePageName,
  codeTable,
  createKanjiDecoder,
  internationalTable,
  isCodePageDecoded,
  supportedCodePages,
} from '../../agent/decode/codepages.js';
import { decode } from '../../agent/decode/index.js';

const ESC_T = {
  PC437: 0, Katakana: 1, PC850: 2, PC860: 3, PC863: 4, PC865: 5, PC853: 12, PC857: 13, WPC1252: 16, PC866: 17,
  PC852: 18, PC858: 19, Thai11: 21, TCVN3: 30, TCVN3caps: 31, ISO8859_15: 40, WPC1250: 45, WPC1251: 46,
};

describe('code pages (ESC t)', () => {
  it.each([
    ['PC437', ESC_T.PC437, { 0x9c: '£', 0x81: 'ü', 0x82: 'é', 0xe1: 'ß', 0xa4: 'ñ' }],
    ['PC850', ESC_T.PC850, { 0x9c: '£', 0x9b: 'ø', 0xa4: 'ñ', 0xd5: 'ı' }],
    ['PC858', ESC_T.PC858, { 0xd5: '€', 0x9c: '£', 0x9b: 'ø' }],
    ['PC860', ESC_T.PC860, { 0x84: 'ã', 0x94: 'õ' }],
    ['PC863', ESC_T.PC863, { 0x84: 'Â', 0x9b: '¢' }],
    ['PC865', ESC_T.PC865, { 0x9b: 'ø', 0x9d: 'Ø' }],
    ['PC866', ESC_T.PC866, { 0x80: 'А', 0xf1: 'ё' }],
    ['PC852', ESC_T.PC852, { 0xa6: 'Ž', 0x9f: 'č' }],
    ['PC857', ESC_T.PC857, { 0x8d: 'ı', 0x9f: 'ş' }],
    ['WPC1252', ESC_T.WPC1252, { 0x80: '€', 0xa3: '£', 0xfc: 'ü', 0xdf: 'ß', 0xf1: 'ñ' }],
    ['WPC1250', ESC_T.WPC1250, { 0x80: '€', 0x8e: 'Ž', 0xe8: 'č' }],
    ['WPC1251', ESC_T.WPC1251, { 0x88: '€', 0xb8: 'ё' }],
    ['ISO8859-15', ESC_T.ISO8859_15, { 0xa4: '€', 0xe9: 'é', 0xb4: 'Ž' }],
    ['Katakana', ESC_T.Katakana, { 0xb1: 'ｱ', 0xdf: 'ﾟ', 0x80: '▁', 0xf1: '円' }],
    ['Thai11', ESC_T.Thai11, { 0xa1: 'ก' }],
    ['TCVN-3', ESC_T.TCVN3, { 0xb5: 'à', 0xa7: 'Đ' }],
    ['TCVN-3 capitals', ESC_T.TCVN3caps, { 0xb5: 'À' }],
  ])('%s', (name, escT, expected) => {
    const table = codeTable(escT);
    expect(codePageName(escT)).toBe(name);
    expect(table).toHaveLength(256);
    for (const [byte, char] of Object.entries(expected)) expect(table[Number(byte)], `0x${Number(byte).toString(16)}`).toBe(char);
    expect(table[0x41]).toBe('A');
    expect(table[0x0a]).toBe('');
  });

  // Tables are read from iconv-lite's single-byte data modules, not through iconv-lite's decoder: they must be the
  // characters its decoder gives, for a page of each kind of entry (128 or 256 characters, generated or its own).
  it.each([
    ['PC437', ESC_T.PC437, 'cp437'],
    ['WPC1252', ESC_T.WPC1252, 'windows-1252'],
    ['ISO8859-15', ESC_T.ISO8859_15, 'iso-8859-15'],
    ['TCVN-3', ESC_T.TCVN3, 'tcvn'],
    ['PC864', 37, 'cp864'],
    ['PC720', 32, 'cp720'],
  ])('%s (ESC t %i) is what iconv-lite decodes as %s', (_name, escT, encoding) => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, b) => b));
    const decoded = Array.from(iconv.decode(bytes, encoding)).map((c, b) => (b < 0x20 ? '' : c));
    expect(codeTable(escT)).toEqual(decoded);
  });

  it('has the euro only where the page defines it', () => {
    const euroAt = (escT: number) => codeTable(escT).indexOf('€');
    expect(euroAt(ESC_T.PC858)).toBe(0xd5);
    expect(euroAt(ESC_T.WPC1252)).toBe(0x80);
    expect(euroAt(ESC_T.ISO8859_15)).toBe(0xa4);
    for (const page of [ESC_T.PC437, ESC_T.PC850, ESC_T.PC852, ESC_T.PC860, ESC_T.PC865, ESC_T.PC866]) expect(euroAt(page)).toBe(-1);
  });

  it('prints pages it cannot decode as PC437, keeping their names for diagnostics', () => {
    expect(isCodePageDecoded(ESC_T.PC853)).toBe(false);
    expect(codeTable(ESC_T.PC853)).toBe(codeTable(ESC_T.PC437));
    expect(codePageName(ESC_T.PC853)).toBe('PC853');
    expect(codeTable(254)).toBe(codeTable(ESC_T.PC437));
    expect(codePageName(254)).toBe('ESC t 254');
  });

  it('builds every decoded page as 256 single characters, once', () => {
    for (const page of supportedCodePages()) {
      const table = codeTable(page);
      expect(table, codePageName(page)).toHaveLength(256);
      expect(table.every((c, b) => (b < 0x20 ? c === '' : c.length === 1)), codePageName(page)).toBe(true);
      expect(codeTable(page)).toBe(table);
    }
  });
});

describe('international character sets (ESC R)', () => {
  const NATIONAL = [0x23, 0x24, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x60, 0x7b, 0x7c, 0x7d, 0x7e];
  const national = (escR: number) => NATIONAL.map((b) => internationalTable(codeTable(0), escR)[b]).join('');

  it.each([
    [1, 'France', '#$à°ç§^`éùè¨'],
    [2, 'Germany', '#$§ÄÖÜ^`äöüß'],
    [3, 'U.K.', '£$@[\\]^`{|}~'],
    [6, 'Italy', '#$@°\\é^ùàòèì'],
    [7, 'Spain I', '₧$@¡Ñ¿^`¨ñ}~'],
    [11, 'Spain II', '#$á¡Ñ¿é`íñóú'],
    [12, 'Latin America', '#$á¡Ñ¿éüíñóú'],
    [14, 'Slovenia/Croatia', '#$ŽŠĐĆČžšđćč'],
  ])('ESC R %i (%s) replaces the twelve national positions', (escR, _name, chars) => {
    expect(national(escR)).toBe(chars);
  });

  it('changes nothing outside the national positions, and nothing for U.S.A. or unknown sets', () => {
    const base = codeTable(ESC_T.PC858);
    for (let escR = 1; escR <= 15; escR++) {
      const table = internationalTable(base, escR);
      expect(table).toHaveLength(256);
      table.forEach((c, b) => NATIONAL.includes(b) || expect(c, `ESC R ${escR} byte ${b}`).toBe(base[b]));
    }
    expect(internationalTable(base, 0)).toBe(base);
    expect(internationalTable(base, 99)).toBe(base);
    expect(internationalTable(base, 2)).toBe(internationalTable(base, 2));
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
    expect(codec.isLeadByte(0x41)).toBe(false);
    expect(codec.decode(b1, b2)).toBe(char);
  });

  it('gives nothing for an invalid pair rather than a replacement character', () => {
    expect(createKanjiDecoder('shift_jis').decode(0x81, 0x20)).toBe('');
    expect(createKanjiDecoder('gbk').decode(0x81, 0x7f)).toBe('');
  });
});

describe('escpos-php character-encodings capture', () => {
  const dir = 'test/fixtures/escpos-php';
  const bytes = readFileSync(`${dir}/character-encodings.bin`);
  const expected = JSON.parse(readFileSync(`${dir}/character-encodings.expected.json`, 'utf8')) as Record<string, string>;
  const lines = decode(bytes).flatMap((d) => d.blocks.flatMap((b) => (b.kind === 'text' ? [b.spans.map((s) => s.text).join(' ')] : [])));
  const raw = bytes.toString('latin1');
  const squash = (s: string) => s.replace(/\s+/g, '');

  const headings = [...raw.matchAll(/[A-Z][A-Za-z ()-]+:\n/g)].map((m) => m.index);

  /** The ESC t pages the generator selected between this language's heading and the next one. */
  function pagesUsed(language: string): string {
    const start = raw.indexOf(`${language}:\n`);
    const section = raw.slice(start, headings.find((at) => at > start));
    const pages = new Set([...section.matchAll(/\x1bt([\s\S])/g)].map((m) => codePageName(m[1]!.charCodeAt(0))));
    return [...pages].join(', ') || 'no ESC t: page in force';
  }

  it.each(Object.keys(expected).map((language) => [language, pagesUsed(language)]))('%s (%s)', (language) => {
    const at = lines.indexOf(`${language}:`);
    expect(at, `heading of ${language}`).toBeGreaterThanOrEqual(0);
    const want = squash(expected[language]!);
    let got = '';
    for (let i = at + 1; i < lines.length && got.length < want.length; i++) got += squash(lines[i]!);
    expect(got).toBe(want);
  });
});
