// Decoder figures: throughput of the compiled decoder on one core over a mixed corpus (text-heavy receipts,
// receipts with logos and raster images, QR / PDF417 codes), and peak RSS of a fresh process decoding a 10 MB
// job streamed in 64 KiB chunks the way a capture feeds it. Targets: >= 150 MB/s on text-heavy receipts,
// <= 64 MB RSS for a 10 MB job. Run alone with `npm run build && node dist/bench/decode.js`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decoder, type DecoderOptions } from '../agent/decode/index.js';
import { repoRoot } from './fuzz.js';

const CHUNK = 64 * 1024;
const TEN_MB = 10 * 1024 * 1024;

/** A supermarket-style receipt: header, ~60 item lines in two columns, totals, VAT table, cut. */
function textReceipt(n: number): Buffer {
  const parts: string[] = ['\x1b@', '\x1ba\x01\x1b!\x30BIG SHOP LTD\x1b!\x00\n', 'Unit 4, Retail Park, Leeds LS1 1AA\n', `VAT No. GB 123 4567 89   Receipt ${n}\n`, '\x1ba\x00\n'];
  let total = 0;
  for (let i = 0; i < 60; i++) {
    const pence = ((i * 7919 + n * 104729) % 1999) + 49;
    total += pence;
    const name = `ITEM ${String(i + 1).padStart(2, '0')} ${['MILK 2L', 'BREAD WHITE', 'BANANAS', 'CHEDDAR 400G', 'PASTA 500G'][i % 5]}`;
    const price = `${(pence / 100).toFixed(2)} ${i % 3 === 0 ? 'Z' : 'A'}`;
    parts.push(name + ' '.repeat(48 - name.length - price.length) + price + '\n');
    if (i % 10 === 9) parts.push('    2 @ 1.00 MULTIBUY SAVING      -0.50\n');
  }
  const t = (total / 100).toFixed(2);
  parts.push('-'.repeat(48) + '\n', `\x1bE\x01TOTAL${' '.repeat(43 - t.length)}${t}\x1bE\x00\n`);
  parts.push('VAT  RATE      NET      VAT     GROSS\n', 'A    20.0%   10.00     2.00     12.00\n', 'Z     0.0%    5.00     0.00      5.00\n');
  parts.push('\x1ba\x01Thank you for shopping with us\n\x1ba\x00', '\x1dV\x41\x03');
  return Buffer.from(parts.join(''), 'latin1');
}

/** The same receipt in Star Line mode: ESC GS a alignment, ESC i size, ESC E / ESC F emphasis, ESC d cut. */
function starTextReceipt(n: number): Buffer {
  const escpos = textReceipt(n).toString('latin1');
  const star = escpos
    .replace('\x1b@', '\x1b@\x1b\x1dt\x01')
    .replaceAll('\x1ba\x01', '\x1b\x1da\x01')
    .replaceAll('\x1ba\x00', '\x1b\x1da\x00')
    .replace('\x1b!\x30', '\x1bi\x01\x01')
    .replace('\x1b!\x00', '\x1bi\x00\x00')
    .replace('\x1bE\x01', '\x1bE')
    .replace('\x1bE\x00', '\x1bF')
    .replace('\x1dV\x41\x03', '\x1bd\x03');
  return Buffer.from(star, 'latin1');
}

function corpusFile(name: string): Buffer {
  return readFileSync(join(repoRoot(), 'test', 'fixtures', 'escpos-php', name));
}

function starFixture(name: string): Buffer {
  return readFileSync(join(repoRoot(), 'test', 'fixtures', 'star-receipts', name));
}

/** Repeats `unit` up to about `size` bytes. */
function repeatTo(unit: Buffer, size: number): Buffer {
  return Buffer.concat(new Array<Buffer>(Math.max(1, Math.ceil(size / unit.length))).fill(unit));
}

function decodeInChunks(job: Uint8Array, options?: DecoderOptions): number {
  const decoder = new Decoder(options);
  let docs = 0;
  for (let i = 0; i < job.length; i += CHUNK) docs += decoder.write(job.subarray(i, i + CHUNK)).length;
  return docs + decoder.end().length;
}

/** MB/s (10^6 bytes) decoding `job` repeatedly for at least `seconds`, after a warm-up. */
function throughput(job: Buffer, seconds: number, options?: DecoderOptions): number {
  for (let i = 0; i < 3; i++) decodeInChunks(job, options);
  let bytes = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    decodeInChunks(job, options);
    bytes += job.length;
    elapsed = performance.now() - t0;
  }
  return bytes / 1e6 / (elapsed / 1000);
}

interface RssReport {
  job: string;
  bytes: number;
  documents: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  /** Heap still in use after a full GC at the end: what the decoder keeps, as opposed to garbage not yet collected. */
  retainedHeapMiB: number;
}

