// One item line read into its parts: description, quantity and unit, unit price, SKU or EAN column, tax code. The
// quantity forms tills print: "2 x Latte", "Latte x2", "2 Latte", "2 Stk. Brezel", "2 x Bananas @ 0.25",
// "Unleaded 32.15 L @ 1.459/L", a qty/price line above or below the item ("2 @ 1.99", "0.452 kg x 2.20/kg"), and 3-
// and 4-column tables ("2  Tornillos  6,90", "Paracetamol  2  0.65  1.30", "4471220  Wood Screws  6.49").
import type { Item } from './basket.js';
import { gtinValid } from './gtin.js';
import { parseAmount, parseDecimal, parseUnitPrice, UNMAPPED_CURRENCY_SIGN, type ParsedAmount } from './money.js';

// Ounces: US self-serve counters (frozen yoghurt, salad bars) weigh by the ounce.
// Kilometres: a taxi's or a hire van's distance at a rate per kilometre ("12,4 km x 1,30").
// Metres: a haberdasher's or a fabric shop's cut, printed "mt" or "mtr" in Italy and Spain ("1,5 MT x 8,00").
const UNITS: Record<string, string> = { kg: 'kg', g: 'g', l: 'L', ltr: 'L', litre: 'L', liter: 'L', lb: 'lb', lbs: 'lb', oz: 'oz', gal: 'gal', gallon: 'gal', gallons: 'gal', m: 'm', mt: 'm', mtr: 'm', km: 'km' };
const UNIT_WORDS = 'kg|km|g|l|ltr|litre|liter|lb|lbs|oz|gal|gallons?|mtr|mt';
const UNIT = `(${UNIT_WORDS})`;
/** A table's quantity column may also measure length (timber, rope, fabric cut to size: "4.800 m"). */
const COLUMN_UNIT = `(${UNIT_WORDS}|m)`;
const NUM = '(\\d+(?:[.,]\\d+)?)';
// A unit price prints its decimals ("5x50" in a name is not 5 at 50). Before or after it, as around an amount
// (money.ts), an unmapped currency sign ("39,90 ╒/kg", "x ╒ 18,95/kg").
const PRICE = `(?:£|€|\\$|EUR|${UNMAPPED_CURRENCY_SIGN})?\\s*(\\d+[.,]\\d+)\\s*(?:£|€|EUR|${UNMAPPED_CURRENCY_SIGN})?`;
/**
 * The count's unit word, printed beside a quantity and never part of the name: Stk./St./Stück (German), pcs/pc/ea
 * (English), pz./pzi (Italian), un./ud./uds (Spanish), st./stuks (Dutch), pce (French).
 */
const PIECES = '(?:stk|st|stück|stueck|stuks|pcs|pc|pce|pces|ea|pz|pzi|pzs|uds|ud|unid|un)';
/**
 * The word or sign between a quantity and its unit price. "á" is the "@" of a printer set to the Latin American
 * character set (ESC R 12, which the generic 58 and 80 mm printers select at start-up).
 */
const AT = '(?:@|at|à|á)';
const TIMES = `(?:${AT}|x|×)`;
/** Hours of labour at an hourly rate ("0,50 uur à € 58,00", "1.5 hrs @ 65.00", "2 Std. x 48,00", "1,5 h x 30,00"). */
const HOURS = '(?:uur|std|stunden?|hrs?|h|hours?|heures?|horas?|ore)';
/**
 * The words for a unit price printed before it: "P.U." / "PU" (prix unitaire, prezzo unitario, precio unitario), "EP"
 * (Einzelpreis), "PVP" (precio de venta al público), "Unit price", "Stuksprijs".
 */
const UNIT_PRICE_WORD = '(?:p\\.?\\s?u\\.?|e\\.?p\\.?|p\\.?v\\.?p\\.?|unit price|prix unitaire|prezzo unitario|precio unitario|einzelpreis|stuksprijs)\\s*:?';
/**
 * "0.452 kg @ £2.20/kg", "2 @ 1.50", "2 x 3,20", "3 St x 1,10", "32.15 L at 1.459/L", "1 x PU 4,90": the unit price
 * may carry its word after the sign, which makes it no name. Tea, spices and sweets sold loose are priced per 100 g
 * ("250 g x 3,90/100g").
 */
