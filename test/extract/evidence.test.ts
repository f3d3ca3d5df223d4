// Label evidence for words the fourth batch showed missing (issue 10): tax abbreviations written with dots
// ("I.V.A.", "B.T.W.", "T. V. A."), meal and book vouchers and a shop's own credit as voucher tenders, not
// change, cash, card or other; cash words of Spanish and Italian tills.
import { describe, expect, it } from 'vitest';
import { compileVocabulary, evidenceOf, tenderTypeOf } from '../../agent/extract/evidence.js';

const vocab = compileVocabulary();
const tenderOf = (label: string) => tenderTypeOf(evidenceOf(label, vocab));

describe('label evidence', () => {
  it('reads tax abbreviations written with dots or spaced dots', () => {
    for (const label of ['I.V.A. 10%', 'B.T.W. laag', 'T. V. A. 20%', 'U.St. 7%', 'M.W.St.']) expect(evidenceOf(label, vocab).tax, label).toBe(1);
    // Dotted words that are no tax stay none: a tax number label, an initial.
    expect(evidenceOf('St.-Nr.', vocab).tax).toBe(0);
    expect(evidenceOf('J. Smith', vocab).tax).toBe(0);
  });
  it('types meal vouchers, book vouchers and store credit as voucher', () => {
    for (const label of ['Tickets Resto', 'Titres-restaurant', 'Chèque Déjeuner', 'Chèque-lire', 'Buoni pasto', 'Store credit', 'Shop Credit'])
      expect(tenderOf(label), label).toBe('voucher');
    // "resto" alone is still the Italian change, "credit" alone still a card, "chèque" alone still other.
    expect(evidenceOf('Resto', vocab).change).toBe(1);
    expect(evidenceOf('Ticket resto', vocab).change).toBe(0);
    expect(tenderOf('Credit')).toBe('card');
    expect(tenderOf('Chèque')).toBe('other');
  });
  it('types Spanish and Italian cash words as cash', () => {
    expect(tenderOf('Metálico')).toBe('cash');
    expect(tenderOf('Pago al contado')).toBe('cash');
    expect(tenderOf('Contante')).toBe('cash');
    // A coffee one letter from "contado" is no tender.
    expect(tenderOf('Cortado')).toBeNull();
  });
});
