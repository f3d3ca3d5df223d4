// Stress variants of the development layouts (issue 10: confidence that is honest on layouts never seen). Each
// variant is one development receipt laid out again with a few seeded changes real tills make: total, tender and
// change labels as abbreviations and synonyms no vocabulary holds, the receipt id under other labels (or beside
// other ids, or only in a barcode), other date and time formats, promotional footers and loyalty lines with
// numbers and amounts, lines between the items and the totals, numbers and pack sizes in descriptions, a wrapped
// description, amounts short of the right edge. The expected basket comes from render.mjs (the till's arithmetic
// on the changed source data), never from the extractor. Only development layouts are used: the first round's and
// the fourth to eighth batches' (split.json's development4 … development8); the held-out ones are only ever scored
// by layouts.test.ts. A change that cannot apply to a layout is skipped there (see each change). Used by
// stress.test.ts and bench/stress.ts (the script: any seed and count, every wrong reading).
//
// Still read wrong at 0.9 or more on some seeds (1500 variants: 6, 3 and 3 at seeds 2–4, of 926–959 read at 0.9
// or more there; none of seed 1's 600): a loyalty or count line of the "between" change read into the item printed
// above it; a wrapped description's line given to its neighbour; a voucher beside a card under bare labels read as
// one card tender, or cash as a card; a receipt number moved to the footer not found, or a time printed apart from
// its date missed, while the sums close.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { basketsFromBytes, type Basket } from '../../agent/extract/index.js';
import { FIELDS, LAYOUTS_DIR, reliability, scoreReceipt, type ExpectedFields, type Field } from './layouts.js';

// The generator's source data is plain JavaScript (test/fixtures/layouts/*.mjs): typed here as far as used.
interface Loc {
  dec: string;
  sym: string;
  at: string;
}
interface Item {
  d: string;
  d2?: string;
  q?: number;
  u?: string;
  sku?: string;
}
interface Receipt {
  rcpt?: string;
  items: Item[];
  tenders: { t: string; label?: string }[];
  [k: string]: unknown;
}
interface Layout {
  id: string;
  gen: { lib: string; columns: number };
  loc: Loc;
  meta: (string | [string, string])[];
  foot?: string[];
  labels: Record<string, unknown>;
  items: string;
  datePattern: string;
  timePattern: string;
  barcode?: string;
  wrapAmount?: string;
  receipts: Receipt[];
  [k: string]: unknown;
}
interface Op {
  op: string;
  text?: string;
  left?: string;
  right?: string;
  [k: string]: unknown;
}
interface Fixtures {
  layouts: Layout[];
  render: (layout: Layout, receipt: Receipt) => { ops: Op[]; expected: ExpectedFields };
  print: (gen: Layout['gen'], ops: Op[]) => Promise<Uint8Array>;
  money: (minor: number, loc: Loc, withSymbol?: boolean) => string;
}

/** The batches that were written held out, scored blind and then became development (split.json `developmentN`). */
export const DEVELOPMENT_BATCHES = [4, 5, 6, 7, 8] as const;

/**
 * Which development layouts to vary: `first`, the first round's (layouts.mjs less the held-out ones, and
 * layouts-dev-2.mjs), the pool the stress run had before the later batches became development; `all` (the
 * default), those and the batches of DEVELOPMENT_BATCHES.
 */
export type Pool = 'first' | 'all';

const importFixture = (f: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(LAYOUTS_DIR, f)).href) as Promise<Record<string, unknown>>;

/**
 * The development layouts of the pool and the generator. What is development is read from split.json: a layout of
 * the first round is development unless a held-out list (heldOut, heldOut2, …) names it; a layout of a later batch
 * (layouts-heldout-N.mjs) only when its `developmentN` list names it. The held-out layouts are never varied.
 */
