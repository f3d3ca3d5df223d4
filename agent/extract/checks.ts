// Arithmetic checks on an extracted basket, and the confidence derived from them. A basket whose checks fail
// is kept with its failed checks; confidence says how far to trust it (formula in docs/basket.md):
//   all applicable checks pass  → 1
//   otherwise                   → 0.5 × passed / applicable   (so any failure is below 0.5: "low confidence")
//   no applicable check         → 0
import type { Check, Item } from './basket.js';
import type { ExtractedBasket } from './extractor.js';
import { formatMinor } from './money.js';
import { rateOfCode } from './tax-column.js';

/** Fractional quantities (0.452 kg) round to the minor unit on the till; allow that one unit. */
const ROUNDING = 1;

/** What a line adds to the basket: its amount with its priced modifiers, less its own discounts. */
export function lineTotal(item: Item): number {
  let sum = item.amount;
  for (const m of item.modifiers) sum += m.amount ?? 0;
  for (const d of item.discounts) sum += d.amount;
  return sum;
}

function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}

function itemArithmetic(items: readonly Item[]): Check | null {
  // Only a printed unit price can disagree with its line: a derived one agrees by construction.
  const priced = items.filter((i) => i.unitPriceText !== null);
  if (priced.length === 0) return null;
  const wrong: string[] = [];
  for (const item of priced) {
    // Fine unit prices (1.459/L) are exact decimals: scale to thousandths of the minor unit to stay in integers.
    const unitMilli = Math.round(Number(item.unitPriceText) * 100_000);
    const expected = Math.round((item.quantity * unitMilli) / 1000);
    if (Math.abs(Math.abs(item.amount) - expected) > ROUNDING) {
      wrong.push(`${item.description}: ${item.quantity} x ${item.unitPriceText} = ${formatMinor(expected)}, printed ${formatMinor(item.amount)}`);
    }
  }
  return wrong.length === 0
    ? check('item-arithmetic', true, `${priced.length} quantity x unit price lines agree with their amounts`)
    : check('item-arithmetic', false, wrong.join('; '));
}

function itemsSum(b: ExtractedBasket): Check[] {
  const out: Check[] = [];
  const lines = b.items.reduce((s, i) => s + lineTotal(i), 0);
  const basketDiscounts = b.discounts.reduce((s, d) => s + d.amount, 0);
  const taxExclusive = b.taxes.reduce((s, t) => s + t.tax, 0);
  if (b.subtotal !== null) {
    // Charges printed after the subtotal (service, tip, cover) are the last lines: the subtotal is a prefix.
    let prefix = 0;
    const prefixes = new Set<number>([0]);
    for (const i of b.items) prefixes.add((prefix += lineTotal(i)));
    const ok = prefixes.has(b.subtotal) || prefixes.has(b.subtotal - basketDiscounts);
    out.push(check('subtotal', ok, `items ${formatMinor(lines)}${basketDiscounts !== 0 ? `, with discounts ${formatMinor(lines + basketDiscounts)}` : ''}; subtotal ${formatMinor(b.subtotal)}`));
  }
  if (b.total !== null) {
    const sum = lines + basketDiscounts;
    const ok = b.total === sum || (taxExclusive !== 0 && b.total === sum + taxExclusive);
    out.push(check('items-total', ok, `items and discounts ${formatMinor(sum)}; total ${formatMinor(b.total)}`));
  }
  return out;
}

function tendersCheck(b: ExtractedBasket): Check {
  if (b.tenders.length === 0) return check('tenders', false, 'no tender printed');
  const paid = b.tenders.reduce((s, t) => s + t.amount, 0);
  const net = paid - (b.total !== null && b.total < 0 ? -(b.change ?? 0) : (b.change ?? 0));
  const ok = b.total !== null && net === b.total;
  return check('tenders', ok, `tenders ${formatMinor(paid)} less change ${formatMinor(b.change ?? 0)} = ${formatMinor(net)}; total ${b.total === null ? 'none' : formatMinor(b.total)}`);
}

/**
 * The sums the sales tax may be charged on when the lines carry tax codes: the lines a till marks taxable
 * ("Paper Towels  4.99 TX") when others carry no mark, or each code's lines when every line carries one of two or
 * more codes ("4.99 T", "8.99 N": taxable and not), or nothing when every line carries one code (a fuel stop's "F"
 * lines under a sales tax of 0.00). US tills add sales tax to the taxable lines only (groceries and prescriptions go
 * untaxed). Empty when no line carries a code, where the subtotal is the base.
 */
