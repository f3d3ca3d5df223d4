// A line's tax code printed beside its name (tax-column.ts): in the VAT column where other lines print their rate or
// under its tax-word heading, or defined by a legend; the rate a lone rateless tax line takes from those lines; and
// the taxes check's doubt when it fits none of them.
import { describe, expect, it } from 'vitest';
import type { Block } from '../../agent/decode/document.js';
import { extractBasket } from '../../agent/extract/index.js';
import { doc, line, lr, rule } from './documents.js';

const head: Block[] = [line([0, 'SHOP']), line([0, 'Receipt 3001']), line([0, '25/06/2025 18:00']), rule()];
const extract = (...blocks: Block[]) => extractBasket(doc(...head, ...blocks), { id: 't', currency: 'EUR' })!;
const items = (b: ReturnType<typeof extract>) => b.items.map((i) => [i.description, i.taxCode, i.amount]);
/** A line of name, a code column right-aligned to column 36, and an amount at the right edge. */
const coded = (name: string, code: string, amount: string) => line([0, name], [36 - code.length, code], [48 - amount.length, amount]);

describe('tax codes in a VAT column', () => {
  it('reads a code printed where the other lines print their rate as that line\'s tax code', () => {
    const b = extract(coded('Atlas of Europe', 'Z', '30,00'), coded('Pencil case', '19%', '11,90'), rule(), lr('Summe', '41,90'), lr('Bar', '41,90'), lr('darin MwSt', '1,90'));
    expect(items(b)).toEqual([
      ['Atlas of Europe', 'Z', 3000],
      ['Pencil case', '19%', 1190],
    ]);
    // The tax is 19% of the lines at 19% (11,90 → 1,90), none of the "Z" line: the lone tax line takes that rate.
    expect(b.taxes.map((t) => [t.rate, t.tax])).toEqual([[19, 190]]);
  });
  it('reads a code under the tax word heading the column when no line prints a rate', () => {
    const b = extract(line([0, 'Artikel'], [33, 'BTW'], [42, 'Bedrag']), coded('Kookboek', 'L', '24,95'), rule(), lr('Totaal', '24,95'), lr('Pin', '24,95'));
    expect(items(b)).toEqual([['Kookboek', 'L', 2495]]);
  });
  it('leaves a code in another column in the name', () => {
    // "XL" ends at column 30, not under the rates at column 36: part of the name (a size), not a tax code.
    const b = extract(line([0, 'T-shirt'], [28, 'XL'], [43, '15,00']), coded('Socks', '22%', '5,00'), rule(), lr('Totale', '20,00'), lr('Contanti', '20,00'));
    expect(b.items[0]).toMatchObject({ description: 'T-shirt  XL', taxCode: null });
  });
  it('doubts a rateless tax line that is at none of the rates its lines print', () => {
    // 1,50 is no share of the 10% lines (10,00 → 0,91): the tax or a line's code was read wrong.
    const b = extract(coded('Panino', '10%', '10,00'), coded('Agenda', 'E', '5,00'), rule(), lr('Totale', '15,00'), lr('Contanti', '15,00'), lr('di cui IVA', '1,50'));
    expect(b.taxes.map((t) => t.rate)).toEqual([null]);
    expect(b.checks.find((c) => c.name === 'taxes')?.ok).toBe(false);
    expect(b.confidence).toBeLessThan(0.5);
  });
  it('records nothing for a lone rateless tax of nothing', () => {
    const b = extract(lr('Dizionario', '18,00'), rule(), lr('Totale', '18,00'), lr('Contanti', '18,00'), lr('di cui IVA', '0,00'));
    expect(b.taxes).toEqual([]);
  });
});

describe('tax codes defined by a legend', () => {
  it('reads a code a legend names with a tax word at the end of a name', () => {
    const b = extract(lr('Lottery ticket X', '2,00'), lr('Candles', '3,63'), rule(), lr('Total', '5,63'), lr('Cash', '5,63'), lr('VAT 21%', '0,63'), line([0, 'X = exempt from VAT']));
    expect(items(b)).toEqual([
      ['Lottery ticket', 'X', 200],
      ['Candles', null, 363],
    ]);
  });
  it('leaves a code whose legend names no tax in the name', () => {
    const b = extract(lr('Adult GA', '20,00'), rule(), lr('Total', '20,00'), lr('Cash', '20,00'), line([0, 'GA = Gift Aid ticket']));
    expect(items(b)).toEqual([['Adult GA', null, 2000]]);
  });
});
