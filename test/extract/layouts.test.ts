// How extraction generalises: the layouts corpus (301 layouts, 7 languages, 5 third-party generators) scored per
// field on its development parts and its five held-out parts (each fixed before the tuning that followed it,
// test/fixtures/layouts/split.json; the fourth to eighth, the tenth, eleventh, thirteenth and fifteenth batches were
// scored blind, then tuned on; the ninth, twelfth, fourteenth and sixteenth are held out), with no profile and no store context; the reliability of
// confidence per part; and a label-perturbation run where every total, subtotal, tender and change label is replaced
// by a synonym the vocabulary does not know, so only the arithmetic can find them. Thresholds are measured figures.
import { describe, expect, it } from 'vitest';
import { basketsFromBytes, type Basket } from '../../agent/extract/index.js';
import { FIELDS, PARTS, fieldAccuracy, knownToVocabulary, loadLayouts, reliability, report, scoreAll, type ExpectedFields, type Field, type Part } from './layouts.js';

const receipts = loadLayouts();
const scored = scoreAll(receipts);
const dev = scored.filter((s) => s.receipt.part === 'development');
const held = scored.filter((s) => s.receipt.part === 'held-out');
const held2 = scored.filter((s) => s.receipt.part === 'held-out-2');
const held3 = scored.filter((s) => s.receipt.part === 'held-out-3');

type Floors = Partial<Record<Field | 'all', number>>;

/**
 * The fourth to eighth batches: each written blind, scored blind (figures in the README), and development since, held
 * to the development part's thresholds and to its own figures measured after tuning on its failure classes, with how
 * many of its receipts it scores at 0.9 or more (all fully correct: the calibration test below).
 */
/**
 * `below`: a batch held at its measured floors below the development thresholds (each field 0.98, all 0.99), with
 * the reason in its comment; the rule of none wrong at 0.9 or more holds for it all the same.
 */
