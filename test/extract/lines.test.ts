// Item lines that read two ways with the same sums, and receipt ids printed only as codes (issue 10, second
// round): deposits and bottle returns, voided lines, priced add-ons, descriptions wrapped over two lines, pack
// sizes, gallons; a receipt number in a CODE128 or QR code, with the evidence for it; and confidence that stays
// below 0.9 whenever the arithmetic cannot tell two readings apart.
import receiptline from 'receiptline';
import { describe, expect, it } from 'vitest';
import type { Block } from '../../agent/decode/document.js';
import { basketsFromBytes, extractBasket } from '../../agent/extract/index.js';
import { code128, doc, line, lr, qr, rule } from './documents.js';

const head = (...meta: string[]): Block[] => [line([0, 'SHOP']), ...meta.map((m) => line([0, m])), line([0, '01/02/2025 10:00']), rule()];
const extract = (...blocks: Block[]) => extractBasket(doc(...head('Receipt 1001'), ...blocks), { id: 't', currency: 'EUR' })!;
const lines = (b: ReturnType<typeof extract>) => b.items.map((i) => [i.description, i.quantity, i.amount, i.modifiers.reduce((s, m) => s + (m.amount ?? 0), 0)]);

describe('articles whatever their sign or indent', () => {
  it('reads a deposit under its bottle and a bottle return as items of their own', () => {
    const b = extract(lr('Mineralwasser 12x0,7l', '5,49 A'), lr('  Pfand', '3,30 A'), lr('Leergut', '-4,80 A'), rule(), lr('SUMME', '3,99 €'), lr('girocard', '3,99'));
    expect(lines(b)).toEqual([
      ['Mineralwasser 12x0,7l', 1, 549, 0],
      ['Pfand', 1, 330, 0],
      ['Leergut', 1, -480, 0],
    ]);
    expect(b.confidence).toBe(1);
  });
  it("reads a core charge under a part as an item of its own: the refundable deposit on the old part", () => {
    // The seventh batch's auto-parts store printed it indented under the battery; tills name it as the deposit it is.
    const under = (label: string, amount: string) => line([2, label], [48 - amount.length, amount]);
    const b = extract(lr('ALTERNATOR REMAN 11042', '189.99'), under('CORE CHARGE', '45.00'), lr('STARTER 3512', '129.00'), under('CORE CHG', '30.00'), rule(), lr('TOTAL', '393.99'), lr('VISA', '393.99'));
    expect(lines(b)).toEqual([
      ['ALTERNATOR REMAN 11042', 1, 18999, 0],
      ['CORE CHARGE', 1, 4500, 0],
      ['STARTER 3512', 1, 12900, 0],
      ['CORE CHG', 1, 3000, 0],
    ]);
  });
  it('reads a voided line as a negative item, not a discount', () => {
    const b = extract(lr('Cream Soda', '3.25'), lr('VOID Cream Soda', '-3.25'), lr('Knish', '4.95'), rule(), lr('TOTAL', '€4.95'), lr('CASH', '5.00'), lr('CHANGE', '0.05'));
    expect(lines(b)).toEqual([
      ['Cream Soda', 1, 325, 0],
      ['VOID Cream Soda', 1, -325, 0],
      ['Knish', 1, 495, 0],
    ]);
    expect(b.discounts).toEqual([]);
  });
  it('reads a bulleted priced line under an item as its add-on', () => {
    const b = extract(lr('Latte Regular', '3.40'), lr('+ Extra Shot', '0.60'), lr('> Oat Milk', '0.45'), lr('Scone', '2.85'), rule(), lr('TOTAL', '€7.30'), lr('CARD', '7.30'));
    expect(lines(b)).toEqual([
      ['Latte Regular', 1, 340, 105],
      ['Scone', 1, 285, 0],
    ]);
    expect(b.confidence).toBe(1);
  });
});

describe('descriptions wrapped over two lines', () => {
  it('joins a line that continues the item above (lower case), amount on the first line', () => {
    const b = extract(lr('Croquetas de jamón', '8,50'), line([0, 'ibérico (6 uds)']), lr('Tortilla', '6,00'), rule(), lr('TOTAL', '14,50 €'), lr('TARJETA', '14,50'));
    expect(lines(b)).toEqual([
      ['Croquetas de jamón ibérico (6 uds)', 1, 850, 0],
      ['Tortilla', 1, 600, 0],
    ]);
    expect(b.confidence).toBe(1);
  });
  it('joins the first line after the rule to the priced line under it, amount on the last line', () => {
    const b = extract(line([0, 'The Remains of the Day']), lr('Kazuo Ishiguro PB', '9.99'), lr('Bookmark', '1.50'), rule(), lr('TOTAL', '€11.49'), lr('CARD', '11.49'));
    expect(lines(b)).toEqual([
      ['The Remains of the Day Kazuo Ishiguro PB', 1, 999, 0],
      ['Bookmark', 1, 150, 0],
    ]);
    expect(b.confidence).toBe(1);
  });
  it('stays below 0.9 when a wrapped line sits between two items and nothing says whose it is', () => {
    const b = extract(lr('Finest Smoked Salmon', '4.99'), line([0, 'Scottish 200g']), lr('Tea Bags 240s', '4.25'), rule(), lr('TOTAL', '€9.24'), lr('CARD', '9.24'));
    expect(b.items).toHaveLength(2);
    expect(b.checks.every((c) => c.ok)).toBe(true);
    expect(b.confidence).toBeLessThan(0.9);
  });
});

