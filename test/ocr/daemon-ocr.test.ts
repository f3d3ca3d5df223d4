// OCR in the real daemon (`posbridge run`, compiled): a picture receipt sent over TCP is printed byte for byte at
// once, stored raw at once, and its OCR basket arrives later through the store; `status` shows the OCR queue. A
// job stored while OCR was off is read when the daemon starts again with it on (jobs waiting for OCR survive a
// restart).
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlRequest } from '../../agent/control/index.js';
import type { OcrStatus } from '../../agent/ocr/index.js';
import { Store, type StoredBasket } from '../../agent/store/index.js';
import { freePort, printJob, startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon.js';
import { loadRasterCorpus } from './raster-corpus.js';

const job = loadRasterCorpus().jobs.find((j) => j.file === 'corner-coffee-80mm-sans.rpe-gs-v-0.bin')!;
const bytes = Buffer.from(job.bytes);

let dir: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-ocr-'));
});

afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

function stored(dataDir: string): { jobs: number; baskets: StoredBasket[] } {
  if (!existsSync(Store.fileIn(dataDir))) return { jobs: 0, baskets: [] };
  let store: Store;
  try {
    store = Store.open(Store.fileIn(dataDir), { readonly: true });
  } catch {
    return { jobs: 0, baskets: [] };
  }
  try {
    return { jobs: store.counts().jobs, baskets: store.basketsAfter(0) };
  } finally {
    store.close();
  }
}

function config(data: string, port: number, ocr: Record<string, unknown>) {
  return { dataDir: data, currency: 'GBP', links: [{ name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port }, printer: { kind: 'file', path: join(dir, 'printed') } }], ocr };
}

const printed = async (): Promise<Buffer[]> => {
  const names = (await readdir(join(dir, 'printed')).catch(() => [] as string[])).filter((n) => n.endsWith('.bin')).sort();
  return Promise.all(names.map((n) => readFile(join(dir, 'printed', n))));
};

describe('OCR in the daemon', () => {
  it('prints and stores a picture receipt at once, then stores its OCR basket; status shows the queue', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    daemon = await startDaemon(config(data, port, {}), { dir });
    await printJob(port, bytes);
    expect(await waitFor(printed, (files) => files.length === 1, 'the printed job', 30_000)).toEqual([bytes]);
    // Stored raw straight away, before any OCR basket exists (the processing path never waits for OCR).
    await waitFor(() => stored(data).jobs, (n) => n >= 1, 'the stored job', 30_000);
    const [ocr] = (await waitFor(() => stored(data).baskets, (rows) => rows.length === 1, 'the OCR basket', 180_000)).map((r) => r.basket);
    expect(ocr!.id).toBe(stored(data).baskets[0]!.jobId);
    expect(ocr!.revision).toBe(1);
    expect(ocr!.parser.ocr?.engine).toContain('tesseract.js');
    expect(ocr!.total).toBe(job.expected.total);
    expect(ocr!.items.map((i) => i.amount)).toEqual(job.expected.items.map((i) => i.amount));
    const status = (await waitFor(
      () => controlRequest(data, { op: 'status' }) as Promise<{ ocr: OcrStatus; links: { jobs: number; baskets: number; lastBasket: { items: number } | null }[] }>,
      (s) => s.ocr.done === 1,
      'the OCR status',
      30_000,
    ));
    expect(status.ocr).toMatchObject({ enabled: true, queued: 0, reading: false, done: 1, failed: 0, turnedAway: 0, maxQueue: 64, engineRunning: true });
    // The link's figures count the OCR basket, and not its job a second time.
    expect(status.links[0]).toMatchObject({ jobs: stored(data).jobs, baskets: 1, lastBasket: { items: job.expected.items.length } });
    expect(daemon.logs.some((l) => l.msg === 'receipt captured' && l.readBy === 'ocr')).toBe(true);
    expect(status.ocr.lastMs).toBeGreaterThan(0);
    expect(daemon.logs.some((l) => l.msg === 'job read by OCR')).toBe(true);
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 300_000);

  it('keeps a picture job stored raw while OCR is off, and reads it when the daemon starts again with OCR on', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    daemon = await startDaemon(config(data, port, { enabled: false }), { dir });
    await printJob(port, bytes);
    // The receipt alone: the two bytes the encoder sends after its cut print nothing, so they are no job.
    const jobs = await waitFor(() => stored(data).jobs, (n) => n === 1, 'the stored jobs', 30_000);
    const off = (await controlRequest(data, { op: 'status' })) as { ocr: OcrStatus };
    expect(off.ocr).toMatchObject({ enabled: false, queued: 0, done: 0 });
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(stored(data).baskets).toEqual([]);

    daemon = await startDaemon(config(data, port, { enabled: true }), { dir });
    const rows = await waitFor(() => stored(data).baskets, (r) => r.length === 1, 'the recovered OCR basket', 180_000);
    expect(rows[0]!.basket.parser.ocr).toBeDefined();
    expect(rows[0]!.basket.total).toBe(job.expected.total);
    expect(stored(data).jobs).toBe(jobs);
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 300_000);
});
