// The SQLite store on real files: bytes and baskets round-trip exactly, survive a reopen and another process,
// can be read while being written, and a full disk (SQLite's own SQLITE_FULL) loses no job.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newJobId } from '../../agent/capture/job-id.js';
import { basketsFromBytes, type Basket } from '../../agent/extract/index.js';
import { JobWriter, Store, StoreError, type JobRecord } from '../../agent/store/index.js';

const COFFEE = readFileSync('test/fixtures/receipts/coffee-tm-t88-card.bin');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

let clock = Date.parse('2026-11-23T09:00:00Z');
function job(bytes: Uint8Array, extra: Partial<JobRecord> = {}): JobRecord {
  clock += 1000;
  return { id: newJobId(clock), link: 'front', tillId: 'T1', peer: 'tcp 10.0.0.9:50000', capturedAt: new Date(clock), endedBy: 'cut', bytes, ...extra };
}

function basketsFor(record: JobRecord): Basket[] {
  return basketsFromBytes(record.bytes).map((b, i) => ({ ...b, id: i === 0 ? record.id : `${record.id}.${i}` }));
}

describe('Store', () => {
  it('keeps every byte value and a 10 MB job exactly, and the baskets as extracted', () => {
    const store = Store.open(Store.fileIn(join(dir, 'data')));
    const all = job(Uint8Array.from({ length: 256 }, (_, i) => i), { decodeError: 'test' });
    const big = job(randomBytes(10 * 1024 * 1024), { endedBy: 'max-bytes' });
    const receipt = job(COFFEE);
    const baskets = basketsFor(receipt);
    store.saveJob(all, []);
    store.saveJob(big, []);
    store.saveJob(receipt, baskets);
    expect(store.job(all.id)).toEqual({ ...all, bytes: Buffer.from(all.bytes) });
    expect(Buffer.from(store.job(big.id)!.bytes).equals(big.bytes)).toBe(true);
    const [stored] = store.basketsAfter(0);
    expect(stored).toMatchObject({ jobId: receipt.id, link: 'front', tillId: 'T1', capturedAt: receipt.capturedAt.toISOString() });
    expect(stored!.basket).toEqual(baskets[0]);
    expect(store.counts()).toEqual({ jobs: 3, baskets: 1, bytes: 256 + 10 * 1024 * 1024 + COFFEE.length });
    store.close();
  });

  it('saving the same job twice stores it once', () => {
    const store = Store.open(join(dir, 'p.db'));
    const receipt = job(COFFEE);
    store.saveJob(receipt, basketsFor(receipt));
    store.saveJob(receipt, basketsFor(receipt));
    expect(store.counts()).toMatchObject({ jobs: 1, baskets: 1 });
    store.close();
  });

  it('follows baskets by seq and lists jobs by capture time', () => {
    const store = Store.open(join(dir, 'p.db'));
    const jobs = Array.from({ length: 5 }, () => job(COFFEE));
    for (const j of jobs) store.saveJob(j, basketsFor(j));
    const first = store.basketsAfter(0, 2);
    expect(first.map((b) => b.jobId)).toEqual(jobs.slice(0, 2).map((j) => j.id));
    expect(store.basketsAfter(first[1]!.seq).map((b) => b.jobId)).toEqual(jobs.slice(2).map((j) => j.id));
    expect(store.latestBaskets(2).map((b) => b.jobId)).toEqual(jobs.slice(3).map((j) => j.id));
    expect(store.basketsSince(jobs[3]!.capturedAt).map((b) => b.jobId)).toEqual(jobs.slice(3).map((j) => j.id));
    expect([...store.jobsBetween(jobs[1]!.capturedAt, jobs[4]!.capturedAt)].map((j) => j.id)).toEqual(jobs.slice(1, 4).map((j) => j.id));
    store.close();
  });

  it('is durable across processes, and readable (WAL) while another connection writes', () => {
    const file = join(dir, 'p.db');
    const writer = Store.open(file);
    const reader = Store.open(file, { readonly: true });
    const receipt = job(COFFEE);
    writer.saveJob(receipt, basketsFor(receipt));
    expect(reader.basketsAfter(0)).toHaveLength(1);
    writer.close();
    reader.close();
    const child = spawnSync(process.execPath, ['-e', `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(file)}, { readonly: true });
      const row = db.prepare('SELECT id, size, hex(bytes) AS hex FROM jobs').get();
      process.stdout.write(JSON.stringify(row));
    `], { encoding: 'utf8' });
    expect(JSON.parse(child.stdout)).toEqual({ id: receipt.id, size: COFFEE.length, hex: COFFEE.toString('hex').toUpperCase() });
    expect(Store.open(file).pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('migrates a new file and refuses files that are not posbridge databases, in plain words', async () => {
    const store = Store.open(join(dir, 'new.db'));
    expect(store.pragma('user_version')).toEqual([{ user_version: 1 }]);
    store.close();
    await writeFile(join(dir, 'junk.db'), 'this is not a database, it is a receipt: TOTAL 9.35\n'.repeat(200));
    expect(() => Store.open(join(dir, 'junk.db'))).toThrow(/not a posbridge database|file is not a database/);
    expect(() => Store.open(join(dir, 'missing.db'), { readonly: true })).toThrow(StoreError);
  });
});

describe('JobWriter', () => {
  it('holds jobs while SQLite reports the disk full, and stores them all, in order, once there is room', () => {
    const store = Store.open(join(dir, 'p.db'));
    const writer = new JobWriter(store, { retryMs: 60_000 });
    writer.save(job(COFFEE), []);
    expect(writer.flush()).toBe(true);
    // A real SQLITE_FULL: the database may not grow past the pages it has.
    const pages = (store.pragma('page_count') as { page_count: number }[])[0]!.page_count;
    store.pragma(`max_page_count = ${pages}`);
    const held = Array.from({ length: 20 }, () => job(randomBytes(8192)));
    for (const j of held.slice(0, 10)) writer.save(j, []);
    expect(writer.flush()).toBe(false);
    // Jobs captured while the disk is full queue up behind, in order.
    for (const j of held.slice(10)) writer.save(j, []);
    expect(writer.pending).toBe(20);
    expect(store.counts().jobs).toBe(1);
    store.pragma('max_page_count = 1073741823');
    expect(writer.flush()).toBe(true);
    expect(writer.pending).toBe(0);
    const stored = [...store.jobsBetween(new Date(0), new Date(clock + 1))];
    expect(stored.map((j) => j.id).slice(1)).toEqual(held.map((j) => j.id));
    expect(stored.slice(1).map((j) => Buffer.from(j.bytes).toString('hex'))).toEqual(held.map((j) => Buffer.from(j.bytes).toString('hex')));
    writer.close();
    store.close();
  });

  it('drops only the oldest held jobs beyond its memory limit, counting them', () => {
    const store = Store.open(join(dir, 'p.db'));
    const writer = new JobWriter(store, { retryMs: 60_000, maxPendingBytes: 5 * 8192 });
    store.pragma('max_page_count = 1');
    const held = Array.from({ length: 8 }, () => job(randomBytes(8192)));
    for (const j of held) writer.save(j, []);
    expect(writer.flush()).toBe(false);
    expect(writer.dropped).toBe(3);
    expect(writer.pending).toBe(5);
    writer.close();
    store.close();
  });
});
