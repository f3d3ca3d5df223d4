// How tills lay out an article over more than one line, and the lines around it, on examples of our own (the
// fifteenth batch showed them misread): a size or colour on the priced line under an article number and name, a name
// over its EAN over its count at a price, a gift wrap added under an article, a voided line in a count column, a
// pump's number before the grade on the item's own line, a count column with a space before its sign; and the doubt a
// count sign or a size left as the name leaves.
import { describe, expect, it } from 'vitest';
import type { Block } from '../../agent/decode/document.js';
import type { Item } from '../../agent/extract/index.js';
import { extractBasket } from '../../agent/extract/index.js';
import { descriptionDoubt } from '../../agent/extract/sub-lines.js';
import { doc, line, lr, rule } from './documents.js';

const head: Block[] = [line([0, 'SHOP']), line([0, 'Receipt 5518']), line([0, '21/05/2026 16:40']), rule()];
const extract = (...blocks: Block[]) => extractBasket(doc(...head, ...blocks), { id: 't', currency: 'EUR' })!;
const lines = (b: ReturnType<typeof extract>) => b.items.map((i) => [i.description, i.quantity, i.amount]);
const item = (description: string, quantity = 1): Item => ({
  description,
  quantity,
  unit: null,
  unitPrice: null,
  unitPriceText: null,
  amount: 1000,
  sku: null,
  ean: null,
  taxCode: null,
  modifiers: [],
  discounts: [],
});

describe('a size or colour under an article number and name', () => {
  it('reads the size and colour on the priced line as the variant of the article named above', () => {
    const b = extract(
      line([0, '73310  Hiking boot Ridge']),
      line([0, 'Size 10  Colour Navy'], [26, '1 x 139,00'], [40, '139,00']),
      lr('Discount 10%', '-13,90'),
      line([0, '55102 Wool beanie']),
      line([0, 'Taglia U'], [25, '2 x 12,50'], [42, '25,00']),
      rule(),
      lr('TOTAL', '150,10'),
      lr('CARD', '150,10'),
    );
    expect(lines(b)).toEqual([
      ['Hiking boot Ridge', 1, 13900],
      ['Wool beanie', 2, 2500],
    ]);
    expect(b.items.map((i) => i.sku)).toEqual(['73310', '55102']);
    expect(b.items[0]!.modifiers).toEqual([{ description: 'Size 10  Colour Navy', amount: null }]);
    // The name line under the discount is the beanie's, its number split off: no line among the items left unread.
    expect(b.confidence).toBeGreaterThanOrEqual(0.9);
  });
  it('does not take a name that starts like a size word for a size ("Tagliatelle", "Colorado")', () => {
    const b = extract(line([0, '4410  Pasta shop bag']), lr('Tagliatelle fresche', '6,40'), rule(), lr('TOTAL', '6,40'), lr('CASH', '6,40'));
    expect(b.items.map((i) => i.description)).toEqual(['Tagliatelle fresche']);
  });
  it('doubts a reading that leaves a size or colour as an article’s name', () => {
    expect(descriptionDoubt(item('Size 10  Colour Navy'))).toBeDefined();
    expect(descriptionDoubt(item('Maat L'))).toBeDefined();
    expect(descriptionDoubt(item('Colorado coffee beans'))).toBeUndefined();
  });
});

