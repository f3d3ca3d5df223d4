// Receipt-number labels as each language's tills print them (issue 10, the fourth batch): German compounds and
// abbreviations with their number word attached ("Belegnummer", "Rechnungs-Nr.", "Rg.-Nr."), a number sign
// before the label ("Nº Op."), Dutch and Italian words ("Kassabon", "Volgnr.", "Rekening", "Scontr."), a bare
// "Nº:"; and the German TSE transaction counter, which is not the receipt number when a Beleg or Rechnung
// number is printed. The fifth batch: hire and delivery documents, abbreviated invoice and ticket labels, bills.
import { describe, expect, it } from 'vitest';
import { findReceiptNumber, printsMaskedId } from '../../agent/extract/ids.js';
import { extractBasket } from '../../agent/extract/index.js';
import { GENERIC_FIELDS } from '../../agent/extract/fields.js';
import { rowsOf } from '../../agent/extract/rows.js';
import { doc, line, lr, rule } from './documents.js';

const numberOf = (...texts: string[]): string | null =>
  findReceiptNumber(rowsOf(doc(...texts.map((t) => line([0, t])))), GENERIC_FIELDS.receiptNumber)?.id ?? null;
/** The number and whether its label names the receipt itself (a bare "No." or an order number does not). */
const namedNumberOf = (...texts: string[]) => findReceiptNumber(rowsOf(doc(...texts.map((t) => line([0, t])))), GENERIC_FIELDS.receiptNumber);

describe('receipt number labels', () => {
  it('reads German labels with the number word attached, hyphenated or abbreviated', () => {
    expect(numberOf('Belegnummer 5521')).toBe('5521');
    expect(numberOf('Beleg-Nr.: 5522')).toBe('5522');
    expect(numberOf('Bonnr. 31')).toBe('31');
    expect(numberOf('Rechnungsnummer 2024/117')).toBe('2024/117');
    expect(numberOf('Rechnungs-Nr. 9001')).toBe('9001');
    expect(numberOf('Rg.-Nr. 640')).toBe('640');
    expect(numberOf('RG-NR 641')).toBe('641');
  });
  it('takes the Beleg or Rechnung number before a TSE transaction counter printed earlier or later', () => {
    expect(numberOf('TSE-Transaktion: 7312', 'Beleg-Nr. 220')).toBe('220');
    expect(numberOf('Rechnung Nr. 31', 'Transaktionsnummer 99120', 'Signaturzähler 4410')).toBe('31');
    expect(numberOf('Bon 18', 'Trans.-Nr.: 5012 Kasse 2')).toBe('18');
    // With no receipt number printed, the transaction counter is the one there is.
    expect(numberOf('Kasse 3', 'TSE-Transaktionsnummer: 7312')).toBe('7312');
  });
  it('reads a number sign before the label, and a bare number sign with a colon', () => {
    expect(numberOf('Nº Op. 77')).toBe('77');
    expect(numberOf('N° ticket 0412')).toBe('0412');
    expect(numberOf('No. de factura A-310')).toBe('A-310');
    expect(numberOf('N. doc. 0012-0087')).toBe('0012-0087');
    expect(numberOf('N° de transaction : 004512')).toBe('004512');
    expect(numberOf('FACTURA SIMPLIFICADA', 'Nº: 2024-03-000118')).toBe('2024-03-000118');
    // "OP:55" is the operator, not an operation number.
    expect(numberOf('OP:55  TILL 2')).toBeNull();
  });
  it('reads Dutch, Italian, French and Spanish document words', () => {
    expect(numberOf('Kassabon 3301')).toBe('3301');
    expect(numberOf('Bonnummer: 3302')).toBe('3302');
    expect(numberOf('Volgnr. 0087')).toBe('0087');
    expect(numberOf('Volgnummer 88')).toBe('88');
    expect(numberOf('Rekening 5120  Tafel 3')).toBe('5120');
    expect(numberOf('Scontr. 0051  Cassa 2')).toBe('0051');
    expect(numberOf('DOCUMENTO COMMERCIALE n. 0012-0034')).toBe('0012-0034');
    expect(numberOf('Facture simplifiée FA-1020')).toBe('FA-1020');
    expect(numberOf('Operación 4410')).toBe('4410');
  });
  it('never takes an amount after a label, a word that only starts like a label, or a bank account', () => {
    expect(findReceiptNumber(rowsOf(doc(lr('DEVOLUCIÓN', '3,26'), lr('Retour', '1,10'))), GENERIC_FIELDS.receiptNumber)).toBeNull();
    expect(numberOf('Bonuskaart 4410')).toBeNull();
    expect(numberOf('Volgende keer 10% korting')).toBeNull();
    expect(numberOf('Rekeningnummer NL91ABNA0417164300')).toBeNull();
  });
});

