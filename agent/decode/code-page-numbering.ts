// How a printer numbers its `ESC t` code pages. The decoder's page ids are Epson's numbers; other vendors
// number the same pages differently, so a Daruma's `ESC t 3` (Windows-1252) would decode as Epson's PC860.
// The vendor tables are those escpos-buffer's printer profiles (MIT) send. A number a vendor table does not
// list keeps its Epson meaning, as those printers otherwise follow Epson.
import { EXTRA_PAGES } from './codepages.js';

export const CODE_PAGE_NUMBERINGS = ['epson', 'bematech', 'daruma', 'elgin', 'generic'] as const;
export type CodePageNumbering = (typeof CODE_PAGE_NUMBERINGS)[number];

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

const VENDOR_PAGES: Readonly<Record<Exclude<CodePageNumbering, 'epson'>, Readonly<Record<number, number>>>> = {
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

/** The decoder's page id for the printer's `ESC t n`. */
export function pageOfEscT(numbering: CodePageNumbering, n: number): number {
  return numbering === 'epson' ? n : (VENDOR_PAGES[numbering][n] ?? n);
}