export async function loadFixtures(pool: Pool = 'all'): Promise<Fixtures> {
  const [layouts, dev2, render, print] = await Promise.all(['layouts.mjs', 'layouts-dev-2.mjs', 'render.mjs', 'print.mjs'].map(importFixture));
  const split = JSON.parse(readFileSync(join(LAYOUTS_DIR, 'split.json'), 'utf8')) as Record<string, unknown>;
  const held = new Set(Object.entries(split).flatMap(([list, ids]) => (/^heldOut\d*$/.test(list) && Array.isArray(ids) ? (ids as string[]) : [])));
  const all = [...(layouts!.LAYOUTS as Layout[]), ...(dev2!.DEV_2 as Layout[])].filter((l) => !held.has(l.id));
  if (pool === 'all') {
    for (const n of DEVELOPMENT_BATCHES) {
      const development = new Set(split[`development${n}`] as string[]);
      const batch = (await importFixture(`layouts-heldout-${n}.mjs`))[`HELD_OUT_${n}`] as Layout[];
      all.push(...batch.filter((l) => development.has(l.id) && !held.has(l.id)));
    }
  }
  return { layouts: all, render: render!.render as Fixtures['render'], print: print!.print as Fixtures['print'], money: render!.money as Fixtures['money'] };
}

/** mulberry32: a small seeded generator, so a run is the same run every time. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** Abbreviations and synonyms of the money labels that the vocabulary does not hold (stress.test.ts checks). */
export const UNKNOWN_LABELS = {
  total: ['TTL', 'AMT', 'SETTLE', 'NET AMT', 'TOT.', 'NOW PAY'],
  subtotal: ['STTL', 'SUB', 'GOODS', 'ZWS'],
  tender: ['CRD', 'DEB', 'EFT', 'TEND', 'CSH', 'PAYMT'],
  change: ['CHG', 'CHNG', 'RTN', 'WG'],
};

/**
 * Ways a till prints the receipt id; {id} is the id. `prefix` gives the id a letter prefix; `barcode` prints it
 * only as a barcode. Labels a till uses that a reader has never seen ("Seq", "Nota") are here on purpose.
 */
const ID_LINES: { line: string; prefix?: string }[] = [
  { line: 'TR: {id}' },
  { line: 'Trans {id}' },
  { line: 'Bon-Nr {id}' },
  { line: 'Beleg {id}' },
  { line: 'Txn#{id}' },
  { line: 'ST:2291 OP:55 TE:12 TR:{id}' },
  { line: 'Store 0418 Till 3 Trans {id}' },
  { line: 'Receipt {id}', prefix: 'R' },
  { line: 'No. {id}', prefix: 'T' },
  { line: 'Seq {id}' },
  { line: 'Nota {id}' },
  { line: 'Ref {id}   Op 12' },
];

const DMY_DATES = ['DD/MM/YYYY', 'DD.MM.YYYY', 'DD-MM-YY', 'DD MON YYYY', 'YYYY-MM-DD', 'DD.MM.YY', 'DD-MON-YYYY'];
const MDY_DATES = ['MM/DD/YY', 'MON DD, YYYY', 'YYYY-MM-DD', 'MM-DD-YYYY'];
const TIMES = ['HH:mm', 'HH:mm:ss', 'HH[h]mm', 'h:mm A', 'HH.mm', 'HH:mm[ Uhr]'];

/** Words a description can carry that look like quantities, prices or sizes. */
const DESCRIPTION_NUMBERS = [' 6x330ml', ' 2x500g', ' 3 FOR 2', ' 12PK', ' 1.5L', ' No.4', ' 250g', ' 2 for 1', ' 100 pcs', ' 4x', ' 2 for 3.00', ' SAVE 0.50'];

/** What a change may need to know beyond the layout: the generator's arithmetic and what its printer can print. */
interface Ctx {
  render: Fixtures['render'];
  /** Whether the layout's generator prints this code (some printer models and types print none, or no QR code). */
  printsCode: (kind: 'code128' | 'qr') => boolean;
}

