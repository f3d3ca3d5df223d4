// The raster-receipt corpus (test/fixtures/raster-receipts/): receipts printed as pictures by third-party
// encoders, each beside the same receipt printed as text, with the fields its source data says it holds.
// Field accuracy is scored here for both, so the OCR figure is always set beside the text figure. Shared by the
// OCR accuracy test and bench/ocr.ts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Basket } from '../../agent/extract/index.js';

/** The corpus folder, found upwards from here so that the compiled bench (dist/) finds it too. */
function rasterDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', 'raster-receipts');
    if (existsSync(join(candidate, 'manifest.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find test/fixtures/raster-receipts/manifest.json');
    dir = up;
  }
}

export const RASTER_DIR = rasterDir();

export interface ExpectedFields {
  merchantName: string;
  receiptNumber: string;
  transactionAt: string;
  items: { description: string; quantity: number; amount: number }[];
  subtotal: number;
  total: number;
  tenders: { type: string; amount: number }[];
  change: number | null;
  taxes: { rate: number; tax: number }[];
}

export interface RasterJob {
  file: string;
  textFile: string;
  receipt: string;
  paper: '80mm' | '58mm';
  font: 'mono' | 'sans';
  encoder: string;
  bytes: Uint8Array;
  textBytes: Uint8Array;
  expected: ExpectedFields;
}

export interface RasterCorpus {
  timezone: string;
  currency: string;
  jobs: RasterJob[];
}

export function loadRasterCorpus(): RasterCorpus {
  const manifest = JSON.parse(readFileSync(join(RASTER_DIR, 'manifest.json'), 'utf8')) as {
    timezone: string;
    currency: string;
    jobs: Omit<RasterJob, 'bytes' | 'textBytes' | 'expected'>[];
    expected: Record<string, ExpectedFields>;
  };
  return {
    timezone: manifest.timezone,
    currency: manifest.currency,
    jobs: manifest.jobs.map((job) => ({
      ...job,
      bytes: new Uint8Array(readFileSync(join(RASTER_DIR, job.file))),
      textBytes: new Uint8Array(readFileSync(join(RASTER_DIR, job.textFile))),
      expected: manifest.expected[job.receipt]!,
    })),
  };
}

export const FIELDS = ['merchant', 'receiptNumber', 'transactionAt', 'itemDescriptions', 'itemQuantities', 'itemAmounts', 'subtotal', 'total', 'tenders', 'change', 'taxes'] as const;
export type Field = (typeof FIELDS)[number];

/** Share of expected entries found (in order) in the extracted list, by a key. */
function listScore<T, U>(expected: readonly T[], got: readonly U[], keyE: (e: T) => string, keyG: (g: U) => string): number {
  if (expected.length === 0) return got.length === 0 ? 1 : 0;
  let hits = 0;
  expected.forEach((e, i) => {
    const g = got[i];
    if (g !== undefined && keyE(e) === keyG(g)) hits++;
  });
  // Extra entries (noise read as items) cost as much as missing ones.
  return hits / Math.max(expected.length, got.length);
}

/** 0..1 per field: 1 when the basket holds exactly what the receipt printed. */
export function scoreBasket(basket: Basket | null, expected: ExpectedFields): Record<Field, number> {
  const b = basket;
  const same = (a: unknown, e: unknown): number => (a === e ? 1 : 0);
  return {
    merchant: same(b?.merchant.name ?? null, expected.merchantName),
    receiptNumber: same(b?.receiptNumber ?? null, expected.receiptNumber),
    transactionAt: same(b?.transactionAt ?? null, expected.transactionAt),
    itemDescriptions: listScore(expected.items, b?.items ?? [], (e) => e.description, (g) => g.description),
    itemQuantities: listScore(expected.items, b?.items ?? [], (e) => String(e.quantity), (g) => String(g.quantity)),
    itemAmounts: listScore(expected.items, b?.items ?? [], (e) => String(e.amount), (g) => String(g.amount)),
    subtotal: same(b?.subtotal ?? null, expected.subtotal),
    total: same(b?.total ?? null, expected.total),
    tenders: listScore(expected.tenders, b?.tenders ?? [], (e) => `${e.type} ${e.amount}`, (g) => `${g.type} ${g.amount}`),
    change: same(b?.change ?? null, expected.change),
    taxes: listScore(expected.taxes, b?.taxes ?? [], (e) => `${e.rate} ${e.tax}`, (g) => `${g.rate} ${g.tax}`),
  };
}

/** Mean of each field over a set of scores. */
export function meanScores(scores: readonly Record<Field, number>[]): Record<Field, number> {
  const out = {} as Record<Field, number>;
  for (const f of FIELDS) out[f] = scores.length === 0 ? 0 : scores.reduce((s, x) => s + x[f], 0) / scores.length;
  return out;
}

export function overall(score: Record<Field, number>): number {
  return FIELDS.reduce((s, f) => s + score[f], 0) / FIELDS.length;
}
