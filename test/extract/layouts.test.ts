// How extraction generalises: the layouts corpus (216 layouts, 7 languages, 5 third-party generators) scored per
// field on its development parts and its four held-out parts (each fixed before the tuning that followed it,
// test/fixtures/layouts/split.json; the fourth to seventh batches were scored blind, then tuned on; the eighth is held out), with no profile and
// no store context; the reliability of confidence per part; and a label-perturbation run where every total,
// subtotal, tender and change label is replaced by a
// synonym the vocabulary does not know, so only the arithmetic can find them. Thresholds are measured figures.
import { describe, expect, it } from 'vitest';
import { basketsFromBytes, type Basket } from '../../agent/extract/index.js';
import { FIELDS, PARTS, fieldAccuracy, knownToVocabulary, loadLayouts, reliability, report, scoreAll, type ExpectedFields } from './layouts.js';

const receipts = loadLayouts();
const scored = scoreAll(receipts);
const dev = scored.filter((s) => s.receipt.part === 'development');
const held = scored.filter((s) => s.receipt.part === 'held-out');
const held2 = scored.filter((s) => s.receipt.part === 'held-out-2');
const held3 = scored.filter((s) => s.receipt.part === 'held-out-3');
const dev4 = scored.filter((s) => s.receipt.part === 'development-4');
const dev5 = scored.filter((s) => s.receipt.part === 'development-5');
const dev6 = scored.filter((s) => s.receipt.part === 'development-6');
const dev7 = scored.filter((s) => s.receipt.part === 'development-7');
const held8 = scored.filter((s) => s.receipt.part === 'held-out-8');

// The seventh batch's figures measured after tuning on its failure classes: items 0.993 (a letter the printer's code
// page lacks printed as '?', "Bustine figurine x 10" a pack or ten: each flagged 0.85), every other field 1; 80 of
// its 100 receipts at 0.9 or more, all fully correct.
const DEV7_FLOORS = { items: 0.993, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 1, time: 1, all: 0.999 };
const DEV7_AT_09 = 80;

/** Each field of a part at or above its measured floor (a floor of 1 means every receipt right). */
function atLeast(part: string, inPart: typeof scored, floors: Partial<Record<(typeof FIELDS)[number] | 'all', number>>): void {
  const acc = fieldAccuracy(inPart);
  for (const [f, floor] of Object.entries(floors)) expect(acc[f as keyof typeof acc], `${part} ${f}`).toBeGreaterThanOrEqual(floor);
}

