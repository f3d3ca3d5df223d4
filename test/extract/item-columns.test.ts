// Item lines whose columns the arithmetic settles (items.ts, units.ts): a count, a name and a unit price before the
// amount; a unit price on the line under a counted item, printed as money or after its word; an article number
// before a name that prints its count after it; a dot leader between a name and its amount.
import { describe, expect, it } from 'vitest';
import type { Block } from '../../agent/decode/document.js';
import { extractBasket } from '../../agent/extract/index.js';
import { doc, line, lr, rule } from './documents.js';

const head: Block[] = [line([0, 'SHOP']), line([0, 'Receipt 3001']), line([0, '25/06/2025 18:00']), rule()];
const extract = (...blocks: Block[]) => extractBasket(doc(...head, ...blocks), { id: 't', currency: 'GBP' })!;
const items = (b: ReturnType<typeof extract>) => b.items.map((i) => [i.description, i.quantity, i.unitPrice, i.amount]);

describe('item columns', () => {
  it('reads a count, a name and a unit price before the amount when they multiply out', () => {
    const b = extract(line([0, 'Qty'], [5, 'Item'], [34, 'Each'], [43, 'Total']), line([0, '3'], [5, 'Day pass'], [33, '12.00'], [43, '36.00']), line([0, '1'], [5, 'Map'], [34, '2.50'], [44, '2.50']), rule(), lr('TOTAL', '38.50'), lr('CARD', '38.50'));
    expect(items(b)).toEqual([
      ['Day pass', 3, 1200, 3600],
      ['Map', 1, 250, 250],
    ]);
  });
  it('keeps a number column that does not multiply out in the name', () => {
    const b = extract(line([0, '2'], [5, 'Rope'], [33, '10.00'], [43, '30.00']), rule(), lr('TOTAL', '30.00'), lr('CASH', '30.00'));
    expect(b.items[0]!.description).not.toBe('Rope');
  });
  it('reads a unit price under a counted line, printed as money or after its word', () => {
    const at = extract(lr('200 x Flyers A5', '16.00'), line([5, '@ 0.08']), lr('1 x Laminating', '2.00'), rule(), lr('Balance Due', '18.00'), lr('Cash', '18.00'));
    expect(items(at)).toEqual([
      ['Flyers A5', 200, 8, 1600],
      ['Laminating', 1, 200, 200],
    ]);
    const pu = extract(lr('Terreau 20L x4', '23,96'), line([8, 'PU 5,99']), rule(), lr('Net à payer', '23,96'), lr('CB', '23,96'));
    expect(items(pu)).toEqual([['Terreau 20L', 4, 599, 2396]]);
  });
  it('reads a unit price per hour under a fractional count', () => {
    const b = extract(lr('1.5 x Consultancy', '90.00'), line([5, '@ 60.00 per hour']), rule(), lr('Balance Due', '90.00'), lr('Card', '90.00'));
    expect(items(b)).toEqual([['Consultancy', 1.5, 6000, 9000]]);
  });
  it('reads a number before a name that prints its count after it as the article number', () => {
    const b = extract(lr('88120 Garden twine x2', '5,00'), lr('4431 Gloves x1', '7,50'), rule(), lr('Total', '12,50'), lr('Cash', '12,50'));
    expect(b.items.map((i) => [i.sku, i.description, i.quantity])).toEqual([
      ['88120', 'Garden twine', 2],
      ['4431', 'Gloves', 1],
    ]);
    // "x1" on a line: the till prints counts after names, so "x2" is no pack size.
    expect(b.confidence).toBe(1);
  });
  it('drops a dot leader between a name and its amount', () => {
    const b = extract(lr('Ironing 5 shirts ..........', '10.00'), lr('TOTAL .............', '10.00'), lr('CASH', '10.00'));
    expect(items(b)).toEqual([['Ironing 5 shirts', 1, 1000, 1000]]);
    expect(b.total).toBe(1000);
  });
});
