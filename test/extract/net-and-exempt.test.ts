// Tax lines the seventeenth batch read wrong at confidence 1 (issue 10): an amount "excl. BTW" / "ohne MwSt" / "ex
// VAT" printed before the tax (the net, no tax line), a tax table's exempt row (no tax charged: no tax line), a
// Dutch invoice ("Factuur 2025-00981") whose number a work order's beside it must not take; and the doubts that
// catch such readings where the reading itself cannot be fixed: taxes of more than a quarter of the total, an id in
// dashed groups that no label the extractor knows names.
import { describe, expect, it } from 'vitest';
import type { Block } from '../../agent/decode/document.js';
import { runChecks } from '../../agent/extract/checks.js';
import { printsUnnamedId } from '../../agent/extract/ids.js';
import { extractBasket } from '../../agent/extract/index.js';
import { rowsOf } from '../../agent/extract/rows.js';
import { doc, line, lr, rule } from './documents.js';

const extract = (head: Block[], ...blocks: Block[]) => extractBasket(doc(...head, ...blocks), { id: 't', currency: 'EUR' })!;
const head: Block[] = [line([0, 'SHOP']), line([0, 'Receipt 3001']), line([0, '25/06/2025 18:00']), rule()];
const row = (...cells: string[]) => line(...cells.map((c, i): [number, string] => [i * 12, c]));
const taxes = (b: ReturnType<typeof extract>) => b.taxes.map((t) => [t.rate, t.tax]);

describe('an amount before tax', () => {
  it('reads "Totaal excl. BTW" over the tax as the net, not a tax line', () => {
    const b = extract(head, lr('Distributieriem vervangen', '242,00'), lr('Ruitenwisserset', '18,50'), rule(), lr('Totaal excl. BTW', '215,29'), lr('BTW 21%', '45,21'), lr('TOTAAL', '260,50'), lr('PIN', '260,50'));
    expect(taxes(b)).toEqual([[21, 4521]]);
    expect(b.items.map((i) => i.amount)).toEqual([24200, 1850]);
    expect(b.confidence).toBe(1);
  });
  it('reads "Summe ohne MwSt" and "Total hors TVA" the same way', () => {
    const de = extract(head, lr('Ölwechsel', '89,25'), rule(), lr('Summe ohne MwSt', '75,00'), lr('MwSt 19%', '14,25'), lr('SUMME', '89,25'), lr('BAR', '89,25'));
    expect(taxes(de)).toEqual([[19, 1425]]);
    expect(de.total).toBe(8925);
    const fr = extract(head, lr('Pneu 205/55', '120,00'), rule(), lr('Total hors TVA', '100,00'), lr('TVA 20%', '20,00'), lr('TOTAL', '120,00'), lr('CB', '120,00'));
    expect(taxes(fr)).toEqual([[20, 2000]]);
  });
  it('keeps net-priced lines, their sum "ex VAT", the tax added and the total', () => {
    const b = extract(head, lr('Timber 2x4', '40.00'), lr('Screws', '10.00'), rule(), lr('Goods ex VAT', '50.00'), lr('VAT 20%', '10.00'), lr('TOTAL INC VAT', '60.00'), lr('Card', '60.00'));
    expect(b.total).toBe(6000);
    expect(taxes(b)).toEqual([[20, 1000]]);
    expect(b.confidence).toBe(1);
  });
});

describe('a tax table\'s exempt row', () => {
  it('records no tax line for "E Exempt" and checks the table\'s gross with it', () => {
    const b = extract(
      head,
      lr('Washer 9kg A', '499.00'),
      lr('Care Plan E', '89.00'),
      rule(),
      lr('TOTAL', '588.00'),
      lr('Visa', '588.00'),
      row('VAT', 'Net', 'VAT', 'Gross'),
      row('A 20.00%', '415.83', '83.17', '499.00'),
      row('E Exempt', '89.00', '0.00', '89.00'),
    );
    expect(taxes(b)).toEqual([[20, 8317]]);
    expect(b.checks.find((c) => c.name === 'taxes')?.ok).toBe(true);
  });
  it('keeps a row at 0 %', () => {
    const b = extract(head, lr('Book', '8.99'), lr('Card', '6.00'), rule(), lr('TOTAL', '14.99'), lr('Cash', '14.99'), row('VAT', 'Net', 'VAT', 'Gross'), row('0%', '8.99', '0.00', '8.99'), row('20%', '5.00', '1.00', '6.00'));
    expect(taxes(b)).toEqual([[0, 0], [20, 100]]);
  });
});

describe('the doubts', () => {
  it('fails the taxes check when the taxes are more than a quarter of the total', () => {
    const b = extract(head, lr('Item', '78.60'), rule(), lr('TOTAL', '78.60'), lr('Card', '78.60'));
    const wrong = { ...b, taxes: [{ code: null, rate: null, net: null, tax: 6496, gross: null }, { code: null, rate: 21, net: null, tax: 1364, gross: null }] };
    expect(runChecks(wrong).find((c) => c.name === 'taxes')?.ok).toBe(false);
    const right = { ...b, taxes: [{ code: null, rate: 21, net: null, tax: 1364, gross: null }] };
    expect(runChecks(right).find((c) => c.name === 'taxes')?.ok).toBe(true);
  });
  it('sees an id in dashed groups under a label it cannot name, but not an ISO date', () => {
    const rows = (...texts: string[]) => rowsOf(doc(...texts.map((t) => line([0, t]))));
    expect(printsUnnamedId(rows('SHOP', 'Aanmaning 2025-00981', 'Werkorder 4471'), '4471')).toBe(true);
    expect(printsUnnamedId(rows('SHOP', 'Datum 2025-09-17', 'Werkorder 4471'), '4471')).toBe(false);
  });
});

describe('a Dutch invoice number', () => {
  it('reads "FACTUUR 2025-00981" over a work order number', () => {
    const b = extract([line([0, 'GARAGE']), line([0, 'FACTUUR 2025-00981']), line([0, 'Werkorder 4471  Datum 17-09-2025 16:20']), rule()], lr('APK keuring', '45,00'), rule(), lr('TOTAAL', '45,00'), lr('PIN', '45,00'));
    expect(b.receiptNumber).toBe('2025-00981');
    expect(b.confidence).toBe(1);
  });
});
