// The layouts corpus (test/fixtures/layouts/) and how extraction is scored on it: field accuracy per field
// (items F1, total, tenders, tax, currency, receipt number, time), per part of the split (development and
// held-out), and whether a receipt is fully correct. Shared by the layouts test and the stress run (stress.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { CONCEPTS, compileVocabulary, evidenceOf } from '../../agent/extract/evidence.js';
import { basketsFromBytes, type Basket, type BasketsFromBytesOptions } from '../../agent/extract/index.js';
import { repoRoot } from '../../bench/repo-root.js';

/** With its trailing separator, as before; found from the source or from a build (dist/), where the fixtures are not copied. */
export const LAYOUTS_DIR = `${join(repoRoot(), 'test', 'fixtures', 'layouts')}${sep}`;

export interface ExpectedFields {
  kind: string;
  currency: string | null;
  receiptNumber: string | null;
  /** Local time to the minute: "YYYY-MM-DDTHH:MM". */
  transactionAt: string | null;
  /** `modifiers`: the sum of the item's priced modifiers, when it has any. */
  items: { description: string; quantity: number; amount: number; modifiers?: number }[];
  total: number | null;
  tenders: { type: string; amount: number }[];
  change: number | null;
  taxes: { rate: number | null; tax: number }[];
}

/**
 * The parts of the split: development (tuned on), the held-out batches (only scored: the first three, the ninth, and
 * the twelfth, fourteenth, sixteenth and eighteenth, free-form), and the fourth to eighth and the tenth, eleventh,
 * thirteenth, fifteenth and seventeenth (free-form) batches, scored blind and then tuned on (development-4 …
 * development-17).
 */
export const PARTS = ['development', 'held-out', 'held-out-2', 'held-out-3', 'development-4', 'development-5', 'development-6', 'development-7', 'development-8', 'held-out-9', 'development-10', 'development-11', 'held-out-12', 'development-13', 'held-out-14', 'development-15', 'held-out-16', 'development-17', 'held-out-18'] as const;
export type Part = (typeof PARTS)[number];

export interface LayoutReceipt {
  name: string;
  layout: string;
  language: string;
  part: Part;
  heldOut: boolean;
  bytes: Uint8Array;
  expected: ExpectedFields;
}

/** The list of split.json that names each part's layouts. */
const SPLIT_LISTS: Record<string, Exclude<Part, 'development'>> = {
  heldOut: 'held-out',
  heldOut2: 'held-out-2',
  heldOut3: 'held-out-3',
  development4: 'development-4',
  development5: 'development-5',
  development6: 'development-6',
  development7: 'development-7',
  development8: 'development-8',
  heldOut9: 'held-out-9',
  development10: 'development-10',
  development11: 'development-11',
  heldOut12: 'held-out-12',
  development13: 'development-13',
  heldOut14: 'held-out-14',
  development15: 'development-15',
  heldOut16: 'held-out-16',
  development17: 'development-17',
  heldOut18: 'held-out-18',
};

export function loadLayouts(dir = LAYOUTS_DIR): LayoutReceipt[] {
  // Each part but development is a list in split.json; a layout in none of them is development.
  const split = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8')) as Record<string, unknown>;
  const partOf = new Map<string, Part>();
  for (const [list, part] of Object.entries(SPLIT_LISTS)) for (const layout of split[list] as string[]) partOf.set(layout, part);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.bin'.length);
      const e = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as { layout: string; language: string; basket: ExpectedFields };
      const part = partOf.get(e.layout) ?? 'development';
      return { name, layout: e.layout, language: e.language, part, heldOut: part.startsWith('held-out'), bytes: new Uint8Array(readFileSync(join(dir, file))), expected: e.basket };
    });
}

export const FIELDS = ['items', 'total', 'tenders', 'tax', 'currency', 'receiptNumber', 'time'] as const;
export type Field = (typeof FIELDS)[number];

const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** F1 of the item lines as (description, quantity, amount, priced modifiers) multisets. */
export function itemsF1(expected: ExpectedFields['items'], actual: Basket['items']): number {
  if (expected.length === 0 && actual.length === 0) return 1;
  const want = new Map<string, number>();
  for (const i of expected) {
    const k = `${norm(i.description)}|${i.quantity}|${i.amount}|${i.modifiers ?? 0}`;
    want.set(k, (want.get(k) ?? 0) + 1);
  }
  let hits = 0;
  for (const i of actual) {
    const mods = i.modifiers.reduce((s, m) => s + (m.amount ?? 0), 0);
    const k = `${norm(i.description)}|${i.quantity}|${i.amount}|${mods}`;
    const n = want.get(k) ?? 0;
    if (n > 0) {
      hits++;
      want.set(k, n - 1);
    }
  }
  if (hits === 0) return 0;
  const p = hits / actual.length;
  const r = hits / expected.length;
  return (2 * p * r) / (p + r);
}

const sorted = (xs: string[]): string => xs.sort().join(';');

