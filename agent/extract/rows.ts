// A printed text line seen the way extraction needs it: its cells (the decoder's spans, which it splits at
// 2+ spaces, tabs and absolute positions), the text left of the amount, the amount on the right, how far the
// line is indented. Card numbers are masked here, before any other step can read the text.
import type { PrintedDocument, TextLine } from '../decode/document.js';
import { TIME_AFTER_DATE } from './dates.js';
import { parseAmount, UNMAPPED_CURRENCY_SIGN, type ParsedAmount } from './money.js';
import { maskPans } from './privacy.js';

export interface Cell {
  readonly text: string;
  /** Left edge in dots. */
  readonly x: number;
  /** Right edge in dots, after its last printed character: right-aligned columns line up here. */
  readonly right: number;
}

export interface Row {
  /** Position among the document's text lines. */
  readonly index: number;
  readonly cells: readonly Cell[];
  /** Cells joined with two spaces: the line as a human reads it, with columns still apart. */
  readonly text: string;
  /** Text left of the amount (all of `text` when there is no amount). */
  readonly label: string;
  /** Rightmost amount of the line, with its tax code when one is printed after it. */
  readonly amount: ParsedAmount | null;
  /** Left edge of the first cell, in dots, for left-aligned lines; 0 for centred/right-aligned lines. */
  readonly indent: number;
  readonly align: TextLine['align'];
  readonly bold: boolean;
  /** Printed wider or taller than normal (totals often are). */
  readonly large: boolean;
}

/**
 * A cell after the amount that marks its tax: a code ("A", "B1"), a rate with or without its sign ("7", "19",
 * "7%"), or a lone footnote star that a legend under the items explains ("* deposit, no VAT").
 */
const TAX_CODE_CELL = /^(?:(?:[A-Z]{1,2}|\d{1,2}|\d{1,2}(?:[.,]\d{1,2})?%)\*?|\*)$/;

/** Splits a trailing amount off `text` when it is separated by single spaces only ("TOTAL 12.50", "Tea 2,40 A"). */
function trailingAmount(text: string): { label: string; amount: ParsedAmount } | null {
  const tokens = text.split(' ');
  for (let take = 1; take <= Math.min(3, tokens.length - 1); take++) {
    const tail = tokens.slice(tokens.length - take).join(' ');
    const amount = parseAmount(tail);
    if (amount !== null) return { label: tokens.slice(0, tokens.length - take).join(' ').trim(), amount };
  }
  return null;
}

/** A run of three or more dots (or an ellipsis) ending a label, with the spaces around it. */
const DOT_LEADER = /\s*(?:\.{3,}|…+)\s*$/;

/**
 * A limit stated before the amount ("8% of labor, max $35.00", "up to 10.00", "höchstens 5,00"): the terms a charge
 * was worked out by, printed under it, not an amount of the sale. Not "min", which is as often minutes ("Dryer 15 min").
 */
const LIMIT_WORDS = new Set(['max', 'maximum', 'höchstens', 'maximal', 'plafond', 'massimo', 'maximaal']);
const LIMIT_PHRASES = new Set(['up to', 'capped at', "jusqu'à"]);
/** The label's last word (or two) is a limit's: a word lookup, as this runs for every line with an amount. */
function capsAmount(label: string): boolean {
  const end = label.length - (label.endsWith('.') || label.endsWith(':') ? 1 : 0);
  const space = label.lastIndexOf(' ', end - 1);
  const word = label.slice(space + 1, end).toLowerCase();
  if (word.length < 2 || word.length > 9) return false;
  if (LIMIT_WORDS.has(word)) return true;
  if (word !== 'to' && word !== 'at' && word !== "jusqu'à" && word !== 'jusqu’à') return false;
  const before = label.lastIndexOf(' ', space - 1);
  return LIMIT_PHRASES.has(label.slice(before + 1, end).toLowerCase()) || word.startsWith('jusqu');
}

/**
 * A currency sign the printer's code page lacks, printed apart before the amount ("Slavinken  ╒ 4,35"): the
 * amount's, not the label's (money.ts reads it after an amount only).
 */
const SIGN_BEFORE_AMOUNT = new RegExp(`\\s+${UNMAPPED_CURRENCY_SIGN}$`, 'u');
/** Only a label that ends in such a sign is tried ('?', U+FFFD, dotless i, box drawing). */
function endsInSign(label: string): boolean {
  const c = label.charCodeAt(label.length - 1);
  return c === 63 || c === 0xfffd || c === 0x131 || (c >= 0x2500 && c <= 0x259f);
}

