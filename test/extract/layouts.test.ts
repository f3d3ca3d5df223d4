// How extraction generalises: the layouts corpus (141 layouts, 7 languages, 5 third-party generators) scored per
// field on its development part and its five held-out parts (each fixed before the tuning that followed it,
// test/fixtures/layouts/split.json), with no profile and no store context; the reliability of confidence per
// part; and a label-perturbation run where every total, subtotal, tender and change label is replaced by a
// synonym the vocabulary does not know, so only the arithmetic can find them. Thresholds are measured figures.
import { describe, expect, it } from 'vitest';
import { basketsFromBytes, type Basket } from '../../agent/extract/index.js';
import { CONCEPTS, compileVocabulary, evidenceOf } from '../../agent/extract/evidence.js';
import { FIELDS, PARTS, fieldAccuracy, loadLayouts, reliability, report, scoreAll, type ExpectedFields } from './layouts.js';

const receipts = loadLayouts();
const scored = scoreAll(receipts);
const dev = scored.filter((s) => s.receipt.part === 'development');
const held = scored.filter((s) => s.receipt.part === 'held-out');
const held2 = scored.filter((s) => s.receipt.part === 'held-out-2');
const held3 = scored.filter((s) => s.receipt.part === 'held-out-3');
const held4 = scored.filter((s) => s.receipt.part === 'held-out-4');
const held5 = scored.filter((s) => s.receipt.part === 'held-out-5');

/** Each field of a part at or above its measured floor (a floor of 1 means every receipt right). */
function atLeast(part: string, inPart: typeof scored, floors: Partial<Record<(typeof FIELDS)[number] | 'all', number>>): void {
  const acc = fieldAccuracy(inPart);
  for (const [f, floor] of Object.entries(floors)) expect(acc[f as keyof typeof acc], `${part} ${f}`).toBeGreaterThanOrEqual(floor);
}

