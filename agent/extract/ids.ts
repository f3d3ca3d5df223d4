// The receipt number: a labelled id printed anywhere ("Receipt No: 4412-0087", "Bon-Nr. 4471", "TRANS # 8841",
// "Factura simplificada: T005-00234", "Scontrino n. 0087", "N° 0418"), in any of the languages, with a letter
// prefix or dashes. Labels are ranked: a receipt/ticket/bill label beats a transaction counter (in Germany the
// TSE's), which beats an order, check or tab number, which beats a bare "No."; within a rank the first printed wins. A layout profile's own pattern comes first.
// A receipt that prints its number only as a barcode or QR code (receiptline and many tills print a CODE128
// of it) has it read from the code's data, with the evidence for it (see receiptNumberFromCodes).
import type { BarcodeRef } from './basket.js';
import { GENERIC_FIELDS } from './fields.js';
import type { Row } from './rows.js';

const ID = '((?:[A-Z]{1,4}-?)?\\d[\\dA-Z/-]{0,19})';
// After the id: no letter or digit, and no decimals ("DEVOLUCIÓN 3,26" is an amount, not id 3).
const ID_END = '(?![\\p{L}\\d]|[.,]\\d)';
// The number word after a label, attached or apart ("Belegnummer", "Rg.-Nr.", "Bon-Nr.", "Receipt No.", "Nº").
const NUMBER_WORD = '(?:\\s*-?\\s*(?:nummer|number|num|nr|no|n[°º.]|#)\\.?)?';
// Words that qualify a document label before its number ("Facture simplifiée FS-20771", "Documento commerciale n.").
const QUALIFIER = '(?:\\s+(?:simplifi[ée]e|simplificada|commerciale|fiscale?|di vendita))?';
// A number sign before the label ("Nº Op. 118", "N° ticket 0412", "No. de factura 88").
const SIGN_BEFORE = '(?:(?:n[°º.]|nr\\.?|no\\.|no(?=\\s)|num\\.|#)\\s*(?:de\\s+|di\\s+)?)?';
// A German compound's linking "s" ("Rechnungs-Nr."), then an abbreviation's dot ("Rg.", "Scontr.").
const labelled = (labels: string, signBefore = ''): RegExp =>
  new RegExp(`(?:^|[^\\p{L}])${signBefore}(?:${labels})s?\\.?${QUALIFIER}${NUMBER_WORD}(?!\\p{L})\\s*[:#.]?\\s*#?\\s*${ID}${ID_END}`, 'iu');

const RANKED: RegExp[] = [
  // The receipt or bill itself, as each language's tills name it.
  labelled(
    'receipt|rcpt|bon|beleg|ticket|tkt|scontrino|scontr|factura|facture|invoice|inv|rechnung|rg|documento|doc|vente|sale|ref|' +
      'addition|conto|quittung|kassenbon|kassabon|volg|rekening|recibo|fattura|operaci[oó]n|' +
      'return|refund|retour|rückgabe|erstattung|remboursement|devolución|reso',
    SIGN_BEFORE,
  ),
  // "Op." is an operator alone ("OP:55"); after a number sign it is the operation ("Nº Op. 118").
  new RegExp(`(?:^|[^\\p{L}])n[°º.]\\s*op\\.?\\s*[:#.]?\\s*${ID}${ID_END}`, 'iu'),
  // A transaction counter ranks below a receipt or bill number: in German receipts it is the TSE's
  // ("TSE-Transaktion", "Transaktionsnummer"), printed beside the Beleg- or Rechnungsnummer.
  labelled('transaction|transactie|transaktion|trans|tran|txn|trx|trn|vorgang'),
  // "TX 60218" starts a line or follows a column gap; ", TX 78701" is a Texan address.
  new RegExp(`(?:^|\\s{2})tx\\s*[:#]?\\s*${ID}${ID_END}`, 'iu'),
  labelled('guest check|check|chk|order|bestellung|commande|pedido|ordine|tab'),
  labelled('report|bericht|rapport'),
  new RegExp(`(?:^|\\s)(?:n[°º.]|nr\\.?|no\\.)\\s*[:#]?\\s*${ID}${ID_END}`, 'iu'),
];