/** One change to a receipt: to its source data (before render) or to its print ops (after). */
interface Change {
  name: string;
  /** False when the change cannot apply to this layout and receipt (no id printed, no item to wrap). */
  applies?: (L: Layout, r: Receipt) => boolean;
  source?: (rng: Rng, L: Layout, r: Receipt, ctx: Ctx) => void;
  ops?: (rng: Rng, L: Layout, ops: Op[], money: (minor: number) => string) => Op[];
}

/**
 * Whether a line prints on one line as laid out: a label and its amount with the generator's two-space gap inside
 * the width (a longer one is cut or wrapped, differently by each generator), and each table cell two characters
 * short of its column.
 */
function fitsLine(o: Op, columns: number): boolean {
  if (o.op === 'cols') return o.left!.length + o.right!.length + 2 <= (o.wide === true ? Math.floor(columns / 2) : columns);
  if (o.op === 'row') return (o.cells as string[]).every((c, i) => c.length <= (o.widths as number[])[i]! - 2);
  return true;
}

/** Characters a description may take: its table column less the generator's gap, or the line less an amount. */
function descriptionRoom(L: Layout): number {
  const widths = L.itemWidths as number[] | undefined;
  if (widths === undefined) return L.gen.columns - 16;
  return widths[L.items === 'table4' ? 0 : 1]! - 2;
}

const overflowing = (ops: readonly Op[], columns: number): number => ops.filter((o) => !fitsLine(o, columns)).length;

/** The tender types whose label a till may print as a bare abbreviation: a voucher's, a gift card's or an account's words are what say what it is. */
const PLAIN_TENDERS = new Set(['card', 'cash']);

/** Item styles printed as table rows (render.mjs). */
const TABLE_STYLES = new Set(['table3', 'table4', 'sku']);

const rcptLine = (L: Layout): number => L.meta.findIndex((m) => (Array.isArray(m) ? m.join(' ') : m).includes('{rcpt}'));