/** Most labels end in no dot: the leader's regex runs only on those that do. */
const endsInDot = (label: string): boolean => label.endsWith('.') || label.endsWith('…');

/** Money always prints two decimals after a point or comma: a line without that holds no amount. */
const MONEY_SHAPE = /\d[.,]\d\d/;

function splitAmount(cells: readonly Cell[]): { label: string; amount: ParsedAmount | null } {
  const n = cells.length;
  const last = cells[n - 1];
  if (last === undefined) return { label: '', amount: null };
  if (!MONEY_SHAPE.test(last.text) && (n < 2 || !MONEY_SHAPE.test(cells[n - 2]!.text))) {
    return { label: cells.map((c) => c.text).join('  '), amount: null };
  }
  const join = (upTo: number): string =>
    cells
      .slice(0, upTo)
      .map((c) => c.text)
      .join('  ');
  const whole = parseAmount(last.text);
  if (whole !== null && n > 1) return { label: join(n - 1), amount: whole };
  const prev = cells[n - 2];
  if (prev !== undefined && TAX_CODE_CELL.test(last.text)) {
    const before = parseAmount(prev.text);
    if (before !== null && before.taxCode === null) {
      return { label: join(n - 2), amount: { ...before, taxCode: last.text === '*' ? '*' : last.text.replace('*', '') } };
    }
  }
  const tail = trailingAmount(last.text);
  if (tail !== null) {
    const label = n > 1 ? (tail.label === '' ? join(n - 1) : `${join(n - 1)}  ${tail.label}`) : tail.label;
    return { label, amount: tail.amount };
  }
  if (whole !== null) return { label: '', amount: whole };
  return { label: join(n), amount: null };
}

/** Fewer than 13 digits cannot hold a card number: most spans skip the masking scan. */
function mayHoldPan(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= 13) return true;
  }
  return false;
}

function toRow(line: TextLine, index: number): Row {
  const cells: Cell[] = [];
  let bold = false;
  let large = false;
  for (const span of line.spans) {
    const raw = span.text.trim();
    const text = mayHoldPan(raw) ? maskPans(raw) : raw;
    if (text.length === 0) continue;
    // The span's trailing spaces are not part of its column: its right edge is its last printed character's.
    let printed = span.text.length;
    while (printed > 0 && span.text.charCodeAt(printed - 1) === 32) printed--;
    const right = span.text.length === 0 ? span.x : span.x + (span.width * printed) / span.text.length;
    cells.push({ text, x: span.x, right });
    bold ||= span.style.bold;
    large ||= span.style.width > 1 || span.style.height > 1;
  }
  const split = splitAmount(cells);
  const text = cells.map((c) => c.text).join('  ');
  // "02.05.25 18.40": the time of day after a date, not an amount.
  const read = split.amount !== null && (TIME_AFTER_DATE.test(text) || capsAmount(split.label)) ? { label: text, amount: null } : split;
  const amount = read.amount;
  // "Service Wash 8kg ........ 14.00": the dot leader guides the eye to the amount; it is no part of the label.
  const leadered = amount === null || !endsInDot(read.label) ? read.label : read.label.replace(DOT_LEADER, '');
  const label = amount === null || !endsInSign(leadered) ? leadered : leadered.replace(SIGN_BEFORE_AMOUNT, '');
  return {
    index,
    cells,
    text,
    label,
    amount,
    indent: line.align === 'left' ? (cells[0]?.x ?? 0) : 0,
    align: line.align,
    bold,
    large,
  };
}

/** The document's text lines as rows (empty lines kept, so blank separators stay visible). */
export function rowsOf(doc: PrintedDocument): Row[] {
  const rows: Row[] = [];
  for (const block of doc.blocks) {
    if (block.kind === 'text') rows.push(toRow(block, rows.length));
  }
  return rows;
}

/** Every amount printed in a row, left to right, splitting cells on single spaces too (tax tables). */
export function amountsIn(row: Row): ParsedAmount[] {
  const out: ParsedAmount[] = [];
  for (const cell of row.cells) {
    for (const token of cell.text.split(/\s+/)) {
      const a = parseAmount(token);
      if (a !== null) out.push(a);
    }
  }
  return out;
}

/** A rule line: dashes, equals signs, stars, underscores or box-drawing rules (─ ━ ═) only. */
export function isSeparator(row: Row): boolean {
  return row.text.length > 0 && /^[-=*_~.#\s\u2500-\u257f]+$/.test(row.text) && row.text.replace(/\s/g, '').length >= 3;
}
