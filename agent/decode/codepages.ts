// Character code tables for ESC t (code page), ESC R (international character set) and the multi-byte Kanji
// encodings. The tables come from iconv-lite rather than being written out by hand; only the few positions a
// printer page has and iconv-lite lacks come from the escpos-printer-db data set (MIT). Each table is built once,
// lazily, and shared: callers must not mutate it.
import { createRequire } from 'node:module';
import type IconvLite from 'iconv-lite';
import type CodepageEncoderLib from '@point-of-sale/codepage-encoder';

// Both libraries load on first use, synchronously (a table is asked for in the middle of decoding a job), so a
// receipt in PC437 or Latin-1 loads neither: iconv-lite's index compiles every encoding it has (5 MiB in a bare
// Node, 0.9 MiB more for `posbridge parse` of one receipt), and codepage-encoder's tables serve only maker pages.
const require = createRequire(import.meta.url);
let iconvLite: typeof IconvLite | undefined;
const iconv = (): typeof IconvLite => (iconvLite ??= require('iconv-lite') as typeof IconvLite);
let codepageEncoder: typeof CodepageEncoderLib | undefined;
const CodepageEncoder = (): typeof CodepageEncoderLib =>
  (codepageEncoder ??= require('@point-of-sale/codepage-encoder') as typeof CodepageEncoderLib);

type TableBuilder = () => string[];

interface CodePage {
  /** The page's name in the Epson ESC/POS reference ("Select character code table"). */
  readonly name: string;
  /** How to build it; absent for pages this build cannot decode (they print as PC437). */
  readonly build?: TableBuilder;
}

/** Bytes below 0x20 are control codes: they never reach a table, so they print nothing. */
const FIRST_PRINTABLE = 0x20;

/** An entry of iconv-lite's single-byte data: the characters of bytes 0x80-0xFF (128) or 0x00-0xFF (256). */
interface SingleByteData {
  readonly type: string;
  readonly chars: string;
}

/** iconv-lite's single-byte data, the first module with an encoding winning as in its index (merged there last). */
const SINGLE_BYTE_DATA = ['iconv-lite/encodings/sbcs-data-generated.js', 'iconv-lite/encodings/sbcs-data.js'];

/**
 * The 256 characters of a single-byte encoding, named as iconv-lite's data names it ('cp437', 'windows1252',
 * 'iso88597'): read from the data iconv-lite's own single-byte codec decodes with, without loading its index.
 * Undefined if the data has no such single-byte entry.
 */
function singleByteChars(encoding: string): string | undefined {
  for (const module of SINGLE_BYTE_DATA) {
    let entry: unknown;
    try {
      entry = (require(module) as Record<string, unknown>)[encoding];
    } catch {
      return undefined; // a layout of iconv-lite without this module: fromIconv decodes through its index
    }
    if (typeof entry !== 'object' || entry === null) continue;
    const { type, chars } = entry as SingleByteData;
    if (type !== '_sbcs') return undefined;
    if (chars.length === 256) return chars;
    if (chars.length === 128) return String.fromCharCode(...Array.from({ length: 128 }, (_, b) => b)) + chars;
  }
  return undefined;
}

/** A single-byte page from iconv-lite. Positions the page leaves undefined come out as U+FFFD. */
function fromIconv(encoding: string): TableBuilder {
  return () => {
    let chars = singleByteChars(encoding);
    if (chars === undefined) {
      const bytes = Buffer.alloc(256);
      for (let b = 0; b < 256; b++) bytes[b] = b;
      chars = iconv().decode(bytes, encoding);
    }
    const table = Array.from(chars);
    if (table.length !== 256) throw new Error(`code page ${encoding} is not single-byte`);
    return table.map((c, b) => (b < FIRST_PRINTABLE ? '' : c));
  };
}

// Epson's Katakana page: ASCII, JIS X 0201 half-width katakana at 0xA1-0xDF (from iconv-lite's Shift_JIS) and
// block/box graphics plus a few kanji in the rest, as listed for code page 1 in escpos-printer-db.
const KATAKANA_GRAPHICS_80 = '▁▂▃▄▅▆▇█▏▎▍▌▋▊▉┼┴┬┤├¯─│▕┌┐└┘╭╮╰╯';
const KATAKANA_GRAPHICS_E0 = '═╞╪╡◢◣◥◤♠♥♦♣●○╱╲╳円年月日時分秒〒市区町村人▓\u00a0';

