// The OCR queue's bounds with the real engine and real corpus jobs: a full queue turns jobs away instead of
// growing, a job over its time limit gets a confidence-0 basket saying so and the engine comes back for the next
// one, pictures over the size limit are not read, turning OCR off (or a text receipt) queues nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import type { Basket } from '../../agent/extract/index.js';
import { log } from '../../agent/log.js';
import { DEFAULT_OCR_CONFIG, DEFAULT_PSM, OcrEngine, OcrService, readDocument, type OcrConfig, type OcrStatus } from '../../agent/ocr/index.js';
import type { JobRecord } from '../../agent/store/index.js';
import { loadRasterCorpus } from './raster-corpus.js';

const corpus = loadRasterCorpus();
const quiet = log.child({ test: 'ocr-service' });
const engine = new OcrEngine({ languages: ['eng'], psm: DEFAULT_PSM, logger: quiet });
afterAll(() => engine.stop());

function jobOf(file: string, id: string): { record: JobRecord; documents: { doc: ReturnType<typeof decode>[number]; ctx: { id: string; timezone: string } }[] } {
  const job = corpus.jobs.find((j) => j.file === file)!;
  const record: JobRecord = { id, link: 'front', tillId: 'front', peer: 'test', capturedAt: new Date(), endedBy: 'cut', bytes: job.bytes };
  return { record, documents: decode(job.bytes).map((doc, i) => ({ doc, ctx: { id: i === 0 ? id : `${id}.${i}`, timezone: corpus.timezone } })) };
}

function recordingSaver(): { saved: { job: JobRecord; baskets: readonly Basket[] }[]; save(job: JobRecord, baskets: readonly Basket[]): void } {
  const saved: { job: JobRecord; baskets: readonly Basket[] }[] = [];
  return { saved, save: (job, baskets) => saved.push({ job, baskets }) };
}

const config = (over: Partial<OcrConfig> = {}): OcrConfig => ({ ...DEFAULT_OCR_CONFIG, ...over });

describe('OCR service', () => {
  it('never queues more than maxQueue jobs: the rest are turned away, counted, and left without a basket', async () => {
    const saver = recordingSaver();
    const statuses: OcrStatus[] = [];
    const service = new OcrService(config({ maxQueue: 1 }), saver, { logger: quiet, onStatus: (s) => statuses.push(s) });
    const file = 'burger-shack-58mm-sans.rpe-gs-v-0.bin';
    const offered = ['a', 'b', 'c', 'd'].map((id) => {
      const { record, documents } = jobOf(file, id);
      return service.offer(record, documents);
    });
    // 'a' is being read, 'b' waits in the one place, 'c' and 'd' are turned away.
    expect(offered).toEqual([true, true, false, false]);
    expect(service.status()).toMatchObject({ queued: 1, reading: true, turnedAway: 2, maxQueue: 1 });
    expect(Math.max(...statuses.map((s) => s.queued))).toBe(1);
    await service.whenIdle();
    expect(saver.saved.map((s) => s.job.id)).toEqual(['a', 'b']);
    expect(saver.saved.every((s) => s.baskets.length === 1 && s.baskets[0]!.parser.ocr !== undefined)).toBe(true);
    expect(service.status()).toMatchObject({ queued: 0, reading: false, done: 2, failed: 0, turnedAway: 2 });
    await service.stop();
  }, 300_000);

  it('queues nothing with OCR off or for a text receipt', async () => {
    const saver = recordingSaver();
    const off = new OcrService(config({ enabled: false }), saver, { logger: quiet });
    const { record, documents } = jobOf('corner-coffee-80mm-mono.escpos-buffer-esc-star.bin', 'x');
    expect(off.offer(record, documents)).toBe(false);
    const on = new OcrService(config(), saver, { logger: quiet });
    const text = corpus.jobs[0]!.textBytes;
    expect(on.offer({ ...record, bytes: text }, decode(text).map((doc) => ({ doc, ctx: { id: 'x' } })))).toBe(false);
    expect(on.status()).toMatchObject({ queued: 0, reading: false, turnedAway: 0 });
    await Promise.all([off.stop(), on.stop()]);
    expect(saver.saved).toEqual([]);
  });

  it('stops a job past its time limit with a confidence-0 basket saying so, and reads the next job with a fresh engine', async () => {
    const { documents } = jobOf('hardware-store-80mm-sans.ntp-gs-v-0.bin', 'slow');
    const doc = documents.find((d) => d.doc.blocks.some((b) => b.kind === 'image'))!;
    const stopped = await readDocument(doc.doc, engine, doc.ctx, { timeoutMs: 5, maxImagePixels: DEFAULT_OCR_CONFIG.maxImagePixels });
    expect(stopped.document).toBeNull();
    expect(stopped.basket).toMatchObject({ id: 'slow', confidence: 0, items: [], checks: [{ name: 'ocr', ok: false, detail: 'OCR stopped after 5 ms' }] });
    expect(stopped.basket.parser.ocr?.engine).toContain('tesseract.js');
    expect(engine.started).toBe(false);
    const next = await readDocument(doc.doc, engine, doc.ctx, { timeoutMs: 120_000, maxImagePixels: DEFAULT_OCR_CONFIG.maxImagePixels });
    expect(next.basket.total).toBe(corpus.jobs.find((j) => j.file === 'hardware-store-80mm-sans.ntp-gs-v-0.bin')!.expected.total);
  }, 300_000);

  it('does not read pictures over the size limit', async () => {
    const { documents } = jobOf('green-grocer-80mm-sans.escpos-buffer-esc-star.bin', 'big');
    const doc = documents.find((d) => d.doc.blocks.some((b) => b.kind === 'image'))!;
    const refused = await readDocument(doc.doc, engine, doc.ctx, { timeoutMs: 120_000, maxImagePixels: 100_000 });
    expect(refused.basket.checks).toEqual([{ name: 'ocr', ok: false, detail: `pictures of ${refused.pixels} dots exceed the OCR limit of 100000` }]);
    expect(refused.pixels).toBeGreaterThan(100_000);
  });
});
