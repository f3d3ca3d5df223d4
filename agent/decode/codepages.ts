// Character code tables for ESC t (code page), ESC R (international character set) and the multi-byte Kanji
// encodings. The tables come from iconv-lite rather than being written out by hand; each is built once, lazily.
import iconv from 'iconv-lite';

/**
 * ESC t n → encoding, per the Epson ESC/POS reference ("Select character code table").
 * Values iconv-lite cannot decode are absent and fall back to PC437, as a printer without that page would print.
 */
const ESC_T_ENCODINGS: Readonly<Record<number, { name: string; encoding: string }>> = {
  0: { name: 'PC437', encoding: 'cp437' },
  1: { name: 'Katakana', encoding: 'katakana' },
  2: { name: 'PC850', encoding: 'cp850' },
  3: { name: 'PC860', encoding: 'cp860' },
  4: { name: 'PC863', encoding: 'cp863' },
  5: { name: 'PC865', encoding: 'cp865' },
  11: { name: 'PC851', encoding: 'cp851' },
  12: { name: 'PC853', encoding: 'cp853' },
  13: { name: 'PC857', encoding: 'cp857' },
  14: { name: 'PC737', encoding: 'cp737' },
  15: { name: 'ISO8859-7', encoding: 'iso-8859-7' },
  16: { name: 'WPC1252', encoding: 'windows-1252' },
  17: { name: 'PC866', encoding: 'cp866' },
  18: { name: 'PC852', encoding: 'cp852' },
  19: { name: 'PC858', encoding: 'cp858' },
  20: { name: 'Thai42', encoding: 'tis-620' },
  21: { name: 'Thai11', encoding: 'tis-620' },
  26: { name: 'Thai18', encoding: 'tis-620' },
  30: { name: 'TCVN-3', encoding: 'tcvn' },
  31: { name: 'TCVN-3 capitals', encoding: 'tcvn' },
  32: { name: 'PC720', encoding: 'cp720' },
  33: { name: 'WPC775', encoding: 'cp775' },
  34: { name: 'PC855', encoding: 'cp855' },
  35: { name: 'PC861', encoding: 'cp861' },
  36: { name: 'PC862', encoding: 'cp862' },
  37: { name: 'PC864', encoding: 'cp864' },
  38: { name: 'PC869', encoding: 'cp869' },
  39: { name: 'ISO8859-2', encoding: 'iso-8859-2' },
  40: { name: 'ISO8859-15', encoding: 'iso-8859-15' },
  41: { name: 'PC1098', encoding: 'cp1098' },
  44: { name: 'PC1125', encoding: 'cp1125' },
  45: { name: 'WPC1250', encoding: 'windows-1250' },
  46: { name: 'WPC1251', encoding: 'windows-1251' },
  47: { name: 'WPC1253', encoding: 'windows-1253' },
  48: { name: 'WPC1254', encoding: 'windows-1254' },
  49: { name: 'WPC1255', encoding: 'windows-1255' },
  50: { name: 'WPC1256', encoding: 'windows-1256' },
  51: { name: 'WPC1257', encoding: 'windows-1257' },
  52: { name: 'WPC1258', encoding: 'windows-1258' },
  53: { name: 'KZ-1048', encoding: 'rk1048' },
};

const tables = new Map<string, readonly string[]>();

function tableFor(encoding: string): readonly string[] {
  let table = tables.get(encoding);
  if (table !== undefined) return table;
  const bytes = Buffer.alloc(1);
  const built: string[] = new Array<string>(256);
  for (let b = 0; b < 256; b++) {
    if (b < 0x20) {
      built[b] = '';
    } else if (b < 0x80 && encoding !== 'katakana') {
      built[b] = String.fromCharCode(b);
    } else if (encoding === 'katakana') {
      // JIS X 0201: ASCII below 0x80, half-width katakana at 0xA1-0xDF, nothing printable elsewhere.
      built[b] = b < 0x80 ? String.fromCharCode(b) : b >= 0xa1 && b <= 0xdf ? String.fromCharCode(0xff61 + b - 0xa1) : '';
    } else {
      bytes[0] = b;
      built[b] = iconv.decode(bytes, encoding);
    }
  }
  tables.set(encoding, built);
  table = built;
  return table;
}

function entryFor(escT: number): { name: string; encoding: string } {
  const entry = ESC_T_ENCODINGS[escT];
  return entry !== undefined && (entry.encoding === 'katakana' || iconv.encodingExists(entry.encoding))
    ? entry
    : { name: 'PC437', encoding: 'cp437' };
}

