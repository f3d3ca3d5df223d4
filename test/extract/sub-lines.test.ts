// Traces that an item's description holds what is not its name (agent/extract/sub-lines.ts), on examples of our own.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../agent/extract/basket.js';
import { descriptionDoubt } from '../../agent/extract/sub-lines.js';

const item = (description: string, quantity = 1, modifiers: string[] = []): Item =>
  ({ description, quantity, unit: null, unitPrice: null, unitPriceText: null, amount: 100, sku: null, ean: null, taxCode: null, modifiers: modifiers.map((d) => ({ description: d, amount: null })), discounts: [] }) as Item;

describe('descriptions that hold a sub-line or a column', () => {
  it('doubts a validity date, a list of seats, a code column, a count at a price, a word wrapped mid-word', () => {
    for (const d of ['Museum pass valid 03/05/2027', 'Concert Stalls Row C Seats 12, 13', 'K14  Locker hire', 'Gift tags (4 @ 0.75)', 'Parasol + deck chair h alf']) {
      expect(descriptionDoubt(item(d)), d).toBeDefined();
    }
  });
  it('doubts a counted line filed under a heading as its detail', () => {
    expect(descriptionDoubt(item('DRINKS', 1, ['2 x Lemonade']))).toBeDefined();
  });
  it('leaves whole names alone', () => {
    for (const d of ['Pick n Mix', 'Seil 25 m', 'Pfand 2x0,25', 'Lambrusco 1/2 L', "Mont d'Or", 'Cola 1,5 L', 'Pins 3 x 1,20']) {
      const doubt = descriptionDoubt(item(d, d === 'Pins 3 x 1,20' ? 3 : 1));
      expect(doubt, d).toBeUndefined();
    }
  });
});