function taxableBases(items: readonly Item[]): number[] {
  const byCode = new Map<string | null, number>();
  for (const item of items) byCode.set(item.taxCode, (byCode.get(item.taxCode) ?? 0) + lineTotal(item));
  // Every line under one code and a sales tax of nothing: the code marks lines the tax is not on (fuel, "F").
  if (byCode.size === 1 && !byCode.has(null)) return [0];
  if (byCode.size < 2) return [];
  if (!byCode.has(null)) return [...byCode.values()];
  let marked = 0;
  for (const [code, sum] of byCode) if (code !== null) marked += sum;
  return [marked];
}

function taxesCheck(b: ExtractedBasket): Check {
  const wrong: string[] = [];
  for (const t of b.taxes) {
    const label = `${t.code ?? ''}${t.rate === null ? '' : ` ${t.rate}%`}`.trim() || 'tax';
    if (t.net !== null && t.gross !== null && t.net + t.tax !== t.gross) {
      wrong.push(`${label}: net ${formatMinor(t.net)} + tax ${formatMinor(t.tax)} ≠ gross ${formatMinor(t.gross)}`);
    }
    if (t.rate !== null) {
      const expected =
        t.net !== null ? Math.round((t.net * t.rate) / 100) : t.gross !== null ? Math.round((t.gross * t.rate) / (100 + t.rate)) : null;
      if (expected !== null && Math.abs(expected - t.tax) > ROUNDING) {
        wrong.push(`${label}: tax ${formatMinor(t.tax)} but rate gives ${formatMinor(expected)}`);
      }
    }
  }
  const grossAll = b.taxes.every((t) => t.gross !== null);
  if (grossAll && b.total !== null && b.taxes.length > 0) {
    const gross = b.taxes.reduce((s, t) => s + t.gross!, 0);
    if (gross !== b.total) wrong.push(`gross by rate sums to ${formatMinor(gross)}, total ${formatMinor(b.total)}`);
  }
  if (b.taxes.length === 1 && b.taxes[0]!.net === null && b.taxes[0]!.gross === null && b.taxes[0]!.rate !== null && b.total !== null) {
    // A single "incl. VAT 20%" line: the tax must be the tax contained in the total (or added on top of it).
    const t = b.taxes[0]!;
    const inclusive = Math.round((b.total * t.rate!) / (100 + t.rate!));
    const exclusive = Math.round(((b.total - t.tax) * t.rate!) / 100);
    // Sales tax on top of the subtotal or the taxable lines (less a discount or coupon printed after them), with a tip
    // after it that is not taxed.
    const discounts = b.discounts.reduce((s, d) => s + d.amount, 0);
    const onSubtotal = (base: number | null): boolean => base !== null && Math.abs(Math.round((base * t.rate!) / 100) - t.tax) <= ROUNDING;
    const fits = Math.abs(inclusive - t.tax) <= ROUNDING || Math.abs(exclusive - t.tax) <= ROUNDING;
    if (!fits && !onSubtotal(b.subtotal) && !onSubtotal(b.subtotal === null ? null : b.subtotal + discounts) && !taxableBases(b.items).some((base) => onSubtotal(base) || onSubtotal(base + discounts))) {
      wrong.push(`tax ${formatMinor(t.tax)} is not ${t.rate}% of total ${formatMinor(b.total)}`);
    }
  }
  // The lines print their rates in a VAT column, yet the lone tax line fits none of them (tax-column.ts would have
  // given it the rate): the tax, or a line's code, was read wrong.
  if (b.taxes.length === 1 && b.taxes[0]!.rate === null && b.items.some((i) => rateOfCode(i.taxCode) !== null)) {
    wrong.push(`tax ${formatMinor(b.taxes[0]!.tax)} is at none of the rates its lines print`);
  }
  // No rate charges a tax of more than a quarter of what is paid (27 % on the net is 21 % of the gross): taxes that
  // sum to more were read from some other line (a net "excl. tax", a gross).
  if (b.total !== null && b.total !== 0) {
    const all = b.taxes.reduce((s, t) => s + Math.abs(t.tax), 0);
    if (all * 4 > Math.abs(b.total)) wrong.push(`taxes ${formatMinor(all)} are more than a quarter of total ${formatMinor(b.total)}`);
  }
  return wrong.length === 0
    ? check('taxes', true, `${b.taxes.length} tax line(s) consistent`)
    : check('taxes', false, wrong.join('; '));
}

