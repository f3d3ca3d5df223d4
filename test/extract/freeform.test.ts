// Structures the tenth batch (free-form, each layout drawn by its own code) showed misread, on examples of our own:
// item tables whose columns name a unit price before the count, a count printed "3x" or "x2", an article number
// after the name; a VAT rate column; a folio's dates before names; course headings; a programme or option line
// indented under its article; a pump's or bay's number before the name; tax in a sentence; a stay's dates before the
// sale's; and the readings that stay doubtful (below 0.9).
import { describe, expect, it } from 'vitest';
import type { Block } from '../../agent/decode/document.js';
import { extractBasket } from '../../agent/extract/index.js';
import { doc, line, lr, rule } from './documents.js';

const head: Block[] = [line([0, 'SHOP']), line([0, 'Receipt 5101']), line([0, '23/09/2025 16:20']), rule()];
const extract = (...blocks: Block[]) => extractBasket(doc(...head, ...blocks), { id: 't', currency: 'EUR' })!;
const bare = (...blocks: Block[]) => extractBasket(doc(...blocks), { id: 't' })!;
const lines = (b: ReturnType<typeof extract>) => b.items.map((i) => [i.description, i.quantity, i.amount]);

describe('item table columns', () => {
  it('reads a unit price printed before the count when count × price is the amount', () => {
    const b = extract(
      line([0, 'Artikel'], [26, 'Preis Anz'], [40, 'Summe']),
      line([0, 'Holzleim 750g'], [25, '6,49'], [34, '3'], [41, '19,47']),
      line([0, 'Pinsel Set 5tlg'], [25, '4,20'], [34, '1'], [42, '4,20']),
      rule(),
      lr('SUMME', '23,67'),
      lr('BAR', '23,67'),
    );
    expect(lines(b)).toEqual([
      ['Holzleim 750g', 3, 1947],
      ['Pinsel Set 5tlg', 1, 420],
    ]);
    expect(b.items[0]!.unitPrice).toBe(649);
  });
  it('leaves a price-like figure in a name whose count does not make the amount', () => {
    const b = extract(line([0, 'Rohr 1,50'], [25, '2,40'], [34, '2'], [42, '3,15']), rule(), lr('SUMME', '3,15'), lr('BAR', '3,15'));
    expect(b.items[0]!.quantity).toBe(1);
  });
  it('reads a count column printed "3x" or "x2", and an article number column before it', () => {
    const b = extract(
      line([0, 'Stout 33cl'], [30, '3x'], [42, '11,70']),
      line([0, 'HINGE 3IN BRASS'], [18, '774410'], [30, 'x2'], [43, '9,00']),
      line([4, '@ 4,50 ea']),
      rule(),
      lr('TOTAL', '20,70'),
      lr('CASH', '20,70'),
    );
    expect(lines(b)).toEqual([
      ['Stout 33cl', 3, 1170],
      ['HINGE 3IN BRASS', 2, 900],
    ]);
    expect(b.items[1]!.sku).toBe('774410');
    expect(b.items[1]!.unitPrice).toBe(450);
    expect(b.items[1]!.modifiers).toEqual([]);
    expect(b.confidence).toBeGreaterThanOrEqual(0.9);
  });
  it('reads count and price columns under a name with a bracketed code', () => {
    const b = extract(
      line([0, 'Cola para madera 250g [77120]']),
      line([12, '2'], [22, '3,15'], [43, '6,30']),
      rule(),
      lr('TOTAL', '6,30'),
      lr('EFECTIVO', '6,30'),
    );
    expect(lines(b)).toEqual([['Cola para madera 250g', 2, 630]]);
    expect(b.items[0]!.sku).toBe('77120');
  });
  it('takes a VAT rate column off the name as its tax code, and gives its rate to a tax line that prints none', () => {
    const b = extract(
      line([0, 'Bruschetta'], [33, '10%'], [43, '6,00']),
      line([0, 'Lasagne 2 x 9,50'], [33, '10%'], [42, '19,00']),
      rule(),
      lr('TOTALE', '25,00'),
      lr('di cui IVA', '2,27'),
      lr('CONTANTI', '25,00'),
    );
    expect(lines(b)).toEqual([
      ['Bruschetta', 1, 600],
      ['Lasagne', 2, 1900],
    ]);
    expect(b.items.map((i) => i.taxCode)).toEqual(['10%', '10%']);
    expect(b.taxes.map((t) => [t.rate, t.tax])).toEqual([[10, 227]]);
  });
  it('reads a count at a price as sold even when its name says tax, and an amount marked with a footnote star', () => {
    const b = extract(lr('Room 1 night', '80,00'), lr('Tourist tax 2 x 2,50', '5,00 *'), rule(), lr('TOTAL', '85,00'), lr('CARD', '85,00'), line([0, '* exempt from VAT']));
    expect(lines(b)).toEqual([
      ['Room 1 night', 1, 8000],
      ['Tourist tax', 2, 500],
    ]);
    expect(b.taxes).toEqual([]);
  });
  it('reads hours of labour at a rate under the job', () => {
    const b = extract(line([0, 'Labour brake service']), line([3, '1,5 hrs @ 44,00'], [42, '66,00']), rule(), lr('TOTAL', '66,00'), lr('CARD', '66,00'));
    expect(lines(b)).toEqual([['Labour brake service', 1.5, 6600]]);
  });
});

