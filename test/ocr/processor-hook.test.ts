// The job processor's OCR hook, in-process with the real engine: the job is saved at once (raw, with any text
// basket), the OCR basket later through the same saver and the same job record. A picture receipt that also
// printed a few text lines keeps its text basket as revision 1 and gets the OCR basket as revision 2; a text
// receipt is never offered. Garbage pictures give a basket that says nothing could be read, never a throw.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JobProcessor } from '../../agent/daemon/job-processor.js';
import type { Basket } from '../../agent/extract/index.js';
import { log } from '../../agent/log.js';
import { DEFAULT_OCR_CONFIG, OcrService } from '../../agent/ocr/index.js';
import type { JobRecord } from '../../agent/store/index.js';
import { loadRasterCorpus } from './raster-corpus.js';

const corpus = loadRasterCorpus();
const quiet = log.child({ test: 'ocr-hook' });

function run(bytes: Buffer): { saves: { job: JobRecord; baskets: readonly Basket[] }[]; service: OcrService } {
  const saves: { job: JobRecord; baskets: readonly Basket[] }[] = [];
  const saver = { save: (job: JobRecord, baskets: readonly Basket[]) => void saves.push({ job, baskets }) };
  const service = new OcrService(DEFAULT_OCR_CONFIG, saver, { logger: quiet });
  const processor = new JobProcessor({ timezone: 'Europe/London', currency: 'GBP', profiles: [], links: {} }, saver, () => undefined, { ocr: service });
  processor.open(1, { link: 'front', tillId: 'T1', peer: 'test' });
  processor.data(1, bytes, Date.now());
  processor.end(1, 'session-end');
  return { saves, service };
}

/** GS v 0 of a width × height picture with the given rows of bits. */
function rasterCommand(width: number, height: number, bits: Buffer): Buffer {
  const stride = width / 8;
  return Buffer.concat([Buffer.from([0x1d, 0x76, 0x30, 0, stride & 0xff, stride >> 8, height & 0xff, height >> 8]), bits]);
}

describe('job processor OCR hook', () => {
  it('saves a picture receipt at once with no basket, then its OCR basket with the same job record', async () => {
    const job = corpus.jobs.find((j) => j.file === 'burger-shack-80mm-mono.ntp-gs-v-0.bin')!;
    const { saves, service } = run(Buffer.from(job.bytes));
    // Right after the job ended: stored raw, OCR under way.
    expect(saves).toHaveLength(1);
    expect(saves[0]!.baskets).toEqual([]);
    expect(service.status()).toMatchObject({ reading: true });
    await service.whenIdle();
    expect(saves).toHaveLength(2);
    const ocr = saves[1]!;
    expect(ocr.job).toBe(saves[0]!.job);
    expect(ocr.baskets).toHaveLength(1);
    expect(ocr.baskets[0]).toMatchObject({ id: saves[0]!.job.id, revision: 1, tillId: 'T1', total: job.expected.total });
    await service.stop();
  }, 300_000);

  it('gives a picture receipt with a printed text header its OCR basket as revision 2 beside the text one', async () => {
    const job = corpus.jobs.find((j) => j.file === 'green-grocer-80mm-sans.escpos-buffer-esc-star.bin')!;
    const header = Buffer.from('\x1b@ORDER 4711\n', 'latin1');
    const { saves, service } = run(Buffer.concat([header, Buffer.from(job.bytes)]));
    expect(saves[0]!.baskets.map((b) => b.revision)).toEqual([1]);
    await service.whenIdle();
    const ocr = saves.find((s) => s.baskets.some((b) => b.parser.ocr !== undefined))!;
    expect(ocr.baskets[0]).toMatchObject({ id: saves[0]!.baskets[0]!.id, revision: 2, total: job.expected.total });
    await service.stop();
  }, 300_000);

  it('never offers a text receipt', () => {
    const { saves, service } = run(Buffer.from(corpus.jobs[0]!.textBytes));
    expect(saves[0]!.baskets).toHaveLength(1);
    expect(service.status()).toMatchObject({ queued: 0, reading: false });
  });

  it('reads a picture of noise and a truncated picture to baskets that say so, without throwing', async () => {
    const noise = rasterCommand(576, 400, randomBytes(72 * 400));
    const truncated = rasterCommand(576, 400, randomBytes(72 * 100));
    const { saves, service } = run(Buffer.concat([Buffer.from('\x1b@'), noise, Buffer.from('\x1dV\x00'), truncated]));
    await service.whenIdle();
    const read = saves.flatMap((s) => s.baskets);
    expect(read.length).toBeGreaterThanOrEqual(1);
    for (const basket of read) {
      expect(basket.parser.ocr).toBeDefined();
      expect(basket.confidence).toBeLessThan(0.5);
      expect(basket.total).toBeNull();
    }
    await service.stop();
  }, 300_000);
});
