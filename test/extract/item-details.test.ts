// Structures the eleventh batch (free-form) showed misread, on examples of our own: a count column printed flush
// against the name, a unit price carrying its word after the count's sign, a distance at a rate, an article's
// validity, places or reference under it, counted lines under department headings, a name that starts with a
// figure, a number printed under its label; and the doubt a table with no gap between its fields leaves.
import { describe, expect, it } from 'vitest';
import type { Block } from '../../agent/decode/document.js';
import { extractBasket } from '../../agent/extract/index.js';
import { doc, line, lr, rule } from './documents.js';

const head: Block[] = [line([0, 'SHOP']), line([0, 'Receipt 7302']), line([0, '14/03/2026 11:05']), rule()];
const extract = (...blocks: Block[]) => extractBasket(doc(...head, ...blocks), { id: 't', currency: 'EUR' })!;
const bare = (...blocks: Block[]) => extractBasket(doc(...blocks), { id: 't', currency: 'EUR' })!;
const lines = (b: ReturnType<typeof extract>) => b.items.map((i) => [i.description, i.quantity, i.amount]);

describe('counts and unit prices', () => {
  it('reads a count column printed flush against the name when count × price is the amount, and doubts the names', () => {
    const b = extract(
      line([1, 'QtyItem'], [30, 'Each'], [40, 'Amount']),
      line([5, '3Climbing wall pass'], [29, '11,00'], [41, '33,00']),
      line([5, '1Chalk bag hire'], [30, '2,50'], [42, '2,50']),
      rule(),
      lr('TOTAL', '35,50'),
      lr('CARD', '35,50'),
    );
    expect(lines(b)).toEqual([
      ['Climbing wall pass', 3, 3300],
      ['Chalk bag hire', 1, 250],
    ]);
    expect(b.items[0]!.unitPrice).toBe(1100);
    // The till fits its fields with no gap between them: a name longer than its field would have been cut unseen.
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('keeps a figure glued to a name as the name when count × price is not the amount', () => {
    const b = extract(line([0, '7Up can'], [30, '1,50'], [42, '1,50']), rule(), lr('TOTAL', '1,50'), lr('CASH', '1,50'));
    expect(b.items[0]!.quantity).toBe(1);
  });
  it('reads "2 x PU 3,40" under its name as the count at a unit price, whatever word names the price', () => {
    const b = extract(
      line([0, 'Trail running shoe']),
      line([2, '1 x P.U. 64,00'], [42, '64,00']),
      line([0, 'Shoe laces']),
      line([2, '2 x PVP 3,40'], [43, '6,80']),
      rule(),
      lr('TOTAL', '70,80'),
      lr('CARD', '70,80'),
    );
    expect(lines(b)).toEqual([
      ['Trail running shoe', 1, 6400],
      ['Shoe laces', 2, 680],
    ]);
    expect(b.items[1]!.unitPrice).toBe(340);
  });
  it('reads a distance at a rate under its fare as the fare’s quantity', () => {
    const b = extract(lr('Base fare', '3,00'), lr('Distance fare', '11,40'), line([2, '9,5 km x 1,20']), rule(), lr('TOTAL', '14,40'), lr('CASH', '14,40'));
    expect(lines(b)).toEqual([
      ['Base fare', 1, 300],
      ['Distance fare', 9.5, 1140],
    ]);
    expect(b.items[1]!.unit).toBe('km');
  });
  it('reads a count before a name that starts with a figure glued to a letter, but not a size', () => {
    const b = extract(lr('2 x 4K cable', '19,80'), lr('2X4X8 KD STUD', '5,90'), rule(), lr('TOTAL', '25,70'), lr('CASH', '25,70'));
    expect(lines(b)).toEqual([
      ['4K cable', 2, 1980],
      ['2X4X8 KD STUD', 1, 590],
    ]);
  });
});

describe('code and tax columns around a line', () => {
  it('reads a short tariff code before the name, a count at a price, and a rate or a footnote star after the amount', () => {
    const b = extract(
      line([0, 'K12'], [6, 'Kayak hire 1 h'], [26, '2 x 12,00'], [38, '24,00'], [45, '19']),
      line([0, 'D02'], [6, 'Dry bag deposit'], [27, '1 x 5,00'], [39, '5,00'], [46, '*']),
      rule(),
      lr('TOTAL', '29,00'),
      lr('CASH', '29,00'),
      line([0, '* deposit, refunded on return']),
    );
    expect(lines(b)).toEqual([
      ['Kayak hire 1 h', 2, 2400],
      ['Dry bag deposit', 1, 500],
    ]);
    expect(b.items.map((i) => [i.sku, i.taxCode])).toEqual([
      ['K12', '19'],
      ['D02', '*'],
    ]);
  });
});

describe('article numbers and counts in brackets', () => {
  it('reads an article number of dotted groups over a name as the next article’s code, never as money', () => {
    const b = extract(
      line([0, 'Art. 310.552.04']),
      line([0, 'Shelf unit 4x2']),
      line([3, '1 x 59,00'], [42, '59,00']),
      line([0, 'Art. 118.027.61']),
      line([0, 'Cushion cover']),
      line([3, '2 x 4,50'], [43, '9,00']),
      rule(),
      lr('TOTAL', '68,00'),
      lr('CARD', '68,00'),
    );
    expect(lines(b)).toEqual([
      ['Shelf unit 4x2', 1, 5900],
      ['Cushion cover', 2, 900],
    ]);
    expect(b.items.map((i) => i.sku)).toEqual(['310.552.04', '118.027.61']);
  });
  it('reads a count at a unit price in brackets after the name when it makes the amount', () => {
    const b = extract(lr('Packing tape (3 @ 2.50)', '7.50'), lr('Labels (pack of 2)', '3.00'), rule(), lr('TOTAL', '10.50'), lr('CASH', '10.50'));
    expect(lines(b)).toEqual([
      ['Packing tape', 3, 750],
      ['Labels (pack of 2)', 1, 300],
    ]);
  });
});

describe('details under an article', () => {
  it('reads a validity date and a list of places under an item as its details, not the rest of its name', () => {
    const b = extract(
      lr('2 x Museum day ticket', '24,00'),
      line([0, 'valid 14/03/2026 only']),
      lr('1 x Concert stalls', '38,00'),
      line([0, 'Row 4 Seat 17']),
      lr('1 x Audio guide', '3,00'),
      rule(),
      lr('TOTAL', '65,00'),
      lr('CARD', '65,00'),
    );
    expect(lines(b)).toEqual([
      ['Museum day ticket', 2, 2400],
      ['Concert stalls', 1, 3800],
      ['Audio guide', 1, 300],
    ]);
    expect(b.items[0]!.modifiers).toEqual([{ description: 'valid 14/03/2026 only', amount: null }]);
    expect(b.items[1]!.modifiers).toEqual([{ description: 'Row 4 Seat 17', amount: null }]);
    expect(b.confidence).toBeGreaterThanOrEqual(0.9);
  });
  it('still joins a wrapped name that holds no date or place', () => {
    const b = extract(lr('Return ticket Leeds to', '42,00'), line([0, 'Harrogate off-peak']), rule(), lr('TOTAL', '42,00'), lr('CARD', '42,00'));
    expect(lines(b)).toEqual([['Return ticket Leeds to Harrogate off-peak', 1, 4200]]);
  });
  it('reads an indented reference line between a name and its priced count line as the name’s detail', () => {
    const b = extract(
      line([0, 'Leather ankle boot']),
      line([2, 'Ref. 7731'], [14, 'Size 41'], [24, 'Brown']),
      line([2, '1 x 119,00'], [41, '119,00']),
      line([0, 'Insoles']),
      line([2, '1 x 6,50'], [43, '6,50']),
      rule(),
      lr('TOTAL', '125,50'),
      lr('CARD', '125,50'),
    );
    expect(lines(b)).toEqual([
      ['Leather ankle boot', 1, 11900],
      ['Insoles', 1, 650],
    ]);
    expect(b.items[0]!.modifiers.map((m) => m.amount)).toEqual([null]);
  });
  it('reads a name indented under its department heading as the item, not as the heading’s detail', () => {
    const b = extract(line([0, 'GARDEN']), line([2, 'Hand trowel']), line([35, '-6.99 A']), rule(), lr('TOTAL', '-6.99'), lr('CARD', '-6.99'));
    expect(lines(b)).toEqual([['Hand trowel', 1, -699]]);
  });
  it('reads counted lines indented under a kitchen heading as items of their own', () => {
    const b = extract(
      line([0, 'KITCHEN']),
      line([2, '2 x Fish and chips'], [42, '21,00']),
      line([2, '1 x Mushy peas'], [43, '2,50']),
      line([0, 'DRINKS']),
      line([2, '2 x Lemonade'], [43, '5,00']),
      rule(),
      lr('TOTAL', '28,50'),
      lr('CASH', '28,50'),
    );
    expect(lines(b)).toEqual([
      ['Fish and chips', 2, 2100],
      ['Mushy peas', 1, 250],
      ['Lemonade', 2, 500],
    ]);
  });
});

describe('a number under its label', () => {
  it('reads the number printed on the line under "ORDER NO."', () => {
    const b = bare(line([0, 'FOOD FAIR']), line([18, 'ORDER NO.']), line([21, '318']), line([0, '12/03/2026 19:40']), rule(), lr('1 x Pie', '4,00'), rule(), lr('TOTAL', '4,00'), lr('CASH', '4,00'));
    expect(b.receiptNumber).toBe('318');
  });
  it('does not read a figure under a heading that names no number', () => {
    const b = bare(line([0, 'FOOD FAIR']), line([18, 'TABLE']), line([21, '12']), line([0, '12/03/2026 19:40']), rule(), lr('1 x Pie', '4,00'), rule(), lr('TOTAL', '4,00'), lr('CASH', '4,00'));
    expect(b.receiptNumber).toBeNull();
  });
});

describe('departments', () => {
  it('reads each department’s sum under its lines as its subtotal, even one line’s amount repeated, and a name over an amount alone as its own item', () => {
    const b = extract(
      line([0, 'BAKERY']),
      line([2, 'Sourdough loaf']),
      line([5, '2 x 3.20'], [43, '6.40']),
      line([2, 'Bakery total'], [43, '6.40']),
      line([0, 'DAIRY']),
      line([2, 'Whole milk 2L']),
      line([5, '3 x 1.45'], [43, '4.35']),
      line([2, 'Salted butter']),
      line([43, '2.10']),
      line([2, 'Dairy total'], [43, '6.45']),
      rule(),
      lr('TOTAL', '12.85'),
      lr('CARD', '12.85'),
    );
    expect(lines(b)).toEqual([
      ['Sourdough loaf', 2, 640],
      ['Whole milk 2L', 3, 435],
      ['Salted butter', 1, 210],
    ]);
    expect(b.confidence).toBeGreaterThanOrEqual(0.9);
  });
  it('keeps two lines of the same amount as two items when the sums close with both', () => {
    const b = extract(lr('Tea', '2.00'), lr('Tea', '2.00'), rule(), lr('TOTAL', '4.00'), lr('CASH', '4.00'));
    expect(lines(b)).toEqual([
      ['Tea', 1, 200],
      ['Tea', 1, 200],
    ]);
  });
});

describe('a pump’s sale on lines of its own', () => {
  it('reads the grade over its volume and its price per unit as the item the sale’s amount prices', () => {
    const b = bare(
      line([0, 'FORECOURT 24']),
      line([0, '14/03/2026 07:12']),
      line([0, 'Receipt 5512']),
      rule(),
      line([0, 'PREMIUM 98']),
      line([0, 'LITRES'], [41, '31,250']),
      line([0, 'PRICE/L'], [41, '€1,899']),
      line([0, 'SALE'], [43, '59,34']),
      rule(),
      lr('TOTAL', '59,34'),
      lr('CARD', '59,34'),
    );
    expect(b.items.map((i) => [i.description, i.quantity, i.unit, i.unitPriceText, i.amount])).toEqual([['PREMIUM 98', 31.25, 'L', '1.899', 5934]]);
  });
  it('keeps the sale line as the item when the volume at that price is not its amount', () => {
    const b = bare(
      line([0, 'FORECOURT 24']),
      line([0, '14/03/2026 07:12']),
      rule(),
      line([0, 'PREMIUM 98']),
      line([0, 'LITRES'], [41, '31,250']),
      line([0, 'PRICE/L'], [41, '€1,899']),
      line([0, 'SALE'], [43, '20,00']),
      rule(),
      lr('TOTAL', '20,00'),
      lr('CARD', '20,00'),
    );
    expect(b.items.map((i) => [i.description, i.quantity])).toEqual([['SALE', 1]]);
  });
});

describe('lines among the items that no item took', () => {
  it('doubts a reading that left a name line of words among the items unread, though the sums close', () => {
    const b = extract(
      lr('Hand soap', '2,00'),
      line([0, '== Garden ==']),
      line([0, 'Garden hose']),
      line([0, 'with reel']),
      lr('and spray nozzle', '29,99'),
      rule(),
      lr('TOTAL', '31,99'),
      lr('CARD', '31,99'),
    );
    expect(b.items.some((i) => i.description.includes('Garden hose'))).toBe(false);
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('keeps its confidence when the lines under an item state its details, or head a department', () => {
    const b = extract(
      lr('Parcel 1st class', '4,20'),
      line([0, 'Trk# AB123456789GB']),
      line([0, 'To: 75011 Paris']),
      line([0, 'STATIONERY']),
      lr('Envelope', '0,50'),
      rule(),
      lr('TOTAL', '4,70'),
      lr('CARD', '4,70'),
    );
    expect(lines(b)).toEqual([
      ['Parcel 1st class', 1, 420],
      ['Envelope', 1, 50],
    ]);
    expect(b.confidence).toBeGreaterThanOrEqual(0.9);
  });
});
