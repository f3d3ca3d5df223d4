// The receipt number: a labelled id printed anywhere ("Receipt No: 4412-0087", "Bon-Nr. 4471", "TRANS # 8841",
// "Factura simplificada: T005-00234", "Scontrino n. 0087", "N° 0418"), in any of the languages, with a letter
// prefix or dashes. Labels are ranked: a receipt/ticket/bill label beats a transaction counter (in Germany the
// TSE's), which beats an order, check or tab number, which beats a bare "No."; within a rank the first printed wins. A layout profile's own pattern comes first.
// A receipt that prints its number only as a barcode or QR code (receiptline and many tills print a CODE128
// of it) has it read from the code's data, with the evidence for it (see receiptNumberFromCodes).
import type { BarcodeRef } from './basket.js';
import { GENERIC_FIELDS } from './fields.js';
import type { Row } from './rows.js';
import { LETTER } from './letters.js';

// A letter prefix may end in a dash or a slash ("T005-00234", "J/25/0884": a workshop's job of the year), or stand
// apart as an invoice series ("RE 25-01187"; capitals only, see plausible). The digits may be grouped in threes by
// points ("000.318.552"), as French tills number their tickets.
const ID = '((?:[A-Z]{1,4}[-/ ]?)?(?:\\d{1,4}(?:\\.\\d{3}){1,4}|\\d[\\dA-Z/-]{0,19}))';
// After the id: no letter or digit, no decimals ("DEVOLUCIÓN 3,26" is an amount, not id 3), no count of parts
// ("Receipt 1 of 2", "Bill 2 of 3", "Ticket 1 de 2": one part of a split, not its number), and no period of time
// ("RETURNS: 60 DAYS", "Retour binnen 14 dagen": a return policy), nor the minutes of a clock ("Retour 14:30": a hire's
// return time).
const PERIOD = '(?:days?|tage?n?|jours?|d[ií]as|giorni|dagen|weeks?|wochen|semaines?|semanas?|settimane|weken|months?|monate?n?|mois|meses|mesi|maanden)';
const ID_END = `(?![${LETTER}\\d]|[.,]\\d|[:h]\\d{2}(?!\\d)|\\s+(?:of|von|de|di|van|sur|su)\\s+\\d|\\s+${PERIOD}(?![${LETTER}]))`;
// The number word after a label, attached or apart ("Belegnummer", "Rg.-Nr.", "Bon-Nr.", "Receipt No.", "Nº", "Receipt ID").
const NUMBER_WORD = '(?:\\s*-?\\s*(?:nummer|number|num|nr|no|n[°º.]|id|#)\\.?)?';
// Words that qualify a document label before its number ("Facture simplifiée FS-20771", "Documento commerciale n.",
// "Fra. Simp."), whole or abbreviated.
const QUALIFIER = '(?:\\s+(?:simplifi[ée]e|simplificada|simplif|simpl|simp|commerciale|fiscale?|di vendita)\\.?)?';
// A number sign before the label ("Nº Op. 118", "N° ticket 0412", "No. de factura 88").
const SIGN_BEFORE = '(?:(?:n[°º.]|nr\\.?|no\\.|no(?=\\s)|num\\.|#)\\s*(?:de\\s+|di\\s+)?)?';
// A German compound's linking "s" ("Rechnungs-Nr."), then an abbreviation's dot ("Rg.", "Scontr.").
const labelled = (labels: string, signBefore = ''): RegExp =>
  new RegExp(`(?:^|[^${LETTER}])${signBefore}(?:${labels})s?\\.?${QUALIFIER}${NUMBER_WORD}(?![${LETTER}])\\s*[:#.]?\\s*#?\\s*${ID}${ID_END}`, 'iu');

/** A bare "No." after one of these is the shop's own registration ("Testing Station No.", "Branch No.", "Licence No."). */
const SHOP_REGISTRATION = '(?:station|store|shop|branch|site|premises|reg|registration|licen[cs]e|company|vat)';

