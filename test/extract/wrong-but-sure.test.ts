// The classes of wrong-but-sure reading the stress run (stress.test.ts) found, one case each on a hand-built
// document: read right where the evidence allows, else confidence below 0.9 for the reason the evidence is weak.
import { describe, expect, it } from 'vitest';
import type { Block } from '../../agent/decode/document.js';
import { extractBasket } from '../../agent/extract/index.js';
import { code128, doc, line, lr, rule } from './documents.js';

const head = (...meta: string[]): Block[] => [line([0, 'SHOP']), ...meta.map((m) => line([0, m])), line([0, '14/02/2025 10:00']), rule()];
const read = (meta: string[], ...blocks: Block[]) => extractBasket(doc(...head(...meta), ...blocks), { id: 't', currency: 'EUR' })!;
const sale = [lr('Tea', '2.00'), lr('Scone', '2.85'), rule(), lr('TOTAL', '€4.85'), lr('CASH', '4.85')];
const lines = (b: ReturnType<typeof read>) => b.items.map((i) => [i.description, i.quantity, i.amount]);

describe('receipt numbers', () => {
  it('never takes a number from an item line ("Pasty Large No.4")', () => {
    const b = read([], lr('Pasty Large No.4', '8.50'), rule(), lr('TOTAL', '€8.50'), lr('CASH', '10.00'), lr('CHANGE', '1.50'));
    expect(b.receiptNumber).toBeNull();
  });
  it("never reads a clock as a number ('Return 16:45': a hire's return time); reads a hire agreement's number", () => {
    expect(read(['Return 16:45'], ...sale).receiptNumber).toBeNull();
    expect(read(['Rental agreement RA-7731', 'Return 16:45'], ...sale).receiptNumber).toBe('RA-7731');
  });
  it('stays below 0.9 when the number is under a word label no one can name ("Seq 10488", "TR: 31208")', () => {
    for (const meta of ['Seq 10488', 'TR: 31208', 'Nota 4821']) {
      const b = read([meta], ...sale);
      expect(b.receiptNumber, meta).toBeNull();
      expect(b.confidence, meta).toBeLessThan(0.9);
    }
    // A US state and zip code, a phone or a till number is no receipt number.
    expect(read(['Albany, NY 12205', 'Tel 01904 612345', 'Till 3 Op 117'], ...sale).confidence).toBe(1);
  });
  it('stays below 0.9 when an order number is read while the header prints another id no label names', () => {
    const b = read(['Order 57  Table 4', 'TR: 10488'], ...sale);
    expect(b.receiptNumber).toBe('57');
    expect(b.confidence).toBeLessThan(0.9);
    expect(read(['Order 57  Table 4'], ...sale).confidence).toBe(1);
    // The year a shop was founded is no id.
    for (const since of ['Family bakers since 1987', 'Metzgerei seit 1928', 'Pâtisserie depuis 1962', 'Horno desde 1951']) {
      expect(read(['Order 57  Table 4', since], ...sale).confidence, since).toBe(1);
    }
  });
  it('stays below 0.9 when an order number is read and a barcode carries another id', () => {
    const b = read(['Order 57  Table 4'], ...sale, code128('10488'));
    expect(b.receiptNumber).toBe('57');
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays below 0.9 when two receipt labels print two ids', () => {
    const b = read(['Beleg 4471', 'Trans 9902'], ...sale);
    expect(b.confidence).toBeLessThan(0.9);
    expect(read(['Beleg 4471'], ...sale).confidence).toBe(1);
  });
});

describe('tenders', () => {
  it('keeps a tender whose label names it (a cheque, an account) when change is given: only an untyped one is cash', () => {
    const b = read(['Receipt 1001'], lr('Tea', '43.30'), rule(), lr('TOTAL', '€43.30'), lr('CHEQUE', '10.00'), lr('CASH', '40.00'), lr('CHANGE', '6.70'));
    expect(b.tenders.map((t) => [t.type, t.amount])).toEqual([
      ['other', 1000],
      ['cash', 4000],
    ]);
    const untyped = read(['Receipt 1001'], lr('Tea', '43.30'), rule(), lr('TOTAL', '€43.30'), lr('TEND', '50.00'), lr('CHANGE', '6.70'));
    expect(untyped.tenders.map((t) => [t.type, t.amount])).toEqual([['cash', 5000]]);
  });
  it('stays below 0.9 when a tender label names no way of paying: its type is unknown', () => {
    const b = read(['Receipt 1001'], lr('Tea', '2.00'), rule(), lr('TOTAL', '€2.00'), lr('PAYMT', '2.00'));
    expect(b.tenders.map((t) => t.type)).toEqual(['other']);
    expect(b.confidence).toBeLessThan(0.9);
    // A card number under it says it was a card.
    const card = read(['Receipt 1001'], lr('Tea', '2.00'), rule(), lr('TOTAL', '€2.00'), lr('PAYMT', '2.00'), line([0, 'VISA ************4410']));
    expect([card.tenders[0]!.type, card.confidence]).toEqual(['card', 1]);
  });
});

