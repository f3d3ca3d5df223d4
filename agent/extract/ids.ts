// The receipt number: a labelled id printed anywhere ("Receipt No: 4412-0087", "Bon-Nr. 4471", "TRANS # 8841",
// "Factura simplificada: T005-00234", "Scontrino n. 0087", "N° 0418"), in any of the languages, with a letter
// prefix or dashes. Labels are ranked: a receipt/ticket/transaction label beats an order, check or tab number,
// which beats a bare "No."; within a rank the first printed wins. A layout profile's own pattern comes first.
import { GENERIC_FIELDS } from './fields.js';
import type { Row } from './rows.js';

const ID = '((?:[A-Z]{1,4}-?)?\\d[\\dA-Z/-]{0,19})';
const NUMBER_WORD = '(?:-?\\s*(?:no|nr|number|num|nummer|n[°º.]|#)\\.?)?';
const labelled = (labels: string): RegExp => new RegExp(`(?:^|[^\\p{L}])(?:${labels})\\b\\.?\\s*${NUMBER_WORD}\\s*[:#.]?\\s*#?\\s*${ID}(?![\\p{L}\\d])`, 'iu');

const RANKED: RegExp[] = [
  labelled(
    'receipt|rcpt|bon|bonnummer|bonnr|beleg|belegnr|ticket|tkt|scontrino|factura simplificada|factura|facture|invoice|inv|rechnung|documento|doc|' +
      'transaction|transactie|transaktion|trans|txn|trx|trn|vorgang|vente|sale|ref|addition|conto|quittung|kassenbon|recibo|fattura',
  ),
  labelled('guest check|check|chk|order|bestellung|commande|pedido|ordine|tab'),
  labelled('report|bericht|rapport'),
  new RegExp(`(?:^|\\s)(?:n[°º.]|nr\\.?|no\\.)\\s*${ID}(?![\\p{L}\\d])`, 'iu'),
];

/** An id is a number, not a date, a time or an amount that happens to follow a label. */
function plausible(id: string): boolean {
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
