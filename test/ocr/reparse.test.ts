// The re-parse entry point and the restart look-up, on a real SQLite store: a picture job stored raw shows up
// as waiting (no basket), a text job with its basket does not; ocrStoredJob reads the stored raw bytes again and
// its basket, saved with the same job record, adds a basket without a second job and ends the wait.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { extractBasket } from '../../agent/extract/index.js';
import { log } from '../../agent/log.js';
import { DEFAULT_OCR_CONFIG, DEFAULT_PSM, OcrEngine, ocrStoredJob } from '../../agent/ocr/index.js';
import { Store, type JobRecord } from '../../agent/store/index.js';
import { loadRasterCorpus } from './raster-corpus.js';

const engine = new OcrEngine({ languages: ['eng'], psm: DEFAULT_PSM, logger: log.child({ test: 'ocr-reparse' }) });
afterAll(() => engine.stop());

it('finds stored picture jobs without a basket, and reads one again from its raw bytes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'posbridge-ocr-reparse-'));
  const store = Store.open(Store.fileIn(dir));
  try {
    const job = loadRasterCorpus().jobs.find((j) => j.file === 'hardware-store-58mm-mono.receiptline-gs-8-l.bin')!;
    const base = { link: 'front', tillId: 'T1', peer: 'test', endedBy: 'cut' as const };
    const picture: JobRecord = { ...base, id: 'job-picture', capturedAt: new Date(Date.now() - 60_000), bytes: job.bytes };
    const text: JobRecord = { ...base, id: 'job-text', capturedAt: new Date(Date.now() - 30_000), bytes: job.textBytes };
    store.saveJobs([
      { job: picture, baskets: [] },
      { job: text, baskets: [extractBasket(decode(job.textBytes)[0]!, { id: 'job-text' })!] },
    ]);
    const since = new Date(Date.now() - 3600_000);
    expect(store.jobsWithoutBaskets(since, 10).map((j) => j.id)).toEqual(['job-picture']);
    expect(store.jobsWithoutBaskets(new Date(Date.now() - 45_000), 10)).toEqual([]);

    const stored = store.job('job-picture')!;
    const baskets = await ocrStoredJob(stored, engine, DEFAULT_OCR_CONFIG, { timezone: 'Europe/London', tillId: stored.tillId });
    expect(baskets).toHaveLength(1);
    expect(baskets[0]).toMatchObject({ id: 'job-picture', revision: 1, total: job.expected.total, tillId: 'T1' });
    expect(baskets[0]!.parser.ocr?.engine).toContain('tesseract.js');
    expect(await ocrStoredJob(stored, engine, { ...DEFAULT_OCR_CONFIG, enabled: false }, {})).toEqual([]);
    expect(await ocrStoredJob(store.job('job-text')!, engine, DEFAULT_OCR_CONFIG, {})).toEqual([]);

    store.saveJobs([{ job: stored, baskets }]);
    expect(store.counts()).toMatchObject({ jobs: 2, baskets: 2 });
    expect(store.jobsWithoutBaskets(since, 10)).toEqual([]);
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 300_000);