describe('receipt number labels of hire, delivery and abbreviated documents', () => {
  // The fifth batch's classes (a hire slip's number, an abbreviated "factura simplificada", "Tck" among store and
  // till ids, a tea room's bill), in other wordings: each names the document the receipt is.
  it('reads German hire, rental and delivery documents as the receipt itself', () => {
    expect(namedNumberOf('Leihschein Nr. 8812')).toEqual({ id: '8812', named: true });
    expect(namedNumberOf('Mietvertrag MV-2025-0412')).toEqual({ id: 'MV-2025-0412', named: true });
    expect(namedNumberOf('Mietschein: 30917')).toEqual({ id: '30917', named: true });
    expect(namedNumberOf('Lieferschein-Nr. 5512', 'Kunde 4410')).toEqual({ id: '5512', named: true });
    // An order ("Auftrag") is a weaker reading, as an order number is in every language.
    expect(namedNumberOf('Auftragsnr. 6610')).toEqual({ id: '6610', named: false });
  });
  it('reads abbreviated Spanish and French invoice labels, with or without their qualifier', () => {
    expect(namedNumberOf('FRA. SIMP. A-22019')).toEqual({ id: 'A-22019', named: true });
    expect(namedNumberOf('Fra.: 2025/00871')).toEqual({ id: '2025/00871', named: true });
    expect(namedNumberOf('Fact. simplif. nº 3310')).toEqual({ id: '3310', named: true });
    expect(namedNumberOf('Fact. N° 4471')).toEqual({ id: '4471', named: true });
    // The abbreviation needs its point: "Fra" or "Fact" in a word or a name is no label.
    expect(numberOf('Via Fra Angelico 12')).toBeNull();
    expect(numberOf('Factory Outlet 2210')).toBeNull();
  });
  it('reads "Tck" and "Tiq." for a ticket beside store and till ids', () => {
    expect(namedNumberOf('Tienda 88  Caja 4  Tck 00418')).toEqual({ id: '00418', named: true });
    expect(namedNumberOf('TCK#: 7781  TPV 2')).toEqual({ id: '7781', named: true });
    expect(namedNumberOf('Mag. 12  Tiq. 5512')).toEqual({ id: '5512', named: true });
  });
  it('reads "ID" as the number word ("Receipt ID", "Ticket-ID", "Transaction ID")', () => {
    expect(namedNumberOf('Ticket-ID: 88120')).toEqual({ id: '88120', named: true });
    expect(namedNumberOf('TRANSACTION ID 5531207')).toEqual({ id: '5531207', named: true });
  });
  it('never takes a period of time after a label ("RETURNS: 30 DAYS", "Umtausch 14 Tage")', () => {
    // The sixth batch's drugstore printed "RETURNS: 60 DAYS WITH RECEIPT" under its "Receipt ID": a count of days,
    // weeks or months is a return policy, not the receipt's number, nor a rival to it.
    expect(numberOf('RETURN WITHIN 30 DAYS')).toBeNull();
    expect(numberOf('Retour binnen 14 dagen')).toBeNull();
    expect(namedNumberOf('Bon 7731', 'Retour: 14 dagen met bon')).toEqual({ id: '7731', named: true });
    expect(namedNumberOf('Rcpt ID 22917', 'Refunds: 90 days')).toEqual({ id: '22917', named: true });
  });
  it('reads a bill number as the receipt', () => {
    expect(namedNumberOf('Bill 2207  Server Tom')).toEqual({ id: '2207', named: true });
    expect(namedNumberOf('BILL NO: 118', 'Table 12')).toEqual({ id: '118', named: true });
    expect(namedNumberOf('Bill #5510')).toEqual({ id: '5510', named: true });
    // A server called Bill is no label, nor a bill of fare.
    expect(numberOf('Served by Bill', 'Table 12')).toBeNull();
    // "Bill 2 of 3", "Ticket 1 de 2": the part of a split, not the number.
    expect(numberOf('Split bill 2 of 3')).toBeNull();
    expect(numberOf('Receipt 1 of 2')).toBeNull();
    expect(numberOf('Ticket 1 de 2')).toBeNull();
    expect(numberOf('Beleg 2 von 2', 'Beleg-Nr. 4471')).toBe('4471');
  });
  it("reads a workshop's job or work order number, with a letter and slashes before its digits", () => {
    // The seventh batch's garage: a job card's number is the document's, above any bare "No." of the shop's own.
    expect(numberOf('Job No: W/24/1172')).toBe('W/24/1172');
    expect(numberOf('Work Order # 55190')).toBe('55190');
    expect(numberOf('Werkstattauftrag 8812')).toBe('8812');
  });
  it('reads a series of capitals before the number, apart from it ("RE 25-01187", "FS 2025/0412")', () => {
    expect(numberOf('Rechnung AR 24-00871')).toBe('AR 24-00871');
    expect(numberOf('Factura FS 2025/0412')).toBe('FS 2025/0412');
    // A word after the label is no series: "Rechnung vom 22.03.25", "Bon van 12".
    expect(numberOf('Rechnung vom 22.03.25')).toBeNull();
    expect(numberOf('Beleg für 4471', 'Beleg-Nr. 4471')).toBe('4471');
  });
  it("never takes the shop's own registration under a bare 'No.' ('Station No.', 'Branch No.', 'Licence No.')", () => {
    expect(numberOf('Approved Testing Station No. T22014')).toBeNull();
    expect(numberOf('Branch No. 0412', 'Sale No. 88120')).toBe('88120');
    expect(numberOf('Premises Licence No. 2291', 'No. 7781')).toBe('7781');
  });
  it('reads digits grouped in threes by points, and a French "facturette" as the receipt', () => {
    expect(namedNumberOf('Facturette N° 002.774.019')).toEqual({ id: '002.774.019', named: true });
    expect(numberOf('Ticket n. 1.204.331')).toBe('1.204.331');
    // Two decimals are an amount, never an id: "Bon 12.50".
    expect(numberOf('Bon 12.50')).toBeNull();
  });
  it('reads a number sign alone at the start of a line as a weak ticket number, not one inside a line', () => {
    expect(namedNumberOf('#58213  03/11/25 12:40 PM')).toEqual({ id: '58213', named: false });
    expect(numberOf('Table #12  Guests 2')).toBeNull();
    expect(numberOf('#3307', 'Receipt 99101')).toBe('99101');
  });
});