// The receipt or bill itself, as each language's tills name it: a hire slip, rental contract or delivery note is
// the document a hire shop or a yard prints. "Fra." and "Fact." (factura, facture) only with their point: "Fra
// Angelico", "Factory" are no labels.
const DOCUMENT_LABELS =
  'receipt|rcpt|bon|beleg|ticket|tkt|tck|tiq|scontrino|scontr|factura|facture|fra(?=\\.)|fact(?=\\.)|invoice|inv|rechnung|rg|' +
  'documento|doc|vente|sale|ref|bill|addition|conto|quittung|kassenbon|kassabon|volg|rekening|factuur|kwitantie|recibo|fattura|operaci[oó]n|' +
  // A French "facturette" is the receipt of a card payment or a small sale.
  'facturette|' +
  // A hire's agreement is the document a rental prints ("Mietvertrag", "Huurovereenkomst", "Rental agreement").
  'leihschein|mietschein|mietvertrag|huurovereenkomst|huurcontract|rental agreement|hire agreement|contrat de location|contratto di noleggio|contrato de alquiler|lieferschein|' +
  'return|refund|retour|rückgabe|erstattung|remboursement|devolución|reso|' +
  // A credit note is the document a refund on an invoice prints ("Facture d'avoir N° A25-0412", "Gutschrift Nr.").
  'avoir|gutschrift|credit note|creditnota|nota de cr[eé]dito|nota di credito';

/**
 * A document's title alone on its line ("FACTURA SIMPLIFICADA", "Tax invoice", "Kassenbon"): a bare number sign on
 * the line under it ("Núm.: T1-0087") numbers that document, as a label on the title's own line would.
 */
const DOCUMENT_TITLE = new RegExp(`^\\s*(?:(?:tax|vat|sales|simplified)\\s+)?(?:${DOCUMENT_LABELS})\\.?${QUALIFIER}\\s*$`, 'iu');

/** A bare number sign: "No.", "Nr.", "N°", and the Spanish and Italian "Núm." and "Número". */
const BARE_SIGN = '(?:n[°º.]|nr\\.?|no\\.|n[uú]m\\.|n[uú]mero)';

const RANKED: RegExp[] = [
  labelled(DOCUMENT_LABELS, SIGN_BEFORE),
  // "Op." is an operator alone ("OP:55"); after a number sign it is the operation ("Nº Op. 118").
  new RegExp(`(?:^|[^${LETTER}])n[°º.]\\s*op\\.?\\s*[:#.]?\\s*${ID}${ID_END}`, 'iu'),
  // A transaction counter ranks below a receipt or bill number: in German receipts it is the TSE's
  // ("TSE-Transaktion", "Transaktionsnummer"), printed beside the Beleg- or Rechnungsnummer.
  labelled('transaction|transactie|transaktion|trans|tran|txn|trx|trn|vorgang'),
  // "TX 60218" starts a line or follows a column gap; ", TX 78701" is a Texan address.
  new RegExp(`(?:^|\\s{2})tx\\s*[:#]?\\s*${ID}${ID_END}`, 'iu'),
  // A workshop's job card or work order is the document a garage or a repairer prints.
  labelled('guest check|check|chk|order|bestellung|auftrag|commande|pedido|ordine|tab|job(?: card)?|work ?order|repair order|werkstattauftrag|werkorder|werkbon|orden de trabajo'),
  labelled('report|bericht|rapport'),
  new RegExp(`(?:^|\\s)(?<!${SHOP_REGISTRATION}\\s)${BARE_SIGN}\\s*[:#]?\\s*${ID}${ID_END}`, 'iu'),
  // A number sign alone at the start of a line ("#40266  07/08/25 7:55 PM"): a US counter till's ticket number.
  new RegExp(`^#\\s*${ID}${ID_END}`, 'u'),
];

const TRANSACTION_RANK = 2;
const BARE_AT_START = new RegExp(`^\\s*${BARE_SIGN}\\s*[:#]?\\s*${ID}${ID_END}`, 'iu');

/** The id a bare number sign starts a line with, under the document's title on the line before (see DOCUMENT_TITLE). */
function underTitle(rows: readonly Row[]): { id: string; row: Row } | null {
  for (let k = 1; k < rows.length; k++) {
    const row = rows[k]!;
    if (row.amount !== null) continue;
    const m = BARE_AT_START.exec(row.text);
    if (m !== null && plausible(m[1]!) && rows[k - 1]!.amount === null && DOCUMENT_TITLE.test(rows[k - 1]!.text)) return { id: m[1]!, row };
  }
  return null;
}
/** The ranks whose label names the receipt itself: the receipt or bill, and the transaction counter. */
const NAMING_RANKS = new Set([0, TRANSACTION_RANK]);
/**
 * A German till's TSE block prints the fiscal module's own transaction counter ("TSE-Transaktion",
 * "Transaktionsnummer") beside the Beleg or Rechnung number: it is never the receipt's number, so no rival to it.
 */