describe('headings, dates and sub-lines around names', () => {
  it('drops a folio date before each line and keeps one item per line', () => {
    const b = extract(lr('14.08. Zimmer Doppel', '120,00'), lr('15.08. Zimmer Doppel', '120,00'), lr('15/08 Garage', '12,00'), rule(), lr('SUMME', '252,00'), lr('BAR', '252,00'));
    expect(lines(b)).toEqual([
      ['Zimmer Doppel', 1, 12000],
      ['Zimmer Doppel', 1, 12000],
      ['Garage', 1, 1200],
    ]);
  });
  it('reads one word in capitals over a mixed-case item as a heading, and a dashed heading too', () => {
    const b = extract(
      line([0, 'STARTERS']),
      lr('Soup of the day', '5.50'),
      line([0, '== Mains ==']),
      lr('Fish pie', '14.00'),
      rule(),
      lr('TOTAL', '19.50'),
      lr('CARD', '19.50'),
    );
    expect(lines(b)).toEqual([
      ['Soup of the day', 1, 550],
      ['Fish pie', 1, 1400],
    ]);
  });
  it('keeps a capitals name of two words wrapped onto a mixed-case line as one name', () => {
    const b = extract(line([0, 'OAT MILK']), lr('Barista Edition', '2.10'), rule(), lr('TOTAL', '2.10'), lr('CASH', '2.10'));
    expect(lines(b)).toEqual([['OAT MILK Barista Edition', 1, 210]]);
  });
  it('reads a priced line indented under a name as its option, and a bay number before the name as its column', () => {
    const b = extract(
      line([0, 'Dryer 4 (30 min)']),
      line([3, 'High heat'], [43, '3,00']),
      line([0, 'Bay 2'], [9, 'Deluxe wash']),
      line([3, '1 x 8,00'], [43, '8,00']),
      rule(),
      lr('TOTAL', '11,00'),
      lr('CASH', '11,00'),
    );
    expect(lines(b)).toEqual([
      ['Dryer 4 (30 min)', 1, 300],
      ['Deluxe wash', 1, 800],
    ]);
    expect(b.items[0]!.modifiers).toEqual([{ description: 'High heat', amount: null }]);
  });
  it('reads a line the house offers, repeating the dish, as that dish’s discount', () => {
    const b = extract(lr('Tarte Tatin', '7,50'), lr('Offert Tarte Tatin', '-7,50'), lr('Café', '2,20'), rule(), lr('TOTAL', '2,20'), lr('CB', '2,20'));
    expect(lines(b)).toEqual([
      ['Tarte Tatin', 1, 750],
      ['Café', 1, 220],
    ]);
    expect(b.items[0]!.discounts).toEqual([{ description: 'Offert Tarte Tatin', amount: -750 }]);
  });
});

