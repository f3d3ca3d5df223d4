// The number of a credit note, on an example of our own (the seventeenth batch's appliance shop printed its credit
// note's own number over the invoice it credits, and the reading took the invoice's): "Facture d'avoir N° …".
import { describe, expect, it } from 'vitest';
import { extractBasket } from '../../agent/extract/index.js';
import { doc, line, lr, rule } from './documents.js';

describe('the number of a credit note', () => {
  it('reads the credit note’s own number, not the invoice it credits', () => {
    const b = extractBasket(
      doc(
        line([0, 'CUISINES MARTIN']),
        line([0, "FACTURE D'AVOIR N° AV-2291"]),
        line([0, 'Sur facture N° FA-7734']),
        line([0, '21/06/2026 11:20']),
        rule(),
        lr('Hotte aspirante', '-249,00'),
        rule(),
        lr('TOTAL TTC', '-249,00'),
        lr('CB', '-249,00'),
      ),
      { id: 't', currency: 'EUR' },
    )!;
    expect(b.receiptNumber).toBe('AV-2291');
  });
});