describe('a receipt number the card-number mask hid', () => {
  // 4111-1111-1111-1111 passes Luhn: the mask hides all but its last four digits, label or not.
  const sale = (idLine: string) =>
    extractBasket(doc(line([0, 'SHOP']), line([0, idLine]), line([0, '21/02/2025 10:00']), rule(), lr('Pan', '2,00'), rule(), lr('TOTAL', '2,00'), lr('EFECTIVO', '2,00')), { id: 't', currency: 'EUR' })!;
  it('is no receipt number, and keeps confidence below 0.9', () => {
    const b = sale('Nº ticket: 4111-1111-1111-1111');
    expect(b.receiptNumber).toBeNull();
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('is told apart from a masked card or loyalty number, which names no receipt', () => {
    expect(printsMaskedId(rowsOf(doc(line([0, 'Tarjeta cliente ****5521']), line([0, 'VISA ************1111']), line([0, 'Bonuskaart ****7731']))))).toBe(false);
    expect(printsMaskedId(rowsOf(doc(line([0, 'Beleg-Nr. ****-****-****-1111']))))).toBe(true);
    expect(sale('Receipt 4411').confidence).toBe(1);
  });
});

// Development-15: a till prints the document's title on a line of its own and its number under it behind a bare sign
// ("Núm.:"), with a work order's number further down; the number under the title is the receipt's.
describe('a bare number under the document title', () => {
  it('numbers the document and beats an order number', () => {
    expect(namedNumberOf('FACTURA SIMPLIFICADA', 'Núm.: B2-2024-0456', 'Pedido: P-77')).toEqual({ id: 'B2-2024-0456', named: true });
    expect(numberOf('Tax invoice', 'No. 88-1043', 'Work order WO-12')).toBe('88-1043');
    expect(numberOf('Fattura', 'Numero 2025/031')).toBe('2025/031');
  });
  it('reads "Núm." as a bare number sign, below an order number when no title is above it', () => {
    expect(namedNumberOf('Núm.: 4410')).toEqual({ id: '4410', named: false });
    expect(numberOf('Cliente Pérez', 'Núm.: 4410', 'Pedido: P-77')).toBe('P-77');
  });
});

// Development-11: an order or ticket number printed large on the line under its label ("ORDINE N." over "147"), for
// the customer to be called by.
describe('a label alone on its line, its number on the next', () => {
  it('reads the number under the label', () => {
    expect(numberOf('PEDIDO Nº', '58', 'Mesa 4')).toBe('58');
    expect(namedNumberOf('TICKET #', 'B-2207')).toEqual({ id: 'B-2207', named: true });
  });
  it('joins only a label that ends in its number sign or a colon: a heading over a figure names nothing', () => {
    expect(numberOf('TICKET', 'B-2207')).toBe(null);
  });
  it('reads no number from a line that is no lone id, or under a line that prints its own', () => {
    expect(numberOf('PEDIDO Nº', '58 personas')).toBe(null);
    expect(numberOf('Order 12', '58')).toBe('12');
  });
});