const FISCAL_COUNTER = /\bTSE\b|transaktion/i;

/** A card number as the mask prints it ("************3319", "**** 4471"). */
const MASKED_CARD = /\*{4,}\s?\d{4}\b/;

/** An id is a number, not a date, a time or an amount that happens to follow a label. */
function plausible(id: string): boolean {
  // An IBAN ("Rekeningnummer NL91ABNA0417164300") is the shop's bank account.
  if (/^[A-Z]{2}\d{2}[A-Z]{4}/.test(id)) return false;
  // A series apart from its number is in capitals: "Rechnung vom 22.03.25" names a date, not series "vom".
  if (id.includes(' ') && !/^[A-Z]{1,4} \d/.test(id)) return false;
  return !/^\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?$/.test(id) && !/[/-]$/.test(id);
}

/**
 * The receipt number printed in the text, and whether it is `named`: read by a profile's pattern, or under a
 * receipt, ticket or transaction label with no other such label printing another id. An order, check or bare
 * "No." number is a weaker reading: the receipt may print its own number under a label no one can name.
 */
export interface TextReceiptNumber {
  id: string;
  named: boolean;
  /** Another label of a receipt or transaction prints another id above this one ("Transaction 04-018832" over "Ticket 7712045"). */
  underRival?: true;
}

/** The first plausible id a ranked label gives on a line without an amount ("2 Pasty Large No.4  8.50" has none). */
function firstRowUnder(re: RegExp, rows: readonly Row[], except: string | null = null): { id: string; row: Row } | null {
  for (const row of rows) {
    if (row.amount !== null) continue;
    const m = re.exec(row.text);
    if (m !== null && plausible(m[1]!) && m[1] !== except) return { id: m[1]!, row };
  }
  return null;
}

const firstUnder = (re: RegExp, rows: readonly Row[], except: string | null = null): string | null => firstRowUnder(re, rows, except)?.id ?? null;