function katakana(): string[] {
  const table: string[] = [];
  for (let b = 0; b < 0x80; b++) table.push(b < FIRST_PRINTABLE ? '' : String.fromCharCode(b));
  table.push(...Array.from(KATAKANA_GRAPHICS_80), ' ');
  const halfWidth = Buffer.alloc(1);
  for (let b = 0xa1; b <= 0xdf; b++) {
    halfWidth[0] = b;
    table.push(iconv().decode(halfWidth, 'shift_jis'));
  }
  table.push(...Array.from(KATAKANA_GRAPHICS_E0));
  return table;
}

function withEuroAt(byte: number, build: TableBuilder): TableBuilder {
  return () => build().map((c, b) => (b === byte ? '€' : c));
}

/**
 * A page named by a maker's numbering (Star's Standard and CP928, Xprinter's Hebrew, the CP3xxx Baltic pages...)
 * that neither Epson's table nor iconv-lite has: its code points from @point-of-sale/codepage-encoder (MIT), the
 * tables receipt-printer-encoder prints with. Positions it leaves undefined come out as U+FFFD.
 */
function fromCodepageEncoder(name: string): TableBuilder {
  return () => {
    const points = CodepageEncoder().getCodepoints(name as Parameters<typeof CodepageEncoderLib.getCodepoints>[0], true);
    return Array.from({ length: 256 }, (_, b) => {
      if (b < FIRST_PRINTABLE) return '';
      const cp = points[b];
      return cp === undefined || cp === null ? '\ufffd' : String.fromCodePoint(cp);
    });
  };
}

/** TCVN-3 capitals: the TCVN-3 layout with the capital of each letter in the letters' positions (0xA8 up). */
function tcvnCapitals(): string[] {
  return fromIconv('tcvn')().map((c, b) => (b >= 0xa8 ? c.toUpperCase() : c));
}

/**
 * Pages other vendors' `ESC t` selects that Epson's table has no number for, with ids above any `ESC t` value.
 * UTF-8 switches the text encoding rather than the table (see Printer); the multi-byte pages are named only.
 */
export const EXTRA_PAGES = { iso88591: 256, iso88599: 257, utf8: 258, big5: 259, jis: 260, shiftJis: 261, gb2312: 262, undecoded: 263 } as const;

