// Whole labels receipts use, per concept, in English, German and French; layout profiles add to these lists
// without code changes. A whole-label match (against normaliseLabel) is decisive evidence for its concept;
// the word-level, fuzzy evidence in six languages that reads labels never seen whole is in evidence.ts.
import type { TenderType } from './basket.js';
import { LETTER } from './letters.js';

export interface Vocabulary {
  subtotal: string[];
  total: string[];
  /** Total labels that also say the receipt is a refund. */
  refundTotal: string[];
  change: string[];
  tenders: Record<TenderType, string[]>;
  /** Labels of summary lines that repeat figures already counted (never items or discounts). */
  summaries: string[];
  /** Words that make a line a discount (also when printed without a minus). */
  discountWords: string[];
}

export const GENERIC_VOCABULARY: Vocabulary = {
  subtotal: ['sub ?-?total', 'subtotal', 'zwischensumme', 'zw\\.? ?-?summe', 'sous ?-?total', 'total items', 'items total'],
  total: [
    'total',
    'totals?',
    'grand total',
    'total due',
    'total to pay',
    'balance',
    'balance due',
    'amount due',
    'to pay',
    'eat in total',
    'take ?away total',
    'total \\(?incl\\.? vat\\)?',
    'summe',
    'gesamt',
    'gesamtbetrag',
    'gesamtsumme',
    'zu zahlen',
    'endbetrag',
    'total ttc',
    'montant ttc',
    'net à payer',
    'net a payer',
    'à payer',
    'total à payer',
    'amount',
    'sale amount',
    'purchase amount',
    'betrag',
    'montant',
    'total takings',
    'takings',
    'net sales',
    'gesamtumsatz',
    'umsatz',
    "chiffre d'affaires",
    'void total',
  ],
  refundTotal: ['refund', 'refund total', 'total refund', 'refund due', 'erstattung', 'erstattungsbetrag', 'rückgabe summe', 'remboursement', 'total remboursé'],
  change: ['change', 'change due', 'your change', 'rückgeld', 'zurück', 'wechselgeld', 'rendu', 'rendu monnaie', 'monnaie rendue', 'monnaie'],
  tenders: {
    card: [
      'card',
      'card payment',
      'credit card',
      'debit card',
      'visa',
      'visa debit',
      'visa credit',
      'mastercard',
      'debit mastercard',
      'maestro',
      'amex',
      'american express',
      'contactless',
      'ec-?karte',
      'ec-cash',
      'girocard',
      'karte',
      'kartenzahlung',
      'cb',
      'carte',
      'carte bancaire',
      'carte bleue',
      'apple pay',
      'google pay',
    ],
    cash: ['cash', 'cash tendered', 'bar', 'bargeld', 'bar gegeben', 'gegeben', 'espèces', 'especes'],
    voucher: ['voucher', 'coupon', 'gutschein', "bon d'achat", 'ticket restaurant'],
    giftcard: ['gift ?card', 'geschenkkarte', 'carte cadeau'],
    other: ['account', 'on account', 'cheque', 'check', 'scheck', 'chèque'],
  },
  summaries: ['total savings', 'you saved', 'savings total', 'ersparnis', 'sie sparen', 'économies', 'total discount', 'items sold', 'number of items', 'anzahl artikel', "nombre d'articles"],
  discountWords: ['saving', 'savings', 'discount', 'multibuy', 'promo', 'promotion', 'rabatt', 'nachlass', 'remise', 'réduction', 'coupon', 'mix ?& ?match', '\\d+ for '],
};

/** Label as the vocabulary lists see it: lower case, no currency words, punctuation or padding around it. */
export function normaliseLabel(label: string): string {
  return label
    .toLowerCase()
    .replace(/\b(eur|gbp|usd|chf)\b|[£€$]/g, ' ')
    .replace(/[:*.#]+\s*$/g, '')
    .replace(/^[\s*:#>-]+|[\s*:#>]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** One regex matching any of `words` as the whole normalised label. */
export function wholeLabel(words: readonly string[]): RegExp {
  return new RegExp(`^(?:${words.join('|')})$`, 'iu');
}

/** One regex matching any of `words` anywhere, on word boundaries. */
export function anyWord(words: readonly string[]): RegExp {
  return new RegExp(`(?:^|[^${LETTER}])(?:${words.join('|')})(?:$|[^${LETTER}])`, 'iu');
}

/** A tax word in any of the languages, as a word of its own: what makes a row a tax line, a tax-table header or a tax sentence. */
export const TAX_WORD = anyWord(['vat', 'mwst', 'mw\\.?st', 'ust', 'tva', 'tax', 'steuer', 'iva', 'btw', 'imposta', 'cuota', 'aliquota']);

/**
 * A word that names the amount a tax was worked out on ("Base imponible", "Netto", "Total HT", "Imponibile"): a line
 * so labelled after the total is the tax table's base, never a payment, even where it is printed before the tenders.
 */
export const TAX_BASE_WORD = anyWord(['base', 'basis', 'imponible', 'imponibile', 'imposable', 'net', 'netto', 'nettobetrag', 'neto', 'grondslag', 'ht']);