describe('layouts corpus', () => {
  it('has at least 40 layouts in 7 languages from 5 generators, split by whole layouts', () => {
    expect(new Set(receipts.map((r) => r.layout)).size).toBeGreaterThanOrEqual(40);
    expect(new Set(receipts.map((r) => r.language))).toEqual(new Set(['uk', 'us', 'de', 'fr', 'nl', 'es', 'it']));
    const heldLayouts = new Set([...held, ...held2, ...held3, ...held8].map((s) => s.receipt.layout));
    // The eighth batch, held out and scored blind: 25 more whole layouts, 4 receipts each.
    expect(new Set(held8.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(25);
    expect(held8.length).toBeGreaterThanOrEqual(100);
    // The seventh batch, written blind like the fourth to sixth: 25 more whole layouts, 4 receipts each.
    expect(new Set(dev7.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(25);
    expect(dev7.length).toBeGreaterThanOrEqual(100);
    // The sixth batch, written blind like the fourth and fifth: 25 more whole layouts, 4 receipts each.
    expect(new Set(dev6.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(25);
    expect(dev6.length).toBeGreaterThanOrEqual(100);
    // The fifth batch, written blind like the fourth: 25 more whole layouts, 4 receipts each.
    expect(new Set(dev5.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(25);
    expect(dev5.length).toBeGreaterThanOrEqual(100);
    // The fourth batch: 25 whole layouts, 4 receipts each, enough receipts to say something about calibration.
    expect(new Set(dev4.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(25);
    expect(dev4.length).toBeGreaterThanOrEqual(100);
    expect(new Set(held3.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(held.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(12);
    expect(new Set(held2.map((s) => s.receipt.layout)).size).toBeGreaterThanOrEqual(10);
    for (const s of [...dev, ...dev4, ...dev5, ...dev6, ...dev7]) expect(heldLayouts.has(s.receipt.layout)).toBe(false);
  });

  it('scores field accuracy per field on the five development and the three held-out parts (no profile, no context)', () => {
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
    // The fourth batch was scored blind once (figures in the README and commit 1c561e6: all fields 0.902, receipt
    // number 0.60, tax 0.88, items 0.925, tenders 0.95, time 0.96) and is development since: held to the
    // development part's thresholds. Measured after tuning on its failure classes: items 0.994 ('x4' packs read as
    // four, flagged 0.85), receipt number 0.99 (a number the card mask hid, flagged 0.85), every other field 1;
    // all 0.998.
    const d4 = fieldAccuracy(dev4);
    for (const f of FIELDS) expect(d4[f], `development-4 ${f}`).toBeGreaterThanOrEqual(0.98);
    expect(d4.all, 'development-4 all').toBeGreaterThanOrEqual(0.99);
    // The fifth batch was scored blind (figures in the README and at 419e4dc: all fields 0.963, items 0.95, tenders
    // 0.95, receipt number 0.84, the rest 1; 63 of 75 at 0.9 or more fully correct) and is development since: held
    // to the development part's thresholds, and to its figures measured after tuning on its failure classes: items
    // 0.987 (two garden-centre receipts from an Elgin printer whose ESC t numbering, decoded in Epson's, garbles
    // their umlauts; flagged 0.85), every other field 1; all 0.998.
    const d5 = fieldAccuracy(dev5);
    for (const f of FIELDS) expect(d5[f], `development-5 ${f}`).toBeGreaterThanOrEqual(0.98);
    expect(d5.all, 'development-5 all').toBeGreaterThanOrEqual(0.99);
    atLeast('development-5', dev5, { items: 0.987, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 1, time: 1, all: 0.998 });
    // The sixth batch was scored blind (figures in the README: at 08adfe7 all fields 0.943; at 365f459 all 0.952,
    // items 0.891, tax 0.88, tenders 0.97, receipt number 0.96, time 0.96, total and currency 1; 45 of 68 at 0.9 or
    // more fully correct) and is development since: held to the development part's thresholds, and to its figures
    // measured after tuning on its failure classes: items 0.991 (a quantity line between two lines of one amount, a
    // dozen that may be a box, a deposit named "2x0,25": each read one way and flagged 0.85), every other field 1;
    // all 0.999.
    const d6 = fieldAccuracy(dev6);
    for (const f of FIELDS) expect(d6[f], `development-6 ${f}`).toBeGreaterThanOrEqual(0.98);
    expect(d6.all, 'development-6 all').toBeGreaterThanOrEqual(0.99);
    atLeast('development-6', dev6, { items: 0.991, total: 1, tenders: 1, tax: 1, currency: 1, receiptNumber: 1, time: 1, all: 0.998 });
    // The seventh batch was scored blind (figures in the README: at 6283b91 all fields 0.940; after the sixth batch's
    // tuning all 0.937, items 0.896, tax 0.84, tenders 0.92, receipt number 0.92, total 0.98, currency and time 1;
    // 55 of 58 at 0.9 or more fully correct) and is development since: held to the development part's thresholds,
    // and to its figures measured after tuning on its failure classes.
    const d7 = fieldAccuracy(dev7);
    for (const f of FIELDS) expect(d7[f], `development-7 ${f}`).toBeGreaterThanOrEqual(0.98);
    expect(d7.all, 'development-7 all').toBeGreaterThanOrEqual(0.99);
    atLeast('development-7', dev7, DEV7_FLOORS);
    // The eighth batch, blind: written and committed before the extractor was ever run on it, by a writer who never
    // read the extractor, and never seen by anyone tuning it. Scored at e25b1cd (before the seventh batch's tuning):
    // all 0.950 (items 0.917, tax 0.88, tenders 0.94, receipt number 0.92, total 0.99, currency and time 1). Scored
    // again after it, still blind: all 0.955 (tax 0.92, the rest as before). Below issue 10's 0.97 on held-out layouts.
    atLeast('held-out-8', held8, { items: 0.917, total: 0.99, tenders: 0.94, tax: 0.92, currency: 1, receiptNumber: 0.92, time: 1, all: 0.955 });
  });

  it('is calibrated: of the receipts it scores at 0.9 or more, at least 99 % are fully correct, in every part', () => {
    // Issue 10's target, on each part of the split on its own (the held-out batches were only ever scored).
    // Not met by the fourth batch when it was scored blind: of its 79 receipts at 0.9 or more, 38 were fully correct.
    // Not met by the fifth batch when it was scored blind: of its 75 receipts at 0.9 or more, 63 were fully correct;
    // after tuning, 93 of its 100 are at 0.9 or more, all fully correct (held below).
    // A part with no receipt at 0.9 or more would pass trivially, so each must also keep most of its receipts there.
    // Not met by the sixth batch when it was scored blind: of its 68 receipts at 0.9 or more, 45 were fully correct;
    // after tuning, 90 of its 100 are at 0.9 or more, all fully correct (held below).
    // Not met by the seventh batch when it was scored blind: of its 58 receipts at 0.9 or more, 55 were fully correct.
    for (const part of PARTS.filter((p) => p !== 'held-out-8')) {
      const inPart = scored.filter((s) => s.receipt.part === part);
      const top = inPart.filter((s) => (s.basket?.confidence ?? 0) >= 0.9);
      const wrongButSure = top.filter((s) => !s.fullyCorrect).map((s) => s.receipt.name);
      expect(wrongButSure, `${part}: wrong at confidence >= 0.9`).toEqual([]);
      expect(top.length / inPart.length, `${part}: share at confidence >= 0.9`).toBeGreaterThanOrEqual(0.6);
    }
    const top = reliability(scored.filter((s) => s.receipt.part !== 'held-out-8')).find((r) => r.bucket === '0.9–1.0')!;
    expect(top.fullyCorrect).toBeGreaterThanOrEqual(0.99);
    // Not met by the eighth batch, blind: of its receipts at 0.9 or more, 59 of 67 were fully correct before the
    // seventh batch's tuning and 63 of 71 after it. Held at that measured figure, the target kept for every other part.
    const blind = reliability(held8).find((r) => r.bucket === '0.9–1.0')!;
    expect(blind.receipts, 'held-out-8 receipts at >= 0.9').toBeGreaterThanOrEqual(71);
    expect(blind.fullyCorrect, 'held-out-8 share fully correct at >= 0.9').toBeGreaterThanOrEqual(0.887);
    expect(reliability(dev5).find((r) => r.bucket === '0.9–1.0')!.receipts, 'development-5 receipts at >= 0.9').toBeGreaterThanOrEqual(93);
    expect(reliability(dev6).find((r) => r.bucket === '0.9–1.0')!.receipts, 'development-6 receipts at >= 0.9').toBeGreaterThanOrEqual(90);
    expect(reliability(dev7).find((r) => r.bucket === '0.9–1.0')!.receipts, 'development-7 receipts at >= 0.9').toBeGreaterThanOrEqual(DEV7_AT_09);
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
  const [layouts, held2, dev2, held3, held4, held5, held6, held7, render, print] = await Promise.all(
    ['layouts.mjs', 'layouts-heldout-2.mjs', 'layouts-dev-2.mjs', 'layouts-heldout-3.mjs', 'layouts-heldout-4.mjs', 'layouts-heldout-5.mjs', 'layouts-heldout-6.mjs', 'layouts-heldout-7.mjs', 'render.mjs', 'print.mjs'].map((f) => import(base + f) as Promise<Record<string, unknown>>),
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
    // Every layout of every part, the seventh batch since it became development. Every miss there may ever be must
    // carry low confidence.
    expect(right).toBe(g.LAYOUTS.length);
    expect(dishonest).toEqual([]);
  });
});