/** 256 entries: the text printed for each byte under ESC t escT (unknown pages print as PC437). */
export function codeTable(escT: number): readonly string[] {
  return tableFor(entryFor(escT).encoding);
}

/** The code page's name for diagnostics, e.g. 'PC858'. */
export function codePageName(escT: number): string {
  return entryFor(escT).name;
}

/** Code page numbers this build decodes to Unicode (the rest fall back to PC437). */
export function supportedCodePages(): number[] {
  return Object.keys(ESC_T_ENCODINGS)
    .map(Number)
    .filter((n) => entryFor(n).encoding === ESC_T_ENCODINGS[n]?.encoding);
}

// ESC R n: the twelve national positions # $ @ [ \ ] ^ ` { | } ~ and what each character set prints there.
const NATIONAL_POSITIONS = [0x23, 0x24, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x60, 0x7b, 0x7c, 0x7d, 0x7e];
const INTERNATIONAL_SETS: Readonly<Record<number, string>> = {
  0: '#$@[\\]^`{|}~', // U.S.A.
  1: '#$àº ç§^`éùè¨', // France
  2: '#$§ÄÖÜ^`äöüß', // Germany
  3: '£$@[\\]^`{|}~', // U.K.
  4: '#$@ÆØÅ^`æøå~', // Denmark I
  5: '#¤ÉÄÖÅÜéäöåü', // Sweden
  6: '#$@º\\é^ùàòèì', // Italy
  7: '₧$@¡Ñ¿^`¨ñ}~', // Spain I
  8: '#$@[¥]^`{|}~', // Japan
  9: '#¤ÉÆØÅÜéæøåü', // Norway
  10: '#$ÉÆØÅÜéæøåü', // Denmark II
  11: '#$áá¡Ñ¿éíñóú', // Spain II
  12: '#$á¡Ñ¿é`íñóú', // Latin America
  13: '#$@[₩]^`{|}~', // Korea
  14: '#$@ČĆŽŠžćžšč', // Slovenia/Croatia
  15: '#$@[¥]^`{|}~', // China
  16: '#$@[\\]^`{|}~', // Vietnam
  17: '#$@[\\]^`{|}~', // Arabia
};

const internationalCache = new WeakMap<readonly string[], Map<number, readonly string[]>>();

/** The base table with ESC R escR's national characters in place of the twelve ASCII positions. */
export function internationalTable(base: readonly string[], escR: number): readonly string[] {
  const set = INTERNATIONAL_SETS[escR];
  if (set === undefined || escR === 0) return base;
  let byBase = internationalCache.get(base);
  if (byBase === undefined) internationalCache.set(base, (byBase = new Map()));
  const cached = byBase.get(escR);
  if (cached !== undefined) return cached;
  const table = base.slice();
  const chars = Array.from(set);
  NATIONAL_POSITIONS.forEach((position, i) => {
    table[position] = chars[i] ?? table[position] ?? '';
  });
  byBase.set(escR, table);
  return table;
}

export type KanjiEncoding = 'shift_jis' | 'gbk' | 'big5' | 'euc-kr';

const LEAD_BYTE: Readonly<Record<KanjiEncoding, (b: number) => boolean>> = {
  shift_jis: (b) => (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc),
  gbk: (b) => b >= 0x81 && b <= 0xfe,
  big5: (b) => b >= 0x81 && b <= 0xfe,
  'euc-kr': (b) => b >= 0x81 && b <= 0xfe,
};

/** Two-byte decoder for Kanji mode (FS &): lead-byte test and pair decoding; '' for an invalid pair. */
export function createKanjiDecoder(enc: KanjiEncoding): {
  isLeadByte(b: number): boolean;
  decode(b1: number, b2: number): string;
} {
  const pair = Buffer.alloc(2);
  const cache = new Map<number, string>();
  return {
    isLeadByte: LEAD_BYTE[enc],
    decode(b1, b2) {
      const key = (b1 << 8) | b2;
      let text = cache.get(key);
      if (text === undefined) {
        pair[0] = b1;
        pair[1] = b2;
        text = iconv.decode(pair, enc);
        // iconv marks an invalid pair with U+FFFD (or splits it into two characters): the printer prints nothing useful.
        if (text.includes('\ufffd') || text.length !== 1) text = text.length === 2 && !text.includes('\ufffd') ? text : '';
        cache.set(key, text);
      }
      return text;
    },
  };
}