const QTY_AT_PRICE = `${NUM}\\s*(?:${UNIT}|${PIECES}|${HOURS})?\\.?\\s*${TIMES}\\s*(?:${UNIT_PRICE_WORD}\\s*)?${PRICE}(?:\\s*\\/\\s*(?:100\\s?)?(?:${UNIT}|ea|each|st|stk|pc))?`;
// Unicode mode as well as case-insensitive: V8 compiles these long alternations of unit words about three times as
// fast with 'iu' as with 'i' alone (4.3 -> 1.6 ms each, the two costliest expressions of `parse --json`'s start-up).
export const QTY_LINE = new RegExp(`^${QTY_AT_PRICE}$`, 'iu');
/** "Unleaded  32.15 L @ 1.459/L", "Latte  2 x 3.20" */
const DESC_QTY_PRICE = new RegExp(`^(.+?)\\s+${QTY_AT_PRICE}$`, 'iu');
/** Minor units below which a share of the amount is no price a single piece is sold at (see DESC_X_QTY). */
const PIECE_PRICE_FLOOR = 50;
/** "2x0,25" at the end of a name: a count and a price with no space between them and the "x". */
const COMPACT_COUNT_AT_PRICE = /\s\d{1,3}[x×]\d+[.,]\d+$/i;
/** "Bubble wrap (2 @ 3.99)": the count at its unit price in brackets after the name. */
const DESC_QTY_PRICE_BRACKETED = new RegExp(`^(.+?)\\s*\\(${QTY_AT_PRICE}\\)$`, 'i');
/** "2 x Bananas @ 0.25" */
const QTY_DESC_PRICE = new RegExp(`^(\\d{1,4})\\s*[x×*]\\s+(.+?)\\s+${AT}\\s*${PRICE}$`, 'i');
/**
 * 4-column table row: "Paracetamol 16s  2  0.65" (description, quantity, unit price; the amount is split off). On a
 * return or a bottle return the unit price prints negative like the amount ("Deck screws  1  -34.99").
 */
const DESC_QTY_PRICE_COLUMNS = new RegExp(`^(.+?)\\s{2,}${NUM}\\s*(?:${COLUMN_UNIT})?\\s{2,}-?${PRICE}-?$`, 'i');
/**
 * A scale's row with its weight and price per unit one space apart ("Rump steak  0.642 24.50"), read only when the
 * weight at that price is the amount: a name may end in two numbers.
 */
const DESC_WEIGHT_PRICE = new RegExp(`^(.+?)\\s{2,}(\\d+[.,]\\d{3})\\s+${PRICE}$`, 'i');
/**
 * 4-column table row with the count first: "2    Adult GA    27.50" (quantity, description, unit price; the amount is
 * split off). Read only when count × unit price is the amount: a number column after a name may be a size. A count
 * column right-aligned against the name column prints with no space between them ("4Schoenhuur  2,50"): the same
 * row, which the arithmetic tells from a name that starts with a digit ("7Up  1,50" at 1,50 is no seven).
 */
const QTY_DESC_PRICE_COLUMNS = new RegExp(`^(\\d{1,4})(?:\\s{2,}|(?=\\p{L}))(\\p{L}.*?)\\s{2,}-?${PRICE}-?$`, 'iu');
/**
 * "2 Stk. Waschgang", "3 pcs x Spring Roll", "Trockner  2 Stk": the unit word after a quantity. The short ones that
 * also start names ("2 St Ives", "1 PC Game", "2 Un Café") only with their point.
 */
const PIECES_AFTER = '(?:\\s*(?:(?:stk|stück|stueck|stuks|pcs|pce|pces|pz|pzi|pzs|uds|unid)\\.?|(?:st|pc|ea|ud|un)\\.)(?=\\s|$))?';
// "3 @ Eyebrow Wax": a till that prints its "@" between the count and the name, the price only in the amount column;
// a measure sold loose the same way ("2,5 L x Black soap").
// A name may start with a figure glued to a letter when a space sets it off the sign ("2 x 3D glasses", "1 x 4K
// cable"); "2X4X8 STUD" is a size.
const QTY_X_DESC = new RegExp(`^(\\d{1,4}(?:[.,]\\d{1,3})?)(?:\\s?${UNIT}(?=\\s))?${PIECES_AFTER}\\s*[x×*@](?:\\s*(?=\\p{L})|\\s+(?=\\d{1,2}\\p{L}))(.+)$`, 'iu');
/** The word for a quantity, in the languages' tills: "Qty 2", "Menge: 3", "Qté 2", "Cant. 4", "Q.tà 2", "Aantal 2". */
const QTY_WORD = '(?:qty|quantity|menge|anz|qt[ée]|cant|q\\.?t[àa]|aantal)\\.?\\s*[:=]?\\s*(\\d{1,4})';
/** "Brake Pads 2x4 qty 3", "Qty 2 Inner tube": the count under its own word, never a pack size. */
const DESC_QTY_WORD = new RegExp(`^(.+?)\\s+${QTY_WORD}$`, 'i');
const QTY_WORD_DESC = new RegExp(`^${QTY_WORD}\\s+(\\p{L}.*)$`, 'iu');
/**
 * "1,500 m  Tela", "0,750 kg  Äpfel": a measured quantity in a column before the name. Only as scales and measuring
 * tills print it, to the gram or the millimetre: "0,5 l Cola" and "2 m Kabel" name a bottle and a cable.
 */
