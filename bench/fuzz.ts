// Decoder fuzzing: random bytes, ESC/POS- and Star-flavoured random bytes, and mutations (byte flips, insertions,
// deletions, splices, repeats) of the real corpus receipts (ESC/POS and Star), decoded as ESC/POS, Star Line,
// StarPRNT and with detection. Every input must decode without throwing, into
// bounded documents that tile the stream; one input in 64 is also decoded in random chunks and must give the
// same JSON. `npm run fuzz` runs 1,000,000 inputs and prints the figures; the test suite runs a smaller count.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decoder, decode, type DecoderOptions } from '../agent/decode/index.js';
import type { PrintedDocument } from '../agent/decode/document.js';
import { MAX_LINE_SPANS, MAX_LINE_UNITS } from '../agent/decode/line.js';
import { repoRoot } from './repo-root.js';

export { repoRoot };

export interface FuzzOptions {
  count: number;
  seed?: number;
  /** Called every `progressEvery` inputs (the CLI prints a line). */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

export interface FuzzReport {
  inputs: number;
  bytes: number;
  documents: number;
  chunkedChecks: number;
  ms: number;
  peakRssBytes: number;
  peakHeapBytes: number;
}

const DEFAULT_MAX_BLOCKS = 20_000;
const DEFAULT_MAX_ISSUES = 100;
const IMAGE_LIMIT = 4 * 1024 * 1024;

/** xorshift32: deterministic, so a failing input can be reproduced from the seed and its index. */
class Rng {
  constructor(private s: number) {
    if (this.s === 0) this.s = 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  /** Lengths spread over orders of magnitude: mostly short, sometimes long. */
  length(max: number): number {
    return this.below(Math.min(max, 1 << this.below(13)) + 1);
  }
}

export function loadCorpus(): Uint8Array[] {
  const root = join(repoRoot(), 'test', 'fixtures');
  const files: Uint8Array[] = [];
  for (const sub of ['escpos-php', 'decode', 'star-receipts', 'star-raster', 'star-pagemode']) {
    for (const f of readdirSync(join(root, sub)).sort()) {
      if (f.endsWith('.bin')) files.push(new Uint8Array(readFileSync(join(root, sub, f))));
    }
  }
  return files;
}

// ESC/POS prefixes and Star's (RS, BEL, SUB after ESC), then command letters of both (Star: i d b y x S r A R, raster
// page ends E F B Y, page mode P, logos q, settings ( )).
const COMMAND_BYTES = [0x1b, 0x1d, 0x1c, 0x10, 0x0a, 0x09, 0x0c, 0x18, 0x1e, 0x07, 0x1a];
const COMMAND_LETTERS = [
  0x28, 0x6b, 0x4c, 0x76, 0x30, 0x56, 0x2a, 0x26, 0x44, 0x38, 0x21, 0x24, 0x5c, 0x25, 0x71, 0x70, 0x69, 0x64, 0x62, 0x79,
  0x78, 0x53, 0x72, 0x41, 0x52, 0x44, 0x50, 0x45, 0x46, 0x42, 0x59, 0x29,
];

function randomBytes(rng: Rng, flavoured: boolean): Uint8Array {
  const out = new Uint8Array(rng.length(4096));
  for (let i = 0; i < out.length; i++) {
    const r = rng.next();
    if (!flavoured) out[i] = r & 0xff;
    else {
      const pick = (r >>> 8) % 10;
      out[i] = pick === 0 ? COMMAND_BYTES[r % COMMAND_BYTES.length]! : pick === 1 ? COMMAND_LETTERS[r % COMMAND_LETTERS.length]! : pick === 2 ? r & 0x07 : r & 0xff;
    }
  }
  return out;
}

function mutate(rng: Rng, corpus: Uint8Array[]): Uint8Array {
  const src = corpus[rng.below(corpus.length)]!;
  const from = rng.below(src.length);
  let data = Array.from(src.subarray(from, from + 1 + rng.below(16 * 1024)));
  const edits = 1 + rng.below(8);
  for (let e = 0; e < edits; e++) {
    const at = rng.below(data.length + 1);
    switch (rng.below(5)) {
      case 0: // flip bits
        if (data.length > 0) data[at % data.length]! ^= 1 << rng.below(8);
        break;
      case 1: // insert random bytes
        data.splice(at, 0, ...Array.from(randomBytes(rng, true).subarray(0, 1 + rng.below(8))));
        break;
      case 2: // delete a range
        data.splice(at, 1 + rng.below(64));
        break;
      case 3: {
        // splice in a piece of another capture
        const other = corpus[rng.below(corpus.length)]!;
        const o = rng.below(other.length);
        data.splice(at, rng.below(32), ...Array.from(other.subarray(o, o + 1 + rng.below(512))));
        break;
      }
      default: {
        // repeat a piece
        const piece = data.slice(at, at + 1 + rng.below(64));
        data.splice(at, 0, ...piece, ...piece);
      }
    }
    if (data.length > 64 * 1024) data = data.slice(0, 64 * 1024);
  }
  return Uint8Array.from(data);
}

function check(bytes: Uint8Array, docs: PrintedDocument[]): void {
  let at = 0;
  for (const d of docs) {
    if (d.start !== at || d.end < d.start) throw new Error(`document range ${d.start}-${d.end} does not follow ${at}`);
    at = d.end;
    if (d.blocks.length > DEFAULT_MAX_BLOCKS) throw new Error(`${d.blocks.length} blocks in one document`);
    if (d.issues.length > DEFAULT_MAX_ISSUES) throw new Error(`${d.issues.length} issues in one document`);
    for (const b of d.blocks) {
      if (b.kind === 'text') {
        if (b.spans.length > MAX_LINE_SPANS) throw new Error(`${b.spans.length} spans in one line`);
        let units = 0;
        for (const s of b.spans) units += s.text.length;
        if (units > MAX_LINE_UNITS) throw new Error(`${units} characters in one line`);
      } else if (b.kind === 'image' && b.bits.length > IMAGE_LIMIT) {
        throw new Error(`image of ${b.bits.length} bytes kept`);
      } else if ((b.kind === 'barcode' || b.kind === '2d') && b.data.length > 8192) {
        throw new Error(`${b.data.length} characters of code data kept`);
      }
    }
  }
  if (at !== bytes.length) throw new Error(`documents end at ${at}, stream at ${bytes.length}`);
}

const json = (docs: PrintedDocument[]): string =>
  JSON.stringify(docs, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));

/** Printer setups the inputs are decoded under: Epson's defaults, UTF-8, vendors' numbers, Star dialects, detection. */
const SETUPS: readonly DecoderOptions[] = [
  {},
  {},
  { characterEncoding: 'utf-8' },
  { codePageNumbering: 'generic', codePage: 6 },
  { dialect: 'star-line' },
  { dialect: 'star-prnt', codePageNumbering: 'star', codePage: 32 },
  { dialect: 'auto' },
  { model: 'xprinter-xp-n160ii' },
];

function decodeChunked(rng: Rng, bytes: Uint8Array, setup: DecoderOptions): PrintedDocument[] {
  const decoder = new Decoder(setup);
  const out: PrintedDocument[] = [];
  let from = 0;
  while (from < bytes.length) {
    const n = 1 + rng.below(Math.min(bytes.length - from, 1 + rng.below(600)));
    out.push(...decoder.write(bytes.subarray(from, from + n)));
    from += n;
  }
  out.push(...decoder.end());
  return out;
}

export function fuzzDecoder(opts: FuzzOptions): FuzzReport {
  const corpus = loadCorpus();
  const rng = new Rng(opts.seed ?? 1);
  const every = opts.progressEvery ?? 100_000;
  const report: FuzzReport = { inputs: 0, bytes: 0, documents: 0, chunkedChecks: 0, ms: 0, peakRssBytes: 0, peakHeapBytes: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    report.peakRssBytes = Math.max(report.peakRssBytes, m.rss);
    report.peakHeapBytes = Math.max(report.peakHeapBytes, m.heapUsed);
  };
  const t0 = performance.now();
  for (let n = 0; n < opts.count; n++) {
    const kind = rng.below(20);
    const bytes = kind < 7 ? randomBytes(rng, false) : kind < 12 ? randomBytes(rng, true) : mutate(rng, corpus);
    const setup = SETUPS[rng.below(SETUPS.length)]!;
    let docs: PrintedDocument[];
    try {
      docs = decode(bytes, setup);
      check(bytes, docs);
      if ((n & 63) === 0) {
        report.chunkedChecks++;
        if (json(decodeChunked(rng, bytes, setup)) !== json(docs)) throw new Error('chunked decode differs from one-shot decode');
      }
    } catch (err) {
      const hex = Buffer.from(bytes.subarray(0, 256)).toString('hex');
      const how = JSON.stringify(setup);
      throw new Error(`fuzz input #${n} (seed ${opts.seed ?? 1}, ${bytes.length} bytes, setup ${how}, starts ${hex}): ${String(err)}`, { cause: err });
    }
    report.inputs++;
    report.bytes += bytes.length;
    report.documents += docs.length;
    if ((n & 1023) === 0) sample();
    if (opts.onProgress !== undefined && (n + 1) % every === 0) opts.onProgress(n + 1);
  }
  sample();
  report.ms = performance.now() - t0;
  return report;
}

const mib = (b: number): string => (b / 1024 / 1024).toFixed(1) + ' MiB';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 1);
  if (!Number.isInteger(count) || count < 1) throw new Error(`usage: fuzz [count] [seed] (got count ${process.argv[2]})`);
  process.stdout.write(`fuzzing the decoder with ${count} inputs (seed ${seed})\n`);
  const r = fuzzDecoder({ count, seed, onProgress: (n) => process.stdout.write(`  ${n} inputs\n`) });
  process.stdout.write(
    [
      `inputs:          ${r.inputs} (${mib(r.bytes)} in total), no throw, all bounds held`,
      `documents:       ${r.documents}`,
      `chunked checks:  ${r.chunkedChecks} identical to one-shot`,
      `time:            ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.inputs / (r.ms / 1000))} inputs/s)`,
      `peak RSS:        ${mib(r.peakRssBytes)}`,
      `peak heap used:  ${mib(r.peakHeapBytes)}`,
    ].join('\n') + '\n',
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