describe('text decoded in another code page than the printer printed', () => {
  // An Elgin printer numbers its ESC t pages its own way (ESC t 1 is Windows-1252, Epson's Katakana): decoded in
  // Epson's numbers, as with no printer setup, its accented letters come out as katakana, kanji or box graphics
  // inside Latin words (the fifth batch's "K村belpflanzenerde"). The sums still close, so only the words tell.
  const misread = (item: string) => read(['Receipt 1001'], lr(item, '2,40'), lr('Croissant', '1,10'), rule(), lr('SUMME', '3,50 €'), lr('BAR', '3,50'));
  it('stays below 0.9 when an item or the shop prints a letter of another script inside a Latin word', () => {
    for (const item of ['Br分tchen', 'P╡o de queijo', 'Cr♠me brûlée', 'Gr村nkohl']) expect(misread(item).confidence, item).toBeLessThan(0.9);
    const shop = extractBasket(doc(line([0, 'B\u00c4CKEREI']), line([0, 'Hauptstra\u00dfe 4, M村nchen']), line([0, 'Receipt 1001']), line([0, '14/02/2025 10:00']), rule(), ...sale), { id: 't', currency: 'EUR' })!;
    expect(shop.confidence).toBeLessThan(0.9);
  });
  it('keeps 1 for words in one script, Japanese beside Latin letters, and box graphics around a title', () => {
    for (const item of ['Brötchen', 'ｺｰﾋｰ', 'Tｼｬﾂ Lｻｲｽﾞ', '╔ Bestseller ╗', 'Mystery Box ?', 'Lucky dip (?)']) expect(misread(item).confidence, item).toBe(1);
  });
  // The seventh batch: a Windows-1252 page decoded as a DOS one prints "ö" as "÷" and "ü" as "ⁿ" ("Geh÷lze"); a
  // letter no page of the printer holds ("phở", "Łódź") is printed by the encoder as a '?' in its word.
  it('stays below 0.9 for a sign or a superscript inside a word, and a letter the printer printed as "?"', () => {
    for (const item of ['K÷lsch', 'Rⁿben', 'Soupe ph?', 'Gr?ner Tee', 'Pierogi z ?odzi']) expect(misread(item).confidence, item).toBeLessThan(0.9);
  });
});

describe('dates', () => {
  it('reads day first on a receipt in pounds or euros even when its clock prints AM/PM', () => {
    const b = extractBasket(doc(line([0, 'SHOP']), line([0, 'Receipt 1001']), line([0, '11/02/2025 8:03 AM']), rule(), lr('Tea', '£2.00'), rule(), lr('TOTAL', '£2.00'), lr('CASH', '2.00')), { id: 't' })!;
    expect(b.transactionAt?.slice(0, 16)).toBe('2025-02-11T08:03');
  });
});

describe('times printed with a point', () => {
  it('reads "18.40" after a date as the time of day, not as an amount', () => {
    for (const stamp of ['02.05.25 18.40  Kasse 4', '02-May-2025 18.40  Kasse 4']) {
      const b = extractBasket(doc(line([0, 'SHOP']), line([0, 'Bon-Nr: 3318']), line([0, stamp]), rule(), ...sale), { id: 't', currency: 'EUR' })!;
      expect([b.transactionAt?.slice(0, 16), b.confidence], stamp).toEqual(['2025-05-02T18:40', 1]);
    }
  });
});