const MEASURED_DESC = new RegExp(`^(\\d+[.,]\\d{3})\\s?${COLUMN_UNIT}\\.?\\s+(\\p{L}.*)$`, 'iu');
const DESC_X_QTY = /^(.+?)\s+[x×]\s*(\d{1,4})$/i;
// A figure before a measure's unit is the article's size, not its count ("15 GAL LIVE OAK", a fifteen-gallon tree;
// "2 kg Kartoffeln", a sack): the name keeps it.
const QTY_DESC = new RegExp(`^(\\d{1,3})${PIECES_AFTER}\\s+(?!(?:${UNIT_WORDS}|qt|pt|in|ft|cf)\\.?(?:\\s|$))(\\p{L}.*)$`, 'iu');
/**
 * A quantity column after the name ("Trockner 30 Min   2 Stk.", "Hopbel Blond  4x", "DECK SCREW  x2", with a space
 * before its sign "Black pudding  2 x"): two spaces apart, so not a pack size ("Uova 6 pz").
 */
const DESC_QTY_COLUMN = new RegExp(`^(.+?)\\s{2,}[x×]?(\\d{1,3})(?:\\s?[x×]|${PIECES_AFTER})$`, 'iu');
/**
 * A unit price column before the count ("Spax 4x40 200St  7,99  2": tables headed EP / Menge, P.U. / Qté): read only
 * when count × price is the amount, as a name ending in a price-like size never is.
 */
const DESC_PRICE_QTY_COLUMNS = new RegExp(`^(.+?)\\s{2,}-?${PRICE}-?\\s{2,}(\\d{1,4})$`, 'i');
/** An article-number column after the name ("DECK SCREW #8  483921"): five digits or more, two spaces apart. */
const DESC_CODE_COLUMN = /^(.+?)\s{2,}(\d{5,14})$/;
/** An article number in brackets after the name ("Brocha 50mm [31007]"). */
const BRACKETED_CODE = /^(.+?)\s*\[([A-Z0-9-]{3,})\]$/i;
/** A VAT rate column between the name and the amount ("Tagliere misto  10%  14,00"): the line's tax code. */
const RATE_COLUMN = /\s{2,}(\d{1,2}(?:[.,]\d{1,2})?\s?%)$/;
/** A folio's date before each line's name ("02.10. Übernachtung", "03/10 Breakfast"): the night's, not the name's. */
const FOLIO_DATE = /^(\d{2})(?:\.(\d{2})\.|\/(\d{2}))\s+(?=\p{L})/u;
/**
 * SKU/article-number column before the description: "4471220  Wood Screws", "CH1102  Cheville", a tariff's short code
 * before a column gap ("T03   Day pass"); a service code of
 * letters only when its shape says code, hyphenated ("SV-REV  Revisión") or capitals before a mixed-case name
 * ("EXAM  Eye Examination"; "EXT CORD" or "BIO  APPLES" on an all-capitals till stay names).
 */
const SKU_DESC = /^((?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,15}|[A-Z]{1,2}\d{2,3}(?=\s{2,}\p{L})|[A-Z]{2,8}(?:-[A-Z0-9]{1,8})+|[A-Z]{2,8}(?=\s{2,}\p{Lu}\p{Ll}))\s{2,}(\S.*)$/u;
/**
 * Product-number column before the description, one space enough: an EAN-8, UPC-A, EAN-13/ISBN-13 or GTIN-14
 * ("4006381333931 HDMI-Kabel"), or such a number the card-number mask hid because it also passes Luhn
 * ("*********3931  Germinal": nine stars and the last four, as maskPans leaves 13 digits).
 */
const PRODUCT_NUMBER_DESC = /^(\d{8}|\d{12,14}|\*{4,10}\d{4})\s+(\p{L}.*)$/u;

/**
 * A part number of capitals and figures, one space before the name ("PH7317 Oil filter", "BR901 Rotor front"): a
 * parts counter's code, five characters or more so that a model name ("MP3 player", "A4 paper") stays the name.
 */