const DEVELOPMENT_BATCHES: { part: Part; floors: Floors; at09: number; below?: true; layouts?: number; receipts?: number }[] = [
  // Blind (figures in the README and commit 1c561e6): all fields 0.902, receipt number 0.60, tax 0.88, items 0.925,
  // tenders 0.95, time 0.96; 38 of 79 at 0.9 or more fully correct. Still missed: 'x4' packs read as four (flagged
  // 0.85) on a receipt that prints no other count, a receipt number the card mask hid (flagged 0.85).
  { part: 'development-4', floors: { items: 0.996, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 0.99, time: 1, all: 0.998 }, at09: 92 },
  // Blind (at 419e4dc): all fields 0.963, items 0.95, tenders 0.95, receipt number 0.84, the rest 1; 63 of 75 at 0.9 or
  // more fully correct. Still missed: two garden-centre receipts from an Elgin printer whose ESC t numbering, decoded
  // in Epson's, garbles their umlauts (flagged 0.85).
  { part: 'development-5', floors: { items: 0.987, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 1, time: 1, all: 0.998 }, at09: 93 },
  // Blind (at 08adfe7 all fields 0.943; at 365f459 all 0.952, items 0.891, tax 0.88, tenders 0.97, receipt number
  // 0.96, time 0.96; 45 of 68 at 0.9 or more fully correct). Still missed: a quantity line between two lines of one
  // amount, a dozen that may be a box, a deposit named "2x0,25" (each read one way and flagged 0.85).
  { part: 'development-6', floors: { items: 0.991, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 1, time: 1, all: 0.998 }, at09: 90 },
  // Blind (at 6283b91 all fields 0.940; after the sixth batch's tuning all 0.937, items 0.896, tax 0.84, tenders 0.92,
  // receipt number 0.92, total 0.98; 55 of 58 at 0.9 or more fully correct). Still missed: a letter the printer's code
  // page lacks printed as '?', "Bustine figurine x 10" a pack or ten (each flagged 0.85).
  { part: 'development-7', floors: { items: 0.993, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 1, time: 1, all: 0.999 }, at09: 80 },
  // Blind (at e25b1cd all fields 0.950; after the seventh batch's tuning all 0.955, items 0.917, tax 0.92, tenders
  // 0.94, receipt number 0.92, total 0.99; 63 of 71 at 0.9 or more fully correct). Still missed: two names the till
  // cut at their column's edge (the rest never printed; flagged 0.85), "Oeufs … x6" a pack or six on a receipt that
  // prints no other count (flagged 0.85).
  { part: 'development-8', floors: { items: 0.981, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 1, time: 1, all: 0.997 }, at09: 83 },
  // The tenth batch, free-form (each layout drawn by its own code; 20 layouts, 80 receipts). Blind (at 982b077): items
  // 0.440, tax 0.80, time 0.91, receipt number 0.90, tenders 0.94, total 0.99, all 0.854; 39 at 0.9 or more, only 9 of
  // them fully correct. After tuning on its classes it stays below the development thresholds, held at what it
  // measures (65 of 80 fully correct, none wrong at 0.9 or more, 51 there). Still missed, each flagged: a farm shop's
  // department subtotals read as items and its names split from their amount lines; a Pension folio's tax-free
  // City-Tax printed with no count; a set menu's priced supplements; a Gasthaus total
  // centred over its amount with the tip after the subtotal (each below 0.5: the sums do not close); a pay-at-pump
  // receipt's grade and gallons on lines of their own (the "FUEL SALE" line read as the item, 0.85); a pay station's
  // ticket number read for the transaction number printed above it (0.85). Then the farm shop's department sums read
  // as its sections' subtotals, its names over amounts alone as items of their own, and the pump's grade over its
  // gallons and price per gallon as the item the sale prices: all 0.985, items 0.986; 57 at 0.9 or more, all fully
  // correct.
  {
    part: 'development-10',
    floors: { items: 0.986, total: 0.987, tenders: 0.975, tax: 1, currency: 1, receiptNumber: 0.95, time: 1, all: 0.985 },
    at09: 57,
    below: true,
    layouts: 20,
    receipts: 80,
  },
  // The eleventh batch, free-form like the tenth, written blind while the extractor was tuned on the tenth: the test of
  // whether that tuning generalised. Blind before it (at 4e0d450) all 0.871, items 0.538, tax 0.887; after it (at
  // ea299fb) all 0.895, items 0.603, tax 0.988, tenders 0.925, receipt number 0.85, time 0.90, total 1; 39 at 0.9 or
  // more, only 24 of them fully correct: tax carried over, items much less. Tuned first for honest confidence (a date,
  // a list of seats, a code column, a count at a price or a lone letter inside a name, a counted line under a heading:
  // sub-lines.ts), so it is held at what it measures, below the development thresholds: its item classes (sub-lines
  // under items, code columns, counted lines under kitchen headings, a name cut at the paper's edge) are still read
  // wrong, each flagged below 0.9. Then tuned on its item classes (a count column flush against the name, a unit
  // price's word after the count's sign, a distance at a rate, validity dates, places and references under an
  // article, counted lines under kitchen headings, a number printed under its label, a tariff code before the name,
  // a rate or a footnote star after the amount, an article number of dotted groups over its name, a count at a
  // price in brackets), and on its tenders and receipt numbers (the total in another currency, "POS" as a card, an
  // order number on the line under its label). Floors set at what it measures below (a table whose count is flush
  // against its names is doubted: a name may be cut).
  {
    part: 'development-11',
    floors: { items: 0.897, total: 1, tenders: 1, tax: 0.987, currency: 1, receiptNumber: 0.95, time: 0.9, all: 0.962 },
    at09: 44,
    below: true,
    layouts: 20,
    receipts: 80,
  },
  // The thirteenth batch, free-form (20 layouts, 80 receipts), written blind. Blind (at 37693fc): all 0.938, items
  // 0.768, tax 0.85, currency 0.95, total, tenders, receipt number and time 1; 49 at 0.9 or more, only 45 of them fully
  // correct (a bookshop's "VI" VAT-column code read into its names and its lone tax line left without its rate, at 1).
  // Tuned on its classes (a code in the VAT column or defined by a tax legend, a rate from the lines that print it,
  // Grondslag, dot leaders, a tax in parentheses, a unit price printed as money or after "PU", a count-name-price
  // table row, an article number before a name that prints its count after it, "Tax 8.25%" as dollars): all 0.998,
  // items 0.9875, the rest 1; 61 at 0.9 or more, all fully correct. Still missed, each flagged below 0.5: a stamp's
  // name wrapped mid-word onto a second line with its tax code ("Sello internaciona" over "l E"), and a book title
  // the till cut at its column ("CALVINO LE CITTA INVISIBI": the expected basket has the full title, never printed;
  // flagged only because the taxes check cannot see VAT included in the lines of one code).
  {
    part: 'development-13',
    floors: { items: 0.987, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 1, time: 1, all: 0.998 },
    at09: 61,
    layouts: 20,
    receipts: 80,
  },
  // The fifteenth batch, free-form (21 layouts, 84 receipts), written blind at once with the sixteenth. Scored blind
  // at d804ad5: all 0.918, items 0.637, tenders 0.929, tax 0.905, receipt number 0.952, total, currency and time 1;
  // 44 at 0.9 or more, only 26 of them fully correct (15 of the 18 wrong there wrong in their items). Tuned on its
  // tender, tax and receipt-number classes (h/t2: a tax base printed before the tenders, a rate stated on the line
  // above the tax, a bare "Núm." under the document's title, a Dutch "-pas" card, a titre-restaurant as a voucher):
  // all 0.941, 53 at 0.9 or more, 36 of them fully correct. Then on its item classes (a size or colour on the priced
  // line under an article number and name, a name over its EAN over its count at a price, a gift wrap added under an
  // article, a void in a count column, a pump's number before the grade, a count column with a space before its
  // sign, loose goods priced per 100 g, hours written "h" and metres "mt", a measure before the sign and the name, a
  // currency sign the code page lacks printed before a price, a scale's row with its weight and price one space
  // apart, a reference and unit price under an article, a limit printed under a charge "max $35.00", priced lines
  // indented under a heading in capitals, a part number one space before the name), with a count sign or a size left
  // as a name doubted: all 0.995, items 0.989, tax 0.976, the rest 1; 65 at 0.9 or more, all fully correct. It stays
  // below the development thresholds (tax): still missed, each flagged below 0.5, a garage's labour and parts sums
  // printed after the rule read as items, a forecourt's rounding line read as an item, and a vision plan's tax read
  // at the wrong rate.
  {
    part: 'development-15',
    floors: { items: 0.989, total: 1, tenders: 1, tax: 0.976, currency: 1, receiptNumber: 1, time: 1, all: 0.995 },
    at09: 65,
    below: true,
    layouts: 21,
    receipts: 84,
  },
  // The seventeenth batch, free-form (21 layouts, 84 receipts), written blind at once with the eighteenth. Scored blind
  // at 90c0d14: all 0.952, items 0.796, tax 0.928, receipt number 0.94, the rest 1; 34 at 0.9 or more, 26 of them fully
  // correct. The no-rate tax doubt (bb1d3a9, written before it) took 4 of its 8 wrong there below 0.9 and no right one.
  // Then tuned on its workshop and appliance lines (h/ta: hours/AW/pieces columns, rates under the line, labour and
  // parts headings, included eco-fees, a net line over its tax, credit-note numbers) and on its confident wrong
  // readings and weighed goods (h/tb: an amount "excl. BTW" is no tax, an exempt row of a tax table, "factuur", a
  // loose match only in short labels, an EAN line under an article, a size before a name, per 100 g by the kg; taxes
  // over a quarter of the total and a dashed id under an unknown label doubted): all 0.994, items 0.958, the rest 1;
  // 57 at 0.9 or more, all fully correct. Below the development thresholds (items): a sushi split check's priced
  // extras, a nursery's flats, a salumeria's line and a jeweller's engraving note, each flagged below 0.9.
  {
    part: 'development-17',
    floors: { items: 0.958, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 1, time: 1, all: 0.994 },
    at09: 57,
    below: true,
    layouts: 21,
    receipts: 84,
  },
];

