// How a printer numbers its `ESC t` code pages. The decoder's page ids are Epson's numbers; other vendors
// number the same pages differently, so a Daruma's `ESC t 3` (Windows-1252) would decode as Epson's PC860.
// The vendor tables are those escpos-buffer's printer profiles (MIT) send. A number a vendor table does not
// list keeps its Epson meaning, as those printers otherwise follow Epson.
import { EXTRA_PAGES, vendorPageId } from './codepages.js';
import type { CodePageNumbering } from './setup-names.js';

export { CODE_PAGE_NUMBERINGS, type CodePageNumbering } from './setup-names.js';

// Epson ids used below, by name.
const PC437 = 0;
const KATAKANA = 1;
const PC850 = 2;
const PC860 = 3;
const PC863 = 4;
const PC865 = 5;
const PC857 = 13;
const PC737 = 14;
const WPC1252 = 16;
const PC866 = 17;
const PC852 = 18;
const PC858 = 19;
const THAI11 = 21;
const PC862 = 36;
const PC864 = 37;
const ISO8859_2 = 39;
const WPC1253 = 47;

type EscposBufferNumbering = 'bematech' | 'daruma' | 'elgin' | 'generic';

const ESCPOS_BUFFER_PAGES: Readonly<Record<EscposBufferNumbering, Readonly<Record<number, number>>>> = {
  // Bematech MP-4200 TH and family in ESC/POS mode.
  bematech: {
    2: PC850,
    3: PC437,
    4: PC860,
    5: PC858,
    6: PC866,
    7: PC864,
    8: EXTRA_PAGES.utf8,
    9: EXTRA_PAGES.big5,
    10: EXTRA_PAGES.jis,
    11: EXTRA_PAGES.shiftJis,
    12: EXTRA_PAGES.gb2312,
  },
  // Daruma DR800 and family; Diebold's TSP-143 and IM series print Windows-1252 with no ESC t at all.
  daruma: { 1: EXTRA_PAGES.iso88591, 2: PC850, 3: WPC1252, 4: PC437 },
  // Elgin I9 and family; Sweda, Dataregis and Perto printers use the same numbers.
  elgin: { 1: WPC1252, 2: PC850, 3: PC437, 4: PC860, 5: PC858 },
  // The unbranded "POS-58" / "POS-80" printers.
  generic: {
    0: PC437,
    1: KATAKANA,
    2: PC850,
    3: PC860,
    4: PC863,
    5: PC865,
    6: WPC1252,
    7: PC866,
    8: PC852,
    9: PC858,
    10: WPC1253,
    11: PC737,
    12: PC857,
    13: EXTRA_PAGES.iso88599,
    14: PC864,
    15: PC862,
    16: ISO8859_2,
    30: THAI11,
  },
};

// The page names of @point-of-sale/receipt-printer-encoder's codepage mappings (and of its
// @point-of-sale/codepage-encoder), as the decoder's page ids where Epson's table has the page. A name that is
// not here is a maker's own page, decoded from codepage-encoder's table (codepages.ts, vendorPageId).
const PAGE_IDS: Readonly<Record<string, number>> = {
  cp437: PC437,
  'epson/katakana': KATAKANA,
  // Star's Katakana page has the same JIS X 0201 half-width katakana at 0xA1-0xDF as Epson's.
  'star/katakana': KATAKANA,
  cp850: PC850,
  cp860: PC860,
  cp863: PC863,
  cp865: PC865,
  cp857: PC857,
  cp737: PC737,
  'iso8859-7': 15,
  windows1252: WPC1252,
  cp866: PC866,
  cp852: PC852,
  cp858: PC858,
  thai11: THAI11,
  // CP874 and Windows-874 differ only in 0x80-0x9F, which Thai11 (built from windows-874) covers.
  cp874: THAI11,
  'star/cp874': THAI11,
  tcvn3: 30,
  tcvn3capitals: 31,
  cp720: 32,
  cp775: 33,
  cp855: 34,
  cp861: 35,
  cp862: PC862,
  cp864: PC864,
  cp869: 38,
  'epson/iso8859-2': ISO8859_2,
  'iso8859-15': 40,
  cp1125: 44,
  windows1250: 45,
  windows1251: 46,
  windows1253: WPC1253,
  windows1254: 48,
  windows1255: 49,
  windows1256: 50,
  windows1257: 51,
  windows1258: 52,
  rk1048: 53,
  'iso8859-1': EXTRA_PAGES.iso88591,
};

