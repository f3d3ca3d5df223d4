// Label evidence for words the fourth batch showed missing (issue 10): tax abbreviations written with dots
// ("I.V.A.", "B.T.W.", "T. V. A."), meal and book vouchers and a shop's own credit as voucher tenders, not
// change, cash, card or other; cash words of Spanish and Italian tills.
import { describe, expect, it } from 'vitest';
import { compileVocabulary, evidenceOf, tenderTypeOf, tenderTypeOfLabel } from '../../agent/extract/evidence.js';

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
  // The fifth batch's voucher tenders ("CINE-CHEQUE", a wash club's credit, "Geschenkgutschein", a museum's gift
  // card written as one word, a campsite's "Bon"), in other wordings and shops.
  it('types cheques for a purpose (cinema, culture, holidays, a gift) as vouchers, a bare cheque as other', () => {
    for (const label of ['Chèque cinéma', 'Ciné-chèque', 'CINECHEQUE', 'Chèques-Vacances', 'Chèque culture', 'Chèque cadeau'])
      expect(tenderOf(label), label).toBe('voucher');
    expect(tenderOf('Chèque bancaire')).toBe('other');
  });
  it("types a club's, a member's or an account's credit as a voucher, a bare credit as a card", () => {
    for (const label of ['Member Credit', 'Club credit', 'Loyalty Credit', 'Account credit', 'Rewards credit']) expect(tenderOf(label), label).toBe('voucher');
    expect(tenderOf('Credit')).toBe('card');
    expect(tenderOf('Credit card')).toBe('card');
    expect(tenderOf('Club Credit Card')).toBe('card');
  });
  it('reads a German or Dutch voucher or gift card compound by its last word', () => {
    for (const label of ['Warengutschein', 'Einkaufsgutschein', 'Cadeaubon', 'Waardebon', 'Boekenbon']) expect(tenderOf(label), label).toBe('voucher');
    for (const label of ['Winkelcadeaukaart', 'Boekencadeaukaart', 'Stadtgeschenkkarte']) expect(tenderOf(label), label).toBe('giftcard');
    // A word that only starts with one, or a card that is no way of paying ("Kundenkarte": a loyalty card), is none.
    expect(tenderOf('Gutscheinnummer')).toBeNull();
    expect(tenderOf('Kundenkarte')).toBeNull();
  });
  it('types a French "bon" (bon cadeau, bon camping) as a voucher and leaves a German "Bon-Summe" the total', () => {
    expect(tenderOf('Bon cadeau')).toBe('voucher');
    expect(tenderOf('BON FIDELITE')).toBe('voucher');
    expect(evidenceOf('Bon-Summe', vocab).total).toBe(1);
  });
  it('types Spanish and Italian cash words as cash', () => {
    expect(tenderOf('Metálico')).toBe('cash');
    expect(tenderOf('Pago al contado')).toBe('cash');
    expect(tenderOf('Contante')).toBe('cash');
    // A coffee one letter from "contado" is no tender.
    expect(tenderOf('Cortado')).toBeNull();
  });
});

describe('tenders the sixth batch typed wrong', () => {
  // A deposit or down payment made earlier is paid, but by no card or cash today: 'other'. A French "avoir" (a
  // credit note) and a shop's cash-back reward are the shop's own money: vouchers, whatever "cash" says.
  it("reads the German 'EC-Cash' and 'electronic cash' as the debit card they are, never as cash", () => {
    for (const label of ['EC-Cash', 'EC Cash', 'Electronic Cash', 'ec-cash Zahlung']) expect(tenderOf(label), label).toBe('card');
  });
  it("reads a Dutch national gift scheme ('Nationale Bioscoopbon', 'Nationale Kadobon') as the gift card it is issued as", () => {
    for (const label of ['Nationale Bioscoopbon', 'Nationale Kadobon', 'NATIONALE TUINBON']) expect(tenderOf(label), label).toBe('giftcard');
  });
  it("reads a Dutch compound of 'bon' for a kind of goods ('Dinerbon', 'Kledingbon') as a voucher, never the receipt ('Kassabon')", () => {
    for (const label of ['Dinerbon', 'Kledingbon', 'Wijnbon', 'Speelgoedbon']) expect(tenderOf(label), label).toBe('voucher');
    for (const label of ['Kassabon', 'Pinbon']) expect(tenderOf(label), label).not.toBe('voucher');
  });
  it("reads a till's abbreviated gift card ('GIFT CRD', 'Gft Card') as a gift card", () => {
    for (const label of ['GIFT CRD', 'Gft Card', 'GFT CRD 4410']) expect(tenderOf(label), label).toBe('giftcard');
  });
  it("reads a sale or a credit put on the customer's account ('Charged to Account', 'Credit to A/C') as other, not a card", () => {
    for (const label of ['Charged to Account', 'Credit to A/C', 'Refund to account', 'Put on A/C']) expect(tenderOf(label), label).toBe('other');
  });
  it('reads a deposit paid earlier as other', () => {
    for (const label of ['Deposit paid', 'Less deposit paid 02/05', 'Anzahlung', 'Acompte versé', 'Pago a cuenta', 'Acconto', 'Aanbetaling']) expect(tenderOf(label), label).toBe('other');
  });
  it('never reads "charge" as "change" by a one-letter slip', () => {
    for (const label of ['Cutting charge', 'Key cutting charge', 'Fitting charge']) expect(evidenceOf(label, vocab).change, label).toBe(0);
    expect(evidenceOf('Wechselgld', vocab).change).toBeGreaterThan(0.5);
  });
  it('reads a room charge and an online payment as other', () => {
    for (const label of ['Charge to Room 118', 'Room charge', 'PayPal', 'Paid online', 'Online betaald', 'Payé en ligne']) expect(tenderOf(label), label).toBe('other');
  });
  it('reads a French credit note, a cash reward and a British book token as vouchers', () => {
    for (const label of ['Avoir', 'Avoir n° 1182', 'Bonus Cash Reward', 'Reward cash', 'Reward voucher', 'National Book Token', 'Gift token']) expect(tenderOf(label), label).toBe('voucher');
    expect(tenderOf('Cash')).toBe('cash');
    expect(tenderOf('Paid by card')).toBe('card');
  });
  it("reads a German or Dutch payment compound ('Scheckzahlung', 'Contantbetaling') as the way of paying its first part names", () => {
    expect(['Barzahlung', 'Scheckzahlung', 'Gutscheinzahlung', 'Contantbetaling'].map(tenderOf)).toEqual(['cash', 'other', 'voucher', 'cash']);
    // A first part that names no way of paying: a prescription's co-payment, instalments.
    for (const label of ['Zuzahlung', 'Ratenzahlung']) expect(tenderOf(label), label).toBeNull();
  });
  it("types a tender the sums found under a short '-bon' ('Taartbon', 'IJsbon') as a voucher, a food named so no tender word", () => {
    const typeOf = (label: string) => tenderTypeOfLabel(label, evidenceOf(label, vocab));
    expect(['Visbon', 'Taartbon', 'Pinnen'].map(typeOf)).toEqual(['voucher', 'voucher', 'card']);
    expect(evidenceOf('Jambon', vocab).voucher).toBe(0);
    expect(typeOf('Kassabon')).toBeNull();
  });
});
