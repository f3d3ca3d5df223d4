// The basket: what extraction makes of one printed receipt. docs/basket.schema.json is the published form of
// these types (test/extract/schema.test.ts keeps the two in step); docs/basket.md explains each field.
// Money is always an integer in minor units of `currency` (pence, cents), signed from the shopper's side:
// a refund's items, total and tenders are negative.

export const BASKET_KINDS = ['sale', 'refund', 'void', 'report', 'other'] as const;
export type BasketKind = (typeof BASKET_KINDS)[number];

export const TENDER_TYPES = ['card', 'cash', 'voucher', 'giftcard', 'other'] as const;
export type TenderType = (typeof TENDER_TYPES)[number];

export const ENTRY_MODE_NAMES = ['contactless', 'chip', 'swipe', 'manual', 'mobile'] as const;
export type EntryMode = (typeof ENTRY_MODE_NAMES)[number];

export interface Merchant {
  name: string | null;
  /** Address lines as printed, joined with ", ". */
  address: string | null;
  /** VAT / USt-IdNr. / TVA number, spaces removed. */
  vatNumber: string | null;
  phone: string | null;
}

export interface Discount {
  description: string;
  /** Negative: money taken off. */
  amount: number;
}

export interface Modifier {
  description: string;
  /** Extra charge printed on the modifier line, or null when it is free. */
  amount: number | null;
}

export interface Item {
  description: string;
  /** Units, or a measure (0.452 kg, 32.15 L); may be fractional. */
  quantity: number;
  /** Unit of measure printed with the quantity ('kg', 'L', ...), null for pieces. */
  unit: string | null;
  /**
   * Price of one unit in minor units: as printed, else amount / quantity when that divides exactly.
   * Null when the printed price is finer than a minor unit (fuel at 1.459/L): see unitPriceText.
   */
  unitPrice: number | null;
  /** The unit price as printed, in major units with a '.' decimal point ("1.459"), when one was printed. */
  unitPriceText: string | null;
  /** Line amount before the item's own discounts. */
  amount: number;
  sku: string | null;
  ean: string | null;
  /** Tax-code letter printed beside the amount (A, B, Z, 1...). */
  taxCode: string | null;
  modifiers: Modifier[];
  discounts: Discount[];
}

export interface Tax {
  code: string | null;
  /** Percent, e.g. 20 or 5.5. */
  rate: number | null;
  net: number | null;
  tax: number;
  gross: number | null;
}

export interface Tender {
  type: TenderType;
  amount: number;
  /** Card scheme or tender name as printed: VISA, MASTERCARD, girocard... */
  scheme: string | null;
  /** Always masked to the last four digits. */
  maskedPan: string | null;
  authCode: string | null;
  entryMode: EntryMode | null;
}

export interface Loyalty {
  scheme: string | null;
  memberIdMasked: string | null;
  pointsEarned: number | null;
  pointsBalance: number | null;
}

export interface BarcodeRef {
  symbology: string;
  data: string;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * The store context the receipt was read with, and where each value came from: `printed` on the receipt,
 * `config` (link or agent settings, `parse --currency/--locale`), `inferred` from the receipt's hints (tax
 * numbers, addresses, label language), `default`, or `none` (unknown).
 */
export interface BasketContext {
  currency: string | null;
  dateOrder: 'DMY' | 'MDY' | 'YMD';
  decimalSeparator: '.' | ',';
  /** ISO 639-1 language of the receipt's labels (en, de, fr, nl, es, it...). */
  language: string | null;
  timezone: string;
  sources: Record<'currency' | 'dateOrder' | 'decimalSeparator' | 'language' | 'timezone', 'printed' | 'config' | 'inferred' | 'default' | 'none'>;
}

export interface Basket {
  id: string;
  revision: number;
  kind: BasketKind;
  merchant: Merchant;
  storeId: string | null;
  tillId: string | null;
  operator: string | null;
  receiptNumber: string | null;
  /** ISO 8601 local time with the offset of the configured timezone at that moment. */
  transactionAt: string | null;
  /** ISO 4217. */
  currency: string | null;
  items: Item[];
  /** Basket-level discounts (not attached to one item). */
  discounts: Discount[];
  subtotal: number | null;
  total: number | null;
  taxes: Tax[];
  tenders: Tender[];
  change: number | null;
  loyalty: Loyalty | null;
  barcodes: BarcodeRef[];
  /** Share of the applicable checks that passed (see checks.ts). */
  confidence: number;
  checks: Check[];
  parser: { version: string; profile: string | null; ocr?: OcrProvenance };
  /** Added in parser 2: the store context used (absent on baskets from older parsers). */
  context?: BasketContext;
}

/** Set when the basket was read from a picture of the receipt (a raster-only print job) by OCR. */
export interface OcrProvenance {
  /** Engine, its version, language models and settings, e.g. "tesseract.js 7.0.0 (core 7.0.0), eng@1.0.0 4.0.0_best_int, psm 6". */
  engine: string;
  /** Mean word confidence the engine gave, 0..1; the basket's confidence is scaled by it. */
  confidence: number;
}
