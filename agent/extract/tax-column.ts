// A line's tax code printed beside its name rather than after its amount, found by the receipt's own layout:
// - a VAT column beside the item lines ("MATITA HB  22%  3,60"): the lines that print a rate there give the column's
//   place on the paper, and a short code printed in that same place on another line ("GUIDA TOURING  VI  25,00": a
//   publisher's flat-rate VAT, an exemption, a class letter) is that line's tax code too, not the end of its name. A
//   tax word heading the column ("DESCRIZIONE  IVA  Prezzo") places it too;
// - a legend that defines a code by a tax word ("E: Exento de IVA", "T = taxable prepared food"): a name ending in
//   that code as a word of its own ("Sello nacional E") carries it.
// Only the column's position or the legend says so: the code's letters mean nothing on their own.
import type { Item, Tax } from './basket.js';
import { lineTotal } from './checks.js';
import type { Row } from './rows.js';
import { TAX_WORD } from './vocabulary.js';
import { LETTER } from './letters.js';


/** What the pass needs of an item line: its row and the item's description and tax code. */
export interface CodedLine {
  readonly row: Row;
  readonly item: { description: string; taxCode: string | null };
}

/** A rate printed as a line's tax code ("10%", "7,0%"). */
const RATE_CODE = /^(\d{1,2}(?:[.,]\d{1,2})?)%$/;
/** A code a VAT column prints instead of a rate: one to three capitals ("VI", "E", "ES"). */
const OTHER_CODE = /^[A-Z]{1,3}$/;
/** Two edges in one column: within half a character of a 12-dot grid. */
const SAME_EDGE = 6;

/** The cell printed just before the row's amount cell, when the row has a name cell before it. */
function cellBeforeAmount(row: Row): Row['cells'][number] | null {
  return row.cells.length >= 3 ? row.cells[row.cells.length - 2]! : null;
}

/** How many rows above the first line a column heading may be printed. */
const HEADING_ROWS = 3;

/** The edges of each tax word ("IVA", "BTW") in the heading rows above the lines, read as a column's edges. */
function headingEdges(rows: readonly Row[], firstLine: number, lefts: number[], rights: number[]): void {
  for (const row of rows.slice(Math.max(0, firstLine - HEADING_ROWS), firstLine)) {
    if (row.amount !== null) continue;
    for (const cell of row.cells) {
      const charWidth = (cell.right - cell.x) / cell.text.length;
      let at = 0;
      for (const word of cell.text.split(' ')) {
        // A word of letters only: "P.IVA 0291…" in the shop's header is a VAT number, not a heading.
        if (/^\p{L}+$/u.test(word) && TAX_WORD.test(word)) {
          lefts.push(cell.x + at * charWidth);
          rights.push(cell.x + (at + word.length) * charWidth);
        }
        at += word.length + 1;
      }
    }
  }
}

/**
 * Sets the tax code of lines whose name ends in a code printed in the column where other lines print their rate, or
 * under the tax word heading that column.
 */
export function codesInRateColumn(rows: readonly Row[], lines: readonly CodedLine[]): void {
  // The lines whose name ends in a short code of its own cell: most receipts have none, and the column is not sought.
  const candidates = lines.filter(({ row, item }) => {
    const cell = cellBeforeAmount(row);
    return cell !== null && item.taxCode === null && OTHER_CODE.test(cell.text) && item.description.endsWith(`  ${cell.text}`);
  });
  if (candidates.length === 0) return;
  const rights: number[] = [];
  const lefts: number[] = [];
  headingEdges(rows, lines[0]!.row.index, lefts, rights);
  for (const { row, item } of lines) {
    const cell = cellBeforeAmount(row);
    if (cell === null || item.taxCode === null || !RATE_CODE.test(cell.text.replace(/\s/g, ''))) continue;
    rights.push(cell.right);
    lefts.push(cell.x);
  }
  const near = (edges: readonly number[], at: number): boolean => edges.some((e) => Math.abs(e - at) <= SAME_EDGE);
  for (const { row, item } of candidates) {
    const cell = cellBeforeAmount(row)!;
    if (!near(rights, cell.right) && !near(lefts, cell.x)) continue;
    item.description = item.description.slice(0, -(cell.text.length + 2));
    item.taxCode = cell.text;
  }
}