const CODE_PAGES: Readonly<Record<number, CodePage>> = {
  0: { name: 'PC437', build: fromIconv('cp437') },
  1: { name: 'Katakana', build: katakana },
  2: { name: 'PC850', build: fromIconv('cp850') },
  3: { name: 'PC860', build: fromIconv('cp860') },
  4: { name: 'PC863', build: fromIconv('cp863') },
  5: { name: 'PC865', build: fromIconv('cp865') },
  6: { name: 'Hiragana' },
  7: { name: 'One-pass Kanji' },
  8: { name: 'One-pass Kanji' },
  11: { name: 'PC851' },
  12: { name: 'PC853' },
  // IBM's revised CP857, which Epson prints, has the euro at 0xD5; iconv-lite has the original page there.
  13: { name: 'PC857', build: withEuroAt(0xd5, fromIconv('cp857')) },
  14: { name: 'PC737', build: fromIconv('cp737') },
  15: { name: 'ISO8859-7', build: fromIconv('iso88597') },
  16: { name: 'WPC1252', build: fromIconv('windows1252') },
  17: { name: 'PC866', build: fromIconv('cp866') },
  18: { name: 'PC852', build: fromIconv('cp852') },
  19: { name: 'PC858', build: fromIconv('cp858') },
  20: { name: 'Thai42' },
  // escpos-printer-db identifies Thai Character Code 11 as CP874; the other Thai pages have no known mapping.
  21: { name: 'Thai11', build: fromIconv('windows874') },
  22: { name: 'Thai13' },
  23: { name: 'Thai14' },
  24: { name: 'Thai16' },
  25: { name: 'Thai17' },
  26: { name: 'Thai18' },
  30: { name: 'TCVN-3', build: fromIconv('tcvn') },
  31: { name: 'TCVN-3 capitals', build: tcvnCapitals },
  32: { name: 'PC720', build: fromIconv('cp720') },
  33: { name: 'WPC775', build: fromIconv('cp775') },
  34: { name: 'PC855', build: fromIconv('cp855') },
  35: { name: 'PC861', build: fromIconv('cp861') },
  36: { name: 'PC862', build: fromIconv('cp862') },
  37: { name: 'PC864', build: fromIconv('cp864') },
  38: { name: 'PC869', build: fromIconv('cp869') },
  39: { name: 'ISO8859-2', build: fromIconv('iso88592') },
  40: { name: 'ISO8859-15', build: fromIconv('iso885915') },
  41: { name: 'PC1098' },
  42: { name: 'PC1118' },
  43: { name: 'PC1119' },
  44: { name: 'PC1125', build: fromIconv('cp1125') },
  45: { name: 'WPC1250', build: fromIconv('windows1250') },
  46: { name: 'WPC1251', build: fromIconv('windows1251') },
  47: { name: 'WPC1253', build: fromIconv('windows1253') },
  48: { name: 'WPC1254', build: fromIconv('windows1254') },
  49: { name: 'WPC1255', build: fromIconv('windows1255') },
  50: { name: 'WPC1256', build: fromIconv('windows1256') },
  51: { name: 'WPC1257', build: fromIconv('windows1257') },
  52: { name: 'WPC1258', build: fromIconv('windows1258') },
  53: { name: 'KZ-1048', build: fromIconv('rk1048') },
  66: { name: 'Devanagari' },
  67: { name: 'Bengali' },
  68: { name: 'Tamil' },
  69: { name: 'Telugu' },
  70: { name: 'Assamese' },
  71: { name: 'Oriya' },
  72: { name: 'Kannada' },
  73: { name: 'Malayalam' },
  74: { name: 'Gujarati' },
  75: { name: 'Punjabi' },
  82: { name: 'Marathi' },
  255: { name: 'user-defined page' },
  [EXTRA_PAGES.iso88591]: { name: 'ISO8859-1', build: fromIconv('iso88591') },
  [EXTRA_PAGES.iso88599]: { name: 'ISO8859-9', build: fromIconv('iso88599') },
  [EXTRA_PAGES.utf8]: { name: 'UTF-8' },
  [EXTRA_PAGES.big5]: { name: 'Big5' },
  [EXTRA_PAGES.jis]: { name: 'JIS' },
  [EXTRA_PAGES.shiftJis]: { name: 'Shift-JIS' },
  [EXTRA_PAGES.gb2312]: { name: 'GB2312' },
  // A page a vendor's numbering names (Star's CP928, Xprinter's Hebrew...) that no table here decodes.
  [EXTRA_PAGES.undecoded]: { name: 'vendor page not decoded' },
};

/** Maker pages' names by id, from VENDOR_PAGE_BASE up, in the order the numbering tables name them. */
const VENDOR_PAGE_BASE = 300;
const vendorPageNames: string[] = [];
const vendorPageIds = new Map<string, number>();
/** Maker pages by id, resolved when a job first selects one: asking codepage-encoder about a page loads it. */
const vendorPages = new Map<number, CodePage>();

/**
 * The page id of a page a maker's numbering names by its @point-of-sale/codepage-encoder name, for pages with no
 * Epson number (see fromCodepageEncoder). A name that library does not know either decodes as
 * EXTRA_PAGES.undecoded does.
 */
export function vendorPageId(name: string): number {
  let id = vendorPageIds.get(name);
  if (id === undefined) {
    id = VENDOR_PAGE_BASE + vendorPageNames.length;
    vendorPageNames.push(name);
    vendorPageIds.set(name, id);
  }
  return id;
}

function vendorPage(id: number): CodePage | undefined {
  let page = vendorPages.get(id);
  if (page === undefined) {
    const name = vendorPageNames[id - VENDOR_PAGE_BASE];
    if (name === undefined) return undefined;
    page = CodepageEncoder().supports(name) ? { name, build: fromCodepageEncoder(name) } : CODE_PAGES[EXTRA_PAGES.undecoded]!;
    vendorPages.set(id, page);
  }
  return page;
}

const pageOf = (escT: number): CodePage | undefined => CODE_PAGES[escT] ?? vendorPage(escT);

const FALLBACK_PAGE = 0;
const tables = new Map<number, readonly string[]>();

/** 256 entries: the text printed for each byte under ESC t escT. Pages this build cannot decode print as PC437. */
export function codeTable(escT: number): readonly string[] {
  const build = pageOf(escT)?.build;
  if (build === undefined) return codeTable(FALLBACK_PAGE);
  let table = tables.get(escT);
  if (table === undefined) {
    table = Object.freeze(build());
    tables.set(escT, table);
  }
  return table;
}

/** Whether ESC t escT is decoded to its own characters (false: shown as PC437). */
export function isCodePageDecoded(escT: number): boolean {
  return pageOf(escT)?.build !== undefined;
}

