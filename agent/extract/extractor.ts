// Reads a receipt's rows into a basket (without checks): header fields first, then one pass over the body
// with three phases — items until the first subtotal/total line, totals until the total, then tenders,
// change, taxes, card details and loyalty. Every decision is made by Rules, so a profile can steer it.
import type { PrintedDocument } from '../decode/document.js';
import type { BarcodeRef, Basket, BasketKind, Discount, EntryMode, Item, Loyalty, Merchant, Tax, Tender, TenderType } from './basket.js';
import { findDate, findTime, toIsoLocal } from './dates.js';
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
import { currencyOf, parseAmount, parseDecimal, parseRate, parseUnitPrice, type ParsedAmount } from './money.js';
import { maskIdentifier, maskPans, normaliseMaskedPan } from './privacy.js';
import type { Row } from './rows.js';
import { amountsIn, isSeparator } from './rows.js';
import type { Rules } from './rules.js';
import { normaliseLabel } from './vocabulary.js';

export type ExtractedBasket = Omit<Basket, 'id' | 'revision' | 'confidence' | 'checks' | 'parser'>;

const REPORT_TITLE = /\b[XZ][\s-]?(?:report|read(?:ing)?|bericht|abschlag|ticket)\b|\b(?:tagesabschluss|kassenabschluss|kassenbericht|end of day report|rapport [XZ])\b/i;
const VOID_TITLE = /^[\s*=-]*(?:void|voided|transaction void(?:ed)?|transaction cancell?ed|sale voided|storno|bon storniert|beleg storniert|annulé|annulée|annulation|ticket annulé)[\s*=!-]*$/i;
const REFUND_TITLE = /^[\s*=-]*(?:refund|return|returns? receipt|refund receipt|erstattung|rückgabe|retoure|remboursement|avoir)[\s*=!-]*$/i;
const SLIP_MARKER = /\b(?:AID|cardholder copy|customer copy|merchant copy|please retain|retain this|kundenbeleg|händlerbeleg|ticket client|ticket commerçant)\b/i;
const TAX_WORD = /(?:^|[^\p{L}])(?:vat|mwst|mw\.?st|ust|tva|tax|steuer|iva)(?:$|[^\p{L}])/iu;
const TAX_HEADER_ROLE = [
  ['net', /^(?:net|netto|ht|nett|net amt)$/i],
  ['gross', /^(?:gross|brutto|ttc|total|incl|umsatz)$/i],
  ['tax', /^(?:vat|mwst|ust|tva|tax|steuer)$/i],
] as const;
const EAN_LINE = /^(?:EAN|GTIN|UPC|Barcode)?\s*[:#]?\s*(\d{8}|\d{12,14})$/i;
const SKU_LINE = /^(?:SKU|Art\.?-?Nr\.?|Artikel-?Nr\.?|Item(?: No\.?)?|Style|Réf\.?|Ref\.?|PLU)\s*[:#.]?\s*([A-Z0-9][A-Z0-9-]{2,})$/i;
const BULLET = /^[+\-*>•~]\s*/;

const UNITS: Record<string, string> = { kg: 'kg', g: 'g', l: 'L', ltr: 'L', litre: 'L', liter: 'L', lb: 'lb', lbs: 'lb' };
const UNIT = '(kg|g|l|ltr|litre|liter|lb|lbs)';
const NUM = '(\\d+(?:[.,]\\d+)?)';
const PRICE = '(?:£|€|\\$|EUR)?\\s*(\\d+(?:[.,]\\d+)?)\\s*(?:£|€|EUR)?';
/** "0.452 kg @ £2.20/kg", "2 @ 1.50", "2 x 3,20", "3 St x 1,10", "32.15 L at 1.459/L" */
const QTY_LINE = new RegExp(`^${NUM}\\s*(?:${UNIT}|st|stk|pcs|pc)?\\.?\\s*(?:@|x|×|at|à)\\s*${PRICE}(?:\\s*\\/\\s*(?:${UNIT}|ea|each|st|stk|pc))?$`, 'i');
/** "Unleaded  32.15 L @ 1.459/L", "Latte  2 x 3.20" */
const DESC_QTY_PRICE = new RegExp(`^(.+?)\\s+${NUM}\\s*(?:${UNIT}|st|stk|pcs|pc)?\\.?\\s*(?:@|x|×|at|à)\\s*${PRICE}(?:\\s*\\/\\s*(?:${UNIT}|ea|each|st|stk|pc))?$`, 'i');
const QTY_X_DESC = /^(\d{1,4})\s*[x×*]\s+(.+)$/i;
const DESC_X_QTY = /^(.+?)\s+[x×]\s*(\d{1,4})$/i;
const QTY_DESC = /^(\d{1,2})\s+(\p{L}.*)$/u;
const DESC_QTY_COLUMN = /^(.+?)\s{2,}(\d{1,3})$/;

interface ItemDraft extends Item {
  /** Indent of the item's own line, to tell its indented modifiers apart. */
  readonly indentAt: number;
}

function canonicalUnit(u: string | undefined): string | null {
  return u === undefined ? null : (UNITS[u.toLowerCase()] ?? null);
}

function newItem(description: string, amount: ParsedAmount, indent: number): ItemDraft {
  return {
    description: description.trim(),
    quantity: 1,
    unit: null,
    unitPrice: null,
    unitPriceText: null,
    amount: amount.minor,
    sku: null,
    ean: null,
    taxCode: amount.taxCode,
    modifiers: [],
    discounts: [],
    indentAt: indent,
  };
}

function setQuantity(item: Item, qtyText: string, unit: string | undefined, priceText: string | undefined): void {
  const q = parseDecimal(qtyText);
  if (q === null || q.value === 0) return;
  item.quantity = q.value;
  item.unit = canonicalUnit(unit);
  if (priceText !== undefined) {
    const p = parseUnitPrice(priceText);
    if (p !== null) {
      item.unitPrice = p.minor;
      item.unitPriceText = p.text;
    }
  }
}

/** Splits the quantity forms off an item label ("2 x Latte", "Latte x2", "Unleaded 32.15 L @ 1.459/L"). */
function itemFromLabel(label: string, amount: ParsedAmount, indent: number): ItemDraft {
  let m = DESC_QTY_PRICE.exec(label);
  if (m !== null) {
    const item = newItem(m[1]!, amount, indent);
    setQuantity(item, m[2]!, m[3] ?? m[5], m[4]);
    return item;
  }
  m = QTY_X_DESC.exec(label) ?? QTY_DESC.exec(label);
  if (m !== null) {
    const item = newItem(m[2]!, amount, indent);
    setQuantity(item, m[1]!, undefined, undefined);
    return item;
  }
  m = DESC_X_QTY.exec(label) ?? DESC_QTY_COLUMN.exec(label);
  if (m !== null) {
    const item = newItem(m[1]!, amount, indent);
    setQuantity(item, m[2]!, undefined, undefined);
    return item;
  }
  return newItem(label, amount, indent);
}

function itemFromPattern(groups: Record<string, string | undefined>, indent: number): ItemDraft | null {
  const amount = parseAmount(groups.amount ?? '');
  const description = groups.description?.trim() ?? '';
  if (amount === null || description === '') return null;
  const item = newItem(description, amount, indent);
  if (groups.taxCode !== undefined) item.taxCode = groups.taxCode;
  if (groups.quantity !== undefined) setQuantity(item, groups.quantity, groups.unit, groups.unitPrice);
  if (groups.sku !== undefined) item.sku = groups.sku;
  if (groups.ean !== undefined) item.ean = groups.ean;
  return item;
}

/** Unit price derived from the amount when none was printed and it divides exactly. */
function finishItem(item: ItemDraft): Item {
  const { indentAt: _indent, ...plain } = item;
  if (plain.unitPrice === null && plain.unitPriceText === null && Number.isInteger(plain.quantity)) {
    // A price is never negative: a refunded or voided line's sign lives in its amount.
    const each = Math.abs(plain.amount / plain.quantity);
    if (Number.isInteger(each)) plain.unitPrice = each;
  }
  return plain;
}

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

function readMerchant(rows: readonly Row[], rules: Rules, vatNumber: string | null, phone: string | null): Merchant {
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
      findDate(row.text, rules.dateOrder) !== null ||
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

function readTransactionAt(rows: readonly Row[], rules: Rules, timeZone: string): string | null {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const date = findDate(row.text, rules.dateOrder);
    if (date === null) continue;
    const time = findTime(row.text) ?? findTime(rows[i + 1]?.text ?? '') ?? findTime(rows[i - 1]?.text ?? '');
    if (time === null) {
      const pad = (n: number): string => String(n).padStart(2, '0');
      return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
    }
    return toIsoLocal(date, time, timeZone);
  }
  return null;
}

function detectCurrency(rows: readonly Row[], rules: Rules, fallback: string | null): string | null {
  if (rules.currency !== null) return rules.currency;
  for (const row of rows) if (row.amount?.currency) return row.amount.currency;
  for (const row of rows) {
    const m = /[£€]|\b(?:EUR|GBP|USD|CHF)\b/.exec(row.text);
    if (m !== null) return currencyOf(m[0]);
  }
  return fallback;
}

function detectKind(rows: readonly Row[], rules: Rules): BasketKind | null {
  const head = rows.slice(0, 15);
  if (head.some((r) => REPORT_TITLE.test(r.text))) return 'report';
  if (rows.some((r) => VOID_TITLE.test(r.text))) return 'void';
  // A refund says so in its title at the top or in its total label; a "Returns" line in a footer does not count.
  if (head.some((r) => REFUND_TITLE.test(r.text)) || rows.some((r) => r.amount !== null && rules.refundTotal.test(normaliseLabel(r.label)))) {
    return 'refund';
  }
  return null;
}

type LineClass = 'subtotal' | 'total' | 'change' | 'summary' | 'tax' | 'discount' | TenderType;

function classify(row: Row, rules: Rules, kind: BasketKind | null): LineClass | null {
  const label = normaliseLabel(row.label);
  if (label === '') return null;
  if (rules.subtotal.test(label)) return 'subtotal';
  if (rules.total.test(label) || rules.refundTotal.test(label)) return 'total';
  if (rules.change.test(label)) return 'change';
  if (rules.summaries.test(label)) return 'summary';
  if (TAX_WORD.test(label)) return 'tax';
  // On a refund every line prints negative; only discount words make a discount there.
  if ((row.amount?.minor ?? 0) < 0 && kind !== 'refund') return 'discount';
  for (const [type, re] of rules.tenders) if (re.test(label)) return type;
  if (rules.discountWords.test(label)) return 'discount';
  return null;
}

/** Roles of a tax table's amount columns, left to right, from its header line; null if not a tax header. */
function taxHeaderRoles(row: Row): ('net' | 'tax' | 'gross')[] | null {
  if (row.amount !== null || !TAX_WORD.test(row.text)) return null;
  // A role named twice ("VAT  Rate  Net  VAT  Gross": the first VAT heads the code column) is the last one.
  const at = new Map<'net' | 'tax' | 'gross', number>();
  row.text.split(/[\s:%]+/).forEach((word, i) => {
    const w = word.replace(/[.()]/g, '');
    for (const [role, re] of TAX_HEADER_ROLE) if (re.test(w)) at.set(role, i);
  });
  const roles = [...at.entries()].sort((a, b) => a[1] - b[1]).map(([role]) => role);
  return roles.length >= 2 ? roles : null;
}

const TAX_CODE = /^(?:[A-Z]|\d)$/;

function taxFromTableRow(row: Row, roles: readonly ('net' | 'tax' | 'gross')[]): Tax | null {
  const amounts = amountsIn(row);
  if (amounts.length < 2) return null;
  const tax: Tax = { code: null, rate: parseRate(row.text), net: null, tax: 0, gross: null };
  const first = row.cells[0]?.text.split(/\s+/)[0] ?? '';
  if (TAX_CODE.test(first)) tax.code = first;
  amounts.slice(-roles.length).forEach((a, i) => {
    const role = roles[roles.length - Math.min(amounts.length, roles.length) + i]!;
    tax[role] = a.minor;
  });
  return tax;
}

function taxFromLine(row: Row): Tax {
  const label = row.label;
  const code = /(?:vat|mwst|ust|tva|tax)\s+([A-Z])\b/i.exec(label)?.[1] ?? null;
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
    if (!LOYALTY_LINE.test(row.text) || row.amount !== null) continue;
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
  timeZone: string;
  currency: string | null;
}

/** Rows → basket fields. Never throws on well-typed rows; the caller guards anyway. */
export function readBasket(doc: PrintedDocument, rows: readonly Row[], rules: Rules, opts: ReadOptions): ExtractedBasket {
  const f = rules.fields;
  const vatNumber = firstField(rows, f.vatNumber);
  const phone = firstField(rows, f.phone);
  const operator = firstField(rows, f.operator);
  let kind = detectKind(rows, rules);

  const items: ItemDraft[] = [];
  const discounts: Discount[] = [];
  const taxes: Tax[] = [];
  const tenders: Tender[] = [];
  let subtotal: number | null = null;
  let total: number | null = null;
  let change: number | null = null;
  const slip: CardDetails = { scheme: null, maskedPan: null, authCode: null, entryMode: null };
  let lastCard: Tender | null = null;

  let phase: 'head' | 'items' | 'totals' | 'after' = rules.itemsStart === null ? 'items' : 'head';
  if (kind === 'report') phase = 'totals';
  let current: ItemDraft | null = null;
  let pending: string | null = null;
  let pendingEan: string | null = null;
  let itemsIndent = -1;
  let taxRoles: ('net' | 'tax' | 'gross')[] | null = null;

  const addItem = (item: ItemDraft): void => {
    if (pendingEan !== null && item.ean === null) item.ean = pendingEan;
    pendingEan = null;
    items.push(item);
    current = item;
    pending = null;
    if (itemsIndent < 0) itemsIndent = item.indentAt;
  };

  for (const row of rows) {
    if (rules.ignore.some((re) => re.test(row.text))) continue;
    if (phase === 'head') {
      if (rules.itemsStart!.test(row.text)) phase = 'items';
      continue;
    }
    if (row.cells.length === 0 || isSeparator(row)) {
      current = null;
      pending = null;
      if (taxRoles !== null) taxRoles = null;
      continue;
    }
    const cls = row.amount === null ? null : classify(row, rules, kind);

    if (phase === 'items') {
      const ends = rules.itemsEnd?.test(row.text) ?? false;
      if (ends || cls === 'subtotal' || cls === 'total' || (cls === 'tax' && items.length > 0)) {
        phase = 'totals';
      } else {
        readItemRow(row, cls);
        continue;
      }
    }

    // Tax tables and lines are read wherever they are printed after the items.
    const roles = taxHeaderRoles(row);
    if (roles !== null) {
      taxRoles = roles;
      continue;
    }
    if (taxRoles !== null) {
      const tax = taxFromTableRow(row, taxRoles);
      if (tax !== null && !/\b(?:total|summe|gesamt)\b/i.test(row.text)) {
        taxes.push(tax);
        continue;
      }
      if (tax === null) taxRoles = null;
      else continue;
    }
    if (readCardDetail(row, slip) && row.amount === null) {
      if (lastCard !== null) {
        lastCard.maskedPan ??= slip.maskedPan;
        lastCard.authCode ??= slip.authCode;
        lastCard.entryMode ??= slip.entryMode;
        lastCard.scheme ??= slip.scheme;
      }
      continue;
    }
    if (row.amount === null) continue;
    const amount = row.amount.minor;

    switch (cls) {
      case 'subtotal':
        subtotal ??= amount;
        break;
      case 'total':
        if (total === null) {
          total = amount;
          if (rules.refundTotal.test(normaliseLabel(row.label))) kind ??= 'refund';
        }
        if (phase === 'totals') phase = 'after';
        break;
      case 'change':
        change ??= Math.abs(amount);
        break;
      case 'summary':
        break;
      case 'tax':
        if (!(taxes.length > 0 && /\b(?:total|summe|gesamt)\b/i.test(row.label))) taxes.push(taxFromLine(row));
        break;
      case 'discount':
        if (phase === 'totals' && kind !== 'report') discounts.push({ description: row.label.trim(), amount: -Math.abs(amount) });
        break;
      case 'card':
      case 'cash':
      case 'voucher':
      case 'giftcard':
      case 'other': {
        const tender: Tender = { type: cls, amount, scheme: null, maskedPan: null, authCode: null, entryMode: null };
        if (cls === 'card') {
          const own: CardDetails = { scheme: null, maskedPan: null, authCode: null, entryMode: null };
          readCardDetail(row, own);
          tender.scheme = own.scheme;
          tender.entryMode = own.entryMode;
          lastCard = tender;
        }
        tenders.push(tender);
        break;
      }
      default:
        // A charge printed between subtotal and total (service charge, bag levy) is a line of the basket.
        if (phase === 'totals' && kind !== 'report' && total === null && subtotal !== null) {
          addItem(itemFromLabel(row.label, row.amount, row.indent));
        }
    }
  }

  function readItemRow(row: Row, cls: LineClass | null): void {
    for (const re of rules.itemPatterns) {
      const m = re.exec(row.text);
      if (m?.groups !== undefined) {
        const item = itemFromPattern(m.groups, row.indent);
        if (item !== null) {
          addItem(item);
          return;
        }
      }
    }
    const label = row.label.trim();
    const indented = current !== null && row.indent > current.indentAt + 12;
    // "2 @ 3.20" alone: the price at its end is a unit price, not the line's amount.
    const qtyOnly = row.cells.length === 1 ? QTY_LINE.exec(row.text) : null;
    if (qtyOnly !== null && current !== null && current.quantity === 1) {
      setQuantity(current, qtyOnly[1]!, qtyOnly[2] ?? qtyOnly[4], qtyOnly[3]);
      return;
    }
    if (row.amount === null) {
      // Card details before any total belong to a terminal slip printed without items.
      if (readCardDetail(row, slip)) return;
      const ean = EAN_LINE.exec(row.text);
      if (ean !== null) {
        if (current !== null && current.ean === null) current.ean = ean[1]!;
        else pendingEan = ean[1]!;
        return;
      }
      const sku = SKU_LINE.exec(row.text);
      if (sku !== null && current !== null) {
        current.sku ??= sku[1]!;
        return;
      }
      const qty = QTY_LINE.exec(label);
      if (qty !== null && current !== null && current.quantity === 1) {
        setQuantity(current, qty[1]!, qty[2] ?? qty[4], qty[3]);
        return;
      }
      if (current !== null && (indented || BULLET.test(label))) {
        current.modifiers.push({ description: label.replace(BULLET, ''), amount: null });
        return;
      }
      if (fieldMatches(row, rules.fields) || findDate(row.text, rules.dateOrder) !== null) return;
      pending = label;
      current = null;
      return;
    }
    if (cls === 'discount' || cls === 'summary') {
      if (cls === 'summary') return;
      const d = { description: label.replace(BULLET, ''), amount: -Math.abs(row.amount.minor) };
      if (current !== null) current.discounts.push(d);
      else discounts.push(d);
      return;
    }
    const qty = QTY_LINE.exec(label);
    if (qty !== null) {
      if (pending !== null) {
        const item = newItem(pending, row.amount, row.indent);
        setQuantity(item, qty[1]!, qty[2] ?? qty[4], qty[3]);
        addItem(item);
      } else if (current !== null && current.amount === row.amount.minor && current.quantity === 1) {
        setQuantity(current, qty[1]!, qty[2] ?? qty[4], qty[3]);
      } else {
        addItem(itemFromLabel(label, row.amount, row.indent));
      }
      return;
    }
    if (current !== null && indented) {
      current.modifiers.push({ description: label.replace(BULLET, ''), amount: row.amount.minor });
      return;
    }
    if (label === '' && pending !== null) {
      addItem(newItem(pending, row.amount, row.indent));
      return;
    }
    if (label === '') return;
    addItem(itemFromLabel(label, row.amount, row.indent));
    if (itemsIndent >= 0 && row.indent < itemsIndent) itemsIndent = row.indent;
  }

  const finished = items.map(finishItem);
  if (kind === null) {
    const isSlip = finished.length === 0 && rows.some((r) => SLIP_MARKER.test(r.text));
    kind = finished.length > 0 ? 'sale' : 'other';
    if (isSlip && total !== null && tenders.length === 0) {
      tenders.push({ type: 'card', amount: total, ...slip });
    }
  }
  const basket: ExtractedBasket = {
    kind,
    merchant: readMerchant(rows, rules, vatNumber, phone),
    storeId: firstField(rows, f.storeId),
    tillId: firstField(rows, f.tillId),
    operator: operator === null ? null : cleanOperator(operator),
    receiptNumber: firstField(rows, f.receiptNumber),
    transactionAt: readTransactionAt(rows, rules, opts.timeZone),
    currency: detectCurrency(rows, rules, opts.currency),
    items: kind === 'report' ? [] : finished,
    discounts: kind === 'report' ? [] : discounts,
    subtotal,
    total,
    taxes,
    tenders,
    change,
    loyalty: readLoyalty(rows),
    barcodes: barcodesOf(doc),
  };
  if (kind === 'refund') signRefund(basket);
  return basket;
}
