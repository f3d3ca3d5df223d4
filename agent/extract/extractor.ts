// Reads a receipt's rows into a basket (without checks): the body into money units (units.ts), the solver's
// reading of them (solver.ts: items, subtotal, discounts, charges, total, tenders, change, tax lines), then
// card details under their tenders, header fields, receipt number (ids.ts), time, loyalty and barcodes, in the
// store context resolved for this receipt (context.ts). A profile steers it through Rules.
import type { PrintedDocument } from '../decode/document.js';
import type { BarcodeRef, Basket, BasketKind, Discount, EntryMode, Item, Loyalty, Merchant, Tax, Tender, TenderType } from './basket.js';
import { findDate, findTime, toIsoLocal, type DateOrder } from './dates.js';
import {
  AUTH_CODE,
  CARD_SCHEMES,
  cleanOperator,
  ENTRY_MODES,
  integerIn,
  LOYALTY_ID,
  LOYALTY_LINE,
  MASKED_PAN,
  MASKED_PAN_GROUPED,
  POINTS_BALANCE,
  POINTS_EARNED,
  type FieldPatterns,
} from './fields.js';
import { dateIsAmbiguous, type BasketContext } from './context.js';
import { labelWords } from './evidence.js';
import { findReceiptNumber, printsMaskedId, printsUnnamedId, receiptNumberFromCodes, type CodeEvidence } from './ids.js';
import { finishItem, type ItemDraft } from './items.js';
import { unreadTraces } from './leftovers.js';
import { parseRate } from './money.js';
import { rateFromColumn } from './tax-column.js';
import { printsUnreadRate, rateFromHeading } from './tax-heading.js';
import { maskIdentifier, maskPans, normaliseMaskedPan } from './privacy.js';
import type { Row } from './rows.js';
import { isSeparator } from './rows.js';
import type { Rules } from './rules.js';
import { misreadInCodePage } from './scripts.js';
import { solve } from './solver.js';
import { readBody } from './units.js';

export type ExtractedBasket = Omit<Basket, 'id' | 'revision' | 'confidence' | 'checks' | 'parser'>;

const REPORT_TITLE = /\b[XZ][\s-]?(?:report|read(?:ing)?|bericht|abschlag|ticket)\b|\b(?:tagesabschluss|kassenabschluss|kassenbericht|end of day report|rapport [XZ])\b/i;
const VOID_TITLE = /^[\s*=-]*(?:void|voided|transaction void(?:ed)?|transaction cancell?ed|sale voided|storno|bon storniert|beleg storniert|annulé|annulée|annulation|ticket annulé)[\s*=!-]*$/i;
const REFUND_TITLE = /^[\s*=-]*(?:refund|return|returns? receipt|refund receipt|erstattung|rückgabe|retoure|remboursement|avoir)[\s*=!-]*$/i;
const SLIP_MARKER = /\b(?:AID|cardholder copy|customer copy|merchant copy|please retain|retain this|kundenbeleg|händlerbeleg|ticket client|ticket commerçant)\b/i;
function firstField(rows: readonly Row[], patterns: readonly RegExp[]): string | null {
  for (const re of patterns) {
    for (const row of rows) {
      const m = re.exec(row.text);
      const value = m?.[1] ?? (m?.groups === undefined ? undefined : Object.values(m.groups)[0]);
      if (value !== undefined && value.trim() !== '') return value.trim();
    }
  }
  return null;
}

function fieldMatches(row: Row, fields: FieldPatterns): boolean {
  for (const list of Object.values(fields) as RegExp[][]) {
    for (const re of list) if (re.test(row.text)) return true;
  }
  return false;
}

/** True for the first lines that name the document rather than the merchant. */
const TITLE = /^[\s*=-]*(?:customer copy|merchant copy|cardholder copy|copy|duplicate|receipt|sales receipt|tax invoice|vat receipt|kundenbeleg|quittung|rechnung|ticket|reçu|welcome|willkommen|bienvenue)[\s*=!-]*$/i;

