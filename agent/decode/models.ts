// Printer models by name: one word in a link's printerSetup (or `parse --model`) that sets the command language,
// the printable width and whose code-page numbers the printer takes. The facts are those of the printer
// definitions shipped with @point-of-sale/receipt-printer-encoder 4 (MIT; src/printers/*.json, compiled from the
// makers' manuals): language, Font A columns at 12 dots, and the code-page mapping each model uses. The
// printable width is Font A's columns times its 12-dot cell, which is how the decoder's character grid counts.
import type { DialectName } from './document.js';
import type { CodePageNumbering } from './code-page-numbering.js';

export interface PrinterModel {
  /** Maker and model as sold. */
  readonly title: string;
  readonly dialect: DialectName;
  /** Printable width in dots (Font A columns x 12). */
  readonly paperWidth: number;
  readonly codePageNumbering: CodePageNumbering;
}

const model = (title: string, dialect: DialectName, columns: number, codePageNumbering: CodePageNumbering): PrinterModel =>
  Object.freeze({ title, dialect, paperWidth: columns * 12, codePageNumbering });

export const PRINTER_MODELS = {
  'epson-tm-t88ii': model('Epson TM-T88II', 'escpos', 42, 'epson'),
  'epson-tm-t88iii': model('Epson TM-T88III', 'escpos', 42, 'epson'),
  'epson-tm-t88iv': model('Epson TM-T88IV', 'escpos', 42, 'epson'),
  'epson-tm-t88v': model('Epson TM-T88V', 'escpos', 42, 'epson'),
  'epson-tm-t88vi': model('Epson TM-T88VI', 'escpos', 42, 'epson'),
  'epson-tm-t88vii': model('Epson TM-T88VII', 'escpos', 42, 'epson'),
  'epson-tm-t20ii': model('Epson TM-T20II', 'escpos', 48, 'epson'),
  'epson-tm-t20iii': model('Epson TM-T20III', 'escpos', 48, 'epson'),
  'epson-tm-t20iv': model('Epson TM-T20IV', 'escpos', 48, 'epson'),
  'epson-tm-t70': model('Epson TM-T70', 'escpos', 42, 'epson'),
  'epson-tm-t70ii': model('Epson TM-T70II', 'escpos', 42, 'epson'),
  'epson-tm-m30ii': model('Epson TM-m30II', 'escpos', 48, 'epson'),
  'epson-tm-m30iii': model('Epson TM-m30III', 'escpos', 48, 'epson'),
  'epson-tm-p20ii': model('Epson TM-P20II', 'escpos', 32, 'epson'),
  'star-tsp650': model('Star TSP650', 'star-line', 48, 'star'),
  'star-tsp650ii': model('Star TSP650II', 'star-line', 48, 'star'),
  'star-tsp100iii': model('Star TSP100III', 'star-prnt', 48, 'star'),
  'star-tsp100iv': model('Star TSP100IV', 'star-prnt', 48, 'star'),
  'star-mc-print2': model('Star mC-Print2', 'star-prnt', 32, 'star'),
  'star-mpop': model('Star mPOP', 'star-prnt', 32, 'star'),
  'star-sm-l200': model('Star SM-L200', 'star-prnt', 32, 'star'),
  // Star printers switched to ESC/POS emulation, the models Star's "ESC/POS Mode Command Specifications" apply to
  // (TSP650II, TSP700II, TSP800II, TUP500, ...). The mC-Print3 and TSP100III/IV are not among them: they are
  // StarPRNT printers (TSP100 models print raster only; their "ESC/POS emulation" runs in the host's driver).
  // ESC t is taken in Epson's numbers, an assumption: Star's ESC/POS Mode Command Specifications (Rev 2.50/2.52,
  // escpos_cm_en.pdf) have the table but no copy of it could be read, and no generator publishes another one.
  // receipt-printer-encoder 4 has no Star model in ESC/POS (its seven Star models are star-line or star-prnt);
  // escpos-printer-db's Star ESC/POS-emulation profiles (SP2000.yml, which TSP600, TSP800 and TUP500 inherit;
  // mcPrint.yml) set `starCommands: true` and number their pages for Star's ESC GS t n, and escpos-php's
  // selectCharacterTable() sends ESC GS t n, never ESC t, to them ("STAR printers stash all the extra code pages
  // under a different command"). So what generators send these printers for a page is ESC GS t in Star's numbers,
  // which the decoder reads as such (code-page-numbering.ts, test/decode/dialects.test.ts); ESC t is read as Epson's.
  // TSP800II prints 104 mm, 832 dots (escpos-printer-db TSP800.yml).
  'star-tsp650ii-escpos': model('Star TSP650II (ESC/POS emulation)', 'escpos', 48, 'epson'),
  'star-tsp700ii-escpos': model('Star TSP700II (ESC/POS emulation)', 'escpos', 48, 'epson'),
  'star-tsp800ii-escpos': model('Star TSP800II (ESC/POS emulation)', 'escpos', 69, 'epson'),
  'xprinter-xp-n160ii': model('Xprinter XP-N160II', 'escpos', 48, 'xprinter'),
  'xprinter-xp-t80q': model('Xprinter XP-T80Q', 'escpos', 48, 'xprinter'),
  'bixolon-srp350': model('Bixolon SRP-350', 'escpos', 42, 'bixolon-legacy'),
  'bixolon-srp350iii': model('Bixolon SRP-350III', 'escpos', 42, 'bixolon'),
  'citizen-ct-s310ii': model('Citizen CT-S310II', 'escpos', 48, 'citizen'),
  'sunmi-p2se': model('SUNMI P2SE', 'escpos', 32, 'sunmi'),
  'sunmi-p3h': model('SUNMI P3H', 'escpos', 32, 'sunmi'),
  'sunmi-p3mix': model('SUNMI P3 MIX', 'escpos', 48, 'sunmi'),
  'hp-a779': model('HP A779', 'escpos', 44, 'hp'),
  'fujitsu-fp1000': model('Fujitsu FP-1000', 'escpos', 48, 'fujitsu'),
  'metapace-t1': model('Metapace T-1', 'escpos', 42, 'metapace'),
  'pos-5890': model('generic 58 mm POS-5890', 'escpos', 32, 'pos-5890'),
  'pos-8360': model('generic 80 mm POS-8360', 'escpos', 48, 'pos-8360'),
} as const satisfies Record<string, PrinterModel>;

export type PrinterModelName = keyof typeof PRINTER_MODELS;
export const PRINTER_MODEL_NAMES = Object.keys(PRINTER_MODELS) as [PrinterModelName, ...PrinterModelName[]];
