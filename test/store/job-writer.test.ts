// JobWriter against real store failures: SQLite's own SQLITE_FULL (PRAGMA max_page_count) and SQLITE_BUSY (another
// connection holding the write lock). Jobs are held, one error is logged per outage, and all are stored in capture
// order once the store works again, by the retry timer or by flush().
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobWriter, Store, type JobRecord } from '../../agent/store/index.js';
import { COFFEE, afterAllJobs, basketsFor, job } from './jobs.js';

interface LogLine {
  level: number;
  msg: string;
  component?: string;
  reason?: string;
  code?: string;
  job?: string;
}

let dir: string;
let store: Store;
let logged: LogLine[];
const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line) as LogLine) });
const ERROR = 50;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-writer-'));
  store = Store.open(join(dir, 'p.db'));
  logged = [];
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

function diskFull(): void {
  const [{ page_count: pages }] = store.pragma('page_count') as [{ page_count: number }];
  store.pragma(`max_page_count = ${pages}`);
}

function diskFreed(): void {
  store.pragma('max_page_count = 1073741823');
}

function storedIds(): string[] {
  return [...store.jobsBetween(new Date(0), afterAllJobs())].map((j) => j.id);
}

const ids = (jobs: JobRecord[]): string[] => jobs.map((j) => j.id);