function readMerchant(rows: readonly Row[], rules: Rules, dateOrder: DateOrder, vatNumber: string | null, phone: string | null): Merchant {
  let name: string | null = null;
  const address: string[] = [];
  let nameRow: Row | null = null;
  for (const row of rows.slice(0, 12)) {
    if (row.cells.length === 0 || isSeparator(row) || rules.ignore.some((re) => re.test(row.text))) {
      if (nameRow !== null && address.length > 0) break;
      continue;
    }
    if (nameRow === null) {
      if (TITLE.test(row.text) || REPORT_TITLE.test(row.text) || VOID_TITLE.test(row.text) || REFUND_TITLE.test(row.text)) continue;
      if (!/\p{L}/u.test(row.text) || row.amount !== null) break;
      name = row.text;
      nameRow = row;
      continue;
    }
    const stop =
      row.align !== nameRow.align ||
      row.amount !== null ||
      fieldMatches(row, rules.fields) ||
      findDate(row.text, dateOrder) !== null ||
      findTime(row.text) !== null ||
      TITLE.test(row.text) ||
      REPORT_TITLE.test(row.text) ||
      SLIP_MARKER.test(row.text);
    if (stop) break;
    address.push(row.text.replace(/\s{2,}/g, ' '));
  }
  return {
    name: rules.merchant.name ?? name,
    address: rules.merchant.address ?? (address.length > 0 ? address.join(', ') : null),
    vatNumber: rules.merchant.vatNumber ?? (vatNumber === null ? null : vatNumber.replace(/\s/g, '').toUpperCase()),
    phone: rules.merchant.phone ?? phone,
  };
}

/**
 * A date of another event than the sale: an expiry, a next visit, a payment due, when a repair or cleaning is ready
 * ("Gültig bis 20.03.2025", "Valid until 31/12/25", "Próxima revisión 09/2026", "Prêt le 21/03"). Not a collection
 * or delivery: a takeaway prints its order type before the sale's own time ("COLLECTION 19/12/2025 18:44").
 */
const OTHER_EVENT_DATE =
  /\b(?:valid|g[üu]ltig|geldig|valable|v[aá]lid[oa]|expir\w*|ablauf|scad\w*|vence|caduc\w*|until|jusqu|hasta|fino al|tot en met|next|n[äa]chste\w*|volgende|prochaine?|pr[oó]xim[ao]|prossim[ao]|due|f[äa]llig|ready|fertig|pr[eê]te?s?|retirer)\b/i;

/** Card evidence below this is a hint ("paid", "pago"), not a name of the way of paying. */
const TENDER_WORD = 0.6;

/** Hours and minutes as any clock prints them ("10:47", "14h32", "9.42"). */
const CLOCK_SHAPE = /\d[:h.]\d\d/;

/**
 * The first date printed with a time beside it; else the first date. A stay's arrival and departure, a folio's
 * nights, print dates with no time before the sale's own date and time ("Anreise 02.10.2025" … "Datum: 04.10.2025
 * 10:47", "Arr 14 Oct 2025" over "15 Oct 2025  9:42 PM").
 */
function readTransactionAt(rows: readonly Row[], dateOrder: DateOrder, timeZone: string): string | null {
  let dateOnly: string | null = null;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    // After a date with no time, only a line that could print a time is worth reading (throughput).
    if (dateOnly !== null && (row.amount !== null || !CLOCK_SHAPE.test(row.text))) continue;
    const date = findDate(row.text, dateOrder);
    // Asked only of a line that prints a date: the long list of event words is the costlier test.
    if (date === null || OTHER_EVENT_DATE.test(row.text)) continue;
    const time = findTime(row.text) ?? findTime(rows[i + 1]?.text ?? '') ?? findTime(rows[i - 1]?.text ?? '');
    if (time !== null) return toIsoLocal(date, time, timeZone);
    const pad = (n: number): string => String(n).padStart(2, '0');
    dateOnly ??= `${date.year}-${pad(date.month)}-${pad(date.day)}`;
  }
  return dateOnly;
}

function detectKind(rows: readonly Row[], rules: Rules): BasketKind | null {
  const head = rows.slice(0, 15);
  if (head.some((r) => REPORT_TITLE.test(r.text))) return 'report';
  if (rows.some((r) => VOID_TITLE.test(r.text))) return 'void';
  // A refund says so in its title at the top or in its total label; a "Returns" line in a footer does not count.
  if (head.some((r) => REFUND_TITLE.test(r.text)) || rows.some((r) => r.amount !== null && rules.isRefundTotal(r.label))) return 'refund';
  return null;
}