/** A label that ends its line with its number sign or colon ("ORDER NO.", "Ticket #", "Beleg-Nr.:"): the number is below. */
const LABEL_AT_END = /(?:n[°º.]|nr\.?|no\.|number|nummer|numero|número|#|:)\s*$/iu;
/** A line that prints one id alone ("147", "A-2291"), centred or not: the value a label above it names. */
const LONE_ID = /^#?\s?(?=[A-Z0-9/-]*\d)[A-Z0-9][A-Z0-9/-]{0,19}$/i;

/**
 * The rows with a label whose number a till prints on the line below it ("ORDINE N." over a big "147") read as one
 * line, so that the labels read it as they read a number beside them. Only a label that ends in its number sign
 * or a colon joins: a heading over a figure names nothing.
 */
function withNumbersBelow(rows: readonly Row[]): readonly Row[] {
  let out: Row[] | null = null;
  for (let i = 0; i + 1 < rows.length; i++) {
    const row = rows[i]!;
    const next = rows[i + 1]!;
    if (row.amount !== null || next.amount !== null || next.cells.length !== 1 || !LABEL_AT_END.test(row.text) || !LONE_ID.test(next.text)) continue;
    out ??= rows.slice();
    out[i] = { ...row, text: `${row.text} ${next.text}` };
  }
  return out ?? rows;
}

export function findReceiptNumber(printed: readonly Row[], patterns: readonly RegExp[]): TextReceiptNumber | null {
  const rows = withNumbersBelow(printed);
  if (patterns !== GENERIC_FIELDS.receiptNumber) {
    // A profile's pattern is the first in its list.
    const own = patterns[0]!;
    for (const row of rows) {
      const m = own.exec(row.text);
      const value = m?.[1] ?? (m?.groups === undefined ? undefined : Object.values(m.groups)[0]);
      if (value !== undefined && value.trim() !== '') return { id: value.trim(), named: true };
    }
  }
  for (const [rank, re] of RANKED.entries()) {
    // A number under the document's title is the document's own, as one under its label is.
    const found = firstRowUnder(re, rows) ?? (rank === 0 ? underTitle(rows) : null);
    if (found === null) continue;
    const id = found.id;
    // Two labels of one rank that print two ids ("Beleg 4471 ... Bon 9902"), or a receipt number beside a
    // transaction counter that is not the fiscal one ("Beleg 4471 ... Trans 9902"): either could be the receipt's.
    const rivals = [firstRowUnder(re, rows, id), rank === 0 ? firstRowUnder(RANKED[TRANSACTION_RANK]!, rows.filter((row) => !FISCAL_COUNTER.test(row.text)), id) : null];
    const rival = rivals.some((r) => r !== null);
    // A till prints its own number first: one printed under another's ("Transaction 04-018832" over "Ticket
    // 7712045" at a car park's pay station) may be a ticket's, a voucher's or a terminal's.
    const under = rivals.some((r) => r !== null && r.row.index < found.row.index);
    // A German fiscal module's counter ("TSE-Transaktion 61203") is never the receipt's own number: not named, so a
    // guess when the header prints another id no label names ("Seq 3161") or a code carries another. Its block names
    // itself on the counter's line or beside it ("TSE-Signatur: …" over "Trans.-Nr.: 21877").
    const inFiscalBlock = rows.some((row) => Math.abs(row.index - found.row.index) <= 1 && FISCAL_COUNTER.test(row.text));
    const fiscal = rank === TRANSACTION_RANK && inFiscalBlock;
    // Under a masked card number the id is the card terminal's ("Operación 004122" of its slip), not the receipt's.
    const onSlip = rows.some((row) => row.index === found.row.index - 1 && MASKED_CARD.test(row.text));
    return { id, named: NAMING_RANKS.has(rank) && !rival && !fiscal && !onSlip, ...(under && { underRival: true as const }) };
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

/**
 * A label and number of three or more digits the receipt prints that no id label names: "TR:4821" among
 * "ST:2291 OP:55", "Seq 10488", "No. T0412", or one the card-number mask hid because it passes Luhn ("TR:*********4871":
 * the header prints no card). Not a date, time, price or phone number (the lookahead), nor a US state and ZIP code
 * ("NY 12205"; "TR: 31208" is an id).
 */
// The id may run on in dashed groups ("FACTUUR 2025-00981", a year's invoice series), never as an ISO date.
const UNNAMED_ID = /(?:^|\s)(\p{L}[\p{L}.]{0,9})\s?[:#.]?\s?((?:\p{Lu}{1,3}-?)?\**(?!\d{4}-\d\d-\d\d)\d{3,}(?:-\d{2,})*)(?![\d.,:/-]|\s?\p{L})/gu;
/**
 * Labels of the numbers every header prints that are not the receipt's: tax ids, phones, store, till, staff, and the
 * year a shop was founded ("Churrería desde 1951", "Bakers since 1987", "seit 1928").
 */
const KNOWN_LABEL =
  /^(?:tel|fax|ph|phone|vat|ust|nif|cif|tva|btw|iva|piva|uid|siret|siren|abn|gst|kvk|pin|auth|aid|tid|mid|store|shop|branch|filiale|markt|site|magasin|till|kasse|kassa|caisse|cassa|caja|register|reg|pos|lane|terminal|op|operator|cashier|clerk|server|caissier|caissiere|kassierer|bediener|cajero|cassiere|since|est|seit|depuis|desde|dal|sinds)$/i;
const US_ZIP = /^[A-Z]{2}$/;

/** True when a row before the first amount prints an id (other than `found`) that no label names: it may be the receipt number. */
export function printsUnnamedId(rows: readonly Row[], found: string | null = null): boolean {
  for (const row of rows) {
    if (row.amount !== null) return false;
    if (GENERIC_FIELDS.vatNumber.some((re) => re.test(row.text)) || GENERIC_FIELDS.phone.some((re) => re.test(row.text))) continue;
    for (const m of row.text.matchAll(UNNAMED_ID)) {
      const label = m[1]!.replace(/\./g, '');
      if (m[2] === found || KNOWN_LABEL.test(label) || (US_ZIP.test(label) && /^\d{5}$/.test(m[2]!) && !/[:#]/.test(m[0]))) continue;
      return true;
    }
  }
  return false;
}