const PART_CODE_DESC = /^((?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{5,12})\s(?=\p{Lu}\p{Ll})(.+)$/u;

/** A number of three or more digits and one space before a name: an article number when nothing else counts it. */
const ARTICLE_BEFORE_NAME = /^(\d{3,8})\s+(?=\p{L})/u;

/**
 * A measured quantity under a label of its own ("GALLONS  11.482", "Litres : 38,52"), to the thousandth as pumps and
 * scales print it: a pay-at-pump receipt that prints its grade, volume, price and sale on separate lines.
 */
export const LABELLED_MEASURE = /^(gallons?|gal|litres?|liters?|ltrs?|litros?|litri|volume|volumen)\s*[:.]?\s+(\d+[.,]\d{3})$/i;
/** The price per unit of such a volume on a line of its own ("PRICE/GAL  $3.199", "Prix/L 1,879"). */
const LABELLED_UNIT_PRICE = /^(?:price|prix|preis|precio|prezzo|prijs)\s*\/\s*(gal|l|ltr|litre|liter)\s*[:.]?\s+(?:\$|£|€)?\s*(\d+[.,]\d{2,3})\s*(?:€)?$/i;

/**
 * A name line's article number before the name ("401233  Trail shoe", "881204 Jeans", "4006381333931 Cable"), split
 * off: the article's code, never its name. A number that passes its check digit is the EAN.
 */
export function splitArticleCode(text: string): { name: string; sku: string | null; ean: string | null } {
  const m = SKU_DESC.exec(text) ?? PRODUCT_NUMBER_DESC.exec(text);
  const code = m === null ? ARTICLE_BEFORE_NAME.exec(text) : null;
  const name = m !== null ? m[2]! : code !== null ? text.slice(code[0].length) : text;
  const number = m?.[1] ?? code?.[1] ?? null;
  if (number === null || number.startsWith('*')) return { name, sku: null, ean: null };
  return gtinValid(number) ? { name, sku: null, ean: number } : { name, sku: number, ean: null };
}

/** The volume of a labelled measure line, with its unit (gallons, else litres), or null. */
export function labelledMeasure(text: string): { qty: string; unit: string } | null {
  const m = LABELLED_MEASURE.exec(text);
  return m === null ? null : { qty: m[2]!, unit: m[1]!.toLowerCase().startsWith('gal') ? 'gal' : 'l' };
}

/** The price of a labelled unit-price line ("PRICE/GAL  $3.199"), or null. */
export function labelledUnitPrice(text: string): string | null {
  return LABELLED_UNIT_PRICE.exec(text)?.[2] ?? null;
}

export interface ItemDraft extends Item {
  /** Indent of the item's own line, to tell its indented modifiers apart. */
  readonly indentAt: number;
  /**
   * Why this line could as well have been read another way with the same sums ("Jambon x4": four at 0.80 or one
   * pack of four), or null. The arithmetic cannot tell the readings apart, so confidence must not claim it can.
   */
  ambiguity: string | null;
  /** The whole label when the count was read from its end ("Latte x2"): the name, should the count be a pack size. */
  countInName: string | null;
  /** The invoice position printed before the name ("10  Inspektion  12 AW"), when one was split off. */
  position?: number;
}

function canonicalUnit(u: string | undefined): string | null {
  return u === undefined ? null : (UNITS[u.toLowerCase()] ?? null);
}

export function newItem(description: string, amount: ParsedAmount, indent: number): ItemDraft {
  const trimmed = description.trim();
  // The arithmetic first, the pattern last: this runs for every item.
  const code = trimmed.endsWith(']') ? BRACKETED_CODE.exec(trimmed) : null;
  return {
    description: code === null ? trimmed : code[1]!,
    quantity: 1,
    unit: null,
    unitPrice: null,
    unitPriceText: null,
    amount: amount.minor,
    sku: code === null ? null : code[2]!,
    ean: null,
    taxCode: amount.taxCode,
    modifiers: [],
    discounts: [],
    indentAt: indent,
    ambiguity: null,
    countInName: null,
  };
}

export function setQuantity(item: Item, qtyText: string, unit: string | undefined, priceText: string | undefined): void {
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

/** q × printed unit price in minor units (fine prices kept exact), or null when either is unreadable. */
export function qtyTimesPrice(qtyText: string, priceText: string): number | null {
  const q = parseDecimal(qtyText);
  const p = parseUnitPrice(priceText);
  if (q === null || p === null) return null;
  return Math.round((q.value * Math.round(Number(p.text) * 100_000)) / 1000);
}

/** "@ 27.49 ea", "à 3,95 /St", "PU 6,90": a unit price alone, under an item whose count a column printed. */
const UNIT_PRICE_ALONE = new RegExp(`^(?:${AT}|${UNIT_PRICE_WORD})\\s*${PRICE}\\s*(?:\\/?\\s*(?:ea|each|st|stk|pc|pz|ud|unit)|\\s*(?:\\/|per)\\s*(?:hour|hr|h|uur|std|heure|${UNIT_WORDS}))?$`, 'i');
/** "Réf. CS010  PU 3,90", "Ref 4471  @ 2.50 ea": the article's reference and its unit price, under its line. */
const REFERENCE_AND_PRICE = /^(?:r[ée]f|ref|art|sku|code|cod)\.?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{2,})\s+(\S.*)$/i;
/** "2  3,95": the count and unit price columns of a table row whose name is printed on the line above. */
const QTY_PRICE_COLUMNS = new RegExp(`^${NUM}\\s{2,}-?${PRICE}-?$`);

/** The unit price of a line that prints only that ("@ 27.49 ea"), when it times `quantity` makes `amount`. */
export function unitPriceAlone(text: string, quantity: number, amount: number): string | null {
  const m = UNIT_PRICE_ALONE.exec(text);
  return m !== null && qtyTimesPrice(String(quantity), m[1]!) === Math.abs(amount) ? m[1]! : null;
}

/**
 * A rate under an item, named by its word: "je 16,90", "cad. 8,99" (cadauno), "Stundensatz 118,00", "precio/hora
 * 45,00", "taux horaire 78,00", "uurtarief 62,00", or a rate's definition ending in its sign ("1 AW = 6 Min. à 9,80").
 */
const LABELLED_RATE = new RegExp(
  `^(?:je|pro|ea\\.?|each|per\\s\\p{L}+|cad\\.?|cadauno|cadauna|c\\/u|la pi[eè]ce|l'unit[eé]|per stuk|stuksprijs|(?:stunden|std\\.?-?|verrechnungs)(?:satz|lohn)|precio\\s?\\/?\\s?hora|tarifa\\s?\\/?\\s?hora|(?:taux|tarif|prix)\\s(?:horaire|unitaire)|uurtarief|uurloon|tariffa oraria|costo orario|(?:hourly|labou?r) rate|[^@àá]{1,30}\\s(?:@|à|á))\\s*[:=]?\\s*${PRICE}(?:\\s*\\/\\s*\\p{L}{1,5}\\.?)?$`,
  'iu',
);

/** A price per unit alone under a line ("12,00 / L", "65,00 / ud."): the line's rate. */
const PRICE_PER_UNIT = new RegExp(`^${PRICE}\\s*\\/\\s*(?:${UNIT_WORDS}|m|${PIECES}|${HOURS})\\.?$`, 'iu');

/** A labelled rate under an item (LABELLED_RATE, PRICE_PER_UNIT), when the item's quantity at that rate is its amount. */
export function labelledRate(text: string, quantity: number, amount: number): string | null {
  const m = LABELLED_RATE.exec(text) ?? PRICE_PER_UNIT.exec(text);
  return m !== null && qtyTimesPrice(String(quantity), m[1]!) === Math.abs(amount) ? m[1]! : null;
}

/**
 * An article's reference and its unit price on a line under it ("Réf. CS010  PU 3,90"), when the item's quantity at
 * that price is its amount: the reference is its SKU, the price its unit price, neither an add-on nor a name.
 */
export function referenceAndUnitPrice(text: string, quantity: number, amount: number): { sku: string; price: string } | null {
  const m = REFERENCE_AND_PRICE.exec(text);
  if (m === null) return null;
  const unit = UNIT_PRICE_ALONE.exec(m[2]!);
  return unit !== null && qtyTimesPrice(String(quantity), unit[1]!) === Math.abs(amount) ? { sku: m[1]!, price: unit[1]! } : null;
}

/** Count and unit price columns with no name ("2  3,95"), read as a quantity line when they make the amount. */
export function qtyPriceColumns(label: string, amount: number): { qty: string; unit: undefined; price: string } | null {
  const m = QTY_PRICE_COLUMNS.exec(label);
  return m !== null && qtyTimesPrice(m[1]!, m[2]!) === Math.abs(amount) ? { qty: m[1]!, unit: undefined, price: m[2]! } : null;
}

/** A qty/price line "2 @ 1.99" read as [qty, unit, price]. */
export function qtyLine(text: string): { qty: string; unit: string | undefined; price: string } | null {
  const m = QTY_LINE.exec(text.trim());
  return m === null ? null : { qty: m[1]!, unit: m[2] ?? m[4], price: perUnit(text, m[3]!, m[2]) };
}

const PER_HUNDRED = /\/\s*100\s?\p{L}/u;

/**
 * The price of one unit, when the line prices a hundred ("250 g x 3,90/100g" is 0.039 a gram): so that the count at
 * that price is the amount, as for every other line.
 */
function perUnit(text: string, price: string, unit?: string): string {
  if (!text.includes('100') || !PER_HUNDRED.test(text)) return price;
  const d = parseDecimal(price);
  // A weight in kilograms at a price per 100 g ("0,238 kg x 2,49 €/100g"): ten hundreds a kilogram.
  const perHundred = unit !== undefined && unit.toLowerCase() === 'kg' && /\/\s*100\s?g\b/i.test(text) ? 10 : 1 / 100;
  return d === null ? price : String(Number((d.value * perHundred).toFixed(4)));
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** An item whose quantity (and unit) the label prints with no unit price. */
function counted(description: string, amount: ParsedAmount, indent: number, qty: string, unit?: string): ItemDraft {
  const item = newItem(description, amount, indent);
  setQuantity(item, qty, unit, undefined);
  return item;
}

const HAS_DIGIT = /\d/;

/** Splits the quantity forms off an item label. */
export function itemFromLabel(label: string, amount: ParsedAmount, indent: number): ItemDraft {
  // Every form below prints a figure but a code column of capitals ("BRK-PAD  Brake pads"): most names have none,
  // and are read without trying the twenty expressions that need one.
  if (!HAS_DIGIT.test(label)) return withoutFigures(label, amount, indent);
  const rate = label.endsWith('%') ? RATE_COLUMN.exec(label) : null;
  if (rate !== null) {
    const item = itemFromLabel(label.slice(0, rate.index), amount, indent);
    item.taxCode ??= rate[1]!.replace(/\s/g, '');
    return item;
  }
  const dated = isDigit(label.charCodeAt(0)) ? FOLIO_DATE.exec(label) : null;
  if (dated !== null && Number(dated[1]) <= 31 && Number(dated[2] ?? dated[3]) <= 12) return itemFromLabel(label.slice(dated[0].length), amount, indent);
  let m = DESC_QTY_PRICE_COLUMNS.exec(label);
  if (m !== null) {
    const item = newItem(m[1]!, amount, indent);
    setQuantity(item, m[2]!, m[3], m[4]);
    return item;
  }
  m = isDigit(label.charCodeAt(label.length - 1)) ? DESC_WEIGHT_PRICE.exec(label) : null;
  const weighed = m === null ? null : qtyTimesPrice(m[2]!, m[3]!);
  if (m !== null && weighed !== null && Math.abs(weighed - Math.abs(amount.minor)) <= 1) {
    const item = newItem(m[1]!, amount, indent);
    setQuantity(item, m[2]!, undefined, m[3]);
    return item;
  }
  m = QTY_DESC_PRICE.exec(label);
  if (m !== null) {
    const item = newItem(m[2]!, amount, indent);
    setQuantity(item, m[1]!, undefined, m[3]);
    return item;
  }
  m = DESC_QTY_PRICE.exec(label);
  if (m !== null) {
    // A code column before the name ("T03   Day pass  2 x 14,50"): the article's code, as when no count follows.
    const code = SKU_DESC.exec(m[1]!);
    const item = newItem(code === null ? m[1]! : code[2]!, amount, indent);
    if (code !== null) item.sku = code[1]!;
    setQuantity(item, m[2]!, m[3] ?? m[5], perUnit(label, m[4]!));
    // "Pfand 2x0,25" written tight is as often the name of the line (a deposit for two bottles) as its quantity.
    if (COMPACT_COUNT_AT_PRICE.test(label)) item.ambiguity = `"${label}": a quantity of ${m[2]} or part of the name`;
    return item;
  }
  m = label.endsWith(')') ? DESC_QTY_PRICE_BRACKETED.exec(label) : null;
  if (m !== null && qtyTimesPrice(m[2]!, m[4]!) === Math.abs(amount.minor)) {
    const item = newItem(m[1]!, amount, indent);
    setQuantity(item, m[2]!, m[3] ?? m[5], m[4]);
    return item;
  }
  m = PRODUCT_NUMBER_DESC.exec(label);
  if (m !== null) {
    const item = itemFromLabel(m[2]!, amount, indent);
    // A number failing its check digit is the shop's own article number; a masked one is kept as none: its digits are gone.
    if (gtinValid(m[1]!)) item.ean = m[1]!;
    else if (!m[1]!.startsWith('*')) item.sku = m[1]!;
    return item;
  }
  m = SKU_DESC.exec(label) ?? PART_CODE_DESC.exec(label);
  if (m !== null) {
    const item = itemFromLabel(m[2]!, amount, indent);
    item.sku = m[1]!;
    return item;
  }
  const column = unitColumn(label, amount, indent);
  if (column !== null) return column;
  // Only a label that starts or ends with a digit can print a measure before its name or a count after it.
  m = isDigit(label.charCodeAt(0)) ? MEASURED_DESC.exec(label) : null;
  if (m !== null) return counted(m[3]!, amount, indent, m[1]!, m[2]);
  m = isDigit(label.charCodeAt(label.length - 1)) ? DESC_QTY_WORD.exec(label) : null;
  if (m !== null) return counted(m[1]!, amount, indent, m[2]!);
  m = isDigit(label.charCodeAt(0)) ? QTY_DESC_PRICE_COLUMNS.exec(label) : null;
  if (m !== null && qtyTimesPrice(m[1]!, m[3]!) === Math.abs(amount.minor)) {
    const item = newItem(m[2]!, amount, indent);
    setQuantity(item, m[1]!, undefined, m[3]);
    return item;
  }
  m = QTY_WORD_DESC.exec(label);
  if (m !== null) return counted(m[2]!, amount, indent, m[1]!);
  m = QTY_X_DESC.exec(label);
  if (m !== null) return counted(m[3]!, amount, indent, m[1]!, m[2]);
  m = QTY_DESC.exec(label);
  if (m !== null) return counted(m[2]!, amount, indent, m[1]!);
  m = isDigit(label.charCodeAt(label.length - 1)) ? DESC_PRICE_QTY_COLUMNS.exec(label) : null;
  if (m !== null && qtyTimesPrice(m[3]!, m[2]!) === Math.abs(amount.minor)) {
    const item = newItem(m[1]!, amount, indent);
    setQuantity(item, m[3]!, undefined, m[2]);
    return item;
  }
  m = DESC_QTY_COLUMN.exec(label);
  if (m !== null && Number(m[2]) > 0 && amount.minor % Number(m[2]) === 0) {
    const code = DESC_CODE_COLUMN.exec(m[1]!);
    const item = newItem(code === null ? m[1]! : code[1]!, amount, indent);
    if (code !== null) item.sku = code[2]!;
    setQuantity(item, m[2]!, undefined, undefined);
    return item;
  }
  m = DESC_X_QTY.exec(label);
  // "Free Range Eggs x6" at 1.99 is a pack size: a quantity must divide the amount. "Plasters x20", "Cotton Pads
  // 2 x 100", "Windeln Gr.4 x 44" are packs too: tills print a count of ten or more, or a count after a size, as
  // part of the name. A small count that divides the amount ("Latte x2", "Jambon x4") reads either way.
  const afterNumber = m !== null && /\d$/.test(m[1]!);
  const count = m !== null && !afterNumber ? Number(m[2]) : 0;
  const divides = count > 0 && amount.minor % count === 0;
  if (divides && count < 10) {
    // A number before the name of a line that prints its count after it ("1023 Lavande pot 2L x3") is no second
    // count: it is the article number.
    const article = ARTICLE_BEFORE_NAME.exec(m![1]!);
    const named = article === null ? label : label.slice(article[0].length);
    const item = newItem(article === null ? m![1]! : m![1]!.slice(article[0].length), amount, indent);
    if (article !== null) item.sku = article[1]!;
    setQuantity(item, m![2]!, undefined, undefined);
    item.ambiguity = `"${label}": a quantity of ${m![2]} or a pack size`;
    // Read as a pack (settleCountsInNames), the name keeps its size but not the article number.
    item.countInName = named;
    return item;
  }
  const item = newItem(label, amount, indent);
  // A count of ten or more is read as a pack, but one that divides the amount into a price a piece could sell at
  // may be a dozen sold ("Macarons x12" at 13,20); "Plasters x20" at 2.00 is no twenty at 10p.
  if (divides && amount.minor / count >= PIECE_PRICE_FLOOR) item.ambiguity = `"${label}": a pack size or a quantity of ${m![2]}`;
  // After a number ("Windeln Gr.4 x 44", "Torte No.2 x 3", "Becher 0.50 x 6") the count is read as a pack too, but
  // one that divides the amount into a price a piece could sell at may as well be the count sold.
  const sold = afterNumber ? Number(m![2]) : 0;
  if (sold > 1 && amount.minor % sold === 0 && Math.abs(amount.minor) / sold >= PIECE_PRICE_FLOOR) item.ambiguity = `"${label}": a pack size or a quantity of ${m![2]}`;
  return item;
}

/** An item label with no figure in it: a name, perhaps after a code column of capitals. */
function withoutFigures(label: string, amount: ParsedAmount, indent: number): ItemDraft {
  const m = SKU_DESC.exec(label);
  if (m === null) return newItem(label, amount, indent);
  const item = itemFromLabel(m[2]!, amount, indent);
  item.sku = m[1]!;
  return item;
}

/**
 * A workshop's or a trade counter's quantity column with its unit, after the name and a column gap: hours of labour
 * ("Bremsen vorn erneuern  1,5 Std.", "Cambio aceite y filtro  0,80 h"), the German trade's Arbeitswerte ("12 AW"),
 * pieces ("Ölfilter  1 St") or a measure ("Motoröl 5W-30  4,5 l"), the unit price column after it when printed
 * ("Vidange + contrôle  0,8 h  78,00", read only when the count at that price is the amount).
 */
const DESC_UNIT_COLUMN = new RegExp(`^(.+?)\\s{2,}${NUM}\\s?(?:${UNIT}|${PIECES}|${HOURS}|aw)\\.?(?:\\s{2,}-?${PRICE}-?)?$`, 'iu');
/** A position number before the name ("10  Inspektion", "020  Ölfilter"): the line's place on the invoice, not its count. */
const POSITION_BEFORE_NAME = /^\d{1,4}\s{2,}(?=\p{L})/u;

/** How a unit column's doubt ends (a measure read as the quantity with no rate to check it): a rate under it settles it. */
export const SIZE_OR_QUANTITY = "or the article's size";

function unitColumn(label: string, amount: ParsedAmount, indent: number): ItemDraft | null {
  if (!label.includes('  ')) return null;
  const m = DESC_UNIT_COLUMN.exec(label);
  if (m === null) return null;
  const price = m[4];
  if (price !== undefined && qtyTimesPrice(m[2]!, price) !== Math.abs(amount.minor)) return null;
  const q = parseDecimal(m[2]!);
  if (q === null || q.value === 0) return null;
  // A measure with no price beside it ("Cola  1,5 L", "Motoröl 5W-30  4,5 l") is as often the article's size: it
  // stays in the name unless a rate under it makes it the quantity (measureInName).
  const position = POSITION_BEFORE_NAME.exec(m[1]!);
  if (m[3] !== undefined && price === undefined) {
    const sized = newItem(position === null ? label : label.slice(position[0].length), amount, indent);
    if (position !== null) sized.position = Number(position[0]);
    return sized;
  }
  const pieces = m[3] === undefined && !HOURS_OR_AW.test(label.slice(m[1]!.length));
  // A count of pieces divides the amount ("Schrauben 4x40  200 St  4,99" is a pack): else it is no count.
  if (pieces && price === undefined && (!Number.isInteger(q.value) || amount.minor % q.value !== 0)) return null;
  const item = newItem(position === null ? m[1]! : m[1]!.slice(position[0].length), amount, indent);
  setQuantity(item, m[2]!, m[3], price);
  // With no price to check it, hours or a count of pieces ("Parken  2 h", "Eier  10 St") may be part of the name or
  // the article's pack: a rate under it settles it (units.ts). A number before the name may be the count, not the
  // line's position: positions that run in order settle it.
  if (price === undefined && (q.value !== 1 || !pieces)) item.ambiguity = `"${label}": a quantity of ${m[2]} ${SIZE_OR_QUANTITY}`;
  if (position !== null) item.position = Number(position[0]);
  return item;
}

/** A measure column at the end of a name ("Motoröl 5W-30 Longlife  4,5 l"): its size, or its quantity. */
const MEASURE_AT_END = new RegExp(`\\s{2,}${NUM}\\s?${UNIT}\\.?$`, 'iu');

/**
 * The measure a name ends with in a column of its own, and the name without it ("Motoröl 5W-30  4,5 l"), for a rate
 * under the line to settle as the quantity; null when the name ends with none.
 */
export function measureInName(description: string): { name: string; qty: string; unit: string } | null {
  const m = MEASURE_AT_END.exec(description);
  return m === null ? null : { name: description.slice(0, m.index).replace(POSITION_BEFORE_NAME, ''), qty: m[1]!, unit: m[2]! };
}

const HOURS_OR_AW = new RegExp(`^\\s+${NUM}\\s?(?:${HOURS}|aw)\\.?(?:\\s|$)`, 'iu');

/** A label that prints its count before the name with a sign between them ("2 x Milk", "3 @ Eyebrow Wax"). */
export function countBeforeName(label: string): boolean {
  return QTY_X_DESC.test(label);
}

/**
 * An item whose count was read from the end of its name read back as one pack named so ("Eggs x6"), the ambiguity
 * settled: a till that prints another line's count before the name or on a line of its own prints them all so.
 */
export function packInName(item: ItemDraft): void {
  if (item.countInName === null) return;
  item.description = item.countInName;
  item.quantity = 1;
  item.countInName = null;
  item.ambiguity = null;
}

/** An item from a profile's item pattern with named groups. */
export function itemFromPattern(groups: Record<string, string | undefined>, indent: number): ItemDraft | null {
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
export function finishItem(item: ItemDraft): Item {
  // Field by field, not a rest spread: this runs for every item line, and spreads are slow.
  const plain: Item = {
    description: item.description,
    quantity: item.quantity,
    unit: item.unit,
    unitPrice: item.unitPrice,
    unitPriceText: item.unitPriceText,
    amount: item.amount,
    sku: item.sku,
    ean: item.ean,
    taxCode: item.taxCode,
    modifiers: item.modifiers,
    discounts: item.discounts,
  };
  if (plain.unitPrice === null && plain.unitPriceText === null && Number.isInteger(plain.quantity)) {
    // A price is never negative: a refunded or voided line's sign lives in its amount.
    const each = Math.abs(plain.amount / plain.quantity);
    if (Number.isInteger(each)) plain.unitPrice = each;
  }
  return plain;
}
