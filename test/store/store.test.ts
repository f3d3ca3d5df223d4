// The SQLite store on real files: bytes and baskets round-trip exactly, survive a process killed after saving,
// can be read while being written, refuse files that are not theirs in plain words, and a full disk (SQLite's own
// SQLITE_FULL) loses no job.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Basket } from '../../agent/extract/index.js';
import { Store, StoreError } from '../../agent/store/index.js';
import { MIGRATIONS } from '../../agent/store/schema.js';
import { STORE_SOURCES, expectFreshBuild } from './built.js';
import { COFFEE, afterAllJobs, basketsFor, job } from './jobs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function storeError(run: () => unknown): StoreError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

describe('Store', () => {
  it('keeps every byte value and a 10 MB job exactly, and the baskets as extracted', () => {
    const store = Store.open(Store.fileIn(join(dir, 'new', 'folder')));
    const all = job(Uint8Array.from({ length: 256 }, (_, i) => i), { decodeError: 'test' });
    const big = job(randomBytes(10 * 1024 * 1024), { endedBy: 'max-bytes' });
    const receipt = job(COFFEE);
    const baskets = basketsFor(receipt);
    expect(baskets.length).toBeGreaterThan(0);
    store.saveJob(all, []);
    store.saveJob(big, []);
    store.saveJob(receipt, baskets);
    expect(store.job(all.id)).toEqual({ ...all, bytes: Buffer.from(all.bytes) });
    expect(Buffer.from(store.job(big.id)!.bytes).equals(big.bytes)).toBe(true);
    expect(store.job(big.id)!.endedBy).toBe('max-bytes');
    expect(store.job('no-such-job')).toBeUndefined();
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

  it('stores a job and its baskets together or not at all', () => {
    const store = Store.open(join(dir, 'p.db'));
    const receipt = job(COFFEE);
    const [basket] = basketsFor(receipt);
    // A basket SQLite rejects (kind is NOT NULL) fails the whole transaction: the job row is not left behind.
    const broken = { ...basket!, kind: null } as unknown as Basket;
    expect(storeError(() => store.saveJob(receipt, [basket!, { ...broken, id: 'other' }])).message).toContain(`cannot store job ${receipt.id}`);
    expect(store.counts()).toEqual({ jobs: 0, baskets: 0, bytes: 0 });
    store.saveJob(receipt, [basket!]);
    expect(store.counts()).toMatchObject({ jobs: 1, baskets: 1 });
    store.close();
  });

  it('follows baskets by seq, filters by link and time, and lists jobs by capture time', () => {
    const store = Store.open(join(dir, 'p.db'));
    expect(store.lastSeq()).toBe(0);
    const jobs = Array.from({ length: 6 }, (_, i) => job(COFFEE, { link: i % 2 === 0 ? 'front' : 'back' }));
    for (const j of jobs) store.saveJob(j, basketsFor(j));
    const ids = (rows: { jobId: string }[]): string[] => rows.map((b) => b.jobId);
    const first = store.basketsAfter(0, 2);
    expect(ids(first)).toEqual(jobs.slice(0, 2).map((j) => j.id));
    expect(ids(store.basketsAfter(first[1]!.seq))).toEqual(jobs.slice(2).map((j) => j.id));
    expect(store.lastSeq()).toBe(store.basketsAfter(0).at(-1)!.seq);
    expect(ids(store.latestBaskets(2))).toEqual(jobs.slice(4).map((j) => j.id));
    expect(ids(store.latestBaskets(2, 'back'))).toEqual([jobs[3]!.id, jobs[5]!.id]);
    expect(ids(store.basketsSince(jobs[3]!.capturedAt))).toEqual(jobs.slice(3).map((j) => j.id));
    const since = store.baskets({ since: jobs[1]!.capturedAt, link: 'front', limit: 1 });
    expect(ids(since)).toEqual([jobs[2]!.id]);
    expect(ids(store.baskets({ since: jobs[1]!.capturedAt, link: 'front', afterSeq: since[0]!.seq }))).toEqual([jobs[4]!.id]);
    expect([...store.jobsBetween(jobs[1]!.capturedAt, jobs[4]!.capturedAt)].map((j) => j.id)).toEqual(jobs.slice(1, 4).map((j) => j.id));
    store.close();
  });

  it('keeps what a process saved even when it is killed straight after, without closing', () => {
    expectFreshBuild(STORE_SOURCES);
    const file = join(dir, 'p.db');
    const receipt = job(COFFEE);
    const baskets = basketsFor(receipt);
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { readFileSync } from 'node:fs';
      const { Store } = await import(${JSON.stringify(resolve('dist/agent/store/index.js'))});
      const input = JSON.parse(readFileSync(0, 'utf8'));
      const store = Store.open(${JSON.stringify(file)});
      store.saveJob({ ...input.job, capturedAt: new Date(input.job.capturedAt), bytes: Buffer.from(input.hex, 'hex') }, input.baskets);
      process.kill(process.pid, 'SIGKILL');
    `], {
      input: JSON.stringify({ job: { ...receipt, bytes: undefined }, hex: COFFEE.toString('hex'), baskets }),
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.signal).toBe('SIGKILL');
    const store = Store.open(file, { readonly: true });
    expect(store.job(receipt.id)).toEqual({ ...receipt, bytes: COFFEE, decodeError: null });
    expect(store.basketsAfter(0).map((b) => b.basket)).toEqual(baskets);
    store.close();
  });

  it('can be read (read-only, WAL) while another connection is in the middle of writing', () => {
    const file = join(dir, 'p.db');
    const writer = Store.open(file);
    const reader = Store.open(file, { readonly: true });
    const receipt = job(COFFEE);
    writer.saveJob(receipt, basketsFor(receipt));
    expect(reader.basketsAfter(0)).toHaveLength(1);
    expect(writer.pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    // A second process's write transaction, left open: the reader neither waits (it would time out after
    // busy_timeout and throw) nor sees the uncommitted row.
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    other.prepare("INSERT INTO jobs VALUES ('x', 'front', 'T1', 'p', '2026-11-23T10:00:00.000Z', 'cut', 1, x'00', NULL)").run();
    expect(reader.counts().jobs).toBe(1);
    other.exec('COMMIT');
    expect(reader.counts().jobs).toBe(2);
    other.close();
    expect(storeError(() => reader.saveJob(job(COFFEE), [])).message).toContain('read-only');
    writer.close();
    reader.close();
  });

  it("keeps each connection's page cache at SQLite's 2 MiB, not better-sqlite3's 16 MB (the daemon's memory in a flood)", () => {
    const file = join(dir, 'p.db');
    const writer = Store.open(file);
    const reader = Store.open(file, { readonly: true });
    // Negative: KiB, whatever the page size.
    expect(writer.pragma('cache_size')).toEqual([{ cache_size: -2048 }]);
    expect(reader.pragma('cache_size')).toEqual([{ cache_size: -2048 }]);
    writer.close();
    reader.close();
  });

  it('migrates a new file to the current schema version', () => {
    const store = Store.open(join(dir, 'new.db'));
    expect(store.pragma('user_version')).toEqual([{ user_version: MIGRATIONS.length }]);
    expect(store.pragma('foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    expect(store.pragma('synchronous')).toEqual([{ synchronous: 2 }]);
    store.close();
    // Reopening an up-to-date file changes nothing.
    const again = Store.open(join(dir, 'new.db'));
    expect(again.pragma('user_version')).toEqual([{ user_version: MIGRATIONS.length }]);
    again.close();
  });

  it('refuses files that are not posbridge databases, in plain words, and leaves them untouched', async () => {
    const junk = join(dir, 'junk.db');
    await writeFile(junk, 'this is not a database, it is a receipt: TOTAL 9.35\n'.repeat(200));
    const notSqlite = storeError(() => Store.open(junk));
    expect(notSqlite.code).toBe('SQLITE_NOTADB');
    expect(notSqlite.message).toMatch(/^cannot open the store .*junk\.db: not a posbridge database/);

    const foreign = join(dir, 'accounts.db');
    const db = new Database(foreign);
    db.exec("CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('Ada')");
    db.close();
    const before = await readFile(foreign);
    for (const readonly of [false, true]) {
      const error = storeError(() => Store.open(foreign, { readonly }));
      expect(error.code).toBe('POSBRIDGE_NOT_A_STORE');
      expect(error.message).toContain('is not a posbridge database');
    }
    expect((await readFile(foreign)).equals(before)).toBe(true);

    const newer = join(dir, 'newer.db');
    Store.open(newer).close();
    const raw = new Database(newer);
    raw.pragma('user_version = 99');
    raw.close();
    expect(storeError(() => Store.open(newer)).code).toBe('POSBRIDGE_TOO_NEW');
    expect(storeError(() => Store.open(newer, { readonly: true })).message).toContain('upgrade posbridge');
  });

  it('says so when the file is missing, not created yet, or its folder cannot be made', async () => {
    expect(storeError(() => Store.open(join(dir, 'missing.db'), { readonly: true })).code).toBe('SQLITE_CANTOPEN');
    await writeFile(join(dir, 'empty.db'), '');
    expect(storeError(() => Store.open(join(dir, 'empty.db'), { readonly: true })).code).toBe('POSBRIDGE_NOT_READY');
    await writeFile(join(dir, 'a-file'), 'x');
    expect(storeError(() => Store.open(join(dir, 'a-file', 'data', 'posbridge.db'))).message).toMatch(/^cannot open the store .*: ENOTDIR/);
  });

  it('reports a damaged file as a StoreError when it is read', async () => {
    const file = join(dir, 'p.db');
    const store = Store.open(file);
    for (let i = 0; i < 50; i++) {
      const j = job(COFFEE);
      store.saveJob(j, basketsFor(j));
    }
    store.close();
    const bytes = await readFile(file);
    const pageSize = bytes.readUInt16BE(16);
    // Keep page 1 (header and schema), scribble over every table and index page.
    bytes.fill(0x55, pageSize);
    await writeFile(file, bytes);
    const damaged = Store.open(file, { readonly: true });
    const error = storeError(() => damaged.basketsAfter(0));
    expect(error.code).toMatch(/^SQLITE_CORRUPT/);
    expect(error.message).toContain('database file is damaged');
    expect(storeError(() => [...damaged.jobsBetween(new Date(0), afterAllJobs())]).code).toMatch(/^SQLITE_CORRUPT/);
    damaged.close();
  });

  it('makes the folder 0700 and the database, its WAL and SHM 0600, so no other user can read receipts', async () => {
    const folder = join(dir, 'private', 'data');
    const store = Store.open(Store.fileIn(folder));
    const receipt = job(COFFEE);
    store.saveJob(receipt, basketsFor(receipt));
    const mode = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);
    expect(await mode(folder)).toBe('700');
    for (const suffix of ['', '-wal', '-shm']) expect([suffix, await mode(Store.fileIn(folder) + suffix)]).toEqual([suffix, '600']);
    store.close();
  });
});