describe('layouts corpus', () => {
  it('has at least 40 layouts in 7 languages from 5 generators, split by whole layouts', () => {
    expect(new Set(receipts.map((r) => r.layout)).size).toBeGreaterThanOrEqual(40);
    expect(new Set(receipts.map((r) => r.language))).toEqual(new Set(['uk', 'us', 'de', 'fr', 'nl', 'es', 'it']));
    const heldLayouts = new Set([...held, ...held2, ...held3, ...held4, ...held5].map((s) => s.receipt.layout));
    // The fifth batch, written blind like the fourth: 25 more whole layouts, 4 receipts each.
    expect(new Set(held5.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(25);
    expect(held5.length).toBeGreaterThanOrEqual(100);
    // The fourth batch: 25 whole layouts, 4 receipts each, enough receipts to say something about calibration.
    expect(new Set(held4.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(25);
    expect(held4.length).toBeGreaterThanOrEqual(100);
    expect(new Set(held3.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(held.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(12);
    expect(new Set(held2.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(10);
    for (const s of dev) expect(heldLayouts.has(s.receipt.layout)).toBe(false);
  });

  it('scores field accuracy per field on the development and the five held-out parts (no profile, no context)', () => {
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
    // The fourth batch, scored blind (25 layouts, 100 receipts; figures after two gift-card tenders were relabelled
    // giftcard): total and currency 1. What misses: receipt number 0.60 (null under 'Rg.-Nr.', 'Nº Op.', 'Nº:',
    // 'Volgnr.', 'Kassabon', 'Rekening', 'Scontr.', 'Facture simplifiée'; the TSE transaction number taken for the
    // Belegnummer/Rechnungs-Nr.), tax 0.88 ('I.V.A. 21%' not read; tax tables whose rate column is headed
    // 'TVA'/'BTW' read with net and tax swapped), items 0.925 (13-digit EANs/ISBNs kept in the description, '*'
    // priced modifiers read as items, a dropped item, a dropped 'ANNULERING' line, 'x4' packs read as quantities, the
    // date line of an 'HH.mm' receipt read as an item), tenders 0.95 (ticket resto, chèque-lire, store credit and
    // 'METÁLICO' typed other/cash/card), time 0.96 ('HH.mm'). Below issue 10's 0.97 on held-out layouts.
    atLeast('held-out-4', held4, { total: 1, currency: 1, receiptNumber: 0.6, tax: 0.88, items: 0.925, tenders: 0.95, time: 0.96, all: 0.902 });
    // The fifth batch, scored blind (25 layouts, 100 receipts, committed before this first run): total, currency and
    // time 1. What misses: receipt number 0.84 (null under 'Leihschein', 'Fra. Simplificada:', 'Bill' and 'Tck' among
    // 'Tda 0412 Caja 02'), tax 0.92 (fr-camping-epicerie's 'TVA HT Taxe TTC' table read with net as the tax,
    // it-spaccio-cascina's 'IVA% Imponibile Imposta Lordo' table read with gross as the tax), items 0.948 ('2 Stk.
    // Waschgang 8kg' kept 'Stk.' in the description; an Elgin VOX's ESC t 1 (cp1252 on Elgin) decoded as another
    // table, so 'ü'/'ß' come out wrong; 'ANNUL.' and 'Article annulé' voided lines dropped; an item dropped on a
    // florist and on a ski-hire receipt; a '2 @ 8.99' line under an item with a coupon read as a modifier), tenders
    // 0.95 ('Geschenkgutschein', 'Bon camping', 'Museumcadeaukaart' typed other, 'CINE-CHEQUE' cash, 'Wash Club
    // Credit' card). Below issue 10's 0.97 on held-out layouts.
    atLeast('held-out-5', held5, { total: 1, currency: 1, time: 1, receiptNumber: 0.84, tax: 0.92, items: 0.947, tenders: 0.95, all: 0.951 });
  });

  it('is calibrated: of the receipts it scores at 0.9 or more, at least 99 % are fully correct, in every part', () => {
    // Issue 10's target, on each part of the split on its own (the held-out batches were only ever scored).
    // Not met on held-out-4 when it was first scored blind: of its 79 receipts at 0.9 or more, 38 were fully correct
    // (41 wrong, listed by the report). Left failing for the lead to decide; not weakened.
    // Not met on held-out-5 either when it was first scored blind: of its 79 receipts at 0.9 or more, 54 were fully
    // correct (25 wrong: 15 receipt numbers, 7 items, 3 tender types; listed by the report). The loop stops at
    // held-out-4, so held-out-5 is not reached while held-out-4 fails; it would fail too. Not weakened.
    // A part with no receipt at 0.9 or more would pass trivially, so each must also keep most of its receipts there.
    for (const part of PARTS) {
      const inPart = scored.filter((s) => s.receipt.part === part);
      const top = inPart.filter((s) => (s.basket?.confidence ?? 0) >= 0.9);
      const wrongButSure = top.filter((s) => !s.fullyCorrect).map((s) => s.receipt.name);
      expect(wrongButSure, `${part}: wrong at confidence >= 0.9`).toEqual([]);
      expect(top.length / inPart.length, `${part}: share at confidence >= 0.9`).toBeGreaterThanOrEqual(0.6);
    }
    const top = reliability(scored).find((r) => r.bucket === '0.9–1.0')!;
    expect(top.fullyCorrect).toBeGreaterThanOrEqual(0.99);
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
  const [layouts, held2, dev2, held3, held4, held5, render, print] = await Promise.all(
    ['layouts.mjs', 'layouts-heldout-2.mjs', 'layouts-dev-2.mjs', 'layouts-heldout-3.mjs', 'layouts-heldout-4.mjs', 'layouts-heldout-5.mjs', 'render.mjs', 'print.mjs'].map((f) => import(base + f) as Promise<Record<string, unknown>>),
  );
  const all = [...(layouts!.LAYOUTS as unknown[]), ...(held2!.HELD_OUT_2 as unknown[]), ...(dev2!.DEV_2 as unknown[]), ...(held3!.HELD_OUT_3 as unknown[]), ...(held4!.HELD_OUT_4 as unknown[]), ...(held5!.HELD_OUT_5 as unknown[])];
  return { ...render!, ...print!, LAYOUTS: all } as unknown as Generator;
}

describe('label perturbation', () => {
  it('uses synonyms the vocabulary does not know', () => {
    const vocab = compileVocabulary();
    for (const word of Object.values(SYNONYMS).flat()) {
      const ev = evidenceOf(word, vocab);
      expect(CONCEPTS.filter((c) => ev[c] > 0), word).toEqual([]);
    }
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
    // Every layout of all three parts. Every miss there may ever be must carry low confidence.
    expect(right).toBe(g.LAYOUTS.length);
    expect(dishonest).toEqual([]);
  });
});