describe('lines around an article', () => {
  it('reads a name over its EAN over its count at a price as one article, not the end of the name above', () => {
    const b = extract(
      line([0, 'Night cream 50 ml']),
      line([0, '4006381333931']),
      line([0, '1 x 24,90'], [42, '24,90']),
      line([0, 'Lip balm duo']),
      line([0, '4012345678901']),
      line([0, '3 x 3,20'], [43, '9,60']),
      rule(),
      lr('TOTAL', '34,50'),
      lr('CASH', '34,50'),
    );
    expect(lines(b)).toEqual([
      ['Night cream 50 ml', 1, 2490],
      ['Lip balm duo', 3, 960],
    ]);
  });
  it('reads a gift wrap added under an article as its priced modifier, not as a returned crate', () => {
    const b = extract(lr('Coffret thé vert', '32,00'), lr('+ Emballage cadeau premium', '4,90'), rule(), lr('TOTAL', '36,90'), lr('CB', '36,90'));
    expect(lines(b)).toEqual([['Coffret thé vert', 1, 3200]]);
    expect(b.items[0]!.modifiers).toEqual([{ description: 'Emballage cadeau premium', amount: 490 }]);
  });
  it('keeps a line voided in a count column as a negative article', () => {
    const b = extract(
      line([0, '2'], [4, 'Flat white'], [30, '3,10'], [43, '6,20']),
      line([0, '1'], [4, 'VOID Flat white'], [30, '3,10'], [42, '-3,10']),
      line([0, '1'], [4, 'Scone'], [30, '2,60'], [43, '2,60']),
      rule(),
      lr('TOTAL', '5,70'),
      lr('CASH', '5,70'),
    );
    expect(lines(b)).toEqual([
      ['Flat white', 2, 620],
      ['VOID Flat white', 1, -310],
      ['Scone', 1, 260],
    ]);
  });
  it('reads a pump’s number before the grade on the item’s own line as the pump’s, not the name’s', () => {
    const b = extract(lr('Pump 2  Diesel', '45,00'), line([2, '30,00 L x 1,500']), rule(), lr('TOTAL', '45,00'), lr('CARD', '45,00'));
    expect(lines(b)).toEqual([['Diesel', 30, 4500]]);
  });
  it('reads a count column with a space before its sign, priced on the line under it', () => {
    const b = extract(line([0, 'Pork pie'], [20, '3 x'], [43, '4,50']), line([2, '@ 1,50 each']), rule(), lr('TOTAL', '4,50'), lr('CASH', '4,50'));
    expect(lines(b)).toEqual([['Pork pie', 3, 450]]);
    expect(b.items[0]!.unitPrice).toBe(150);
  });
});

describe('a count sign left in a name', () => {
  it('doubts a name that starts with a times sign and a price, or ends with a count and its sign', () => {
    expect(descriptionDoubt(item('x 4,95', 2))).toBeDefined();
    expect(descriptionDoubt(item('Sausages  2 x'))).toBeDefined();
    // A pack size written close is a name.
    expect(descriptionDoubt(item('Cat food 12x'))).toBeUndefined();
  });
  it('flags a count at a price read with no name', () => {
    const b = extract(lr('Tea towel', '5,00'), line([20, 'Bin bags'], [30, 'x 2']), line([0, '2 x 1,95'], [43, '3,90']), rule(), lr('TOTAL', '8,90'), lr('CASH', '8,90'));
    // The count at a price has no name of its own to read ("Bin bags … x 2" prints no amount): whatever the reading
    // makes of it, it is no sure one.
    expect(b.confidence).toBeLessThan(0.9);
  });
});

describe('measures, hours and signs around a count', () => {
  it('reads a loose weight priced per 100 g as the weight at the price of one gram', () => {
    const b = extract(line([0, 'Rooibos Vanille']), line([0, '150 g x 4,20/100g'], [43, '6,30']), rule(), lr('TOTAL', '6,30'), lr('CASH', '6,30'));
    expect(lines(b)).toEqual([['Rooibos Vanille', 150, 630]]);
    expect(b.items[0]!.unitPriceText).toBe('0.042');
    expect(b.confidence).toBeGreaterThanOrEqual(0.9);
  });
  it('reads hours written "h" and metres written "mt" as a count line’s unit', () => {
    const b = extract(
      lr('Labour, wheel truing', '42,00'),
      line([2, '1,2 h x 35,00']),
      line([2, '2,5 MT x 6,40']),
      lr('Linen, natural', '16,00'),
      rule(),
      lr('TOTAL', '58,00'),
      lr('CASH', '58,00'),
    );
    expect(lines(b)).toEqual([
      ['Labour, wheel truing', 1.2, 4200],
      ['Linen, natural', 2.5, 1600],
    ]);
    expect(b.items[1]!.unit).toBe('m');
  });
  it('reads a measure before the sign and the name ("2,5 L x Black soap") as the quantity sold loose', () => {
    const b = extract(lr('1,5 L x Linseed oil', '9,00'), rule(), lr('TOTAL', '9,00'), lr('CASH', '9,00'));
    expect(lines(b)).toEqual([['Linseed oil', 1.5, 900]]);
    expect(b.items[0]!.unit).toBe('L');
  });
  it('reads a currency sign the code page lacks, printed before the price and the amount, as no part of the name', () => {
    const b = extract(
      line([0, 'Beef stewing steak']),
      line([0, '0,612 kg x ╒ 14,50/kg'], [36, '╒ 8,87']),
      line([0, '4 x Meatballs'], [37, '╒ 5,20']),
      line([2, 'à ╒ 1,30']),
      rule(),
      lr('TOTAL', '14,07'),
      lr('PIN', '14,07'),
    );
    expect(lines(b)).toEqual([
      ['Beef stewing steak', 0.612, 887],
      ['Meatballs', 4, 520],
    ]);
    expect(b.items[1]!.unitPrice).toBe(130);
  });
});