/**
 * Held-out batches written after the eighth, never tuned on: each written blind and only ever scored, held to the
 * figures measured the first time the extractor met it (at 982b077), below issue 10's targets where they are. (The
 * tenth and the eleventh, free-form, were here until they became development-10 and development-11.)
 */
// The wrong-at-0.9 ceilings are what each measures after the fifteenth batch's item tuning (its doubts of a name
// line no item took, a count sign or size left as a name): held-out-12 20 -> 16, held-out-14 33 -> 31, held-out-16
// 17 -> 16, each with as many right there as before.
// Then a tax read at no rate while the receipt prints one doubted (kept on development-17's blind evidence, 8 -> 4
// wrong there): held-out-14 31 -> 27, held-out-16 16 -> 9, held-out-18 7 as it was, each with as many right there.
// After the seventeenth's tuning (h/ta, h/tb), floors and counts at what each measures: held-out-12 wrong 16 -> 12
// (right 23); held-out-14 right 25 -> 27, wrong 27; held-out-16 right 43 -> 46, wrong 9 -> 8; held-out-18 all 0.937 ->
// 0.947, right 30 -> 39, wrong 7 -> 5 (h/ta alone had taken it to 9 wrong; h/tb's doubts brought it back).
const BLIND_BATCHES: { part: Part; floors: Floors; correctAt09: number; wrongAt09: number }[] = [
  // Missed: two descriptions wrapped onto a second line read as their first line only (one at confidence 1), a voided
  // line whose long label wraps (0.4).
  { part: 'held-out-9', floors: { items: 0.988, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 1, time: 1, all: 0.998 }, correctAt09: 87, wrongAt09: 1 },
  // Free-form, written blind while the extractor was tuned on the eleventh: scored before that tuning (at 4612192)
  // and after it (at 511f7ff), with the same figures both times: all 0.906, items 0.642, total 0.95, tenders 0.95,
  // tax 0.90, receipt number 0.90, time 1; 43 at 0.9 or more, 23 of them fully correct. The eleventh's doubt signals
  // did not carry over.
  { part: 'held-out-12', floors: { items: 0.642, total: 0.95, tenders: 0.95, tax: 0.9, currency: 1, receiptNumber: 0.9, time: 1, all: 0.906 }, correctAt09: 23, wrongAt09: 12 },
  // Free-form, written blind while the extractor was tuned on the thirteenth. Scored before that tuning (at
  // 37693fc): all 0.894, items 0.48, tax 0.80, tenders 0.975, total, currency, receipt number and time 1; 50 at 0.9
  // or more, only 20 of them fully correct. After it (at the merge of h/t13): all 0.915, items 0.578, tax 0.85, the
  // rest as before; 58 at 0.9 or more, 25 of them fully correct. Honest confidence is still far off here.
  { part: 'held-out-14', floors: { items: 0.598, total: 1, tenders: 0.975, tax: 0.85, currency: 1, receiptNumber: 1, time: 1, all: 0.917 }, correctAt09: 27, wrongAt09: 27 },
  // Free-form, the sixteenth batch, written blind at once with the fifteenth (development-15) by two writers (21
  // layouts, 84 receipts). Scored blind at d804ad5: all 0.938, items 0.779, tenders 0.881, tax 0.905, the rest 1, 51 at
  // 0.9 or more, 35 of them fully correct. Only ever scored.
  // The sixteenth after the fifteenth's tender, tax and id tuning (h/t2): all 0.951, tenders 0.976; 56 at 0.9 or
  // more, 39 fully correct and 17 wrong (one more wrong there than blind, four more right). After the tenth's and
  // eleventh's item tuning too (h/t1): all 0.958, items 0.826; 60 at 0.9 or more, 43 fully correct, 17 wrong.
  { part: 'held-out-16', floors: { items: 0.854, total: 1, tenders: 0.976, tax: 0.952, currency: 1, receiptNumber: 1, time: 1, all: 0.969 }, correctAt09: 46, wrongAt09: 8 },
  // Free-form, the eighteenth batch, written blind at once with the seventeenth. Scored blind at 90c0d14: all 0.937,
  // items 0.766, total 0.952, tenders 0.952, tax 0.916, time 0.976, currency and receipt number 1; 37 at 0.9 or more,
  // 30 of them fully correct. Only ever scored.
  { part: 'held-out-18', floors: { items: 0.832, total: 0.952, tenders: 0.952, tax: 0.916, currency: 1, receiptNumber: 1, time: 0.976, all: 0.947 }, correctAt09: 39, wrongAt09: 5 },
];
const blindParts = new Set<Part>(BLIND_BATCHES.map((b) => b.part));