/** The code page's name for diagnostics, e.g. 'PC858'; unknown numbers are named by their ESC t value. */
export function codePageName(escT: number): string {
  return pageOf(escT)?.name ?? `ESC t ${escT}`;
}

/** Page ids (Epson `ESC t` values, then EXTRA_PAGES) this build decodes to Unicode, ascending. */
export function supportedCodePages(): number[] {
  return Object.keys(CODE_PAGES)
    .map(Number)
    .filter(isCodePageDecoded);
}

// ESC R n: what each international character set prints at the twelve national positions
// 0x23 0x24 0x40 0x5B 0x5C 0x5D 0x5E 0x60 0x7B 0x7C 0x7D 0x7E, one character each.
// Sets whose replacements could not be checked against the Epson tables (16 Vietnam, 17 Arabia, the India sets)
// are absent and print as U.S.A.
const NATIONAL_POSITIONS = [0x23, 0x24, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x60, 0x7b, 0x7c, 0x7d, 0x7e] as const;
const INTERNATIONAL_SETS: Readonly<Record<number, string>> = {
  1: '#$à°ç§^`éùè¨', // France
  2: '#$§ÄÖÜ^`äöüß', // Germany
  3: '£$@[\\]^`{|}~', // U.K.
  4: '#$@ÆØÅ^`æøå~', // Denmark I
  5: '#¤ÉÄÖÅÜéäöåü', // Sweden
  6: '#$@°\\é^ùàòèì', // Italy
  7: '₧$@¡Ñ¿^`¨ñ}~', // Spain I (the peseta sign "Pt" is one glyph)
  8: '#$@[¥]^`{|}~', // Japan
  9: '#¤ÉÆØÅÜéæøåü', // Norway
  10: '#$ÉÆØÅÜéæøåü', // Denmark II
  11: '#$á¡Ñ¿é`íñóú', // Spain II
  12: '#$á¡Ñ¿éüíñóú', // Latin America
  13: '#$@[₩]^`{|}~', // Korea
  14: '#$ŽŠĐĆČžšđćč', // Slovenia/Croatia
  15: '#¥@[\\]^`{|}~', // China
};

const internationalCache = new WeakMap<readonly string[], Map<number, readonly string[]>>();

/** The base table with ESC R escR's national characters in the twelve national positions (0 = U.S.A.). */
export function internationalTable(base: readonly string[], escR: number): readonly string[] {
  const set = INTERNATIONAL_SETS[escR];
  if (set === undefined) return base;
  let byBase = internationalCache.get(base);
  if (byBase === undefined) internationalCache.set(base, (byBase = new Map()));
  let table = byBase.get(escR);
  if (table === undefined) {
    const chars = Array.from(set);
    const built = base.slice();
    NATIONAL_POSITIONS.forEach((position, i) => (built[position] = chars[i] ?? built[position] ?? ''));
    table = Object.freeze(built);
    byBase.set(escR, table);
  }
  return table;
}

export type KanjiEncoding = 'shift_jis' | 'gbk' | 'big5' | 'euc-kr';

const LEAD_BYTE: Readonly<Record<KanjiEncoding, (b: number) => boolean>> = {
  shift_jis: (b) => (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc),
  gbk: (b) => b >= 0x81 && b <= 0xfe,
  big5: (b) => b >= 0x81 && b <= 0xfe,
  'euc-kr': (b) => b >= 0x81 && b <= 0xfe,
};

/** Two-byte decoder for Kanji mode (FS &): lead-byte test and pair decoding; '' for a pair the encoding lacks. */
export function createKanjiDecoder(enc: KanjiEncoding): {
  isLeadByte(b: number): boolean;
  decode(b1: number, b2: number): string;
} {
  const pair = Buffer.alloc(2);
  // At most 65536 entries: bounded, and receipts reuse a few hundred characters.
  const cache = new Map<number, string>();
  return {
    isLeadByte: LEAD_BYTE[enc],
    decode(b1, b2) {
      const key = (b1 << 8) | b2;
      let text = cache.get(key);
      if (text === undefined) {
        pair[0] = b1;
        pair[1] = b2;
        text = iconv().decode(pair, enc);
        // iconv-lite marks a pair it cannot map with U+FFFD; the printer prints no useful character for it.
        if (text.includes('\ufffd')) text = '';
        cache.set(key, text);
      }
      return text;
    },
  };
}
