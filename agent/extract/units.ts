// First pass over a receipt's body: rows → money units, before any decision about what each unit is. A unit
// is one printed amount with its label, evidence, style and position; an item-shaped unit also carries its
// parsed item (quantity lines above or below merged in, modifiers, item discounts, EAN/SKU lines). Tax tables
// are read here too (their rows are never units), and card-detail lines are kept for the tenders. What each
// unit is — item, subtotal, total, tender, change, tax, discount, charge — is the solver's call (solver.ts).
import type { Tax } from './basket.js';
import { labelEvidence, tenderEvidence, type Evidence } from './evidence.js';
import { sectionHeading } from './sections.js';
import { countBeforeName, itemFromLabel, labelledRate, SIZE_OR_QUANTITY, measureInName, referenceAndUnitPrice, splitArticleCode, labelledMeasure, labelledUnitPrice, itemFromPattern, newItem, packInName, qtyLine, qtyPriceColumns, qtyTimesPrice, setQuantity, unitPriceAlone, type ItemDraft } from './items.js';
import { parseRate } from './money.js';
import type { Row } from './rows.js';
import { amountsIn, isSeparator } from './rows.js';
import type { Rules } from './rules.js';
import { attributeLine, detailLine } from './sub-lines.js';
import { codesFromLegend, codesInRateColumn } from './tax-column.js';
import { taxSentence } from './tax-sentence.js';
import { TAX_WORD } from './vocabulary.js';
import { LETTER } from './letters.js';

export interface Unit {
  row: Row;
  amount: number;
  label: string;
  ev: Evidence;
  /** A rule line or blank line was printed since the previous unit. */
  afterRule: boolean;
  /** The row read as an item line. */
  item: ItemDraft;
  /**
   * The line is an article of its own whatever its sign or indent: a deposit (Pfand, statiegeld, bottle
   * deposit), a bottle return (Leergut, Pfandbon, emballage) or a line voided at the till (VOID, Storno).
   */
  article: boolean;
}

export interface Body {
  units: Unit[];
  /** Why the item lines could be read another way with the same sums (wrapped descriptions, pack sizes...). */
  ambiguities: string[];
  /** Tax rows read from tax tables (header row naming net/tax/gross columns). */
  taxTable: Tax[];
  /** Rows without an amount, by index, for card details and loyalty. */
  plainRows: Row[];
}

const TAX_HEADER_ROLE = [
  ['net', /^(?:net|netto|neto|ht|nett|net amt|excl|base|imponibile|imponible|over|basis|grondslag)$/i],
  ['gross', /^(?:gross|brutto|bruto|brut|lordo|ttc|total|totale|totaal|incl|umsatz|omzet|importe|importo|bedrag)$/i],
  // "Taxe", "Impuesto": the tax column named by its own word, when the rate column is headed "TVA" or "IVA".
  ['tax', /^(?:vat|mwst|ust|tva|tax|taxe|taxes|steuer|btw|iva|cuota|imposta|impuesto)$/i],
] as const;
/**
 * "BTW-bedrag", "MwSt Betrag", "VAT amount", "Cuota IVA": a tax word and a word for an amount head one column, the
 * tax ("IVA  Importe" is two: the Spanish importe is the gross).
 */
const TAX_AMOUNT_HEADING = /\b(?:(?:vat|mwst|ust|tva|tax|steuer|btw|iva)[\s-]+(?:bedrag|betrag|amount|amt|montant)|cuota\s+iva)\b/gi;
/**
 * "Ex VAT", "Excl. BTW", "Inc VAT", "inkl. MwSt": a tax word after a word for without or with heads one column, the net
 * or the gross (not the tax, whose column the bare tax word heads beside them).
 */
const NET_HEADING = /\b(?:ex|exc|excl|exkl|excluding|ohne|hors|sin|senza|zonder)\.?\s*(?:vat|mwst|ust|tva|tax|steuer|btw|iva)\b/gi;
const GROSS_HEADING = /\b(?:inc|incl|inkl|including|mit|con|met)\.?\s*(?:vat|mwst|ust|tva|tax|steuer|btw|iva)\b/gi;
/**
 * "VAT  Rate  Sales  VAT", "Rate  Goods  VAT", "TVA  HT  Montant": a word for an amount that does not say which one
 * heads a column the row's own arithmetic names (the net, the gross or the tax, against the rate).
 */
