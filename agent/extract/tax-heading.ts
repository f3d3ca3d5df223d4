// A tax line that prints no rate of its own under a line that states it: "IVA 21% incluido" over "Base 100,00
// Cuota 21,00", "Prices include VAT at 20%" over "VAT  3,50", "inkl. 7 % MwSt." over "MwSt.  0,49". Tills that print
// one rate print it once, as a heading or a note, and the figures apart. The rate is the one the line above states
// when the arithmetic agrees: the tax is that rate's share of an amount printed beside it (its base or its gross) or,
// for the receipt's only tax, of the total. A rate the arithmetic does not bear out is left unread, not guessed.
import type { Item, Tax } from './basket.js';
import { parseRate } from './money.js';
import { amountsIn, type Row } from './rows.js';
import { rateOfCode } from './tax-column.js';
import { TAX_WORD } from './vocabulary.js';

/** A rate as tills print it ("21%", "5,5 %", "8.875%"); a line that prints two of them heads a table, not one tax. */
const RATE = /(?<![\d.,])\d{1,2}(?:[.,]\d{1,3})?\s*%/g;

/** Tills round each tax to the minor unit once. */
const ROUNDING = 1;

/** `tax` is `rate`'s share of `amount`, as the net (tax on top) or as the gross (tax inside). */
function shareOf(amount: number, rate: number, tax: number): boolean {
  const a = Math.abs(amount);
  return Math.abs(Math.round((a * rate) / 100) - tax) <= ROUNDING || Math.abs(Math.round((a * rate) / (100 + rate)) - tax) <= ROUNDING;
}

/**
 * The rate stated on `above`, a line with no amount of its own, for the tax read from `row`, or null. `total` is
 * given when the tax is the receipt's only one, so that the tax inside the total can bear the rate out.
 */
export function rateFromHeading(row: Row, above: Row | undefined, total: number | null): number | null {
  if (row.amount === null || above === undefined || above.amount !== null || !TAX_WORD.test(above.text)) return null;
  if ((above.text.match(RATE) ?? []).length !== 1) return null;
  const rate = parseRate(above.text);
  if (rate === null || rate === 0) return null;
  const tax = Math.abs(row.amount.minor);
  const beside = amountsIn(row)
    .map((a) => a.minor)
    .filter((a) => Math.abs(a) !== tax);
  return beside.some((a) => shareOf(a, rate, tax)) || (total !== null && shareOf(total, rate, tax)) ? rate : null;
}

/**
 * A tax read at no rate while the receipt prints a rate: beside a tax word on any line ("IVA 10% e 22% inclusa") or as
 * a line's tax code ("Tessuto  22%  12,00"). The rate was printed and not read, so the tax's rate is unknown, not
 * absent; with no rate printed anywhere ("di cui IVA  3,34") there is none to read.
 */
export function printsUnreadRate(rows: readonly Row[], taxes: readonly Tax[], items: readonly Item[]): boolean {
  if (!taxes.some((t) => t.rate === null)) return false;
  if (items.some((i) => rateOfCode(i.taxCode) !== null)) return true;
  return rows.some((row) => row.text.includes('%') && parseRate(row.text) !== null && TAX_WORD.test(row.text));
}
