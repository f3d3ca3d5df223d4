// What a reading left unread that the arithmetic cannot miss: a column still inside an item's description, a
// weight or count line under an item that did not become its quantity, a pump's volume on a labelled line of its own
// that no item took, a tax table no header named, a time of day
// printed on a receipt whose time was not read, a description the till cut at its column's edge (its rest never
// printed). The sums close either way, so only these traces say that a field is wrong or missing; each lowers
// confidence (checks.ts), never the reading itself.
import type { Item, Tax } from './basket.js';
import { findTime } from './dates.js';
import { LABELLED_MEASURE } from './items.js';
import { parseRate } from './money.js';
import { amountsIn, type Row } from './rows.js';
import { descriptionDoubt } from './sub-lines.js';

/**
 * A price left in a description after a column gap ("Retour krat  1  -3,90", "Joist 47x150  4.800 m  6.10"): a
 * unit price or amount column the reading did not take. A size column ("Cola  1,5 L", "Wine  0,75 l") is no price.
 */
const COLUMN_IN_DESCRIPTION = /\S\s{2,}(?:\S+\s+)*[-−]?\d+[.,]\d\d(?!\d|\s*\p{L})/u;

/**
 * A weight or count at a unit price, however its unit or currency printed ("0,540 kg x 39,90 ╒/kg", "3 pc @ 1.20"):
 * looser than items.ts's quantity line, to see the ones it could not read.
 */
const QUANTITY_AT_PRICE = /\d\s*(?:\p{L}{1,3}\.?)?\s*(?:x|×|@|à|á)\s*\d+[.,]\d\d/iu;

/** An item whose description still holds a table column, or whose weight or count line under it was not applied. */
function itemLeftUnread(item: Item): boolean {
  if (COLUMN_IN_DESCRIPTION.test(item.description)) return true;
  return item.quantity === 1 && item.modifiers.some((m) => m.amount === null && QUANTITY_AT_PRICE.test(m.description));
}

/**
 * Rows with a rate and two or more amounts when no tax was read ("21%  6,00  1,04"): a tax table whose header
 * no word list names. Lines with a single amount ("Service 12.5%  7.44") are charges, not tax rows.
 */
function taxRowsLeftUnread(rows: readonly Row[], taxes: readonly Tax[]): boolean {
  if (taxes.length > 0) return false;
  return rows.some((row) => row.amount !== null && parseRate(row.text) !== null && amountsIn(row).length >= 2);
}


/** A measured quantity printed on its own labelled line while every item was read as a whole count. */
function measureLeftUnread(rows: readonly Row[], items: readonly Item[]): boolean {
  if (items.some((i) => !Number.isInteger(i.quantity))) return false;
  return rows.some((row) => row.amount === null && LABELLED_MEASURE.test(row.text));
}

/** Opening hours ("Ma t/m zo 11:00 - 21:30", "08:00-18:00"): a range of times, not the sale's. */
const TIME_RANGE = /\d{1,2}[:.h]\d{2}\s*(?:-|–|to|bis|à|a)\s*\d{1,2}[:.h]\d{2}/i;

/**
 * A time of day printed on a receipt whose time was not read: with no date read, the date is in a form no one reads;
 * with only a date read ("2025-03-14"), the time is printed apart from it, on a line of its own.
 */
function timeLeftUnread(rows: readonly Row[], transactionAt: string | null): boolean {
  if (transactionAt !== null && transactionAt.includes('T')) return false;
  return rows.some((row) => row.amount === null && findTime(row.text) !== null && !TIME_RANGE.test(row.text));
}

/** A heading row of an item table: three or more cells of words ("Artikel  Menge  EP  Betrag"), no figure. */
function itemHeading(row: Row): boolean {
  return row.amount === null && row.cells.length >= 3 && !/\d/.test(row.text);
}

/** Characters between a cut name's end and the next column's heading: the gap a till leaves, and a right-aligned heading's indent. */
const CUT_GAP = 3;
/**
 * A name that ends in a word of one to three letters ("Garden hose 25m gr"): what is left of a word cut short. Not a
 * unit after a number ("Seil 25 m", "Mehl 1 kg"), which is whole.
 */
const CUT_WORD = /(?<!(?:^|\s)[\d.,]+)\s\p{L}{1,3}$/u;

/**
 * An item's name that runs up to the next column of its table and ends in a fragment of a word: a till cuts a name at
 * its column's width, so "Gartenschlauch 25 m" may be printed "Gartenschlauch 2" and the rest is lost. Only the
 * heading of the next column bounds the name's column (its figures are right-aligned under it).
 */
