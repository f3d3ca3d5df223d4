// Decoder measures that need a fresh process: the peak RSS of a 10 MB job, and a fixed number of passes over the
// text-heavy job for instruction counts under callgrind. It imports the decoder module alone (not the package's
// index, no configuration or CLI), so what it measures is what decoding costs.
import { fileURLToPath } from 'node:url';
import { Decoder } from '../agent/decode/dialect-decoder.js';
import { decodeJobs, textReceipts } from './decode-jobs.js';
import { tableFloor } from './decode-floor.js';

export const CHUNK = 64 * 1024;
const TEN_MB = 10 * 1024 * 1024;

/** Decodes `job` in CHUNK-byte writes the way a capture feeds it; returns the number of documents. */
export function decodeInChunks(job: Uint8Array, decoder: Decoder = new Decoder()): number {
  let docs = 0;
  for (let i = 0; i < job.length; i += CHUNK) docs += decoder.write(job.subarray(i, i + CHUNK)).length;
  return docs + decoder.end().length;
}

export interface RssReport {
  job: string;
  bytes: number;
  documents: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  /** Heap still in use after a full GC at the end: what the decoder keeps, as opposed to garbage not yet collected. */
  retainedHeapMiB: number;
}

/** Decode a 10 MB job generated chunk by chunk (never held whole) and report RSS. */
function rss(kind: string): RssReport {
  const baseline = process.memoryUsage().rss;
  const decoder = new Decoder();
  let documents = 0;
  let bytes = 0;
  const feed = (chunk: Uint8Array): void => {
    documents += decoder.write(chunk).length;
    bytes += chunk.length;
  };
  if (kind === 'text') {
    const unit = textReceipts();
    while (bytes < TEN_MB) for (let i = 0; i < unit.length && bytes < TEN_MB; i += CHUNK) feed(unit.subarray(i, Math.min(i + CHUNK, unit.length)));
  } else {
    // Raster receipts: full-width 80 mm GS v 0 images of the most rows the command takes (72 bytes x 4095), each cut.
    const xBytes = 72;
    const rows = 4095;
    const data = new Uint8Array(xBytes * rows).fill(0xa5);
    while (bytes < TEN_MB) {
      feed(Uint8Array.from([0x1d, 0x76, 0x30, 0, xBytes, 0, rows & 0xff, rows >> 8]));
      for (let at = 0; at < data.length; at += CHUNK) feed(data.subarray(at, Math.min(at + CHUNK, data.length)));
      feed(Uint8Array.from([0x1d, 0x56, 0x00]));
    }
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

/** `count` passes of the floor or the decoder over the 4 MB text-heavy job (for instruction counts). */
function passes(what: string, count: number): number {
  const { text } = decodeJobs();
  let result = 0;
  for (let n = 0; n < count; n++) result += what === 'floor' ? tableFloor(text, CHUNK) : decodeInChunks(text);
  return result;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [mode, arg, count] = process.argv.slice(2);
  if (mode === 'rss') process.stdout.write(JSON.stringify(rss(arg ?? 'text')));
  else if (mode === 'passes') process.stdout.write(String(passes(arg ?? 'decoder', Number(count ?? 1))));
  else throw new Error('usage: decode-child rss text|raster | passes floor|decoder COUNT');
}