describe('wrapped descriptions', () => {
  it('starts the next item with a wrapped line under a quantity line: the item above is complete', () => {
    const b = read(['Receipt 1001'], lr('Pasta 500g', '3.87'), line([0, '3 x 1.29']), line([0, 'Passata pomodoro']), lr('Limited Edition', '0.99'), rule(), lr('TOTAL', '€4.86'), lr('CASH', '4.86'));
    expect(lines(b)).toEqual([
      ['Pasta 500g', 3, 387],
      ['Passata pomodoro Limited Edition', 1, 99],
    ]);
  });
  it('starts the next item with a wrapped line under a priced add-on', () => {
    const b = read(['Receipt 1001'], lr('2 x Cioccolata', '6.00'), lr('+ panna', '0.50'), line([0, 'Caffè corretto']), lr('Extra Large', '1.80'), rule(), lr('TOTAL', '€8.30'), lr('CASH', '8.30'));
    expect(lines(b)).toEqual([
      ['Cioccolata', 2, 600],
      ['Caffè corretto Extra Large', 1, 180],
    ]);
  });
  it('takes no evidence for the wrap side from a promotion footer or card details', () => {
    // Between two items and nothing else on the receipt says whose: below 0.9, however the footer reads.
    const items = [lr('Finest Smoked Salmon', '4.99'), line([0, 'Scottish 200g']), lr('Tea Bags 240s', '4.25'), rule()];
    const footer = read(['Receipt 1001'], ...items, lr('SETTLE', '€9.24'), lr('CASH', '9.24'), line([0, '']), line([0, 'Win 500.00 in our prize draw']));
    expect(footer.confidence).toBeLessThan(0.9);
    const card = read(['Receipt 1001'], ...items, lr('SETTLE', '€9.24'), lr('DEB', '9.24'), line([0, 'girocard']), line([0, 'Kontaktlos']));
    expect(card.confidence).toBeLessThan(0.9);
  });
});