export const CHANGES: Change[] = [
  {
    name: 'labels',
    source: (rng, L, r) => {
      const labels = { ...L.labels };
      if (typeof labels.total === 'string' && rng() < 0.7) labels.total = pick(rng, UNKNOWN_LABELS.total);
      if (labels.subtotal !== undefined && rng() < 0.5) labels.subtotal = pick(rng, UNKNOWN_LABELS.subtotal);
      if (rng() < 0.5) labels.change = pick(rng, UNKNOWN_LABELS.change);
      if (rng() < 0.6) {
        const tender = pick(rng, UNKNOWN_LABELS.tender);
        for (const t of ['card', 'cash', 'voucher']) labels[t] = tender;
        r.tenders = r.tenders.map((t) => (PLAIN_TENDERS.has(t.t) ? { ...t, label: tender } : t));
      }
      L.labels = labels;
    },
  },
  {
    name: 'id',
    applies: (L, r) => r.rcpt !== undefined && rcptLine(L) >= 0,
    source: (rng, L, r, ctx) => {
      const digits = String(r.rcpt).replace(/\D/g, '') || '4821';
      const at = rcptLine(L);
      // escpos-buffer draws codes as images only with an image manager, which the corpus printer has not.
      if (rng() < 0.15 && L.gen.lib !== 'escpos-buffer') {
        // Only in a barcode or QR code: the line goes, the code carries the digits (not the data a layout's own
        // code held, such as a tax authority's URL). A printer that prints only the other kind prints that one; one
        // that prints neither keeps the receipt's own line.
        const drawn = rng() < 0.5 ? 'code128' : 'qr';
        const kind = ([drawn, drawn === 'qr' ? 'code128' : 'qr'] as const).find((k) => ctx.printsCode(k));
        if (kind === undefined) return;
        L.meta = L.meta.filter((_, i) => i !== at);
        L.barcode = kind;
        r.rcpt = digits;
        delete r.bc;
        return;
      }
      const way = pick(rng, ID_LINES);
      // A one- or two-digit id among store, operator and till numbers ("OP:55 TE:12 TR:85") is one of them to any
      // reader: such an id keeps the receipt's own line.
      if (digits.length < 3 && /\d/.test(way.line.replace('{id}', ''))) return;
      r.rcpt = `${way.prefix ?? ''}${digits}`;
      // The date and time printed on the id's line stay, on a line of their own.
      const was = [L.meta[at]!].flat().join('  ');
      const stamp = ['{date}', '{time}'].filter((t) => was.includes(t)).join(' ');
      L.meta = L.meta.flatMap((m, i) => (i !== at ? [m] : stamp === '' ? [way.line.replace('{id}', '{rcpt}')] : [way.line.replace('{id}', '{rcpt}'), stamp]));
    },
  },
  {
    name: 'date',
    source: (rng, L) => {
      // Month first only where the layout's tills print it so (US): a day-first shop printing "03/04/25" month
      // first would be a date no reader could tell, not a date in another format. "MONDD'YY" is month first only
      // as a name, which says nothing of the numeric order.
      const monthFirst = /^MM/.test(L.datePattern) || (/^MON/.test(L.datePattern) && L.currency === 'USD');
      L.datePattern = pick(rng, monthFirst ? MDY_DATES : DMY_DATES);
      L.timePattern = pick(rng, TIMES);
    },
  },
  {
    name: 'footer',
    ops: (rng, L, ops, m) => {
      const lines = [
        `SPEND ${m(2000)} SAVE ${m(500)} NEXT VISIT`,
        `2 FOR ${m(300)} ON ALL SNACKS`,
        `Win ${m(50000)} in our prize draw`,
        `Offer code 4471 valid to 31/12/2026`,
        `Free delivery over ${m(4500)}`,
        `Call 0800 123 456 - 7 days`,
      ];
      const n = 1 + Math.floor(rng() * 3);
      const out = ops.filter((o) => o.op !== 'barcode');
      for (let k = 0; k < n; k++) out.push({ op: 'text', text: pick(rng, lines), align: 'center' });
      if (rng() < 0.5) out.push({ op: 'cols', left: 'Next visit voucher', right: m(250) });
      return [...out, ...ops.filter((o) => o.op === 'barcode')];
    },
  },
  {
    name: 'between',
    ops: (rng, L, ops, m) => {
      // After the rule that closes the items (the last: a layout may rule off its item header too): counts, notes
      // and a savings summary.
      const at = Math.max(0, ops.map((o) => o.op).lastIndexOf('rule'));
      const extra: Op[] = [];
      const lines = ['ITEMS 5', '** MEMBER PRICES APPLIED **', 'Artikel: 7', 'Qty 3', 'Bag for life scanned 1'];
      extra.push({ op: 'text', text: pick(rng, lines), align: 'left' });
      if (rng() < 0.5) extra.push({ op: 'cols', left: 'You saved', right: m(120) });
      return [...ops.slice(0, at + 1), ...extra, ...ops.slice(at + 1)];
    },
  },
  {
    name: 'loyalty',
    ops: (rng, L, ops, m) => {
      // Before the footer's blank line: points, their value and a balance.
      const lines: Op[] = [
        { op: 'text', text: 'Points earned 42', align: 'left' },
        { op: 'cols', left: 'Points value', right: m(42) },
        { op: 'text', text: 'Points balance 1,234', align: 'left' },
        { op: 'cols', left: 'Reward balance', right: m(1234) },
      ];
      const n = 1 + Math.floor(rng() * lines.length);
      const at = ops.map((o) => o.op).lastIndexOf('blank');
      return [...ops.slice(0, at), ...lines.slice(0, n), ...ops.slice(at)];
    },
  },
  {
    name: 'description',
    source: (rng, L, r, ctx) => {
      const k = Math.floor(rng() * r.items.length);
      const extra = pick(rng, DESCRIPTION_NUMBERS);
      const it = r.items[k]!;
      if (it.d2 !== undefined || `${it.d}${extra}`.length > descriptionRoom(L)) return;
      // Only where the longer description still fits its column, and every line it prints on (its item line or table
      // row, with a count before or after it, its voided line) still fits: a generator cuts or wraps one that does not.
      const items = r.items.map((x, i) => (i === k ? { ...x, d: `${x.d}${extra}` } : x));
      if (overflowing(ctx.render(L, { ...r, items }).ops, L.gen.columns) <= overflowing(ctx.render(L, r).ops, L.gen.columns)) r.items = items;
    },
  },
  {
    name: 'wrap',
    // A wrapped description prints without its quantity: only a single plain item can wrap.
    applies: (L, r) => r.items.some((it) => (it.q ?? 1) === 1 && it.u === undefined && it.d2 === undefined && it.sku === undefined),
    source: (rng, L, r) => {
      const k = r.items.findIndex((it) => (it.q ?? 1) === 1 && it.u === undefined && it.d2 === undefined && it.sku === undefined);
      const d2 = pick(rng, ['Family Pack', 'Selection Box', 'Limited Edition', 'Extra Large']);
      const side = rng() < 0.5 ? 'first' : 'last';
      // A table till wraps a description inside its column, beside the count and price cells; render.mjs prints a
      // wrapped item as a line of its own outside the table, which no table till does. Drawn all the same, so that
      // the variants after this one stay as they were.
      if (TABLE_STYLES.has(L.items)) return;
      r.items = r.items.map((it, i) => (i === k ? { ...it, d2 } : it));
      L.wrapAmount = side;
    },
  },
  {
    name: 'shift',
    ops: (rng, L, ops) => {
      // Amounts short of the right edge; table columns moved by a few characters where their cells still fit.
      const k = 1 + Math.floor(rng() * 4);
      const move = Math.floor(rng() * 7) - 3;
      const shifted = (o: Op): Op => {
        const widths = [...(o.widths as number[])];
        const cells = o.cells as string[];
        const at = 1 + Math.floor(rng() * (widths.length - 1));
        widths[at - 1]! += move;
        widths[at]! -= move;
        return widths.every((w, i) => w > cells[i]!.length + 1) ? { ...o, widths } : o;
      };
      // A line the spaces would push past the width keeps its place (a generator would cut or wrap its label).
      const short = (o: Op): Op => {
        const moved = { ...o, right: `${o.right}${' '.repeat(k)}` };
        return fitsLine(moved, L.gen.columns) ? moved : o;
      };
      return ops.map((o) => (o.op === 'cols' && !o.wide ? short(o) : o.op === 'row' ? shifted(o) : o));
    },
  },
];