function taxFromLine(row: Row): Tax {
  const label = row.label;
  const code = /(?:vat|mwst|ust|tva|tax|btw|iva)\s+([A-Z])\b/i.exec(label)?.[1] ?? null;
  return { code, rate: parseRate(label), net: null, tax: row.amount!.minor, gross: null };
}

interface CardDetails {
  scheme: string | null;
  maskedPan: string | null;
  authCode: string | null;
  entryMode: EntryMode | null;
}

function readCardDetail(row: Row, into: CardDetails): boolean {
  if (LOYALTY_LINE.test(row.text)) return false;
  let hit = false;
  const pan = MASKED_PAN_GROUPED.exec(row.text) ?? MASKED_PAN.exec(row.text);
  if (pan !== null && into.maskedPan === null) {
    into.maskedPan = normaliseMaskedPan(pan[1]!);
    hit ||= into.maskedPan !== null;
  }
  const auth = AUTH_CODE.exec(row.text);
  if (auth !== null && into.authCode === null) {
    into.authCode = auth[1]!;
    hit = true;
  }
  for (const [re, mode] of ENTRY_MODES) {
    if (re.test(row.text)) {
      into.entryMode ??= mode;
      hit = true;
      break;
    }
  }
  for (const [re, scheme] of CARD_SCHEMES) {
    if (re.test(row.text)) {
      into.scheme ??= scheme;
      hit = true;
      break;
    }
  }
  return hit;
}