const inPart = (part: Part) => scored.filter((s) => s.receipt.part === part);
const atOrAbove09 = (part: Part) => reliability(inPart(part)).find((r) => r.bucket === '0.9–1.0')!.receipts;

/** Each field of a part at or above its measured floor (a floor of 1 means every receipt right). */
function atLeast(part: string, inPart: typeof scored, floors: Floors): void {
  const acc = fieldAccuracy(inPart);
  for (const [f, floor] of Object.entries(floors)) expect(acc[f as keyof typeof acc], `${part} ${f}`).toBeGreaterThanOrEqual(floor);
}

describe('layouts corpus', () => {
  it('has at least 40 layouts in 7 languages from 5 generators, split by whole layouts', () => {
    expect(new Set(receipts.map((r) => r.layout)).size).toBeGreaterThanOrEqual(40);
    expect(new Set(receipts.map((r) => r.language))).toEqual(new Set(['uk', 'us', 'de', 'fr', 'nl', 'es', 'it']));
    const heldLayouts = new Set([...held, ...held2, ...held3, ...BLIND_BATCHES.filter(({ part }) => part.startsWith('held-out')).flatMap(({ part }) => inPart(part))].map((s) => s.receipt.layout));
    expect(new Set(inPart('held-out-9').map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(25);
    expect(new Set(inPart('held-out-12').map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(inPart('held-out-14').map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(inPart('held-out-16').map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(21);
    expect(new Set(inPart('held-out-18').map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(21);
    // The fourth to eighth batches, written blind: 25 whole layouts each, 4 receipts each, enough receipts to say
    // something about calibration; the tenth, free-form, 20 layouts of 4 receipts.
    for (const { part, layouts = 25, receipts: count = 100 } of DEVELOPMENT_BATCHES) {
      expect(new Set(inPart(part).map((s) => s.receipt.layout)).size, part).toBeGreaterThanOrEqual(layouts);
      expect(inPart(part).length, part).toBeGreaterThanOrEqual(count);
    }
    expect(new Set(held3.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(held.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(12);
    expect(new Set(held2.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(10);
    for (const s of scored.filter((x) => !x.receipt.heldOut)) expect(heldLayouts.has(s.receipt.layout)).toBe(false);
  });

  it('scores field accuracy per field on the eight development and the five held-out parts (no profile, no context)', () => {
    process.stdout.write(`\n${report(scored)}\n`);
    const d = fieldAccuracy(dev);
    const h = fieldAccuracy(held);
    const h2 = fieldAccuracy(held2);
    // Measured: development items 0.996 ("Jambon blanc x4" read as four, flagged 0.85), receipt number 0.982 (a QR
    // code receiptline prints as a picture, flagged 0.85), every other field 1.
    for (const f of FIELDS) expect(d[f], `development ${f}`).toBeGreaterThanOrEqual(0.98);
    expect(d.all).toBeGreaterThanOrEqual(0.99);
    for (const f of FIELDS) expect(h[f], `held-out ${f}`).toBe(1);
    // Measured on the second held-out batch: receipt number 0.917 ("TR:4821" among "ST:2291 OP:55 TE:12", a label
    // no vocabulary names; flagged 0.85), every other field 1.
    for (const f of FIELDS.filter((x) => x !== 'receiptNumber')) expect(h2[f], `held-out-2 ${f}`).toBe(1);
    expect(h2.receiptNumber).toBeGreaterThanOrEqual(0.9);
    expect(h2.all).toBeGreaterThanOrEqual(0.98);
    // The third batch, scored blind: receipt number 0.9 (us-diner-qr: the number only in a QR code that receiptline
    // prints as a picture), every other field 1. The miss was at confidence 1 then; 0.85 since (codeAsPicture).
    const h3 = fieldAccuracy(held3);
    for (const f of FIELDS.filter((x) => x !== 'receiptNumber')) expect(h3[f], `held-out-3 ${f}`).toBe(1);
    expect(h3.receiptNumber).toBeGreaterThanOrEqual(0.9);
    for (const { part, floors } of BLIND_BATCHES) atLeast(part, inPart(part), floors);
    for (const { part, floors, below } of DEVELOPMENT_BATCHES) {
      const acc = fieldAccuracy(inPart(part));
      if (below !== true) {
        for (const f of FIELDS) expect(acc[f], `${part} ${f}`).toBeGreaterThanOrEqual(0.98);
        expect(acc.all, `${part} all`).toBeGreaterThanOrEqual(0.99);
      }
      atLeast(part, inPart(part), floors);
    }
  });

  it('is calibrated: of the receipts it scores at 0.9 or more, at least 99 % are fully correct, in every part', () => {
    // Issue 10's target, on each part of the split on its own (the held-out batches were only ever scored). Not met
    // by the fourth to eighth batches when they were scored blind (figures in DEVELOPMENT_BATCHES); met by each since
    // its tuning. A part with no receipt at 0.9 or more would pass trivially, so each must also keep most of its
    // receipts there.
    for (const part of PARTS.filter((p) => !blindParts.has(p))) {
      const top = inPart(part).filter((s) => (s.basket?.confidence ?? 0) >= 0.9);
      const wrongButSure = top.filter((s) => !s.fullyCorrect).map((s) => s.receipt.name);
      expect(wrongButSure, `${part}: wrong at confidence >= 0.9`).toEqual([]);
      // development-11 is held at its measured count instead (DEVELOPMENT_BATCHES): its item classes still read wrong
      // are flagged rather than read right, so most of its receipts sit below 0.9.
      if (part !== 'development-11') expect(top.length / inPart(part).length, `${part}: share at confidence >= 0.9`).toBeGreaterThanOrEqual(0.6);
    }
    const top = reliability(scored.filter((s) => !blindParts.has(s.receipt.part))).find((r) => r.bucket === '0.9–1.0')!;
    expect(top.fullyCorrect).toBeGreaterThanOrEqual(0.99);
    // Not met by the batches written after the eighth, blind: held at what they measured the first time.
    // Honest confidence there means fewer receipts wrong at 0.9 or more without fewer right ones there: the right
    // ones are held at their floor and the wrong ones at their ceiling (a change that only doubts wrong readings
    // passes; one that doubts everything does not).
    for (const { part, correctAt09, wrongAt09 } of BLIND_BATCHES) {
      const sure = inPart(part).filter((s) => (s.basket?.confidence ?? 0) >= 0.9);
      expect(sure.filter((s) => s.fullyCorrect).length, `${part} fully correct at >= 0.9`).toBeGreaterThanOrEqual(correctAt09);
      expect(sure.filter((s) => !s.fullyCorrect).length, `${part} wrong at >= 0.9`).toBeLessThanOrEqual(wrongAt09);
    }
    for (const { part, at09 } of DEVELOPMENT_BATCHES) expect(atOrAbove09(part), `${part} receipts at >= 0.9`).toBeGreaterThanOrEqual(at09);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Label perturbation: the same receipts printed again with labels no vocabulary holds.

interface Generator {
  LAYOUTS: { id: string; labels: Record<string, unknown>; receipts: { tenders: { label?: string }[] }[]; gen: unknown }[];
  render: (layout: unknown, receipt: unknown) => { ops: unknown[]; expected: ExpectedFields };
  print: (gen: unknown, ops: unknown[]) => Promise<Uint8Array>;
}

const SYNONYMS = {
  total: ['SETTLEMENT', 'CHECKOUT VALUE', 'WHAT YOU OWE'],
  subtotal: ['GOODS', 'MERCH LINES'],
  tender: ['PLASTIC', 'TERMINAL', 'NOTES AND COINS', 'TILL PAYMENT'],
  change: ['HANDED BACK', 'COINS OUT'],
};

async function loadGenerator(): Promise<Generator> {
  const base = new URL('../fixtures/layouts/', import.meta.url).href;
  const [layouts, held2, dev2, held3, held4, held5, held6, held7, held8, render, print] = await Promise.all(
    ['layouts.mjs', 'layouts-heldout-2.mjs', 'layouts-dev-2.mjs', 'layouts-heldout-3.mjs', 'layouts-heldout-4.mjs', 'layouts-heldout-5.mjs', 'layouts-heldout-6.mjs', 'layouts-heldout-7.mjs', 'layouts-heldout-8.mjs', 'render.mjs', 'print.mjs'].map((f) => import(base + f) as Promise<Record<string, unknown>>),
  );
  const all = [
    ...(layouts!.LAYOUTS as unknown[]),
    ...(held2!.HELD_OUT_2 as unknown[]),
    ...(dev2!.DEV_2 as unknown[]),
    ...(held3!.HELD_OUT_3 as unknown[]),
    ...(held4!.HELD_OUT_4 as unknown[]),
    ...(held5!.HELD_OUT_5 as unknown[]),
    ...(held6!.HELD_OUT_6 as unknown[]),
    ...(held7!.HELD_OUT_7 as unknown[]),
    ...(held8!.HELD_OUT_8 as unknown[]),
  ];
  return { ...render!, ...print!, LAYOUTS: all } as unknown as Generator;
}

describe('label perturbation', () => {
  it('uses synonyms the vocabulary does not know', () => {
    expect(knownToVocabulary(Object.values(SYNONYMS).flat())).toEqual([]);
  });

  it('still finds totals, tenders and change by the arithmetic, and stays honest when it cannot', async () => {
    const g = await loadGenerator();
    let right = 0;
    const dishonest: string[] = [];
    const lines: string[] = [];
    for (const [k, layout] of g.LAYOUTS.entries()) {
      const pick = (list: string[], i = 0) => list[(k + i) % list.length]!;
      const labels: Record<string, unknown> = { ...layout.labels, total: pick(SYNONYMS.total), change: pick(SYNONYMS.change) };
      if (layout.labels.subtotal !== undefined) labels.subtotal = pick(SYNONYMS.subtotal);
      for (const t of ['card', 'cash', 'voucher']) labels[t] = pick(SYNONYMS.tender, t.length);
      const perturbed = { ...layout, labels };
      const receipt = layout.receipts[0]!;
      const tenders = receipt.tenders.map((t, i) => ({ ...t, label: pick(SYNONYMS.tender, i + 1) }));
      const { ops, expected } = g.render(perturbed, { ...receipt, tenders });
      const bytes = await g.print(layout.gen, ops);
      const b: Basket | undefined = basketsFromBytes(bytes)[0];
      const ok =
        b !== undefined &&
        b.total === expected.total &&
        JSON.stringify(b.tenders.map((t) => t.amount).sort()) === JSON.stringify(expected.tenders.map((t) => t.amount).sort()) &&
        (b.change ?? 0) === (expected.change ?? 0);
      if (ok) right++;
      else {
        lines.push(`  ${layout.id}: total ${b?.total} (want ${expected.total}), conf ${b?.confidence}`);
        if ((b?.confidence ?? 0) >= 0.9) dishonest.push(layout.id);
      }
    }
    process.stdout.write(`\nlabel perturbation: ${right}/${g.LAYOUTS.length} receipts with total, tenders and change right\n${lines.join('\n')}\n`);
    // Every layout of every part, the eighth batch since it became development. Every miss there may ever be must
    // carry low confidence.
    expect(right).toBe(g.LAYOUTS.length);
    expect(dishonest).toEqual([]);
  });
});