/** An id is a number, not a date, a time or an amount that happens to follow a label. */
function plausible(id: string): boolean {
  // An IBAN ("Rekeningnummer NL91ABNA0417164300") is the shop's bank account.
  if (/^[A-Z]{2}\d{2}[A-Z]{4}/.test(id)) return false;
  return !/^\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?$/.test(id) && !/[/-]$/.test(id);
}

export function findReceiptNumber(rows: readonly Row[], patterns: readonly RegExp[]): string | null {
  if (patterns !== GENERIC_FIELDS.receiptNumber) {
    // A profile's pattern is the first in its list.
    const own = patterns[0]!;
    for (const row of rows) {
      const m = own.exec(row.text);
      const value = m?.[1] ?? (m?.groups === undefined ? undefined : Object.values(m.groups)[0]);
      if (value !== undefined && value.trim() !== '') return value.trim();
    }
  }
  for (const re of RANKED) {
    for (const row of rows) {
      if (row.amount !== null && row.label === '') continue;
      const m = re.exec(row.text);
      if (m !== null && plausible(m[1]!)) return m[1]!;
    }
  }
  return null;
}

/**
 * True when a labelled receipt number was printed but the card-number mask hid its digits ("Nº: 2025-011-004871"
 * passes Luhn, so it reads "Nº: ****-***-**4871"): the number is there, and it cannot be read.
 */
export function printsMaskedId(rows: readonly Row[]): boolean {
  for (const row of rows) {
    if (!row.text.includes('*')) continue;
    const unmasked = row.text.replace(/\*/g, '0');
    for (const re of RANKED) if (!re.test(row.text) && re.test(unmasked)) return true;
  }
  return false;
}

/** What a code's data must look like to be a receipt id: 4–24 letters, digits, dashes or slashes, 3+ digits. */
const ID_SHAPED = /^(?=(?:[^\d]*\d){3})[A-Z0-9][A-Z0-9/-]{3,23}$/i;

/**
 * How a receipt id was read from a barcode or QR code: `matched` when the code's digits start with the store
 * and till ids printed in the text (store-till-transaction, "STORE 0218 REG 04" → 021804005617), `shaped` when
 * only its shape says it is an id (a letter prefix and digits: "T01-0004512").
 */
export type CodeEvidence = 'matched' | 'shaped';

/** Symbologies that carry a product's number (EAN, UPC, GS1 DataBar), never a receipt's. */
const PRODUCT_CODES = /^(?:EAN|UPC|GS1 DataBar)/;

const digitsOf = (id: string | null): string | null => (id === null || !/^\d+$/.test(id) ? null : id);

/** The receipt id printed only as a code, when the text names none; null when no code looks like one. */
export function receiptNumberFromCodes(codes: readonly BarcodeRef[], storeId: string | null, tillId: string | null): { id: string; evidence: CodeEvidence } | null {
  let shaped: string | null = null;
  const store = digitsOf(storeId);
  const till = digitsOf(tillId);
  for (const code of codes) {
    const data = code.data.trim();
    if (PRODUCT_CODES.test(code.symbology) || !ID_SHAPED.test(data) || data.includes('*')) continue;
    if (store !== null && /^\d+$/.test(data)) {
      const rest = data.startsWith(store) ? data.slice(store.length) : null;
      const afterTill = rest === null || till === null ? rest : rest.startsWith(till) ? rest.slice(till.length) : rest.startsWith(till.padStart(2, '0')) ? rest.slice(till.padStart(2, '0').length) : null;
      if (afterTill !== null && afterTill.length >= 3) return { id: data, evidence: 'matched' };
    }
    shaped ??= data;
  }
  return shaped === null ? null : { id: shaped, evidence: 'shaped' };
}

/** A label and number the receipt prints that no id label names ("TR:4821" among "ST:2291 OP:55"). */
const UNNAMED_ID = /(?:^|\s)(\p{Lu}{1,4})\s?[:#]\s?\d{3,}(?![\d.,])/u;
const KNOWN_LABEL = /^(?:tel|fax|ph|vat|ust|nif|cif|tva|btw|iva|uid|siret|abn|gst|pin|auth|aid|tid|mid|ref)$/i;

/** True when a row before the first amount prints an id that no label names: it may be the receipt number. */
export function printsUnnamedId(rows: readonly Row[]): boolean {
  for (const row of rows) {
    if (row.amount !== null) return false;
    const m = UNNAMED_ID.exec(row.text);
    if (m !== null && !KNOWN_LABEL.test(m[1]!)) return true;
  }
  return false;
}