describe('tax in a sentence', () => {
  const sale = [lr('Tea', '10,00'), lr('Cake', '12,00'), rule(), lr('TOTAL', '22,00'), lr('CARD', '22,00')];
  it('reads the tax, not the base the sentence names beside it', () => {
    expect(extract(...sale, line([0, 'Incl. 21% VAT 3,82 on 18,18'])).taxes.map((t) => [t.rate, t.tax])).toEqual([[21, 382]]);
    expect(extract(...sale, line([0, 'Inkl. 7% MwSt: 1,44 auf 20,56'])).taxes.map((t) => [t.rate, t.tax])).toEqual([[7, 144]]);
    expect(extract(...sale, line([0, 'IVA 10% incluido 2,00 (base 20,00)'])).taxes.map((t) => [t.rate, t.tax])).toEqual([[10, 200]]);
    expect(extract(...sale, line([0, 'BTW 21% over € 18,18 is € 3,82'])).taxes.map((t) => [t.rate, t.tax])).toEqual([[21, 382]]);
  });
  it('reads a sentence carried onto a second line under "="', () => {
    const b = extract(...sale, line([0, 'Im Betrag von 22,00 EUR sind 19 % MwSt.']), line([0, '= 3,51 EUR enthalten.']));
    expect(b.taxes.map((t) => [t.rate, t.tax])).toEqual([[19, 351]]);
  });
});

describe('which date and which number', () => {
  it('takes the first date printed with a time, not a stay’s arrival date', () => {
    const b = bare(
      line([0, 'GUEST HOUSE']),
      line([0, 'Check-in 03 Mar 2025'], [26, 'Check-out 05 Mar 2025']),
      rule(),
      lr('Room 2 nights', '£180.00'),
      rule(),
      lr('TOTAL', '£180.00'),
      lr('Card', '£180.00'),
      line([0, '05 Mar 2025'], [20, '10:05 AM']),
    );
    expect(b.transactionAt?.slice(0, 16)).toBe('2025-03-05T10:05');
  });
  it('reads "Kreditkarte" as a card and "EUROS" as a printed currency', () => {
    expect(extract(lr('Brot', '3,20'), rule(), lr('SUMME', '3,20'), lr('Kreditkarte', '3,20')).tenders.map((t) => t.type)).toEqual(['card']);
    const b = bare(line([0, 'TIENDA']), line([0, 'Ticket 22']), line([0, '04/05/2025 11:00']), rule(), lr('Pan', '1,20'), rule(), lr('TOTAL EUROS', '1,20'), lr('Efectivo', '1,20'));
    expect(b.currency).toBe('EUR');
    expect(b.confidence).toBeGreaterThanOrEqual(0.9);
  });
  it('doubts a receipt number printed under another receipt or transaction number', () => {
    const sale = [lr('Parking 2 hrs', '£3.00'), rule(), lr('TOTAL', '£3.00'), lr('CASH', '£3.00')];
    const under = bare(line([0, 'PAY STATION']), line([0, '11:00 23/05/2025']), line([0, 'Transaction 07-00412']), line([0, 'Ticket 5520931']), rule(), ...sale);
    expect(under.confidence).toBeLessThan(0.9);
    const first = bare(line([0, 'PAY STATION']), line([0, '11:00 23/05/2025']), line([0, 'Receipt 07-00412']), line([0, 'Trans 5520931']), rule(), ...sale);
    expect(first.receiptNumber).toBe('07-00412');
  });
  // Where the volume at its price is the sale's amount, the grade is read as the item (item-details.test.ts).
  it('doubts a receipt whose volume is printed on a labelled line of its own that no item took', () => {
    const b = bare(
      line([0, 'GAS STOP']),
      line([0, 'Receipt 8841']),
      line([0, '06/01/25 8:10 AM']),
      rule(),
      line([0, 'PREMIUM']),
      lr('GALLONS', '9.350'),
      lr('PRICE/GAL', '$3.799'),
      lr('FUEL', '$35.00'),
      rule(),
      lr('TOTAL', '$35.00'),
      lr('VISA', '$35.00'),
    );
    expect(b.confidence).toBeLessThan(0.9);
  });
});