describe('a scale’s row and a reference under an article', () => {
  it('reads a weight and its price per kilo one space apart in a table row when they make the amount', () => {
    const b = extract(
      line([0, 'ITEM'], [20, 'KG'], [26, '£/KG'], [47, '£']),
      line([0, 'Chicken thighs'], [20, '0.745 8.40'], [43, '6.26']),
      line([0, 'Gammon joint'], [20, '1.250 2.50'], [43, '9.99']),
      rule(),
      lr('TOTAL', '16.25'),
      lr('CASH', '16.25'),
    );
    expect(lines(b)[0]).toEqual(['Chicken thighs', 0.745, 626]);
    // 1.250 at 2.50 is 3.13, not 9.99: the two numbers stay the name's.
    expect(lines(b)[1]).toEqual(['Gammon joint  1.250 2.50', 1, 999]);
  });
  it('reads an article’s reference and unit price under it as its SKU and unit price, not a priced add-on', () => {
    const b = extract(
      lr('3 x Scrubbing brush', '7,50'),
      line([2, 'Réf. SB400  PU 2,50']),
      lr('0,5 L x Lemon oil', '6,00'),
      line([2, 'Ref. LO77  PU 12,00/L']),
      rule(),
      lr('TOTAL', '13,50'),
      lr('CASH', '13,50'),
    );
    expect(lines(b)).toEqual([
      ['Scrubbing brush', 3, 750],
      ['Lemon oil', 0.5, 600],
    ]);
    expect(b.items.map((i) => [i.sku, i.unitPrice, i.modifiers.length])).toEqual([
      ['SB400', 250, 0],
      ['LO77', 1200, 0],
    ]);
    expect(b.confidence).toBeGreaterThanOrEqual(0.9);
  });
});

describe('the terms of a charge under it', () => {
  it('reads a limit printed under a charge ("5% of parts, max $20.00") as no amount of the sale', () => {
    const b = extract(lr('Wheel alignment', '89.00'), lr('HAZMAT DISPOSAL', '4.45'), line([2, '5% of parts, max $20.00']), rule(), lr('TOTAL', '93.45'), lr('CASH', '93.45'));
    expect(lines(b)).toEqual([
      ['Wheel alignment', 1, 8900],
      ['HAZMAT DISPOSAL', 1, 445],
    ]);
    expect(b.items[1]!.modifiers.every((m) => m.amount === null)).toBe(true);
  });
  it('still reads minutes before an amount as part of the name', () => {
    const b = extract(lr('Sauna 90 min', '18.00'), rule(), lr('TOTAL', '18.00'), lr('CASH', '18.00'));
    expect(lines(b)).toEqual([['Sauna 90 min', 1, 1800]]);
  });
});

describe('a parts counter’s lines', () => {
  it('reads priced lines indented under a heading in capitals as items of their own, and a part number before the name as its SKU', () => {
    const b = extract(
      line([0, 'PARTS']),
      line([2, 'WX4410 Wiper blade pair'], [43, '24.90']),
      line([2, 'BL7H Spark plug'], [44, '6.20']),
      line([0, 'LABOUR']),
      line([2, 'Fit wiper blades'], [43, '10.00']),
      rule(),
      lr('TOTAL', '41.10'),
      lr('CARD', '41.10'),
    );
    expect(lines(b)).toEqual([
      ['Wiper blade pair', 1, 2490],
      // Four characters: a model name as often as a code ("MP3 player"), left in the name.
      ['BL7H Spark plug', 1, 620],
      ['Fit wiper blades', 1, 1000],
    ]);
    expect(b.items[0]!.sku).toBe('WX4410');
  });
});