/**
 * Which codes each layout's generator prints ("code128 {gen}" → true): the generator is asked to print one with
 * a known id, and its bytes must carry the id. Some printer models and types print no code, or no QR code, and
 * say so on the console (silenced here) or print nothing.
 */
async function codesPrinted(fx: Fixtures): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  const data = '4821937';
  const quiet = { log: console.log, warn: console.warn, error: console.error };
  console.log = console.warn = console.error = () => {};
  try {
    for (const L of fx.layouts) {
      for (const kind of ['code128', 'qr'] as const) {
        const key = `${kind} ${JSON.stringify(L.gen)}`;
        if (out.has(key)) continue;
        const bytes = await fx.print(L.gen, [{ op: 'barcode', kind, data }]).catch(() => new Uint8Array());
        out.set(key, Buffer.from(bytes).includes(data, 0, 'latin1'));
      }
    }
  } finally {
    Object.assign(console, quiet);
  }
  return out;
}

export interface Variant {
  name: string;
  layout: string;
  changes: string[];
  bytes: Uint8Array;
  expected: ExpectedFields;
}

/** `count` variants from `seed`: layouts and receipts in turn, each with two to four changes drawn by the seed. */
export async function makeVariants(seed: number, count: number, pool: Pool = 'all'): Promise<Variant[]> {
  const fx = await loadFixtures(pool);
  const prints = await codesPrinted(fx);
  const rng = seeded(seed);
  const receipts = fx.layouts.flatMap((L) => L.receipts.map((r, i) => ({ L, r, i })));
  const out: Variant[] = [];
  for (let n = 0; n < count; n++) {
    const { L: L0, r: r0, i } = receipts[n % receipts.length]!;
    const L: Layout = { ...L0, meta: [...L0.meta], foot: [...(L0.foot ?? [])] };
    const r: Receipt = { ...r0, items: [...r0.items], tenders: [...r0.tenders] };
    const fits = CHANGES.filter((c) => c.applies?.(L, r) ?? true);
    const chosen = fits.filter(() => rng() < 0.35);
    if (chosen.length === 0) chosen.push(pick(rng, fits));
    const ctx: Ctx = { render: fx.render, printsCode: (kind) => prints.get(`${kind} ${JSON.stringify(L.gen)}`) === true };
    for (const c of chosen) c.source?.(rng, L, r, ctx);
    let { ops, expected } = fx.render(L, r);
    const m = (minor: number): string => fx.money(minor, L.loc, L.loc.sym !== '');
    for (const c of chosen) if (c.ops !== undefined) ops = c.ops(rng, L, ops, m);
    out.push({ name: `${L.id}-${i + 1}#${n}`, layout: L.id, changes: chosen.map((c) => c.name), bytes: await fx.print(L.gen, ops), expected });
  }
  return out;
}