describe('JobWriter', () => {
  it('writes the jobs saved in one turn of the event loop together, without being asked', async () => {
    const writer = new JobWriter(store, { logger });
    const jobs = Array.from({ length: 3 }, () => job(COFFEE));
    for (const j of jobs) writer.save(j, basketsFor(j));
    expect(writer.pending).toBe(3);
    await expect.poll(() => writer.pending).toBe(0);
    expect(storedIds()).toEqual(ids(jobs));
    expect(store.counts().baskets).toBe(3);
    expect(logged).toEqual([]);
    writer.close();
  });

  it('holds jobs while SQLite reports the disk full, logs it once, and stores them all, in order, once there is room', () => {
    const writer = new JobWriter(store, { retryMs: 60_000, logger });
    const first = job(COFFEE);
    writer.save(first, basketsFor(first));
    expect(writer.flush()).toBe(true);
    diskFull();
    const held = Array.from({ length: 20 }, () => job(randomBytes(8192)));
    for (const j of held.slice(0, 10)) writer.save(j, []);
    expect(writer.flush()).toBe(false);
    // Jobs captured while the disk is full queue up behind, in order; more failed attempts log nothing new.
    for (const j of held.slice(10)) writer.save(j, []);
    expect(writer.flush()).toBe(false);
    expect(writer.pending).toBe(20);
    expect(store.counts().jobs).toBe(1);
    expect(logged.filter((l) => l.level >= ERROR)).toEqual([
      expect.objectContaining({ component: 'store', code: 'SQLITE_FULL', msg: expect.stringContaining('holding them in memory') }),
    ]);
    expect(logged[0]!.reason).toContain('disk full');

    diskFreed();
    expect(writer.flush()).toBe(true);
    expect(writer.pending).toBe(0);
    expect(writer.dropped).toBe(0);
    expect(storedIds()).toEqual([first.id, ...ids(held)]);
    const stored = [...store.jobsBetween(new Date(0), afterAllJobs())].slice(1);
    expect(stored.map((j) => Buffer.from(j.bytes).toString('hex'))).toEqual(held.map((j) => Buffer.from(j.bytes).toString('hex')));
    expect(logged.at(-1)).toMatchObject({ level: 30, msg: expect.stringContaining('writable again') });
    writer.close();
  });

  it('retries on its own every retryMs until the store works again', async () => {
    const writer = new JobWriter(store, { retryMs: 20, logger });
    diskFull();
    const held = Array.from({ length: 5 }, () => job(randomBytes(8192)));
    for (const j of held) writer.save(j, []);
    await expect.poll(() => logged.length).toBe(1);
    // Several retries fail in the meantime, quietly.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(writer.pending).toBe(5);
    expect(logged).toHaveLength(1);
    diskFreed();
    await expect.poll(() => writer.pending).toBe(0);
    expect(storedIds()).toEqual(ids(held));
    writer.close();
  });

  it('holds jobs while another process holds the write lock', () => {
    const writer = new JobWriter(store, { retryMs: 60_000, logger });
    // Without this the writer would wait out the lock for busy_timeout (5 s) before failing.
    store.pragma('busy_timeout = 0');
    const other = new Database(join(dir, 'p.db'));
    other.exec('BEGIN IMMEDIATE');
    const locked = job(COFFEE);
    writer.save(locked, basketsFor(locked));
    expect(writer.flush()).toBe(false);
    expect(logged[0]).toMatchObject({ code: 'SQLITE_BUSY', reason: expect.stringContaining('database locked') });
    other.exec('COMMIT');
    other.close();
    expect(writer.flush()).toBe(true);
    expect(storedIds()).toEqual([locked.id]);
    expect(store.counts().baskets).toBe(1);
    writer.close();
  });

  it('drops only the oldest held jobs beyond its memory limit, naming each, and keeps the rest', () => {
    const writer = new JobWriter(store, { retryMs: 60_000, maxPendingBytes: 5 * 8192, logger });
    diskFull();
    const held = Array.from({ length: 8 }, () => job(randomBytes(8192)));
    for (const j of held) writer.save(j, []);
    expect(writer.flush()).toBe(false);
    expect(writer.dropped).toBe(3);
    expect(writer.pending).toBe(5);
    expect(logged.filter((l) => l.job !== undefined).map((l) => l.job)).toEqual(ids(held.slice(0, 3)));
    diskFreed();
    expect(writer.flush()).toBe(true);
    expect(storedIds()).toEqual(ids(held.slice(3)));
    writer.close();
  });

  it('never throws, even on a closed store, and after close() stops retrying but keeps the jobs countable', async () => {
    const writer = new JobWriter(store, { retryMs: 10, logger });
    store.close();
    const kept = job(COFFEE);
    expect(() => writer.save(kept, [])).not.toThrow();
    expect(writer.flush()).toBe(false);
    writer.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged).toHaveLength(1);
    expect(writer.pending).toBe(1);
    store = Store.open(join(dir, 'p.db'));
  });

  it('dead-letters a job SQLite refuses (a NOT NULL constraint) with the reason, and stores the jobs around it', async () => {
    const health: unknown[] = [];
    const writer = new JobWriter(store, { retryMs: 60_000, logger, onHealth: (h) => health.push(h) });
    const [before, bad, after] = [job(COFFEE), job(COFFEE), job(COFFEE)];
    // An extractor bug: a confidence that is not a number, which SQLite stores as NULL and the schema refuses.
    const badBaskets = basketsFor(bad).map((b) => ({ ...b, confidence: Number.NaN }));
    writer.save(before, basketsFor(before));
    writer.save(bad, badBaskets);
    writer.save(after, basketsFor(after));
    expect(writer.flush()).toBe(true);
    expect(storedIds()).toEqual([before.id, after.id]);
    expect(store.counts().baskets).toBe(2);
    const [dead] = store.deadJobs();
    expect(dead).toMatchObject({ id: bad.id, link: 'front', size: COFFEE.length, reason: expect.stringContaining('NOT NULL constraint failed: baskets.confidence') });
    expect(Buffer.from(dead!.bytes!).equals(COFFEE)).toBe(true);
    expect(writer.health).toMatchObject({ outage: null, deadLettered: 1, pendingJobs: 0, lastDeadLetter: { job: bad.id, reason: dead!.reason } });
    expect(health).toHaveLength(1);
    expect(logged.filter((l) => l.level >= ERROR)).toEqual([expect.objectContaining({ job: bad.id, msg: expect.stringContaining('dead_jobs') })]);
    // Storage goes on: the next job is written in the next turn as usual.
    const later = job(COFFEE);
    writer.save(later, basketsFor(later));
    await expect.poll(() => writer.pending).toBe(0);
    expect(storedIds()).toEqual([before.id, after.id, later.id]);
    writer.close();
  });

  it('reports an outage while it lasts, says whether someone must act, and calls back once held jobs are on disk', () => {
    const health: { outage: { code: string; needsOperator: boolean } | null }[] = [];
    const writer = new JobWriter(store, { retryMs: 60_000, logger, onHealth: (h) => health.push(h as never) });
    diskFull();
    const held = job(randomBytes(8192));
    writer.save(held, []);
    let durable = false;
    writer.whenDurable(() => {
      durable = true;
    });
    expect(writer.flush()).toBe(false);
    expect(durable).toBe(false);
    expect(writer.health.outage).toMatchObject({ code: 'SQLITE_FULL', needsOperator: false, reason: expect.stringContaining('disk full') });
    diskFreed();
    expect(writer.flush()).toBe(true);
    expect(durable).toBe(true);
    expect(writer.health.outage).toBeNull();
    expect(health.map((h) => h.outage?.code ?? null)).toEqual(['SQLITE_FULL', null]);
    writer.close();
  });

  it('writes capture journal entries in order with the jobs: a session, its chunks, how far jobs hold them, its end', () => {
    const writer = new JobWriter(store, { logger });
    const info = { link: 'front', tillId: 'T1', peer: 'tcp 10.0.0.9:1' };
    writer.journal({ t: 'open', key: 'k1', info, openedAt: Date.now() });
    writer.journal({ t: 'chunk', key: 'k1', offset: 0, at: 1, bytes: Buffer.from('abc') });
    writer.journal({ t: 'chunk', key: 'k1', offset: 3, at: 2, bytes: Buffer.from('def') });
    writer.journal({ t: 'open', key: 'k2', info, openedAt: Date.now() });
    writer.journal({ t: 'chunk', key: 'k2', offset: 0, at: 3, bytes: Buffer.from('xyz') });
    expect(writer.flush()).toBe(true);
    expect(store.journalledSessions()).toEqual([
      { key: 'k1', info, consumed: 0 },
      { key: 'k2', info, consumed: 0 },
    ]);
    writer.journal({ t: 'consumed', key: 'k1', offset: 4 });
    writer.journal({ t: 'close', key: 'k2' });
    expect(writer.flush()).toBe(true);
    expect(store.journalledSessions()).toEqual([{ key: 'k1', info, consumed: 4 }]);
    // The chunk wholly inside stored jobs is gone; the one the next job starts in stays.
    expect(store.journalledChunks('k1').map((c) => [c.offset, c.at, c.bytes.toString()])).toEqual([[3, 2, 'def']]);
    writer.close();
  });
  it('commits what it holds past flushAtBytes when asked (commitIfFull), within the turn, whole and in order', () => {
    const writer = new JobWriter(store, { logger, flushAtBytes: 64 * 1024 });
    const info = { link: 'front', tillId: 'T1', peer: 'tcp 10.0.0.9:1' };
    writer.journal({ t: 'open', key: 'k', info, openedAt: Date.now() });
    const chunks = Array.from({ length: 10 }, () => randomBytes(16 * 1024));
    chunks.forEach((bytes, i) => {
      writer.journal({ t: 'chunk', key: 'k', offset: i * bytes.length, at: i, bytes });
      writer.commitIfFull();
    });
    // No turn has passed: what is stored was committed because of the bound (every 4 chunks of 16 KiB).
    const stored = store.journalledChunks('k');
    expect(stored.length).toBe(8);
    expect(Buffer.concat(stored.map((c) => c.bytes))).toEqual(Buffer.concat(chunks.slice(0, 8)));
    writer.flush();
    expect(store.journalledChunks('k').length).toBe(10);
    writer.close();
  });

  it('lets decoded jobs right after a commit wait for the group commit, but never captured bytes or a waiting till', async () => {
    const writer = new JobWriter(store, { logger, groupCommitMs: 60_000 });
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const first = job(COFFEE);
    writer.save(first, basketsFor(first));
    await turn();
    // The first commit in a while goes at once.
    expect(storedIds()).toEqual([first.id]);
    const second = job(COFFEE);
    writer.save(second, basketsFor(second));
    await turn();
    await turn();
    expect(storedIds()).toEqual([first.id]);
    // Captured bytes arriving are committed at the end of their turn, and take the held job along.
    writer.journal({ t: 'open', key: 'k', info: { link: 'front', tillId: 'T1', peer: 'p' }, openedAt: Date.now() });
    await turn();
    expect(storedIds()).toEqual([first.id, second.id]);
    const third = job(COFFEE);
    writer.save(third, basketsFor(third));
    let durable = false;
    writer.whenDurable(() => (durable = true));
    await turn();
    expect(durable).toBe(true);
    expect(storedIds()).toEqual([first.id, second.id, third.id]);
    writer.close();
  });
});