/** A vendor's list of page names by number (holes: numbers the vendor does not define) as page ids. */
function numbered(names: readonly (string | undefined)[]): Readonly<Record<number, number>> {
  const pages: Record<number, number> = {};
  names.forEach((name, n) => {
    if (name !== undefined) pages[n] = PAGE_IDS[name] ?? vendorPageId(name);
  });
  return pages;
}

const _ = undefined;

/**
 * The makers' numberings as listed by @point-of-sale/receipt-printer-encoder 4 (MIT), src/codepage-mappings
 * (`codepageMappings`), itself compiled from each maker's command manual: index = the printer's `ESC t n`
 * (`ESC GS t n` on Star Line / StarPRNT), value = the page. Holes are numbers the maker does not define.
 */
const MAKER_PAGES: Readonly<Record<Exclude<CodePageNumbering, 'epson' | EscposBufferNumbering>, Readonly<Record<number, number>>>> = {
  // Star Line mode and StarPRNT (TSP100, TSP650, mC-Print, mPOP, SM-L): Star's own table, not Epson's. Page 0 is
  // Star's "Normal" (standard) table: ASCII, then block graphics and Latin letters of its own (not decoded here).
  // Page 3, a hole in receipt-printer-encoder's list, is PC437 in escpos-printer-db's Star profiles (MIT;
  // data/profile/SP2000.yml and mcPrint.yml, which TSP600, TSP800 and TUP500 inherit). Star printers set to
  // ESC/POS emulation (TSP650II, TSP700II, TSP800, TUP500) take this table too, under Star's `ESC GS t n`: that
  // is how escpos-php and python-escpos select pages on them (escpos-printer-db's `starCommands` feature).
  star: numbered([
    'star/standard', 'cp437', 'star/katakana', 'cp437', 'cp858', 'cp852', 'cp860', 'cp861', 'cp863', 'cp865', 'cp866', 'cp855',
    'cp857', 'cp862', 'cp864', 'cp737', 'cp851', 'cp869', 'star/cp928', 'cp772', 'cp774', 'star/cp874',
    _, _, _, _, _, _, _, _, _, _, 'windows1252', 'windows1250', 'windows1251', _, _, _, _, _, _, _, _, _, _, _, _, _,
    _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, 'cp3840', 'cp3841', 'cp3843', 'cp3844', 'cp3845', 'cp3846', 'cp3847',
    'cp3848', 'cp1001', 'cp771', 'cp3001', 'cp3002', 'cp3011', 'cp3012', 'cp3021', 'cp3041',
  ]),
  // Xprinter XP-N160II, XP-T80Q and the many printers built on the same board: 16 up follows Epson's
  // Windows-1252..PC858, below 16 the numbers differ (6 is ISO 8859-1, where Epson's 6 is Hiragana).
  xprinter: numbered([
    'cp437', 'epson/katakana', 'cp850', 'cp860', 'cp863', 'cp865', 'iso8859-1', 'windows1253', 'xprinter/hebrew',
    'cp3012', _, 'windows1255', _, _, _, _, 'windows1252', 'cp866', 'cp852', 'cp858', _, 'latvian', 'cp864',
    'windows1251', 'cp737', 'windows1257', _, _, _, _, _, _, _, 'windows1256',
  ]),
  // Bixolon SRP-350III and current models.
  bixolon: numbered([
    'cp437', 'epson/katakana', 'cp850', 'cp860', 'cp863', 'cp865', _, _, _, _, _, _, _, _, _, _, 'windows1252', 'cp866',
    'cp852', 'cp858', _, 'cp862', 'cp864', 'thai42', 'windows1253', 'windows1254', 'windows1257', _, 'windows1251',
    'cp737', 'cp775', 'thai14', 'bixolon/hebrew', 'windows1255', 'thai11', 'thai18', 'cp855', 'cp857', 'iso8859-7',
    'thai16', 'windows1256', 'windows1258', 'khmer', _, _, _, 'bixolon/cp866', 'windows1250', _, 'tcvn3',
    'tcvn3capitals', 'viscii',
  ]),
  // Bixolon SRP-350 and older models.
  'bixolon-legacy': numbered([
    'cp437', 'epson/katakana', 'cp850', 'cp860', 'cp863', 'cp865', _, _, _, _, _, _, _, _, _, _, _, _, _, 'cp858',
  ]),
  // Citizen CT-S310II and family: PC858 at 2 where Epson has PC850.
  citizen: numbered([
    'cp437', 'epson/katakana', 'cp858', 'cp860', 'cp863', 'cp865', 'cp852', 'cp866', 'cp857', _, _, _, _, _, _, _,
    'windows1252', _, _, _, _, 'thai11', _, _, _, _, 'thai13', _, _, _, 'tcvn3', 'tcvn3capitals', 'windows1258', _, _,
    _, _, _, _, _, 'cp864',
  ]),
  // SUNMI P2, P3 and family.
  sunmi: numbered([
    'cp437', _, 'cp850', 'cp860', 'cp863', 'cp865', _, _, _, _, _, _, _, 'cp857', 'cp737', 'iso8859-7', 'windows1252',
    'cp866', 'cp852', 'cp858', _, 'cp874', _, _, _, _, _, _, _, _, _, _, _, 'cp775', 'cp855', _, 'cp862', 'cp864',
  ]),
  // HP A779: a numbering of its own from 0 up.
  hp: numbered([
    'cp437', 'cp850', 'cp852', 'cp860', 'cp863', 'cp865', 'cp858', 'cp866', 'windows1252', 'cp862', 'cp737', 'cp874',
    'cp857', 'windows1251', 'windows1255', 'rk1048',
  ]),
  // Fujitsu FP-1000.
  fujitsu: numbered([
    'cp437', 'epson/katakana', 'cp850', 'cp860', 'cp863', 'cp865', _, _, 'cp857', _, _, _, _, _, _, _, 'windows1252',
    'cp866', 'cp852', 'cp858', _, _, _, _, _, _, 'thai13', _, _, _, _, _, _, _, _, _, _, _, _, _, 'cp864',
  ]),
  // Metapace T-1.
  metapace: numbered([
    'cp437', 'epson/katakana', 'cp850', 'cp860', 'cp863', 'cp865', _, _, _, _, _, _, _, _, _, _, _, _, _, 'cp858',
  ]),
  // The generic 58 mm clones sold as POS-5890 (and Zijang's): ISO 8859-1 at 6, Hebrew at 8.
  'pos-5890': numbered([
    'cp437', 'epson/katakana', 'cp850', 'cp860', 'cp863', 'cp865', 'iso8859-1', _, 'cp862', _, _, _, _, _, _, _,
    'windows1252', 'cp866', 'cp852', 'cp858', _, _, _, 'windows1251', 'cp737', 'windows1257', _, 'windows1258', 'cp864',
    _, _, _, 'windows1255', _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, 'cp861', _, _, _,
    'cp855', 'cp857', _, _, _, 'cp851', 'cp869', _, 'cp772', 'cp774', _, _, 'windows1250', _, 'cp3840', _, 'cp3843',
    'cp3844', 'cp3845', 'cp3846', 'cp3847', 'cp3848', _, 'cp771', 'cp3001', 'cp3002', 'cp3011', 'cp3012', _, 'cp3041',
    'windows1253', 'windows1254', 'windows1256', 'cp720', _, 'cp775',
  ]),
  // The generic 80 mm clones sold as POS-8360.
  'pos-8360': numbered([
    'cp437', 'epson/katakana', 'cp850', 'cp860', 'cp863', 'cp865', 'iso8859-1', 'windows1253', 'cp862', _, _, _, _, _,
    _, _, 'windows1252', 'cp866', 'cp852', 'cp858', _, 'latvian', _, 'windows1251', 'cp737', 'windows1257', _,
    'windows1258', 'cp864', _, _, 'pos8360/hebrew', 'windows1255', _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _,
    _, _, _, _, _, _, 'cp861', _, _, _, 'cp855', 'cp857', _, _, _, 'cp851', 'cp869', _, 'cp772', 'cp774', _, _,
    'windows1250', _, 'cp3840', _, 'cp3843', 'cp3844', 'cp3845', 'cp3846', 'cp3847', 'cp3848', _, 'cp771', 'cp3001',
    'cp3002', 'cp3011', 'cp3012', _, _, _, 'windows1254', 'windows1256', 'cp720', _, 'cp775',
  ]),
};

const VENDOR_PAGES: Readonly<Record<Exclude<CodePageNumbering, 'epson'>, Readonly<Record<number, number>>>> = {
  ...ESCPOS_BUFFER_PAGES,
  ...MAKER_PAGES,
};

/** The decoder's page id for the printer's `ESC t n` (Star: `ESC GS t n`). */
export function pageOfEscT(numbering: CodePageNumbering, n: number): number {
  return numbering === 'epson' ? n : (VENDOR_PAGES[numbering][n] ?? n);
}