describe('where the item lines end', () => {
  it('takes no wrap evidence from a line after the items when the next amount is their sum (an unknown total label)', () => {
    const b = read(['Receipt 1001'], lr('Finest Smoked Salmon', '4.99'), line([0, 'Scottish 200g']), lr('Tea Bags 240s', '4.25'), rule(), line([0, 'ITEMS 2']), lr('TTL', '€9.24'), lr('CASH', '9.24'));
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('does not count unit-price lines ("2 x 1,89") in the sum that finds that line', () => {
    const b = read(
      ['Receipt 1001'],
      lr('Halfvolle melk', '1,25'),
      line([0, 'Family Pack']),
      lr('Goudse kaas jong', '4,59'),
      lr('Cola 1,5L', '3,78'),
      line([4, '2 x 1,89']),
      rule(),
      line([0, 'ITEMS 3']),
      lr('AMT', '€ 9,62'),
      lr('PIN', '9,62'),
    );
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('ends the item above with a wrapped line printed over a unit-price line: that line prices the item below', () => {
    const b = read(['Receipt 1001'], lr('Vollmilch 1,5%', '1,19'), line([0, 'Selection Box']), line([4, '6 x 0,49']), lr('Mineralwasser', '2,94'), rule(), lr('SUMME', '4,13 €'), lr('BAR', '4,13'));
    expect(lines(b)).toEqual([
      ['Vollmilch 1,5% Selection Box', 1, 119],
      ['Mineralwasser', 6, 294],
    ]);
  });
});

describe('wrapped descriptions with add-ons', () => {
  it('ends the item above with a wrapped line over its add-ons, and keeps the add-ons on it', () => {
    // "You saved" adds nothing to the sum that ends the items, so the footer gives no evidence either.
    const b = read(
      ['Receipt 1001'],
      lr('Latte Regular', '3.40'),
      line([0, 'Extra Large']),
      lr('+ Extra Shot', '0.60'),
      lr('Scone', '2.85'),
      rule(),
      lr('You saved', '£1.20'),
      lr('NOW PAY', '£6.85'),
      lr('CASH', '6.85'),
      line([0, '']),
      line([0, 'SPEND £20.00 SAVE £5.00']),
      lr('Next visit voucher', '£2.50'),
    );
    expect(b.items.map((i) => [i.description, i.amount, i.modifiers.map((m) => m.amount)])).toEqual([
      ['Latte Regular Extra Large', 340, [60]],
      ['Scone', 285, []],
    ]);
  });
});

describe('refunds without the word', () => {
  it('reads negative lines under a negative total as items, not as discounts', () => {
    const b = read(['Receipt 1001'], lr('Dinner Plates', '34.99-'), lr('Table Runner', '12.99-'), rule(), lr('TTL', '$47.98-'), lr('CSH', '47.98-'));
    expect(lines(b)).toEqual([
      ['Dinner Plates', 1, -3499],
      ['Table Runner', 1, -1299],
    ]);
    expect(b.discounts).toEqual([]);
  });
});

describe('a quantity line between two lines of the same amount', () => {
  // The sixth batch's documento commerciale printed "2 x 5,00" between two 10,00 lines: the arithmetic closes
  // whichever line it prices, and a single receipt may not show which side this till prints it on.
  it('stays below 0.9', () => {
    const b = read([], lr('Top-up card', '20.00'), line([3, '4 x 5.00']), lr('Scratchcard', '20.00'), lr('Milk', '1.10'), rule(), lr('TOTAL', '€41.10'), lr('CASH', '41.10'));
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays sure when the line below takes the one above back', () => {
    const b = read([], lr('Brie', '4.20'), line([3, '0,300 kg x 14,00/kg']), lr('Void Brie', '-4.20'), lr('Milk', '1.10'), rule(), lr('TOTAL', '€1.10'), lr('CASH', '1.10'));
    expect(b.confidence).toBe(1);
  });
  it('stays sure when only one neighbour has that amount', () => {
    const b = read([], lr('Top-up card', '20.00'), line([3, '4 x 5.00']), lr('Milk', '1.10'), rule(), lr('TOTAL', '€21.10'), lr('CASH', '21.10'));
    expect(lines(b)).toEqual([
      ['Top-up card', 4, 2000],
      ['Milk', 1, 110],
    ]);
    expect(b.confidence).toBe(1);
  });
});

describe('a count of ten or more after the name', () => {
  // The sixth batch's pâtisserie printed "Macarons x12" at 13,20: twelve at 1,10 or a box of twelve. Read as a pack,
  // as "Plasters x20" is; when the count divides the amount nothing on the line says which, so below 0.9.
  it('stays below 0.9 when the count divides the amount into a price a piece sells at', () => {
    const b = read([], lr('Cannelés x12', '18.00'), rule(), lr('TOTAL', '€18.00'), lr('CASH', '18.00'));
    expect(lines(b)).toEqual([['Cannelés x12', 1, 1800]]);
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays sure when it does not divide, or leaves pennies a piece (a pack)', () => {
    expect(read([], lr('Plasters x20', '2.49'), rule(), lr('TOTAL', '€2.49'), lr('CASH', '2.49')).confidence).toBe(1);
    expect(read([], lr('Cotton buds x100', '1.00'), rule(), lr('TOTAL', '€1.00'), lr('CASH', '1.00')).confidence).toBe(1);
  });
});

describe('a count and a price written tight after the name', () => {
  // The sixth batch's pizza delivery printed "Pfand 2x0,25" as the name of a deposit line: read as two at 0,25 the
  // sums close just as well, so below 0.9. Spaced ("Cola 2 x 1,50") it is the till's quantity.
  it('stays below 0.9', () => {
    const b = read([], lr('Cola 0,33l', '3.00'), lr('Dosenpfand 2x0,25', '0.50'), rule(), lr('TOTAL', '€3.50'), lr('CASH', '3.50'));
    expect(b.confidence).toBeLessThan(0.9);
    const spaced = read([], lr('Cola 0,33l 2 x 1,50', '3.00'), rule(), lr('TOTAL', '€3.00'), lr('CASH', '3.00'));
    expect(lines(spaced)).toEqual([['Cola 0,33l', 2, 300]]);
    expect(spaced.confidence).toBe(1);
  });
});

describe('fields left unread that the sums cannot see', () => {
  // The sixth batch was sure of receipts whose descriptions still held a table's columns, whose weight lines were
  // not applied, whose tax table no header named and whose time was printed in a form no one read: the sums
  // close all the same, so what the reading left on the receipt is what lowers confidence.
  it('stays below 0.9 when a description still holds a column with a number', () => {
    const b = read([], lr('Cable 3x1.5  25 yd  0.40', '10.00'), rule(), lr('TOTAL', '€10.00'), lr('CASH', '10.00'));
    expect(b.items[0]!.description).toContain('25 yd');
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays below 0.9 when a weight line under an item was not read as its quantity', () => {
    const b = read([], lr('Gouda jong', '6.12'), line([3, '0,510 kg x 12,00 ¤/kg']), rule(), lr('TOTAL', '€6.12'), lr('CASH', '6.12'));
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays below 0.9 when a quantity line prices neither line beside it', () => {
    const b = read([], lr('Cheddar', '3.10'), line([3, '2 x 1.20']), lr('Crackers', '1.95'), rule(), lr('TOTAL', '€5.05'), lr('CASH', '5.05'));
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays below 0.9 when rows with a rate and amounts were read as no tax', () => {
    const b = read([], ...sale, line([0, 'Sats'], [12, 'Grundlag'], [30, 'Moms']), line([0, '25%'], [12, '3,88'], [30, '0,97']));
    expect(b.taxes).toEqual([]);
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays below 0.9 when a time of day is printed but no transaction time was read', () => {
    const b = extractBasket(doc(line([0, 'SHOP']), line([0, 'Receipt 4410']), line([0, 'Fecha 14-III-2025  21:40']), rule(), ...sale), { id: 't', currency: 'EUR' })!;
    expect(b.transactionAt).toBeNull();
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays sure when nothing is left unread', () => {
    expect(read([], ...sale).confidence).toBe(1);
  });
});

describe('a card tender on a weak word', () => {
  // The sixth batch's optician took "Deposit paid 21/03" for a card: "paid" hints at a card and nothing more. A card
  // payment prints its card's details; without them the type is a guess.
  it('stays below 0.9 with no card details', () => {
    const b = read([], lr('Repair', '40.00'), rule(), lr('TOTAL', '€40.00'), lr('Paid in advance', '40.00'));
    expect(b.tenders.map((t) => t.type)).toEqual(['card']);
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays sure when the card details are printed', () => {
    const b = read([], lr('Repair', '40.00'), rule(), lr('TOTAL', '€40.00'), lr('Paid', '40.00'), line([2, 'VISA ************4242']));
    expect(b.confidence).toBe(1);
  });
});

describe('traces that are no field left unread', () => {
  it('stays sure with a size column in a description, or opening hours on a receipt that prints a date alone', () => {
    const size = read([], line([0, 'Cola'], [10, '1,5 L'], [44, '2.19']), lr('Cheese', '4.99'), rule(), lr('TOTAL', '€7.18'), lr('CASH', '7.18'));
    expect(size.confidence).toBe(1);
    const hours = extractBasket(doc(line([0, 'CAFE']), line([0, 'Receipt 1201']), line([0, '24/06/2025']), rule(), ...sale, line([0, 'Open daily 08:00-18:00'])), { id: 't', currency: 'EUR' })!;
    expect(hours.confidence).toBe(1);
  });
});

describe('a name cut at its column', () => {
  // The eighth batch's copy shop printed names longer than their column cut at its edge: the rest is never printed,
  // so the reading cannot be right, and the sums close all the same.
  const table = (name: string) =>
    read([], line([0, 'Item'], [19, 'Qty'], [29, 'Each'], [42, 'Amount']), line([0, name], [21, '1'], [29, '12.00'], [43, '12.00']), lr('Gloves', '3.00'), rule(), lr('TOTAL', '€15.00'), lr('CASH', '15.00'));
  it('stays below 0.9 when a name runs up to the next column and ends in a fragment of a word', () => {
    for (const name of ['Garden hose 25 m g', 'Garden hose 25m gr', 'Hedge trimmer ele']) expect(table(name).confidence, name).toBeLessThan(0.9);
  });
  it('stays sure when the name ends short of the next column, or in a whole word or a size', () => {
    for (const name of ['Garden hose 25 m', 'Garden hose green', 'Hedge trimmer 450']) expect(table(name).confidence, name).toBe(1);
  });
});

// The classes the stress run found once it varied the fourth to seventh batches (stress.ts, pool `all`).
describe('stress of the later development batches', () => {
  const shop = (...blocks: Block[]) => extractBasket(doc(line([0, 'KIOSK AM DEICH']), ...blocks), { id: 't', currency: 'EUR' })!;
  const body = [rule(), lr('Apfelschorle', '2,40'), lr('Laugenbrezel', '1,10'), rule(), lr('SUMME', '3,50 €'), lr('BAR', '3,50')];
  it('stays below 0.9 when a fiscal counter is read while the header prints an id no label names, or only a code carries one', () => {
    const tse = [line([0, 'TSE-Signatur: Q2xvdWQ']), line([0, 'Lfd.-Nr.: 77120  Kasse 2'])];
    const unnamed = shop(line([0, 'Zettel 51234']), line([0, '03.03.2025 09:40']), ...body, line([0, 'TSE-Transaktion: 77120']));
    expect([unnamed.receiptNumber, unnamed.confidence < 0.9]).toEqual(['77120', true]);
    const coded = shop(line([0, '03.03.2025 09:40']), ...body, line([0, 'TSE-Transaktion: 77120']), code128('51234'));
    expect(coded.confidence).toBeLessThan(0.9);
    // Beside a number the receipt names, the counter is no rival; with none printed it is the only id.
    expect(shop(line([0, 'Bon-Nr. 51234']), line([0, '03.03.2025 09:40']), ...body, line([0, 'TSE-Transaktion: 77120'])).confidence).toBe(1);
    expect(shop(line([0, '03.03.2025 09:40']), ...body, ...tse).confidence).toBe(1);
    // A transaction counter of the fiscal module's block, named on the line above it.
    expect(shop(line([0, 'Zettel 51234']), line([0, '03.03.2025 09:40']), ...body, ...tse).confidence).toBeLessThan(0.9);
  });
  it('stays below 0.9 when the card-number mask hid an id in the header', () => {
    // 3069920006311 passes Luhn, so it prints masked as a card number would, under a label no one names.
    const b = shop(line([0, 'Zettel 3069920006311']), line([0, '03.03.2025 09:40']), ...body);
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays below 0.9 when only the date is read and a time of day is printed apart from it', () => {
    const b = shop(line([0, 'Bon-Nr. 51234']), line([0, 'Kasse 2'], [300, '03.03.2025']), line([0, 'Bed. Jens']), line([0, '09:40']), ...body);
    expect(b.transactionAt?.includes('T')).toBe(false);
    expect(b.confidence).toBeLessThan(0.9);
  });
  it('stays below 0.9 for a count after a number in a description that may be the count sold ("Torte No.2 x 3")', () => {
    const item = (label: string, amount: string) =>
      shop(line([0, 'Bon-Nr. 51234']), line([0, '03.03.2025 09:40']), rule(), lr(label, amount), rule(), lr('SUMME', `${amount} €`), lr('BAR', amount));
    for (const [label, amount] of [['Torte No.2 x 3', '9,00'], ['Sekt 0,2 x 4', '10,00']] as const) expect(item(label, amount).confidence, label).toBeLessThan(0.9);
    // Forty-four that do not divide the amount, or ten at 4 cents, are a pack.
    for (const [label, amount] of [['Windeln Gr.4 x 44', '12,95'], ['Pflaster 2 x 10', '0,40']] as const) expect(item(label, amount).confidence, label).toBe(1);
  });
});

describe('stress of the later development batches: items and slips', () => {
  const read2 = (...blocks: Block[]) => extractBasket(doc(line([0, 'TOY & GAME CORNER']), line([0, 'Receipt 2207']), line([0, '14/02/2025 10:00']), rule(), ...blocks), { id: 't', currency: 'EUR' })!;
  it('reads on past an item named with a tender word when it weighs which item a wrapped line belongs to', () => {
    const b = read2(lr('Card Game Classic', '6.00'), line([0, 'Deluxe']), lr('Puzzle', '4.00'), rule(), lr('TOTAL', '€10.00'), lr('CASH', '10.00'));
    expect(b.confidence).toBeLessThan(0.9);
    const plain = read2(lr('Dice Set', '6.00'), line([0, 'Deluxe']), lr('Puzzle', '4.00'), rule(), lr('TOTAL', '€10.00'), lr('CASH', '10.00'));
    expect(plain.confidence).toBeLessThan(0.9);
  });
  it('reads a voided line that repeats only the first line of a wrapped description as the voided article', () => {
    const b = read2(lr('Marbles Tin', '3.20'), line([0, 'with pouch']), lr('Yo-yo', '1.50'), lr('Undo Marbles Tin', '-3.20'), rule(), lr('TOTAL', '€1.50'), lr('CASH', '1.50'));
    expect(lines(b)).toContainEqual(['Undo Marbles Tin', 1, -320]);
  });
  it('stays below 0.9 when the number read is a card slip\'s, under its masked card, and the header prints an unnamed id', () => {
    const slip = [lr('Kite', '12.00'), rule(), lr('TOTAL', '€12.00'), lr('CARD', '12.00'), line([0, 'MC ************7781']), line([0, 'Ticket 118822'])];
    const b = extractBasket(doc(line([0, 'TOY & GAME CORNER']), line([0, 'Lfd 40917']), line([0, '14/02/2025 10:00']), rule(), ...slip), { id: 't', currency: 'EUR' })!;
    expect(b.confidence).toBeLessThan(0.9);
    const alone = extractBasket(doc(line([0, 'TOY & GAME CORNER']), line([0, '14/02/2025 10:00']), rule(), ...slip), { id: 't', currency: 'EUR' })!;
    expect(alone.confidence).toBe(1);
  });
});