function readLoyalty(rows: readonly Row[]): Loyalty | null {
  let loyalty: Loyalty | null = null;
  for (const row of rows) {
    if (row.amount !== null || !LOYALTY_LINE.test(row.text)) continue;
    loyalty ??= { scheme: null, memberIdMasked: null, pointsEarned: null, pointsBalance: null };
    const text = row.text.replace(/\s{2,}/g, ' ');
    if (POINTS_EARNED.test(text)) {
      loyalty.pointsEarned ??= integerIn(text.replace(/^\D*?(?=\d)/, ''));
      continue;
    }
    if (POINTS_BALANCE.test(text)) {
      loyalty.pointsBalance ??= integerIn(text.replace(/^\D*?(?=\d)/, ''));
      continue;
    }
    const id = LOYALTY_ID.exec(text);
    if (id !== null && /\d{4}$/.test(id[2]!.replace(/\s/g, ''))) {
      loyalty.memberIdMasked ??= maskIdentifier(id[2]!);
      const scheme = id[1]!.replace(/\b(?:card|no|number|member|id|nr|membership)\b\.?/gi, '').replace(/[:#.\s]+$/g, '').trim();
      loyalty.scheme ??= scheme === '' ? null : scheme;
    } else if (loyalty.scheme === null && !/\d/.test(text)) {
      loyalty.scheme = text.replace(/[:*\s]+$/g, '').trim();
    }
  }
  return loyalty;
}

/** An image block printed after the first line that holds an amount (a logo is printed above them). */
function pictureAfterAmounts(doc: PrintedDocument): boolean {
  let amounts = false;
  for (const block of doc.blocks) {
    if (block.kind === 'image' && amounts) return true;
    if (block.kind === 'text' && !amounts) for (const span of block.spans) if (/\d[.,]\d\d/.test(span.text)) amounts = true;
  }
  return false;
}

function barcodesOf(doc: PrintedDocument): BarcodeRef[] {
  const out: BarcodeRef[] = [];
  for (const block of doc.blocks) {
    if (block.kind === 'barcode' || block.kind === '2d') out.push({ symbology: block.symbology, data: maskPans(block.data) });
  }
  return out;
}

function negate(n: number): number;
function negate(n: number | null): number | null;
function negate(n: number | null): number | null {
  return n === null || n <= 0 ? n : -n;
}

/** A refund is money to the shopper: its positive figures are turned negative (see basket.ts). */
function signRefund(b: ExtractedBasket): void {
  for (const item of b.items) {
    item.amount = negate(item.amount);
    for (const m of item.modifiers) m.amount = negate(m.amount);
  }
  b.subtotal = negate(b.subtotal);
  b.total = negate(b.total);
  for (const t of b.tenders) t.amount = negate(t.amount);
  for (const t of b.taxes) {
    t.net = negate(t.net);
    t.tax = negate(t.tax);
    t.gross = negate(t.gross);
  }
}


export interface ReadOptions {
  context: BasketContext;
}

/** What extraction learnt besides the basket: how clear the solver's choice was, for confidence. */
export interface ReadSignals {
  margin: number;
  itemsClose: boolean;
  tendersClose: boolean;
  /** Why the item lines could be read another way that closes the same sums (units.ts). */
  ambiguities: string[];
  /** The receipt number came from a barcode or QR code, and on what evidence (ids.ts); null when from the text. */
  idFromCode: CodeEvidence | null;
  /**
   * No receipt number was found under a receipt label, yet the header prints an id that no label names, a labelled
   * one is masked, or a barcode or QR code carries an id other than the one read.
   */
  unnamedId: boolean;
  /**
   * No receipt number was found under a receipt label, yet a picture is printed after the amounts: tills (and receiptline) print the
   * receipt's QR code or barcode as an image, whose data no one can read back from the text.
   */
  codeAsPicture: boolean;
  /** The receipt's numeric date reads either way round (03/04). */
  ambiguousDate: boolean;
  /** A tender's label names no way of paying ("TEND", "PAYMT") and nothing else on the receipt tells it. */
  untypedTender: boolean;
  /** A card tender rests on a weak word ("Deposit paid": "paid" is weak card evidence) and prints no card details. */
  weaklyTypedTender: boolean;
  /** The shop's name or address or an item's description was decoded in another code page than it was printed in (scripts.ts). */
  misreadText: boolean;
  /** Traces on the receipt of a field left unread (leftovers.ts). */
  unreadTraces: string[];
  /** A tax was read at no rate while the receipt prints one (tax-heading.ts). */
  unreadTaxRate: boolean;
}

/** The basket's own words (shop, items, discounts) read in another code page than they were printed in. */
function printsMisreadText(b: ExtractedBasket): boolean {
  if (b.merchant.name !== null && misreadInCodePage(b.merchant.name)) return true;
  if (b.merchant.address !== null && misreadInCodePage(b.merchant.address)) return true;
  for (const item of b.items) if (misreadInCodePage(item.description)) return true;
  for (const d of b.discounts) if (misreadInCodePage(d.description)) return true;
  return false;
}

/** Where the header ends: the first rule line printed before any amount (nothing when there is none). */
function headerEnd(rows: readonly Row[]): number {
  for (const row of rows) {
    if (row.amount !== null) return 0;
    if (isSeparator(row)) return row.index;
  }
  return 0;
}

/** The words of a card's name: what is left of a tender label besides them is its brand. */
const CARD_WORDS = new Set(['card', 'karte', 'carte', 'kaart', 'tarjeta', 'carta']);

/** A card tender's label names the shop: every word but the word for a card is a word of the shop's name. */
function namesShop(label: string, shop: string | null): boolean {
  if (shop === null) return false;
  const words = labelWords(label);
  const brand = words.filter((w) => !CARD_WORDS.has(w));
  if (brand.length === 0 || brand.length === words.length) return false;
  const shopWords = new Set(labelWords(shop));
  return brand.every((w) => w.length >= 3 && shopWords.has(w));
}

function asTender(type: TenderType, amount: number): Tender {
  return { type, amount, scheme: null, maskedPan: null, authCode: null, entryMode: null };
}

/**
 * Removes the tax lines of nothing at no rate ("E Exempt  89.00  0.00  89.00" in a tax table): no tax was charged
 * there, and the basket's tax lines are the taxes charged (a row at 0 % is a rate, and stays). Run after the checks,
 * which sum such a row's gross with the others'.
 */
export function dropUntaxed(taxes: Tax[]): void {
  let k = 0;
  for (const t of taxes) if (t.tax !== 0 || t.rate !== null) taxes[k++] = t;
  taxes.length = k;
}

/** Rows → basket fields. Never throws on well-typed rows; the caller guards anyway. */
export function readBasket(doc: PrintedDocument, rows: readonly Row[], rules: Rules, opts: ReadOptions): { basket: ExtractedBasket; signals: ReadSignals } {
  const f = rules.fields;
  const ctx = opts.context;
  // Header fields (VAT number, phone, operator, store, till) are printed on lines of their own, never beside an
  // amount: only those lines are searched, which is most of the cost of finding them.
  const textRows = rows.filter((r) => r.amount === null && r.cells.length > 0);
  const vatNumber = firstField(textRows, f.vatNumber);
  const phone = firstField(textRows, f.phone);
  const operator = firstField(textRows, f.operator);
  let kind = detectKind(rows, rules);
  const headEnd = headerEnd(rows);
  const body = readBody(rows, rules, kind === 'refund', (row) => row.index < headEnd);
  const reading = solve(body.units, kind === 'refund');
  const { units } = body;
  if (reading.total >= 0 && units[reading.total]!.ev.refund >= 0.8) kind ??= 'refund';

  const items: ItemDraft[] = [];
  const discounts: Discount[] = [];
  const taxes: Tax[] = [...body.taxTable];
  /** The row each tax line was read from. */
  const taxRows = new Map<Tax, Row>();
  const tenders: Tender[] = [];
  let subtotal: number | null = null;
  let total: number | null = null;
  let change: number | null = null;
  const tenderAt: { tender: Tender; row: number; label: string }[] = [];
  /** Tenders whose label names no way of paying: 'other' until a card number or change says what they were. */
  const untyped = new Set<Tender>();
  /** Tenders typed card by a weak word only ("paid", "pago"): a card payment prints its card's details. */
  const weaklyTyped = new Set<Tender>();
  reading.roles.forEach((role, i) => {
    const u = units[i]!;
    switch (role) {
      case 'item':
      case 'charge':
        if (kind !== 'report') items.push(u.item);
        break;
      case 'subtotal':
        subtotal ??= u.amount;
        break;
      case 'total':
        total = u.amount;
        break;
      case 'discount':
        if (kind !== 'report') discounts.push({ description: u.label.trim(), amount: -Math.abs(u.amount) });
        break;
      case 'tax':
        // A tax table already gives these figures; a "total tax" line under it repeats them.
        if (body.taxTable.length === 0) {
          const tax = taxFromLine(u.row);
          taxes.push(tax);
          taxRows.set(tax, u.row);
        }
        break;
      case 'tender': {
        const type = reading.tenderTypes.get(i) ?? null;
        const tender = asTender(type ?? 'other', u.amount);
        if (type === null) untyped.add(tender);
        else if (type === 'card' && u.ev.card < TENDER_WORD) weaklyTyped.add(tender);
        tenders.push(tender);
        tenderAt.push({ tender, row: u.row.index, label: u.label });
        break;
      }
      case 'change':
        change ??= Math.abs(u.amount);
        break;
      default:
        break;
    }
  });

  // Card details: on the tender's own line, or on the lines printed under it (before the next tender).
  const slip: CardDetails = { scheme: null, maskedPan: null, authCode: null, entryMode: null };
  tenderAt.forEach(({ tender, row }, k) => {
    const next = tenderAt[k + 1]?.row ?? Infinity;
    const own: CardDetails = { scheme: null, maskedPan: null, authCode: null, entryMode: null };
    const hit = readCardDetail(rows[row]!, own);
    for (const r of body.plainRows) if (r.index > row && r.index < next && r.index < row + 6) readCardDetail(r, own);
    if (tender.type === 'other' && (hit || own.maskedPan !== null || own.scheme !== null)) tender.type = 'card';
    if (tender.type === 'card') Object.assign(tender, { scheme: own.scheme, maskedPan: own.maskedPan, authCode: own.authCode, entryMode: own.entryMode });
  });
  // A card named after the shop ("Maple Card" at Maple & Oak) that prints no card's details is the shop's own
  // stored-value card: a gift card. A store's credit card prints its masked number like any other.
  const merchant = readMerchant(rows, rules, ctx.dateOrder, vatNumber, phone);
  for (const { tender, label } of tenderAt) if (tender.type === 'card' && tender.maskedPan === null && namesShop(label, merchant.name)) tender.type = 'giftcard';
  // A tender whose label names no way of paying, overpaid and given change back, is cash; a labelled cheque or
  // account stays what its label says.
  if (change !== null && change > 0) for (const t of tenders) if (t.type === 'other' && untyped.has(t)) t.type = 'cash';

  const finished = items.map(finishItem);
  // A tax line's sign is the total's: on a sale, parentheses round a tax in a sentence ("Prices include VAT at 20%
  // (£2.83)") set it off, they do not take it back. Tax-table rows (read with their table) keep what they print.
  if (body.taxTable.length === 0 && total !== null && total > 0) for (const t of taxes) t.tax = Math.abs(t.tax);
  rateFromColumn(taxes, finished);
  for (const [tax, row] of taxRows) if (tax.rate === null) tax.rate = rateFromHeading(row, rows[row.index - 1], taxes.length === 1 ? total : null);
  // A lone "di cui IVA  0,00" at no rate: no tax was charged, and a tax of nothing at no rate records nothing.
  if (taxes.length === 1 && taxes[0]!.tax === 0 && taxes[0]!.rate === null && taxes[0]!.net === null && taxes[0]!.gross === null) taxes.length = 0;
  if (kind === null) {
    const isSlip = finished.length === 0 && rows.some((r) => SLIP_MARKER.test(r.text));
    kind = finished.length > 0 ? 'sale' : 'other';
    if (isSlip && total !== null && tenders.length === 0) {
      // A card terminal's slip: its card details are printed anywhere on it.
      for (const r of body.plainRows) readCardDetail(r, slip);
      tenders.push({ type: 'card', amount: total, ...slip });
    }
  }
  const storeId = firstField(textRows, f.storeId);
  const tillId = firstField(textRows, f.tillId);
  const barcodes = barcodesOf(doc);
  const printed = findReceiptNumber(rows, f.receiptNumber);
  let receiptNumber = printed?.id ?? null;
  let idFromCode: CodeEvidence | null = null;
  // Under a receipt label the text is trusted; an order or check number may not be the receipt's, so a code that
  // carries another id makes it a guess.
  const fromCode = printed?.named === true ? null : receiptNumberFromCodes(barcodes, storeId, tillId);
  if (receiptNumber === null && fromCode !== null) ({ id: receiptNumber, evidence: idFromCode } = fromCode);
  const weakId = printed?.named !== true && idFromCode !== 'matched';
  const basket: ExtractedBasket = {
    kind,
    merchant,
    storeId,
    tillId,
    operator: operator === null ? null : cleanOperator(operator),
    receiptNumber,
    transactionAt: readTransactionAt(rows, ctx.dateOrder, ctx.timezone),
    currency: ctx.currency,
    items: kind === 'report' ? [] : finished,
    discounts: kind === 'report' ? [] : discounts,
    subtotal,
    total,
    taxes,
    tenders,
    change,
    loyalty: readLoyalty(rows),
    barcodes,
    context: ctx,
  };
  if (kind === 'refund') signRefund(basket);
  const signals: ReadSignals = {
    margin: reading.margin,
    itemsClose: reading.itemsClose,
    tendersClose: reading.tendersClose,
    ambiguities: body.ambiguities,
    idFromCode,
    unnamedId:
      weakId &&
      (printsUnnamedId(rows, receiptNumber) || (receiptNumber === null && printsMaskedId(rows)) || (fromCode !== null && fromCode.id !== receiptNumber) || printed?.underRival === true),
    codeAsPicture: weakId && idFromCode === null && pictureAfterAmounts(doc),
    ambiguousDate: dateIsAmbiguous(rows),
    untypedTender: tenders.some((t) => t.type === 'other' && untyped.has(t)),
    weaklyTypedTender: tenders.some((t) => weaklyTyped.has(t) && t.maskedPan === null && t.scheme === null),
    misreadText: printsMisreadText(basket),
    unreadTraces: unreadTraces(rows, basket, doc.gridDots),
    unreadTaxRate: printsUnreadRate(rows, taxes, finished),
  };
  return { basket, signals };
}
