// Per (ESC t, ESC R, user-defined set) lookup tables for the text hot loop: one UTF-16 code unit per byte
// where the character is a single unit (every single-byte code page), with the rare multi-unit or empty
// entries kept as strings. Built once per combination and cached.
import { codeTable, createKanjiDecoder, internationalTable, type KanjiEncoding } from './codepages.js';

export interface CharTable {
  /** Code unit for each byte; 0 means "look in `strings`" (empty = prints nothing but advances). */
  readonly units: Uint16Array;
  /**
   * What the fast text run looks up (line.ts): `units` with 0 for everything it leaves to the character-by-
   * character path — the space and whatever prints as one (the run handles space runs before its lookup),
   * control bytes, multi-unit entries — and, in `runLatin1`, for units above 0xFF too, which a line still held
   * as Latin-1 bytes cannot take without widening.
   */
  readonly runWide: Uint16Array;
  readonly runLatin1: Uint16Array;
  readonly strings: readonly string[];
}

/** What a user-defined character prints as: its glyph is a bitmap the document model cannot hold. */
export const USER_DEFINED_CHAR = 0xfffd;

const cache = new Map<number, CharTable>();

function build(base: readonly string[]): CharTable {
  const units = new Uint16Array(256);
  const strings: string[] = new Array<string>(256).fill('');
  for (let b = 0x20; b < 256; b++) {
    const s = base[b] ?? '';
    strings[b] = s;
    if (s.length === 1) units[b] = s.charCodeAt(0);
  }
  units[0x20] = 0x20;
  return withRunTables(units, strings);
}

function withRunTables(units: Uint16Array, strings: readonly string[]): CharTable {
  const runWide = units.map((u) => (u === 0x20 ? 0 : u));
  return { units, runWide, runLatin1: runWide.map((u) => (u > 0xff ? 0 : u)), strings };
}

/** UTF-8 text: ASCII as itself; bytes from 0x80 up map to 0, so the hot loop hands them to the sequence decoder. */
export const UTF8_ASCII: CharTable = build(Array.from({ length: 256 }, (_, b) => (b < 0x80 ? String.fromCharCode(b) : '')));

export function charTable(escT: number, escR: number): CharTable {
  const key = escT * 256 + escR;
  let table = cache.get(key);
  if (table === undefined) {
    const base = codeTable(escT);
    table = build(escR === 0 ? base : internationalTable(base, escR));
    cache.set(key, table);
  }
  return table;
}

/** The same table with the user-defined characters (ESC &, selected by ESC %) replacing their codes. */
export function withUserDefined(table: CharTable, defined: Uint8Array): CharTable {
  const units = table.units.slice();
  for (let b = 0x20; b < 0x7f; b++) if (defined[b] === 1) units[b] = USER_DEFINED_CHAR;
  return withRunTables(units, table.strings);
}

export interface KanjiCodec {
  isLeadByte(b: number): boolean;
  /** The character for lead and trail bytes, or '' when the pair is not valid in the encoding. */
  decode(b1: number, b2: number): string;
}

const kanjiCache = new Map<KanjiEncoding, KanjiCodec>();

export function kanjiCodec(encoding: KanjiEncoding): KanjiCodec {
  let codec = kanjiCache.get(encoding);
  if (codec === undefined) {
    codec = createKanjiDecoder(encoding);
    kanjiCache.set(encoding, codec);
  }
  return codec;
}

/** FS C 0: JIS code system, both bytes in 0x21..0x7E; converted to Shift_JIS arithmetically. */
export const jisCodec: KanjiCodec = {
  isLeadByte: (b) => b >= 0x21 && b <= 0x7e,
  decode(j1, j2) {
    if (j2 < 0x21 || j2 > 0x7e) return '';
    const s1 = ((j1 + 1) >> 1) + (j1 <= 0x5e ? 0x70 : 0xb0);
    const s2 = j1 & 1 ? j2 + (j2 >= 0x60 ? 0x20 : 0x1f) : j2 + 0x7e;
    return kanjiCodec('shift_jis').decode(s1, s2);
  },
};