function cutName(rows: readonly Row[], items: readonly Item[], gridDots: number): Item | undefined {
  let heading: Row | null = null;
  for (const row of rows) {
    if (row.amount === null) {
      if (itemHeading(row)) heading = row;
      continue;
    }
    if (heading === null || row.cells.length < 2) continue;
    // The arithmetic first, the word last: this runs for every priced line under a heading.
    const name = row.cells[0]!;
    const next = heading.cells.find((c) => c.x > name.x);
    if (next === undefined) continue;
    const gap = (next.x - name.x) / gridDots - name.text.length;
    if (gap < 0 || gap > CUT_GAP || !CUT_WORD.test(name.text)) continue;
    const item = items.find((i) => i.description === name.text);
    if (item !== undefined) return item;
  }
  return undefined;
}

/** The gap a till leaves between a name it cut to fit and the amount at the paper's right edge. */
const EDGE_GAP = 2;
/**
 * The share of the line a cut name fills at least: a till cuts a name at its column's width, which on a line of a
 * name and an amount is most of the line; a short name that happens to end two columns before its amount is whole.
 */
const EDGE_NAME_SHARE = 0.75;

/**
 * An item's name cut to fit its line: the name starts at the left margin and ends exactly the till's two-space gap
 * before an amount that ends at the receipt's right edge, in the middle of a word ("Billete Madrid-Segovia ida y vuel").
 * A name that fits ends anywhere; one the till shortened ends there every time.
 */
function cutAtEdge(rows: readonly Row[], items: readonly Item[], gridDots: number): Item | undefined {
  // The receipt's own right edge (a till may print 42 columns on 48-column paper): where its amounts end.
  let edge = 0;
  for (const row of rows) {
    const last = row.cells[row.cells.length - 1];
    if (row.amount !== null && last !== undefined) edge = Math.max(edge, last.x / gridDots + last.text.length);
  }
  for (const row of rows) {
    if (row.amount === null || row.cells.length !== 2) continue;
    const [name, amount] = row.cells as [Row['cells'][number], Row['cells'][number]];
    if (name.x !== 0 || amount.x / gridDots + amount.text.length !== edge) continue;
    if (amount.x / gridDots - name.text.length !== EDGE_GAP || name.text.length < EDGE_NAME_SHARE * edge || !/\p{Ll}$/u.test(name.text)) continue;
    const item = items.find((i) => i.description.length > 0 && name.text.endsWith(i.description));
    if (item !== undefined) return item;
  }
  return undefined;
}

/** A count glued to the name that follows it ("4Schoenhuur"): the count column right-aligned against the name's. */
const COUNT_FLUSH_NAME = /^(\d{1,4})(\p{L}.*)$/u;

/**
 * An item whose count was printed flush against its name, with no gap: a till that fits its fields to their widths
 * with nothing between them cuts a name longer than its field ("Kinderfeest arrangeme"), and where that field ends
 * cannot be seen, so no name of such a table can be known whole.
 */
function nameInFlushColumns(rows: readonly Row[], items: readonly Item[]): Item | undefined {
  for (const row of rows) {
    const first = row.cells[0];
    if (row.amount === null || row.cells.length < 3 || first === undefined || !isDigitAt(first.text, 0)) continue;
    const m = COUNT_FLUSH_NAME.exec(first.text);
    if (m === null) continue;
    const item = items.find((i) => i.quantity === Number(m[1]) && i.description === m[2]);
    if (item !== undefined) return item;
  }
  return undefined;
}

const isDigitAt = (text: string, at: number): boolean => text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57;

/** Why a field the checks cannot see may be wrong: one reason per trace found (empty when none). */
export function unreadTraces(rows: readonly Row[], b: { items: readonly Item[]; taxes: readonly Tax[]; transactionAt: string | null }, gridDots: number): string[] {
  const traces: string[] = [];
  const item = b.items.find(itemLeftUnread);
  if (item !== undefined) traces.push(`item "${item.description}": a column or a quantity line left unread`);
  for (const i of b.items) {
    const doubt = descriptionDoubt(i);
    if (doubt !== undefined) {
      traces.push(`item "${i.description}": ${doubt}`);
      break;
    }
  }
  const cut = cutName(rows, b.items, gridDots);
  if (cut !== undefined) traces.push(`item "${cut.description}": a name that fills its column, maybe cut by the till`);
  const flush = nameInFlushColumns(rows, b.items);
  if (flush !== undefined) traces.push(`item "${flush.description}": its count printed flush against its name, so the name may be cut to its field`);
  const edge = cutAtEdge(rows, b.items, gridDots);
  if (edge !== undefined) traces.push(`item "${edge.description}": a name that fills its line to the paper's edge, maybe cut by the till`);
  if (measureLeftUnread(rows, b.items)) traces.push('a measured quantity on a line of its own, but no item measured');
  if (taxRowsLeftUnread(rows, b.taxes)) traces.push('rows with a rate and amounts, but no tax read');
  if (timeLeftUnread(rows, b.transactionAt)) traces.push('a time of day printed, but no transaction time read');
  return traces;
}