/** Score of each field for one receipt: 1 right, 0 wrong (items: F1). */
export function scoreReceipt(expected: ExpectedFields, b: Basket | undefined): Record<Field, number> {
  if (b === undefined) return Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<Field, number>;
  const change = (c: number | null): number => c ?? 0;
  return {
    items: itemsF1(expected.items, b.items),
    total: b.total === expected.total ? 1 : 0,
    tenders:
      sorted(expected.tenders.map((t) => `${t.type}:${t.amount}`)) === sorted(b.tenders.map((t) => `${t.type}:${t.amount}`)) && change(b.change) === change(expected.change) ? 1 : 0,
    tax: sorted(expected.taxes.map((t) => `${t.rate}:${t.tax}`)) === sorted(b.taxes.map((t) => `${t.rate}:${t.tax}`)) ? 1 : 0,
    currency: b.currency === expected.currency ? 1 : 0,
    receiptNumber: b.receiptNumber === expected.receiptNumber ? 1 : 0,
    time: (b.transactionAt?.slice(0, 16) ?? null) === expected.transactionAt ? 1 : 0,
  };
}

export interface Scored {
  receipt: LayoutReceipt;
  basket: Basket | undefined;
  fields: Record<Field, number>;
  fullyCorrect: boolean;
}

export function scoreAll(receipts: readonly LayoutReceipt[], opts: BasketsFromBytesOptions = {}): Scored[] {
  return receipts.map((receipt) => {
    const basket = basketsFromBytes(receipt.bytes, opts)[0];
    const fields = scoreReceipt(receipt.expected, basket);
    return { receipt, basket, fields, fullyCorrect: FIELDS.every((f) => fields[f] === 1) };
  });
}

/** Mean score per field, and over all fields. */
export function fieldAccuracy(scored: readonly Scored[]): Record<Field | 'all', number> {
  const out = {} as Record<Field | 'all', number>;
  let all = 0;
  for (const f of FIELDS) {
    out[f] = scored.length === 0 ? 0 : scored.reduce((s, x) => s + x.fields[f], 0) / scored.length;
    all += out[f];
  }
  out.all = all / FIELDS.length;
  return out;
}

/** Confidence bucket → receipts in it and the share of them fully correct. */
export function reliability(scored: readonly Pick<Scored, 'basket' | 'fullyCorrect'>[]): { bucket: string; receipts: number; fullyCorrect: number }[] {
  const buckets = [
    ['< 0.5', 0, 0.5],
    ['0.5–0.9', 0.5, 0.9],
    ['0.9–1.0', 0.9, 1.01],
  ] as const;
  return buckets.map(([bucket, lo, hi]) => {
    const inside = scored.filter((s) => (s.basket?.confidence ?? 0) >= lo && (s.basket?.confidence ?? 0) < hi);
    return { bucket, receipts: inside.length, fullyCorrect: inside.length === 0 ? 1 : inside.filter((s) => s.fullyCorrect).length / inside.length };
  });
}

/** The report the test and the script print. */
export function report(scored: readonly Scored[]): string {
  const lines: string[] = [];
  const pct = (x: number): string => x.toFixed(3);
  lines.push(`part        receipts  ${FIELDS.map((f) => f.padStart(13)).join('')}          all`);
  const byPart = PARTS.map((part) => [part, scored.filter((s) => s.receipt.part === part)] as const);
  for (const [part, items] of byPart) {
    const acc = fieldAccuracy(items);
    lines.push(`${part.padEnd(12)}${String(items.length).padStart(8)}  ${FIELDS.map((f) => pct(acc[f]).padStart(13)).join('')}${pct(acc.all).padStart(13)}`);
  }
  lines.push(`confidence  ${PARTS.map((p) => `${p.padStart(11)} n  correct`).join('  ')}`);
  const tables = byPart.map(([, items]) => reliability(items));
  tables[0]!.forEach((r, k) => {
    lines.push(`${r.bucket.padEnd(12)}${tables.map((t) => `${String(t[k]!.receipts).padStart(13)}  ${pct(t[k]!.fullyCorrect).padStart(7)}`).join('  ')}`);
  });
  // 'development-4' → D4, 'held-out-2' → H2.
  const tag = (part: Part): string => part.replace('development', 'D').replace('held-out', 'H').replace('-', '');
  for (const s of scored) {
    const wrong = FIELDS.filter((f) => s.fields[f] < 1);
    if (wrong.length > 0) lines.push(`  ${tag(s.receipt.part).padEnd(2)} ${s.receipt.name.padEnd(34)} conf ${(s.basket?.confidence ?? 0).toFixed(2)}  wrong: ${wrong.join(', ')}`);
  }
  return lines.join('\n');
}

/** The words of `labels` that give the vocabulary evidence for any concept: a perturbation must use none. */
export function knownToVocabulary(labels: readonly string[]): string[] {
  const vocab = compileVocabulary();
  return labels.filter((word) => {
    const ev = evidenceOf(word, vocab);
    return CONCEPTS.some((c) => ev[c] > 0);
  });
}