/** The rate a line's tax code prints ("22%" → 22), or null for a code that is no rate or no code. */
export function rateOfCode(code: string | null): number | null {
  const m = code === null ? null : RATE_CODE.exec(code);
  return m === null ? null : Number(m[1]!.replace(',', '.'));
}

/**
 * A lone tax line that prints no rate ("di cui IVA  6,05") on a receipt whose every line prints a code in a VAT column:
 * when every line prints one rate ("Tagliere misto  10%  14,00"), the tax is at that rate. When the other lines print
 * a code that is no rate ("VI": VAT the publisher paid, "E": exempt), the tax is at the one rate only if it is that
 * rate's share of the lines that print it (±1): the arithmetic says the other lines carry none of it.
 */
export function rateFromColumn(taxes: Tax[], items: readonly Item[]): void {
  if (taxes.length !== 1 || taxes[0]!.rate !== null || items.length === 0) return;
  const rates = new Set<number>();
  let base = 0;
  let otherCodes = false;
  for (const item of items) {
    const rate = rateOfCode(item.taxCode);
    if (item.taxCode === null) return;
    if (rate === null) otherCodes = true;
    else {
      rates.add(rate);
      base += lineTotal(item);
    }
  }
  if (rates.size !== 1) return;
  const rate = [...rates][0]!;
  if (otherCodes && Math.abs(Math.round((Math.abs(base) * rate) / (100 + rate)) - Math.abs(taxes[0]!.tax)) > 1) return;
  taxes[0]!.rate = rate;
}

/** "E: Exento de IVA", "VI = IVA assolta", "T = taxable prepared food": a code, a colon or equals sign, what it means. */
const LEGEND = /^([A-Z]{1,2})\s*[:=]\s+(\S.*)$/;
/** Words that say a line is taxed, or is not, in the six languages (besides the tax words themselves). */
const TAX_CLASS_WORD = new RegExp(
  `(?:^|[^${LETTER}])(?:taxable|non-taxable|exempt|zero[- ]rated|exento|exenta|esente|exon[ée]r[ée]e?|steuerfrei|vrijgesteld)(?:$|[^${LETTER}])`,
  'iu',
);

const CODE_AT_END = /\s[A-Z]{1,2}$/;

/** The codes the receipt's legends define as tax classes. */
function legendCodes(rows: readonly Row[]): Set<string> {
  const codes = new Set<string>();
  for (const row of rows) {
    // A legend starts with its code and a colon or equals sign within its first few characters.
    if (row.amount !== null || row.text.length < 4 || !/[:=]/.test(row.text.slice(0, 5))) continue;
    const m = LEGEND.exec(row.text.trim());
    if (m !== null && (TAX_WORD.test(m[2]!) || TAX_CLASS_WORD.test(m[2]!))) codes.add(m[1]!);
  }
  return codes;
}

/** Sets the tax code of lines whose name ends in a code a legend defines as a tax class ("Sello nacional E"). */
export function codesFromLegend(rows: readonly Row[], lines: readonly CodedLine[]): void {
  // Only a name ending in a word of one or two capitals may carry a code: most receipts print none, and no legend is sought.
  if (!lines.some(({ item }) => item.taxCode === null && CODE_AT_END.test(item.description))) return;
  const codes = legendCodes(rows);
  if (codes.size === 0) return;
  for (const { item } of lines) {
    if (item.taxCode !== null) continue;
    const space = item.description.lastIndexOf(' ');
    const code = item.description.slice(space + 1);
    if (space <= 0 || !codes.has(code)) continue;
    item.description = item.description.slice(0, space).trimEnd();
    item.taxCode = code;
  }
}
