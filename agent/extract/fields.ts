// Single-value fields printed anywhere on a receipt with a label: VAT number, phone, store, till, operator,
// receipt number, card details, loyalty. Each is a pattern with one capture group; the first line that matches
// wins. English, German and French labels, like vocabulary.ts.
import type { EntryMode } from './basket.js';

export interface FieldPatterns {
  vatNumber: RegExp[];
  phone: RegExp[];
  storeId: RegExp[];
  tillId: RegExp[];
  operator: RegExp[];
  receiptNumber: RegExp[];
}

export const GENERIC_FIELDS: FieldPatterns = {
  vatNumber: [
    /\b(?:VAT|TVA)\s*(?:Reg(?:istration)?\.?\s*(?:No\.?|Number|Nr\.?)?|No\.?|Number|Nr\.?|#|n°|intra(?:com(?:munautaire)?)?\.?)\s*[:.]?\s*([A-Z]{2}\s?[0-9A-Z][0-9A-Z ]{6,16}[0-9A-Z]|\d[\d ]{7,14}\d)/i,
    /\b(?:USt\.?-?Id(?:\.?-?Nr)?\.?|UID(?:-Nr)?\.?|St\.?-?Nr\.?|Steuer-?Nr\.?)\s*[:.]?\s*([A-Z]{2}\s?[0-9][0-9 ]{6,14}[0-9]|\d[\d /]{7,14}\d)/i,
    /\bN°\s*TVA\s*[:.]?\s*([A-Z]{2}\s?[0-9A-Z][0-9A-Z ]{6,16}[0-9A-Z])/i,
  ],
  phone: [/\b(?:Tel|Tél|Phone|Telefon|Fon|Ph)\.?\s*(?:No\.?)?\s*[:.]?\s*(\+?\d[\d ()/-]{6,18}\d)/i],
  storeId: [/\b(?:Store|Shop|Branch|Filiale|Markt|Site|Magasin)\s*(?:No\.?|Nr\.?|#|ID|n°)?\s*[:.]?\s*#?\s*([A-Z]{0,3}\d[\dA-Z-]{0,11})\b/i],
  tillId: [/\b(?<!(?:VAT|TVA)\s?)(?:Till|Kasse|Register|Reg|Caisse|POS|Lane)\s*(?:No\.?|Nr\.?|#|ID|n°)?\s*[:.]?\s*#?\s*(\d{1,6})\b/i],
  operator: [
    /\b(?:Operator|Op|Cashier|Served by|Server|Clerk|Bediener(?:in)?|Kassierer(?:in)?|Es bediente Sie|Vendeur|Vendeuse|Caissier|Caissière|Serveur|Serveuse)\b\s*[:.]?\s*([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'.-]*(?: [A-Z][A-Za-zÀ-ÿ'.-]*)?)/,
  ],
  receiptNumber: [
    /\b(?:Receipt|Rcpt|Beleg|Bon|Ticket|Facture|Invoice|Rechnung)\s*[-.]?\s*(?:No\.?|Nr\.?|Number|#|n°|num\.?)?\s*[:.]?\s*#?\s*([A-Z]{0,3}\d[\d/-]{0,15})\b/i,
    /\b(?:Trans(?:action)?|Txn|Trx|Vorgang|Transaktion)\s*[-.]?\s*(?:No\.?|Nr\.?|Number|#|ID|n°)?\s*[:.]?\s*#?\s*(\d[\d/-]{0,15})\b/i,
    /\b(?:Check|Chk|Order|Bestellung|Commande)\s*(?:No\.?|Nr\.?|#|n°)?\s*[:.]?\s*#?\s*(\d[\d/-]{0,15})\b/i,
    /\b(?:Report|Bericht|Rapport)\s*(?:No\.?|Nr\.?|#|n°)\s*[:.]?\s*#?\s*(\d[\d/-]{0,15})\b/i,
  ],
};

/** Words after a name that belong to the next field on the same line ("Op Sam Till 3"). */
const FIELD_WORDS = /\s+(?:Till|Kasse|Store|Receipt|Rcpt|Trans|Date|Datum|Time|Zeit|Tisch|Table)\b.*$/i;

export function cleanOperator(name: string): string {
  return name.replace(FIELD_WORDS, '').trim();
}

export const CARD_SCHEMES: [RegExp, string][] = [
  [/\bvisa\s+debit\b/i, 'VISA DEBIT'],
  [/\bvisa\s+credit\b/i, 'VISA CREDIT'],
  [/\bvisa\b/i, 'VISA'],
  [/\bdebit\s+mastercard\b/i, 'DEBIT MASTERCARD'],
  [/\bmaster\s?card\b/i, 'MASTERCARD'],
  [/\bmaestro\b/i, 'MAESTRO'],
  [/\b(?:amex|american express)\b/i, 'AMEX'],
  [/\bgirocard\b/i, 'GIROCARD'],
  [/\bcarte bancaire\b|\bCB\b/, 'CB'],
  [/\bv\s?pay\b/i, 'V PAY'],
];

export const ENTRY_MODES: [RegExp, EntryMode][] = [
  [/\b(?:apple pay|google pay|mobile wallet)\b/i, 'mobile'],
  [/\b(?:contactless|kontaktlos|sans contact|ctls|nfc)\b/i, 'contactless'],
  [/\b(?:chip|icc|chip\s*&\s*pin|chip und pin|puce)\b/i, 'chip'],
  [/\b(?:swiped?|magstripe|mag stripe|msr|piste)\b/i, 'swipe'],
  [/\b(?:keyed|manual|moto|manuell)\b/i, 'manual'],
];

export const AUTH_CODE = /\b(?:Auth(?:ori[sz]ation)?\.?\s*(?:Code|No\.?|Nr\.?)?|Genehmigungs-?Nr\.?|Autorisation|Autoris\.?|Approval(?: Code)?|APPR(?: CODE)?)\s*[:.]?\s*([A-Z0-9]{4,8})\b/i;

export const MASKED_PAN = /(?:^|[^\d*Xx#])((?:[*Xx#•]{4,15}|\d{4,6}[*Xx#•]{2,12})[ -]?\d{4})(?!\d)/;
// Grouped masked form "**** **** **** 1234".
export const MASKED_PAN_GROUPED = /((?:[*Xx#•]{4}[ -]){2,4}\d{4})(?!\d)/;

export const LOYALTY_LINE = /\b(clubcard|nectar|payback|advantage|loyalty|member|rewards?|bonus ?card|fidélité|fidelite|deutschlandcard|punkte|points)\b/i;
export const LOYALTY_ID = /^(.*?)\s*(?:card|no\.?|number|nr\.?|id|#|n°)?\s*[:.]?\s*((?:[*Xx#]{2,}|\d)[\d*Xx# ]{3,22}\d)\s*$/i;
export const POINTS_EARNED = /\b(?:points?|pts|punkte)\b.*?\b(?:earned|this visit|today|gesammelt|heute|gutgeschrieben|gagnés|gagnes|acquis)\b|\b(?:earned|gesammelte)\b.*\b(?:points?|punkte)\b/i;
export const POINTS_BALANCE = /\b(?:balance|total points|punktestand|kontostand|solde|guthaben)\b/i;

/** First integer in text (points may print with a thousands comma: "1,234"). */
export function integerIn(text: string): number | null {
  const m = /(?<![\d.,])(\d{1,3}(?:[,.' ]\d{3})+|\d+)(?![\d.,]\d)/.exec(text.replace(/[:]/g, ' '));
  return m === null ? null : Number(m[1]!.replace(/[,.' ]/g, ''));
}