export interface StressScore {
  variant: Variant;
  basket: Basket | undefined;
  confidence: number;
  wrong: Field[];
}

export function scoreVariants(variants: readonly Variant[]): StressScore[] {
  return variants.map((variant) => {
    const basket = basketsFromBytes(variant.bytes)[0];
    const fields = scoreReceipt(variant.expected, basket);
    return { variant, basket, confidence: basket?.confidence ?? 0, wrong: FIELDS.filter((f) => fields[f] < 1) };
  });
}

/** What a wrong field was read as, against what the till printed. */
function describe(s: StressScore, f: Field): string {
  const b = s.basket;
  const e = s.variant.expected;
  switch (f) {
    case 'receiptNumber':
      return `receipt number ${b?.receiptNumber} (want ${e.receiptNumber})`;
    case 'time':
      return `time ${b?.transactionAt} (want ${e.transactionAt})`;
    case 'total':
      return `total ${b?.total} (want ${e.total})`;
    case 'tenders':
      return `tenders ${JSON.stringify(b?.tenders.map((t) => [t.type, t.amount]))} change ${b?.change} (want ${JSON.stringify(e.tenders.map((t) => [t.type, t.amount]))} change ${e.change})`;
    case 'items':
      return `items ${JSON.stringify(b?.items.map((i) => [i.description, i.quantity, i.amount]))}`;
    default:
      return f;
  }
}

/** The reliability table and every wrong reading at confidence ≥ 0.9 (all wrong readings with `all`). */
export function stressReport(scored: readonly StressScore[], all = false): string {
  const rel = reliability(scored.map((s) => ({ basket: s.basket, fullyCorrect: s.wrong.length === 0 })));
  const lines = [`stress: ${scored.length} variants`, 'confidence  variants  fully correct'];
  for (const r of rel) lines.push(`${r.bucket.padEnd(12)}${String(r.receipts).padStart(8)}  ${r.fullyCorrect.toFixed(3).padStart(13)}`);
  for (const s of scored) {
    if (s.wrong.length === 0 || (!all && s.confidence < 0.9)) continue;
    lines.push(`  ${s.variant.name.padEnd(34)} conf ${s.confidence.toFixed(2)} [${s.variant.changes.join(',')}] ${s.wrong.map((f) => describe(s, f)).join('; ')}`);
  }
  return lines.join('\n');
}

export const wrongButSure = (scored: readonly StressScore[]): StressScore[] => scored.filter((s) => s.confidence >= 0.9 && s.wrong.length > 0);