const AMOUNT_HEADING = /^(?:sales|goods|amount|amt|value|montant|betrag|wert|waarde|ventas|valor|valore)$/i;
type TaxRole = 'net' | 'tax' | 'gross';
const HEADING_FRAGMENT = /^\p{L}{1,8}\.?$/u;
const TAX_CODE = /^(?:[A-Z]|\d)$/;
const EAN_LINE = /^(?:EAN|GTIN|UPC|Barcode)?\s*[:#]?\s*(\d{8}|\d{12,14})$/i;
/** An article's code on a line of its own: "SKU 4471", "Art.-Nr. 4003530", "Art. 204.112.87" (dotted groups). */
const SKU_LINE = /^(?:SKU|Art\.?-?Nr\.?|Artikel-?Nr\.?|Art\.|Item(?: No\.?)?|Style|Réf\.?|Ref\.?|PLU)\s*[:#.]?\s*([A-Z0-9](?:[A-Z0-9-]|\.(?=[A-Z0-9])){2,})$/i;
const BULLET = /^[+\-*>•~]\s*/;
/** The words that open a part of an amount already in it: "dont", "di cui", "davon", "waarvan", "de los cuales", "of which". */
const OF_WHICH = /^(?:dont|di cui|davon|darin|waarvan|de los cuales|del cual|of which|incl(?:\.|uding|uded)?|inkl\.?|inclus|compris|incluido|incluye|inclusa?|incluso|inbegrepen)\s/iu;
/** A priced line under an item that adds to it: "+ Extra Shot 0.60", "> Add Bacon 2.50" (not '-' or '*': minus, stars). */
const ADD_ON = /^[+>•~]\s*\p{L}/u;
/**
 * "* Peppercorn Sauce 3.50": a star, a space and words is a bullet too, under an item that is not starred itself
 * (a till that stars every item line marks a tax class or an offer with it, not a modifier).
 */
const STAR_BULLET = /^\*\s+\p{L}/u;
// A US core charge ("CORE CHARGE", "CORE CHG") is the refundable deposit on a part's old unit. A French emballage is
// the returnable bottle or crate, but an "emballage cadeau" is gift wrap, sold.
const DEPOSIT = new RegExp(
  `(?:^|[^${LETTER}])(?:pfand[${LETTER}]*|leergut[${LETTER}]*|statiegeld|emballage(?!\\s+cadeau)|bottle dep(?:osit)?|btl dep(?:osit)?|deposit|consigne|vuoto|vuoti|envase|vasija|core (?:charge|chg))(?![${LETTER}])`,
  'iu',
);
/**
 * The mark of a line voided at the till, whole or abbreviated ("ANNUL.", "Anul.", "Storn."), maybe after a word for
 * the line itself ("Article annulé", "Artikel storniert", "Item void").
 */
const VOIDED =
  /^(?:(?:article|artikel|art\.|item|line|ligne|posten|position|art[ií]culo|articolo|riga|regel)\s+)?(?:void(?:ed)?|storno|storniert|storn\.|correctie|annulering|geannuleerd|correction|annulation|annul[ée]e?|annul\.|anulaci[oó]n|anulad[oa]|anul\.|annullo|annullat[oa]|cancell?ed)(?![\p{L}])/iu;
/** A line that is its own article: a deposit, a bottle return, a voided line (see Unit.article). */
export function isArticleLabel(label: string): boolean {
  return DEPOSIT.test(label) || VOIDED.test(label);
}
/** One cell of words, no amount: what a description wrapped onto a second line looks like (no card number, label). */
const WRAPPED = /^\p{L}[^:*#@]*$/u;
const STARTS_LOWER = /^\p{Ll}/u;
const TOTAL_ROW = /\b(?:total|summe|gesamt|totaal|totale)\b/i;

/** Roles of a tax table's amount columns, left to right, from its header line; null if not a tax header. */
function taxHeaderRoles(row: Row): (TaxRole | 'amount')[] | null {
  if (row.amount !== null || !TAX_WORD.test(row.text)) return null;
  // A role named twice ("VAT  Rate  Net  VAT  Gross": the first VAT heads the code column) is the last one. A tax
  // word and an amount word name one column only inside one cell: "BTW  Bedrag  BTW" is three columns.
  const at = new Map<TaxRole | 'amount', number>();
  const words = row.cells.flatMap((c) => c.text.replace(TAX_AMOUNT_HEADING, 'tax').replace(NET_HEADING, 'net').replace(GROSS_HEADING, 'gross').split(/[\s:%]+/));
  words.forEach((word, i) => {
    const w = word.replace(/[.()]/g, '');
    for (const [role, re] of TAX_HEADER_ROLE) if (re.test(w)) at.set(role, i);
    if (AMOUNT_HEADING.test(w) && !at.has('amount')) at.set('amount', i);
  });
  const roles = [...at.entries()].sort((a, b) => a[1] - b[1]).map(([role]) => role);
  return roles.filter((r) => r !== 'amount').length >= 1 && roles.length >= 2 ? roles : null;
}

/** Whether `minor` in `role` agrees with what the row already holds at its rate (to a cent of rounding). */
function fitsRole(role: TaxRole, minor: number, t: Tax): boolean {
  const r = t.rate;
  if (r === null) return false;
  const near = (a: number, b: number) => Math.abs(a - b) <= 1;
  const net = role === 'net' ? minor : t.net;
  const gross = role === 'gross' ? minor : t.gross;
  const tax = role === 'tax' ? minor : t.tax;
  if (net !== null && gross !== null) return near(net * (100 + r), gross * 100) || near(net + tax, gross);
  return net !== null ? near((net * r) / 100, tax) : gross !== null && near((gross * r) / (100 + r), tax);
}

function taxFromTableRow(row: Row, roles: readonly (TaxRole | 'amount')[]): Tax | null {
  const amounts = amountsIn(row);
  if (amounts.length < 2) return null;
  const tax: Tax = { code: null, rate: parseRate(row.text), net: null, tax: 0, gross: null };
  const first = row.cells[0]?.text.split(/\s+/)[0] ?? '';
  if (TAX_CODE.test(first)) tax.code = first;
  const filled = new Set<TaxRole>();
  let unnamed: number | null = null;
  const firstRole = roles.length - Math.min(amounts.length, roles.length);
  for (const [i, a] of amounts.slice(-roles.length).entries()) {
    const role = roles[firstRole + i]!;
    if (role === 'amount') unnamed = a.minor;
    else {
      tax[role] = a.minor;
      filled.add(role);
    }
  }
  if (unnamed === null) return tax;
  // At a rate of nothing the net and the gross are one amount; otherwise the role the rate makes add up.
  if (tax.rate === 0 && tax.tax === 0) {
    tax.net = unnamed;
    tax.gross = unnamed;
  } else {
    const a = unnamed;
    const role = (['net', 'gross', 'tax'] as const).find((r) => !filled.has(r) && fitsRole(r, a, tax));
    if (role !== undefined) tax[role] = a;
  }
  return tax;
}

/** A section heading set off by rules of its own ("-- Hauptgerichte --", "*** DESSERTS ***"): no item's name. */
const DECORATED_HEADING = /^([-=*~#])\1+\s*\p{L}.*?\s*\1+$/u;
const HAS_LOWER = /\p{Ll}/u;

/** Two or more words in capitals, no figure or sign: a heading's shape ("SERVICE PARTS"), or a capitals name's. */
const HEADING_SHAPED = /^\p{Lu}[\p{Lu}'’&.-]*(?:\s+[\p{Lu}'’&.-]+)+(?:\s+\([^)]*\))?$/u;

/** One word in capitals, no figure: "ENTRÉES", "PRIMI", "BEVANDE". */
const CAPITALS_WORD = /^\p{Lu}{3,}$/u;

/**
 * One word in capitals over an item named in mixed case ("ENTRÉES" over "Oeuf mayonnaise  6,50", "PRIMI" over
 * "Cacio e pepe"): a course or section heading, not the start of the name. A capitals name wrapped onto a mixed-case
 * line ("BREAD WHITE" over "Family Pack") runs to more words or a figure.
 */
function headsSection(line: string, name: string): boolean {
  return (CAPITALS_WORD.test(line) && HAS_LOWER.test(name)) || sectionHeading(line);
}

/**
 * A number under its own label, a column before the name ("Pompe 4  Gazole", "Pista 2  Lavado Plus"): the pump's or
 * the bay's, not the article's.
 */
const NUMBERED_LABEL = /^\p{L}[\p{L}.]*\s?(?:#|n[°º.]|nr\.?|no\.?)?\s?\d{1,3}\s{2,}(?=\p{L})/u;
const HAS_DIGIT = /\d/;
const nameOf = (line: string): string => (HAS_DIGIT.test(line) ? line.replace(NUMBERED_LABEL, '') : line);

/**
 * Numbers split off before the names as the lines' positions ("10  Inspektion  12 AW", "20  Ölfilter  1 St"): an
 * invoice numbers its lines in order, so two or more that run upwards are positions; else a number may as well be a
 * count the reading left out.
 */
function settlePositions(units: readonly Unit[], ambiguities: string[]): void {
  let last = -1;
  let seen = 0;
  let upwards = true;
  for (const u of units) {
    const p = u.item.position;
    if (p === undefined) continue;
    upwards &&= p > last;
    last = p;
    seen++;
  }
  if (seen === 1 || !upwards) ambiguities.push('a number before a name: a position or a count');
}

/** Letters only, no amount: the rest of a heading word wrapped under it. */
function headingWrap(row: Row): boolean {
  return row.amount === null && row.cells.every((c) => HEADING_FRAGMENT.test(c.text));
}

type WrapSide = 'above' | 'below';

/** A figure, a colon or a number sign: a sub-line that states a detail, not a name. */
const DETAIL_SHAPED = /[\d:#]/;

/**
 * A quantity line that carries its amount ("2 x 3,80  7,60", "0.452 kg @ £2.20/kg  0.99"): the plain line above it
 * is its description. One that prints only a unit price ("6 x 0,49" over "Mineralwasser  2,94") prices the line
 * below it.
 */
function pricesLineAbove(row: Row | undefined): boolean {
  return row !== undefined && row.amount !== null && row.cells.length > 1 && qtyLine(row.label.trim()) !== null;
}

/** An amount with no label ("        12.99 A"): the price of the name line above it, which cannot end another item. */
function amountAlone(row: Row | undefined): boolean {
  return row !== undefined && row.amount !== null && row.label.trim() === '';
}

function wrappedLine(row: Row | undefined): boolean {
  return row !== undefined && row.amount === null && row.cells.length === 1 && WRAPPED.test(row.text) && qtyLine(row.text) === null && !BULLET.test(row.text) && !codeLine(row.text);
}

/** An article's EAN or SKU on a line of its own ("EAN 3145891164602", "Art.-Nr. 40-1187"): a code, no wrapped name. */
function codeLine(text: string): boolean {
  const t = text.trim();
  return EAN_LINE.test(t) || SKU_LINE.test(t);
}

/** A priced line with a description of its own (not "0.452 kg @ £2.20/kg  0.99", which prices the line above). */
function itemLine(row: Row | undefined): boolean {
  return row !== undefined && row.amount !== null && row.label.trim() !== '' && qtyLine(row.label.trim()) === null;
}

/**
 * The index of the first amount that is the sum of the amounts above it (a subtotal or the total, whatever its
 * label: the arithmetic says the item lines end there), or rows.length when none is.
 */
function closingRow(rows: readonly Row[], isHeader: (row: Row) => boolean, roleOf: (row: Row) => Evidence): number {
  let running = 0;
  let amounts = 0;
  for (const row of rows) {
    // "2 x 1,89" alone prints a unit price, not a line's amount; "You saved 1.20" adds nothing.
    if (row.amount === null || isHeader(row) || (row.cells.length === 1 && qtyLine(row.text) !== null) || roleOf(row).summary >= 0.8) continue;
    if (amounts > 0 && row.amount.minor === running) return row.index;
    running += row.amount.minor;
    amounts++;
  }
  return rows.length;
}

/**
 * Which side of a wrapped description its amount is printed on, from the receipt's own evidence: a wrapped
 * line that does not follow an item's own line (it follows a rule, a modifier or a quantity line) can only start
 * the next item; one right before a rule can only end the last; a line that starts in lower case continues
 * something ("ibérico (6 uds)", "with 2 Batteries"). `settled` is false when a wrapped line sits between two
 * items and nothing says which one it belongs to, or when the evidence points both ways.
 */
function wrapSide(rows: readonly Row[], isHeader: (row: Row) => boolean, roleOf: (row: Row) => Evidence): { side: WrapSide; settled: boolean; closing: number } {
  // A label that speaks for a role (SUBTOTAL, SAVINGS, Service) is no item and no wrapped description.
  const named = (row: Row): boolean => {
    const ev = roleOf(row);
    return Math.max(ev.total, ev.subtotal, ev.tax, ev.discount, ev.charge, ev.change, ev.summary) >= 0.5;
  };
  // The item lines end at the first line a label names as a total, tender or change; what follows (a promotion
  // footer, "Win 500,00 € in our prize draw") wraps nothing.
  const endsItems = (row: Row): boolean => {
    const ev = roleOf(row);
    return ev.total >= 0.8 || ev.change >= 0.8 || tenderEvidence(ev) >= 0.8;
  };
  const closing = closingRow(rows, isHeader, roleOf);
  let above = 0;
  let below = 0;
  let between = 0;
  for (let i = 1; i + 1 < rows.length; i++) {
    const row = rows[i]!;
    // Only the item lines: what follows the closing sum ("ITEMS 5", card details, a promotion footer) wraps nothing.
    // Before a closing sum the arithmetic found, a tender word names an item ("Bar de ligne", a sea bass).
    if (row.index >= closing || (closing === rows.length && row.amount !== null && endsItems(row))) break;
    // Card details under a tender whose label no one knows ("girocard" under "DEB") are no wrapped description; before
    // a closing sum the arithmetic found, a line with a tender word is an item's ("Bar Snacks").
    if (isHeader(row) || !wrappedLine(row) || named(row) || (closing === rows.length && tenderEvidence(roleOf(row)) >= 0.8)) continue;
    const prev = rows[i - 1]!;
    const next = rows[i + 1]!;
    // A priced add-on ("+ panna 0,50") is not an item's own line: a description wraps neither under nor over it.
    const prevItem = itemLine(prev) && !BULLET.test(prev.label.trim()) && !isHeader(prev) && !named(prev);
    const nextItem = itemLine(next) && !BULLET.test(next.label.trim()) && !named(next) && next.index !== closing;
    if ((!prevItem && !nextItem) || pricesLineAbove(next)) continue;
    if (STARTS_LOWER.test(row.text)) below++;
    else if (nextItem && STARTS_LOWER.test(next.label)) above++;
    else if (!prevItem) above++;
    else if (!nextItem && isSeparator(next)) below++;
    else if (nextItem) between++;
  }
  const settled = (above === 0 || below === 0) && (between === 0 || above + below > 0);
  return { side: above > below ? 'above' : 'below', settled, closing };
}

export function readBody(rows: readonly Row[], rules: Rules, refund: boolean, isHeader: (row: Row) => boolean): Body {
  const units: Unit[] = [];
  const ambiguities: string[] = [];
  const evidenceFor = (label: string): Evidence => labelEvidence(label, rules.vocabulary, rules.labelMatchers);
  const wrap = wrapSide(rows, isHeader, (row) => evidenceFor(row.label));
  let wrapNoted = false;
  const taxTable: Tax[] = [];
  const plainRows: Row[] = [];
  let current: ItemDraft | null = null;
  let currentUnit: Unit | null = null;
  let pending: string | null = null;
  let pendingAt = -1;
  let pendingIndent = 0;
  let pendingEan: string | null = null;
  let pendingSku: string | null = null;
  /** The volume and price per unit printed on lines of their own under the pending name (a pump's grade). */
  let pendingMeasure: { qty: string; unit: string; price: string | null } | null = null;
  /** Name lines among the items that no priced line took (leavePending). */
  const unread: string[] = [];
  /** The last row of the latest item and of the plain lines printed right under it: its sub-lines. */
  let chainEnd = -1;
  /** The pending name line is one of those sub-lines. */
  let pendingUnder = false;
  /** A line read as the total, a tender or the change: the item lines are over. */
  let pastItems = false;
  /** The row the pending name (or its last detail line) was printed on, and its detail lines (see readPlainRow). */
  let pendingRow = -1;
  let pendingDetails: string[] = [];
  /** A qty/price line printed above its item ("  6 x 0,49" then "Water  2,94"), waiting for it. */
  let pendingQty: { qty: string; unit: string | undefined; price: string; expect: number | null } | null = null;
  let afterRule = false;
  let taxRoles: (TaxRole | 'amount')[] | null = null;
  let taxHeaderAt = -1;
  /** The last row of a tax sentence read (taxSentence), so that its second line is not read again. */
  let sentenceEnd = -1;
  /** A count was read from a quantity line of its own (settleCountsInNames). */
  let countOnOwnLine = false;
  let started = rules.itemsStart === null;

  const push = (row: Row, item: ItemDraft, article = false): void => {
    if (pendingEan !== null && item.ean === null) item.ean = pendingEan;
    pendingEan = null;
    if (pendingSku !== null && item.sku === null) item.sku = pendingSku;
    pendingSku = null;
    if (pendingQty !== null && item.quantity === 1 && (pendingQty.expect === null || Math.abs(pendingQty.expect - Math.abs(item.amount)) <= 1)) {
      quantityFromLine(item, pendingQty);
    } else if (pendingQty !== null) {
      // Quantity × unit price is the amount of neither line beside it: some line's quantity went unread.
      ambiguities.push(`"${pendingQty.qty} x ${pendingQty.price}": a quantity line that prices neither line beside it`);
    }
    pendingQty = null;
    const label = row.amount === null ? item.description : row.label;
    let ev = evidenceFor(label);
    // A profile's itemsEnd line is read as the total line (a copy: evidence is shared by label).
    if (rules.itemsEnd?.test(row.text) === true) ev = { ...ev, total: Math.max(ev.total, 1) };
    // A count at a unit price is sold, never a tax line, whatever its name says ("City-Tax 2 x 4,90", "Tourist tax").
    else if (ev.tax > 0 && item.unitPriceText !== null) ev = { ...ev, tax: 0 };
    if (pending !== null && pendingDetails.length > 0 && item.description.startsWith(nameOf(pending))) {
      for (const d of pendingDetails) item.modifiers.push({ description: d, amount: null });
    }
    pendingDetails = [];
    leavePending(row.index, item.description);
    chainEnd = row.index;
    pastItems ||= ev.total >= 0.8 || ev.change >= 0.8 || tenderEvidence(ev) >= 0.8;
    const unit: Unit = { row, amount: item.amount, label, ev, afterRule, item, article };
    if (item.ambiguity !== null) ambiguities.push(item.ambiguity);
    units.push(unit);
    current = item;
    currentUnit = unit;
    pending = null;
    afterRule = false;
  };

  for (const row of rows) {
    if (rules.ignore.some((re) => re.test(row.text))) continue;
    if (!started) {
      if (rules.itemsStart!.test(row.text)) started = true;
      continue;
    }
    if (row.cells.length === 0 || isSeparator(row)) {
      current = null;
      leavePending(row.index, null);
      pending = null;
      taxRoles = null;
      afterRule = true;
      continue;
    }
    // A tax in a sentence names its base beside it: the row's rightmost amount may be that base. The row still
    // reads on as it did for the arithmetic (a US till's added tax is part of the sums).
    const sentence = row.index > sentenceEnd ? taxSentence(row, rows[row.index + 1]) : null;
    if (sentence !== null) {
      taxTable.push(sentence.tax);
      sentenceEnd = row.index + sentence.rows - 1;
    }
    const roles = taxHeaderRoles(row);
    if (roles !== null) {
      taxRoles = roles;
      taxHeaderAt = row.index;
      current = null;
      continue;
    }
    // A heading too long for its narrow column wraps onto the next line ("Percent" over "uale"): the table goes on under it.
    if (taxRoles !== null && row.index === taxHeaderAt + 1 && headingWrap(row)) continue;
    if (taxRoles !== null) {
      const tax = taxFromTableRow(row, taxRoles);
      if (tax !== null) {
        if (!TOTAL_ROW.test(row.text) || taxTable.length === 0) taxTable.push(tax);
        continue;
      }
      taxRoles = null;
    }
    if (row.amount === null && rules.itemPatterns.length > 0 && readPatternRow(row)) continue;
    if (row.amount === null || isHeader(row)) {
      plainRows.push(row);
      readPlainRow(row);
      continue;
    }
    readMoneyRow(row);
  }
  settleCountsInNames();
  settlePositions(units, ambiguities);
  // A line printed among the items that the reading made nothing of: a name, a count or a code went somewhere
  // else, or nowhere, and the sums close all the same.
  if (unread.length > 0) ambiguities.push(`"${unread[0]}": a line among the items that no item took`);
  codesInRateColumn(rows, units);
  codesFromLegend(rows, units);
  return { units, ambiguities, taxTable, plainRows };

  /**
   * The waiting name line given up at row `at`: read as nothing unless the item `takenBy` took it, it is a heading
   * word ("DRINKS"), or it is printed right under an item (its detail: a tracking number, a course of a set menu).
   * Only between the first item and the total: the header and the footer print lines no item takes.
   */
  function leavePending(at: number, takenBy: string | null): void {
    if (pending === null || pendingUnder || pastItems || units.length === 0 || at >= wrap.closing || CAPITALS_WORD.test(pending) || sectionHeading(pending)) return;
    // A name's bracketed code is its SKU ("Brocha 50mm [31007]"), and the article number before it too ("401233
    // Trail shoe"): neither is part of the description.
    const name = splitArticleCode(nameOf(pending)).name;
    if (takenBy !== null && (takenBy.includes(name) || name.startsWith(takenBy))) return;
    unread.push(pending);
  }

  /** A quantity line's count and price ("2 x 3,80", "0,452 kg x 2,20/kg") set on its item. */
  function quantityFromLine(item: ItemDraft, qty: { qty: string; unit: string | undefined; price: string }): void {
    setQuantity(item, qty.qty, qty.unit, qty.price);
    if (Number.isInteger(item.quantity) && item.quantity > 1) countOnOwnLine = true;
  }

  /**
   * A receipt that prints some line's count before its name ("2 x Milk") or on a line of its own ("2 x 0,95"): a till
   * prints its counts one way, so a small count at the end of a name ("Eggs x6") is a pack size.
   */
  function settleCountsInNames(): void {
    const countBefore = units.some((u) => u.item.quantity > 1 && Number.isInteger(u.item.quantity) && countBeforeName(u.label));
    // The other way round, a till that prints "x1" after a name (no pack is sold as one), or a unit price under a
    // count after a name (count × price is the amount), prints its counts after the names: "x3" is a count too.
    const countAfter = units.some((u) => u.item.countInName !== null && (u.item.quantity === 1 || u.item.unitPrice !== null));
    if (!countOnOwnLine && !countBefore && !countAfter) return;
    for (const u of units) {
      if (u.item.countInName === null) continue;
      const noted = ambiguities.indexOf(u.item.ambiguity!);
      if (noted >= 0) ambiguities.splice(noted, 1);
      if (countOnOwnLine || countBefore) packInName(u.item);
      else {
        u.item.countInName = null;
        u.item.ambiguity = null;
      }
    }
  }

  function readPlainRow(row: Row): void {
    const label = row.label.trim();
    const ean = EAN_LINE.exec(row.text);
    if (ean !== null) {
      if (current !== null && current.ean === null) current.ean = ean[1]!;
      else pendingEan = ean[1]!;
      return;
    }
    const sku = SKU_LINE.exec(row.text);
    // Over a name line the code is the next article's ("Art. 204.112.87" over "Shelf unit" over "1 x 79,00"); one
    // indented under an item is that item's ("  SKU TL-3041" over "  Size 12").
    const under = current !== null && row.indent > current.indentAt + 12;
    if (sku !== null && !under && rows[row.index + 1]?.amount === null && rows[row.index + 1]!.cells.length > 0) {
      pendingSku = sku[1]!;
      return;
    }
    if (sku !== null && current !== null) {
      current.sku ??= sku[1]!;
      return;
    }
    const qty = qtyLine(label);
    if (qty !== null) {
      attachQty(qty, row);
      return;
    }
    if (DECORATED_HEADING.test(label)) {
      current = null;
      leavePending(row.index, null);
      pending = null;
      return;
    }
    if (pricesCountAbove(label)) return;
    const indented = current !== null && row.indent > current.indentAt + 12;
    if (current !== null && (indented || BULLET.test(label))) {
      current.modifiers.push({ description: label.replace(BULLET, ''), amount: null });
      return;
    }
    // A description wrapped onto a second line, its amount on the first: the line continues the item above.
    // Not over a priced quantity line or an amount alone, even past an article's code lines ("Soap" over "EAN" over
    // "2 x 1,95  3,90"): that line's name.
    const next = pastCodes(row.index);
    if (current !== null && currentUnit !== null && wrap.side === 'below' && wrappedLine(row) && (currentUnit as Unit).row.index === row.index - 1 && !afterRule && !pricesLineAbove(next) && !amountAlone(next) && !headsSection(label, current.description)) {
      // Its validity or its seats under it are the article's detail: the item stays open for a wrapped name no more.
      if (detailLine(label)) {
        current.modifiers.push({ description: label, amount: null });
        return;
      }
      noteUnsettledWrap(label);
      // Words in capitals under a name in mixed case: as well the heading of the lines below as the end of this name.
      if (HEADING_SHAPED.test(label) && HAS_LOWER.test(current.description)) ambiguities.push(`"${label}": a heading or the end of the name above`);
      // The item stays open: its add-ons and modifiers are printed under the wrapped line.
      current.description = `${current.description} ${label}`;
      return;
    }
    // An indented line right under a name that waits for its price ("Trail shoe" over "  Ref. 4410  Size 9"): the
    // article's reference, size or colour, not a name of its own; the name still waits for its priced line. Not a
    // name indented under its department's heading ("TOYS" over "  Kite").
    if (pending !== null && pendingRow === row.index - 1 && row.indent > pendingIndent + 12 && !headsSection(pending, label)) {
      pendingDetails.push(label);
      pendingRow = row.index;
      if (pendingAt >= 0) pendingAt = row.index;
      return;
    }
    // A pump's grade over its volume and its price per unit ("REG UNLEADED" / "GALLONS 11.482" / "PRICE/GAL $3.199"):
    // the name waits, with its quantity, for the sale's amount.
    const measure = pending !== null && pendingRow === row.index - 1 ? labelledMeasure(label) : null;
    if (measure !== null && pendingMeasure === null) {
      pendingMeasure = { ...measure, price: null };
      pendingRow = row.index;
      return;
    }
    const perUnit = pendingMeasure !== null && pendingMeasure.price === null && pendingRow === row.index - 1 ? labelledUnitPrice(label) : null;
    if (perUnit !== null) {
      pendingMeasure!.price = perUnit;
      pendingRow = row.index;
      return;
    }
    leavePending(row.index, null);
    // Under an item, a line with a figure or a label's colon is its detail ("Trk# 1Z4F…", "Dessert: flan", "2nd Soup");
    // one of words only may as well be the next item's name wrapped over two lines.
    pendingUnder = units.length > 0 && row.index === chainEnd + 1 && DETAIL_SHAPED.test(label);
    if (pendingUnder) chainEnd = row.index;
    pending = label;
    pendingRow = row.index;
    pendingDetails = [];
    pendingMeasure = null;
    // On a receipt that wraps below the amount, a plain line starts the next item only when it cannot end one
    // above; with no item above at all it is the header's last line ("CAFÉ CORNER" over the first item).
    pendingAt = wrappedLine(row) && (wrap.side === 'above' || units.length > 0) ? row.index : -1;
    pendingIndent = row.indent;
    current = null;
  }

  /** The row after row `at`, past the code lines (an EAN or an SKU) an article prints between its name and its price. */
  function pastCodes(at: number): Row | undefined {
    let next = rows[at + 1];
    while (next !== undefined && next.amount === null && (EAN_LINE.test(next.text) || SKU_LINE.test(next.text))) next = rows[next.index + 1];
    return next;
  }

  /** A wrapped line joined to one side while the receipt does not settle which: the other reading is as good. */
  function noteUnsettledWrap(label: string): void {
    if (wrap.settled || wrapNoted) return;
    ambiguities.push(`"${label}": the end of the item above or the start of the next`);
    wrapNoted = true;
  }

  /**
   * "@ 27.49 ea", "PU 6,90" under an item whose count a column printed: its unit price, set on it, when the count at
   * that price is its amount. A unit price is never a line of its own.
   */
  function pricesCountAbove(text: string): boolean {
    const reference = current === null || current.unitPrice !== null ? null : referenceAndUnitPrice(text, current.quantity, current.amount);
    if (reference !== null) {
      current!.sku ??= reference.sku;
      setQuantity(current!, String(current!.quantity), current!.unit ?? undefined, reference.price);
      return true;
    }
    // A measure left in the name ("Motoröl 5W-30  4,5 l") that a rate under it prices ("je 16,90"): the quantity.
    const measure = current !== null && current.quantity === 1 && current.unitPrice === null ? measureInName(current.description) : null;
    const rate = measure === null ? null : labelledRate(text, Number(measure.qty.replace(',', '.')), current!.amount);
    if (rate !== null) {
      current!.description = measure!.name;
      setQuantity(current!, measure!.qty, measure!.unit, rate);
      return true;
    }
    const unitPrice = current === null ? null : current.quantity === 1 ? labelledRate(text, 1, current.amount) : (unitPriceAlone(text, current.quantity, current.amount) ?? labelledRate(text, current.quantity, current.amount));
    if (unitPrice === null) return false;
    // The rate settles a measure read as the quantity (a size is not priced per unit).
    if (current!.ambiguity !== null && current!.ambiguity.endsWith(SIZE_OR_QUANTITY)) {
      const noted = ambiguities.indexOf(current!.ambiguity);
      if (noted >= 0) ambiguities.splice(noted, 1);
      current!.ambiguity = null;
    }
    setQuantity(current!, String(current!.quantity), undefined, unitPrice);
    return true;
  }

  /** "2 @ 3.20" alone: the price at its end is a unit price, for the item above or (by the arithmetic) below. */
  function attachQty(qty: { qty: string; unit: string | undefined; price: string }, row: Row): void {
    const expect = qtyTimesPrice(qty.qty, qty.price);
    if (current !== null && current.quantity === 1 && expect !== null && Math.abs(expect - Math.abs(current.amount)) <= 1) {
      // Between two lines of the same amount the quantity prices either: only the till's habit would say which. A
      // line that takes the one above back ("Storno …  -5,96") is no second candidate.
      const next = rows[row.index + 1];
      if (itemLine(next) && next!.amount!.minor === Math.sign(current.amount) * expect) ambiguities.push(`"${row.text.trim()}": the quantity of the line above or of the line below`);
      quantityFromLine(current, qty);
      return;
    }
    pendingQty = { ...qty, expect };
  }

  /** A profile's item pattern, tried first on every row (its amount may be printed anywhere on the line). */
  function readPatternRow(row: Row): boolean {
    for (const re of rules.itemPatterns) {
      const m = re.exec(row.text);
      if (m?.groups !== undefined) {
        const item = itemFromPattern(m.groups, row.indent);
        if (item !== null) {
          push(row, item);
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A negative line that repeats an earlier item's description after some mark and takes off exactly its amount
   * ("Línea anulada Tostada", "RETT. Bignè", "Sofortstorno Pizza"): the till cancelled that item, whatever its
   * word for it, so the line is a negative article, not a discount.
   */
  function cancelsEarlierItem(label: string, minor: number): boolean {
    if (minor >= 0) return false;
    const text = label.toLowerCase();
    const repeats = (name: string): boolean => name.length >= 3 && text.length > name.length + 1 && text.endsWith(name) && /[\s.:]$/.test(text.slice(0, -name.length));
    return units.some((u) => {
      if (u.amount !== -minor) return false;
      const name = u.item.description.toLowerCase();
      // A wrapped description is repeated by its first line ("Korr. Rotkohl 720 g" for "Rotkohl 720 g / im Glas").
      const words = name.split(' ');
      return repeats(name) || words.some((_, i) => i > 0 && repeats(words.slice(0, i).join(' ')));
    });
  }

  function readMoneyRow(row: Row): void {
    const amount = row.amount!;
    if (readPatternRow(row)) return;
    const label = row.label.trim();
    const indented = current !== null && row.indent > current.indentAt + 12;
    // "2 x 1,20" alone, in one cell or with its price in a column of its own ("6 x   0,95"): a unit price.
    const only = qtyLine(row.text);
    if (only !== null) return attachQty(only, row);
    // "@ 0.08" printed as money: still the unit price of the counted line above, when it makes that line's amount.
    if (pricesCountAbove(row.text)) return;
    const qty = qtyLine(label) ?? (pending !== null ? qtyPriceColumns(label, amount.minor) : null);
    if (qty !== null) {
      if (pending !== null) {
        const item = newItem(nameOf(pending), amount, row.indent);
        quantityFromLine(item, qty);
        return push(row, item);
      }
      if (current !== null && current.amount === amount.minor && current.quantity === 1) {
        quantityFromLine(current, qty);
        return;
      }
    }
    const ev = evidenceFor(label);
    const item = itemFromLabel(label, amount, row.indent);
    // A line the house offers repeats the dish's name too ("Offert Cervelle de canut"): a discount, not a void. A
    // table's count column before the void's mark ("1  VOID Latte  2,20  -2,20") leaves it a voided line.
    if (isArticleLabel(label) || (item.description !== label && isArticleLabel(item.description)) || (ev.discount < 0.8 && cancelsEarlierItem(label, amount.minor))) return push(row, item, true);
    // A minus (or a discount word) right under an item is that item's own discount; on a refund every line
    // prints negative, so only the word counts there.
    // The line above must read as an item: a minus under "Subtotal" is a basket discount.
    const underItem = currentUnit !== null && !afterRule && Math.max((currentUnit as Unit).ev.subtotal, (currentUnit as Unit).ev.total, (currentUnit as Unit).ev.tax, (currentUnit as Unit).ev.charge) < 0.5;
    if (current !== null && underItem && (indented || ev.discount >= 0.8) && ((amount.minor < 0 && !refund) || ev.discount >= 0.8)) {
      current.discounts.push({ description: label.replace(BULLET, ''), amount: -Math.abs(amount.minor) });
      return;
    }
    // "dont éco-participation DEEE : 10,00 €", "di cui contributo RAEE 16,00", "davon Pfand 0,25": a part of the
    // amount above, already in it (an eco fee, a deposit), stated under the article: its detail, never a line to add.
    if (current !== null && underItem && amount.minor > 0 && OF_WHICH.test(label) && ev.tax < 0.6) {
      current.modifiers.push({ description: row.text.trim(), amount: null });
      return;
    }
    const addOn = underItem && (ADD_ON.test(label) || (STAR_BULLET.test(label) && current !== null && !current.description.startsWith('*')));
    if (current !== null && (indented || addOn) && amount.minor > 0 && ev.charge < 0.6 && ev.tax < 0.6) {
      current.modifiers.push({ description: label.replace(BULLET, ''), amount: amount.minor });
      return;
    }
    if (label === '' && pending !== null) return push(row, newItem(nameOf(pending), amount, row.indent));
    if (label === '') return;
    // The sale under a grade's volume and price per unit, when the volume at that price is its amount.
    const measured = pendingMeasure;
    pendingMeasure = null;
    if (measured !== null && measured.price !== null && pending !== null && pendingRow === row.index - 1) {
      const expect = qtyTimesPrice(measured.qty, measured.price);
      if (expect !== null && Math.abs(expect - Math.abs(amount.minor)) <= 1) {
        const item = newItem(nameOf(pending), amount, pendingIndent);
        setQuantity(item, measured.qty, measured.unit, measured.price);
        return push(row, item);
      }
    }
    const nameAbove = pending !== null && pendingAt === row.index - 1;
    // A priced line indented under a name ("Lavadora 3 (18 kg)" over "  Prog. 60º  7,00"): the programme, variant
    // or option of the article named above, not the rest of its name (a wrapped name keeps its indent).
    // One that starts with its own count ("  2 x Soup  9,00" under "KITCHEN") is a sold line of its own under a heading,
    // and so is one under a heading word in capitals ("PARTS" over "  Oil filter  12,49").
    if (nameAbove && row.indent > pendingIndent + 12 && !countBeforeName(label) && !headsSection(pending!, label)) {
      const item = newItem(nameOf(pending!), amount, pendingIndent);
      item.modifiers.push({ description: label, amount: null });
      return push(row, item);
    }
    // A size or colour on the priced line under an article's number and name ("401233  Trail shoe" over "Size 9  1 x
    // 89,00  89,00"): the variant of the article the number opens, neither a name of its own nor the rest of that
    // name. Under a name with no number the size may as well end the name: left as it reads.
    const article = pending !== null && pendingRow === row.index - 1 && attributeLine(item.description) ? splitArticleCode(pending) : null;
    if (article !== null && (article.sku !== null || article.ean !== null)) {
      item.modifiers.push({ description: item.description, amount: null });
      item.description = nameOf(article.name);
      item.sku ??= article.sku;
      item.ean ??= article.ean;
      return push(row, item);
    }
    // A pump's or a bay's number before the name on the item's own line ("Pump 4  Unleaded  60,00").
    item.description = nameOf(item.description);
    // A description wrapped onto a second line, its amount on the last: the line above starts this item. A
    // wrapped line that could not end the item above (readPlainRow) starts this one, whatever the receipt's side.
    if (nameAbove && !headsSection(pending!, item.description)) {
      if (wrap.side === 'above') noteUnsettledWrap(pending!);
      // Words in capitals over a name in mixed case ("SERVICE PARTS" over "Oil filter"): as well a heading as the
      // start of the name.
      if (!pastItems && HEADING_SHAPED.test(pending!) && HAS_LOWER.test(item.description)) ambiguities.push(`"${pending}": a heading or the start of the name under it`);
      item.description = `${nameOf(pending!)} ${item.description}`;
    }
    push(row, item);
  }
}