/** The checks that apply to this basket's kind and content, in a fixed order. */
export function runChecks(b: ExtractedBasket): Check[] {
  const checks: Check[] = [];
  const money = b.kind !== 'other' || b.total !== null;
  if (money) checks.push(check('total-present', b.total !== null, b.total === null ? 'no total line found' : `total ${formatMinor(b.total)}`));
  if (b.kind === 'sale' || b.kind === 'refund' || b.kind === 'void') {
    checks.push(check('items-present', b.items.length > 0, `${b.items.length} item(s)`));
    const arithmetic = itemArithmetic(b.items);
    if (arithmetic !== null) checks.push(arithmetic);
    checks.push(...itemsSum(b));
  }
  if (b.kind === 'sale' || b.kind === 'refund' || (b.kind === 'report' && b.tenders.length > 0)) checks.push(tendersCheck(b));
  if (b.kind === 'other' && b.total !== null) {
    const card = b.tenders.find((t) => t.type === 'card');
    const ok = card !== undefined && card.maskedPan !== null && card.authCode !== null;
    checks.push(check('card-slip', ok, ok ? 'masked card number and authorisation code printed' : 'card slip without masked card number or authorisation code'));
  }
  if (b.taxes.length > 0) checks.push(taxesCheck(b));
  return checks;
}

/** Confidence from the checks, by the formula at the top of this file. */
export function confidenceOf(checks: readonly Check[]): number {
  if (checks.length === 0) return 0;
  const passed = checks.filter((c) => c.ok).length;
  if (passed === checks.length) return 1;
  return Math.round((0.5 * passed * 1000) / checks.length) / 1000;
}

export interface ConfidenceSignals {
  /** Score lead of the solver's reading over the best reading with another total. */
  margin: number;
  itemsClose: boolean;
  tendersClose: boolean;
  /** The receipt's numeric date reads either way round (03/04) and no config fixed the order. */
  ambiguousDate: boolean;
  /** Item lines that another reading would split or join differently with the same sums (units.ts). */
  ambiguities: readonly string[];
  /** The receipt number was read from a barcode or QR code: `shaped` when only its shape says it is one. */
  idFromCode: 'matched' | 'shaped' | null;
  /** No receipt number found under a receipt label while the header prints an id no label names, or a code another id. */
  unnamedId: boolean;
  /** No receipt number found under a receipt label while a picture (a code printed as an image) follows the amounts. */
  codeAsPicture: boolean;
  /** A tender is 'other' only because its label names no way of paying: its type is unknown, not read. */
  untypedTender: boolean;
  /** A card tender rests on a weak word ("paid") and prints no card details: a guess. */
  weaklyTypedTender: boolean;
  /** The shop's or an item's words came out in another script inside Latin words: decoded in the wrong code page. */
  misreadText: boolean;
  /** Traces of a field left unread that the sums cannot see: a column in a description, unread tax rows (leftovers.ts). */
  unreadTraces: readonly string[];
  /** A tax was read at no rate while the receipt prints a rate beside a tax word or as a line's tax code: its rate is unknown. */
  unreadTaxRate: boolean;
}

/** Highest confidence a basket can have while one of its fields could not be read or checked. */
export const UNVERIFIED_CAP = 0.85;

/**
 * Confidence from the checks, made honest about what the checks cannot see (docs/basket.md): a basket whose
 * arithmetic all closes still stays below 0.9 when its currency is unknown, when its date could be read either
 * way round and nothing settled the order, when another reading of its lines scored nearly as well, when its
 * item lines read two ways with the same sums (a wrapped description, "x4" as a count or a pack), or when its
 * receipt number is a guess or may be missing (a code's data that only looks like an id, an id printed with a label
 * we cannot name, a code printed as a picture that cannot be read back), when a tender's type is unknown because
 * its label names no way of paying or only a weak word does, when a tax's rate was printed but not read, when the shop's or an item's words were decoded in another code page than
 * the printer printed them in (letters of another script inside Latin words), or when the receipt still shows a
 * field left unread (a column inside a description, a weight line not applied, tax rows or a time of day unread).
 */
export function calibratedConfidence(checks: readonly Check[], b: ExtractedBasket, s: ConfidenceSignals): number {
  const base = confidenceOf(checks);
  if (base < 1) return base;
  const sale = b.kind === 'sale' || b.kind === 'refund';
  // A receipt that prints no date or receipt number is not less right for it: only guesses lower confidence.
  const unverified =
    b.currency === null ||
    (s.ambiguousDate && b.context?.sources.dateOrder === 'inferred' && b.context.sources.currency !== 'printed') ||
    (sale && s.margin < 1) ||
    s.ambiguities.length > 0 ||
    s.idFromCode === 'shaped' ||
    s.unnamedId ||
    s.codeAsPicture ||
    s.untypedTender ||
    s.weaklyTypedTender ||
    s.misreadText ||
    s.unreadTraces.length > 0 ||
    s.unreadTaxRate;
  return unverified ? UNVERIFIED_CAP : base;
}

/** Fully reconciled: at least one check applied and every one passed. */
export function reconciled(checks: readonly Check[]): boolean {
  return checks.length > 0 && checks.every((c) => c.ok);
}