/** In a fresh child: decode a 10 MB job generated chunk by chunk (never held whole) and report RSS. */
function rssChild(kind: string): RssReport {
  const baseline = process.memoryUsage().rss;
  const decoder = new Decoder();
  let documents = 0;
  let bytes = 0;
  const feed = (chunk: Uint8Array): void => {
    documents += decoder.write(chunk).length;
    bytes += chunk.length;
  };
  if (kind === 'text') {
    const unit = Buffer.concat(Array.from({ length: 16 }, (_, i) => textReceipt(i)));
    while (bytes < TEN_MB) for (let i = 0; i < unit.length && bytes < TEN_MB; i += CHUNK) feed(unit.subarray(i, Math.min(i + CHUNK, unit.length)));
  } else {
    // One raster image of 10 MB: 1600 dots wide, 52,429 rows — far above the 4 MiB image limit.
    const xBytes = 200;
    const rows = Math.ceil(TEN_MB / xBytes);
    feed(Uint8Array.from([0x1d, 0x76, 0x30, 0, xBytes, 0, rows & 0xff, rows >> 8]));
    const chunk = new Uint8Array(CHUNK).fill(0xa5);
    for (let left = xBytes * rows; left > 0; left -= CHUNK) feed(chunk.subarray(0, Math.min(CHUNK, left)));
    feed(Uint8Array.from([0x1d, 0x56, 0x00]));
  }
  documents += decoder.end().length;
  // maxRSS is the kernel's high-water mark for the whole process, in KiB.
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  (globalThis as { gc?: () => void }).gc?.();
  return {
    job: kind,
    bytes,
    documents,
    peakRssMiB,
    baselineRssMiB: baseline / 1024 / 1024,
    retainedHeapMiB: process.memoryUsage().heapUsed / 1024 / 1024,
  };
}

function measureRss(kind: string): RssReport {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--rss-child', kind], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`rss child (${kind}) failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as RssReport;
}

export async function benchDecode(): Promise<void> {
  const text = repeatTo(Buffer.concat(Array.from({ length: 16 }, (_, i) => textReceipt(i))), 4e6);
  const images = repeatTo(Buffer.concat(['receipt-with-logo.bin', 'bit-image.bin', 'graphics.bin', 'demo.bin'].map(corpusFile)), 4e6);
  const codes = repeatTo(Buffer.concat(['qr-code.bin', 'pdf417-code.bin', 'barcode.bin'].map(corpusFile)), 4e6);
  const mixed = repeatTo(Buffer.concat([text.subarray(0, 1e6), images.subarray(0, 1e6), codes.subarray(0, 1e6)]), 4e6);
  const starText = repeatTo(Buffer.concat(Array.from({ length: 16 }, (_, i) => starTextReceipt(i))), 4e6);
  const generated = repeatTo(
    Buffer.concat(['coffee-rpe-star-tsp650ii.bin', 'grocer-receiptline-starsbcs.bin', 'coffee-ntp-star.bin'].map(starFixture)),
    4e6,
  );
  const rows: [string, number][] = [
    ['text-heavy receipts', throughput(text, 2)],
    ['receipts with logos / raster images', throughput(images, 2)],
    ['QR / PDF417 / barcodes', throughput(codes, 2)],
    ['mixed', throughput(mixed, 2)],
    ['Star Line text-heavy receipts', throughput(starText, 2, { dialect: 'star-line' })],
    ['Star, auto-detected (link default)', throughput(starText, 2, { dialect: 'auto' })],
    ['Star receipts from generators', throughput(generated, 2, { dialect: 'star-line' })],
    ['ESC/POS text-heavy, auto-detected', throughput(text, 2, { dialect: 'auto' })],
  ];
  const out: string[] = [
    'decoder throughput (one core, 64 KiB chunks; targets >= 150 MB/s on ESC/POS, >= 100 MB/s on Star text-heavy receipts):',
  ];
  for (const [name, mbps] of rows) out.push(`  ${name.padEnd(38)} ${mbps.toFixed(0).padStart(6)} MB/s`);
  out.push('decoder memory, 10 MB job streamed in 64 KiB chunks in a fresh process (target <= 64 MB RSS):');
  for (const kind of ['text', 'raster']) {
    const r = measureRss(kind);
    const label = kind === 'text' ? 'text receipts' : 'one 10 MB raster image';
    out.push(
      `  ${label.padEnd(38)} peak RSS ${r.peakRssMiB.toFixed(1)} MiB (process at start ${r.baselineRssMiB.toFixed(1)} MiB, ` +
        `heap kept after GC ${r.retainedHeapMiB.toFixed(1)} MiB; ${r.documents} documents)`,
    );
  }
  process.stdout.write(out.join('\n') + '\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === '--rss-child') process.stdout.write(JSON.stringify(rssChild(process.argv[3] ?? 'text')));
  else await benchDecode();
}
