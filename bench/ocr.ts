// OCR figures over the raster-receipt corpus (test/fixtures/raster-receipts): time per receipt (decode, stack,
// preprocess, recognise, extract), the process's peak RSS while reading, and field accuracy beside the same
// receipts printed as text. Tesseract recognises on one thread, and receipts are read one at a time as the
// daemon's queue does, so this is one core's figure. Targets: a receipt in well under the 60 s job limit on a
// till PC (aim < 5 s), peak RSS under the 768 MB memoryLimitMb default.
// BENCH_OCR_SWEEP=1 also compares page segmentation modes and preprocessing (how the defaults were chosen).
// Run alone with `npm run build && node dist/bench/ocr.js`.
import { fileURLToPath } from 'node:url';
import { decode } from '../agent/decode/index.js';
import { extractBasket } from '../agent/extract/index.js';
import { log } from '../agent/log.js';
import { DEFAULT_OCR_CONFIG, DEFAULT_PREPROCESSING, DEFAULT_PSM, needsOcr, OcrEngine, readDocument } from '../agent/ocr/index.js';
import type { Preprocessing } from '../agent/ocr/page.js';
import { loadRasterCorpus, meanScores, overall, scoreBasket, type Field } from '../test/ocr/raster-corpus.js';

const line = (label: string, value: string): void => void process.stdout.write(`${label.padEnd(44)}${value}\n`);
const mb = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MB`;

interface Run {
  msPerReceipt: number[];
  ocr: Record<Field, number>[];
  text: Record<Field, number>[];
  peakRss: number;
}

async function readCorpus(psm: string, pre: Preprocessing): Promise<Run> {
  const corpus = loadRasterCorpus();
  const engine = new OcrEngine({ languages: ['eng'], psm, logger: log.child({ bench: 'ocr' }) });
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const run: Run = { msPerReceipt: [], ocr: [], text: [], peakRss: 0 };
  try {
    for (const job of corpus.jobs) {
      const ctx = { id: job.file, timezone: corpus.timezone, currency: corpus.currency };
      const t0 = performance.now();
      const doc = decode(job.bytes).find((d) => needsOcr(d, DEFAULT_OCR_CONFIG.minImageShare))!;
      const reading = await readDocument(doc, engine, ctx, { timeoutMs: 120_000, maxImagePixels: DEFAULT_OCR_CONFIG.maxImagePixels }, pre);
      run.msPerReceipt.push(performance.now() - t0);
      run.ocr.push(scoreBasket(reading.basket, job.expected));
      run.text.push(scoreBasket(extractBasket(decode(job.textBytes)[0]!, ctx), job.expected));
    }
  } finally {
    clearInterval(sampler);
    await engine.stop();
  }
  run.peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return run;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchOcr(): Promise<void> {
  const baseline = process.memoryUsage.rss();
  // The first receipt also pays for the engine start (wasm compile, model load): reported apart.
  const run = await readCorpus(DEFAULT_PSM, DEFAULT_PREPROCESSING);
  const [first, ...rest] = run.msPerReceipt;
  line('corpus', `${run.msPerReceipt.length} picture receipts (58 and 80 mm, 2 fonts, 5 encoders)`);
  line('settings', `psm ${DEFAULT_PSM}, scale ${DEFAULT_PREPROCESSING.scale}, threshold ${DEFAULT_PREPROCESSING.threshold ?? 'none (grey edges)'}`);
  line('first receipt (engine start included)', `${Math.round(first!)} ms`);
  line('per receipt after that', `median ${Math.round(median(rest))} ms, max ${Math.round(Math.max(...rest))} ms (aim < 5,000)`);
  line('peak RSS while reading', `${mb(run.peakRss)} (before: ${mb(baseline)}; limit default 768 MB)`);
  const ocr = meanScores(run.ocr);
  const text = meanScores(run.text);
  line('field accuracy, OCR vs text', `${overall(ocr).toFixed(3)} vs ${overall(text).toFixed(3)} (target >= 0.95 of text)`);
  if (process.env.BENCH_OCR_SWEEP === '1') {
    for (const psm of ['4', '6']) {
      for (const pre of [{ scale: 1, threshold: null }, { scale: 2, threshold: null }, { scale: 2, threshold: 128 }, { scale: 3, threshold: 128 }]) {
        const r = await readCorpus(psm, pre);
        line(`  psm ${psm}, scale ${pre.scale}, threshold ${pre.threshold ?? '-'}`, `accuracy ${overall(meanScores(r.ocr)).toFixed(3)}, median ${Math.round(median(r.msPerReceipt))} ms`);
      }
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchOcr();