describe('pack sizes and measures', () => {
  it('keeps counts of ten or more, and a count after a size, in the name', () => {
    const b = extract(lr('Plasters x20', '2.00'), lr('Cotton Pads 2x100', '2.50'), lr('Windeln Gr.4 x 44', '12.32'), rule(), lr('TOTAL', '€16.82'), lr('CARD', '16.82'));
    expect(lines(b)).toEqual([
      ['Plasters x20', 1, 200, 0],
      ['Cotton Pads 2x100', 1, 250, 0],
      ['Windeln Gr.4 x 44', 1, 1232, 0],
    ]);
    expect(b.confidence).toBe(1);
  });
  it('reads a small trailing count as a quantity, but not with confidence: it could be a pack', () => {
    const b = extract(lr('Jambon blanc x4', '3.20'), rule(), lr('TOTAL', '€3.20'), lr('CASH', '3.20'));
    expect(lines(b)).toEqual([['Jambon blanc', 4, 320, 0]]);
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('reads a small trailing count as a pack on a receipt that prints counts before the name or on a line of their own', () => {
    // The eighth batch's parapharmacie printed "2 x <name>" beside "<name> x2": a till prints its counts one way.
    const before = extract(lr('3 x Yaourt brebis', '4.50'), lr('Saucisses x6', '5.40'), rule(), lr('TOTAL', '€9.90'), lr('CB', '9.90'));
    expect(lines(before)).toEqual([
      ['Yaourt brebis', 3, 450, 0],
      ['Saucisses x6', 1, 540, 0],
    ]);
    expect(before.confidence).toBe(1);
    const under = extract(lr('Muffin', '5.00'), line([2, '2 x 2.50']), lr('Tartelettes x4', '6.00'), lr('Storno Tartelettes x4', '-6.00'), rule(), lr('TOTAL', '€5.00'), lr('CASH', '5.00'));
    expect(lines(under)).toEqual([
      ['Muffin', 2, 500, 0],
      ['Tartelettes x4', 1, 600, 0],
      ['Storno Tartelettes x4', 1, -600, 0],
    ]);
  });
  it('reads fuel in gallons from the line under the product', () => {
    const b = extract(line([0, 'REGULAR UNLEADED']), lr('  11.204 gal @ 3.299/gal', '36.96'), rule(), lr('TOTAL', '€36.96'), lr('CREDIT', '36.96'));
    expect(b.items).toMatchObject([{ description: 'REGULAR UNLEADED', quantity: 11.204, unit: 'gal', unitPriceText: '3.299', amount: 3696 }]);
  });
});

describe('receipt ids', () => {
  const sale = [lr('Tea', '2.00'), rule(), lr('TOTAL', '€2.00'), lr('CASH', '2.00')];
  const read = (meta: string[], ...blocks: Block[]) => extractBasket(doc(...head(...meta), ...sale, ...blocks), { id: 't', currency: 'EUR' })!;
  it('reads the number from a barcode whose digits are store, till and transaction, with full confidence', () => {
    const b = read(['STORE 0218  REG 04'], code128('021804005617'));
    expect([b.receiptNumber, b.storeId, b.tillId]).toEqual(['021804005617', '0218', '04']);
    expect(b.confidence).toBe(1);
  });
  it('reads an id-shaped QR code when the text has no number, below 0.9: only its shape says it is one', () => {
    const b = read(['Caisse 1'], qr('TK-00912'));
    expect(b.receiptNumber).toBe('TK-00912');
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('prefers the number printed in the text, and never takes a URL or a masked card number from a code', () => {
    expect(read(['Receipt 1001'], code128('99887766')).receiptNumber).toBe('1001');
    expect(read([], qr('https://example.com/r/12345'), code128('************1234')).receiptNumber).toBeNull();
    // A product's EAN printed on the receipt (a voucher, a deposit slip) is no receipt number.
    expect(read([], { kind: 'barcode', symbology: 'EAN13', data: '4006381333931', hri: 'below', height: 72, moduleWidth: 2, align: 'center' }).receiptNumber).toBeNull();
  });
  it('reads "TX 60218" at the start of a line, but not the Texan zip code in an address', () => {
    expect(read(['TX 60218  TL 2']).receiptNumber).toBe('60218');
    expect(read(['700 Elm St, Dallas, TX 75202']).receiptNumber).toBeNull();
  });
  it('stays below 0.9 when the header prints an id that no label names', () => {
    const b = read(['ST:2291 OP:55 TE:12 TR:4821']);
    expect(b.receiptNumber).toBeNull();
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays below 0.9 when no number is read and a picture follows the amounts: a code printed as an image', () => {
    const picture: Block = { kind: 'image', source: 'GS v 0', width: 8, height: 8, bits: new Uint8Array(8), truncated: false, scaleX: 1, scaleY: 1, align: 'center' };
    expect(read([], picture).confidence).toBeLessThan(0.9);
    // A logo above the amounts says nothing about the number.
    expect(extractBasket(doc(picture, ...head(), ...sale), { id: 't', currency: 'EUR' })!.confidence).toBe(1);
  });
  it('reads the CODE128 receiptline prints under a receipt that has no number in its text', () => {
    const markup = ['SHOP', 'Tienda 031 Caja 2', '11/01/2025 18:25', '-', 'Camiseta | 12,95', '-', '"TOTAL | 12,95 €', 'TARJETA | 12,95', '', '{code:031020045821;option:code128,2,72,hri}'].join('\n');
    const bytes = Buffer.from(receiptline.transform(markup + '\n', { cpl: 42, encoding: 'cp858', command: 'escpos' }), 'binary');
    const [b] = basketsFromBytes(bytes);
    expect(b!.barcodes).toEqual([{ symbology: expect.stringContaining('CODE128'), data: '031020045821' }]);
    expect(b!.receiptNumber).toBe('031020045821');
  });
});
