// The outbox on real SQLite files: every stored basket is queued per active sink by the store's own trigger,
// claims come in capture order per till with a basket in backoff holding back its till only, leases expire,
// results settle into delivered / pending / dead, backfill requeues, and retention never prunes what is
// undelivered. Migration from schema version 1 (databases written before forwarding existed) keeps every row.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Basket } from '../../agent/extract/index.js';
import { Store } from '../../agent/store/index.js';
import type { Settlement } from '../../agent/store/outbox.js';
import { MIGRATIONS } from '../../agent/store/schema.js';
import { COFFEE, basketsFor, job } from './jobs.js';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-outbox-'));
  store = Store.open(Store.fileIn(dir));
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Stores one receipt job for a till; returns its basket. */
function capture(tillId = 'T1', capturedAt?: Date): Basket {
  const record = job(COFFEE, { tillId, ...(capturedAt !== undefined && { capturedAt }) });
  const [basket] = basketsFor(record);
  store.saveJob(record, [basket!]);
  return basket!;
}

const LIMITS = { maxCount: 100, maxBytes: 10 * 1024 * 1024, withRawJob: false };

function settleAll(owner: string, ids: number[], result: Settlement['result'], retryAt = 0, itemSpecific = false): void {
  store.outbox.settle(owner, Date.now(), ids.map((outboxId) => ({ outboxId, result, retryAt, itemSpecific })));
}

describe('outbox', () => {
  it('queues every stored basket for each active sink, none for inactive ones, in the same transaction', () => {
    capture();
    expect(store.outbox.backlog()).toEqual([]);
    store.outbox.registerSinks(['http', 'nats']);
    const b = capture();
    expect(store.outbox.count('http', 'pending')).toBe(1);
    expect(store.outbox.count('nats', 'pending')).toBe(1);
    store.outbox.registerSinks(['http']);
    capture();
    expect(store.outbox.count('http', 'pending')).toBe(2);
    expect(store.outbox.count('nats', 'pending')).toBe(1);
    const [first] = store.outbox.claim('http', 'a', Date.now(), Date.now() + 60_000, LIMITS);
    expect(first!.basketId).toBe(b.id);
    expect(first!.idempotencyKey).toBe(`${b.id}:1`);
    expect(first!.basket.total).toBe(b.total);
  });

  it('a claim waits for another process that is writing, instead of failing with "database is locked"', async () => {
    store.outbox.registerSinks(['http']);
    capture('T1');
    // Another process (the daemon storing a job, say) holds the write lock for a while and then commits.
    const writer = spawn(process.execPath, ['--input-type=module', '-e', `
      import Database from 'better-sqlite3';
      const db = new Database(${JSON.stringify(Store.fileIn(dir))});
      db.exec("BEGIN IMMEDIATE; UPDATE sinks SET added_at = added_at + 1;");
      process.stdout.write('locked\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
      db.exec('COMMIT');
      db.close();
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
    // A claim reads the queue, then takes its rows: a read snapshot the other commit made stale must not fail it.
    const claimed = store.outbox.claim('http', 'me', Date.now(), Date.now() + 60_000, LIMITS);
    expect(claimed).toHaveLength(1);
    expect(await exited).toBe(0);
  });

  it('offers baskets in capture order, and a basket in backoff holds back only its own till', () => {
    store.outbox.registerSinks(['http']);
    const t1a = capture('T1');
    const t2a = capture('T2');
    const t1b = capture('T1');
    const t2b = capture('T2');
    const now = Date.now();
    const batch = store.outbox.claim('http', 'a', now, now + 60_000, LIMITS);
    expect(batch.map((d) => d.basketId)).toEqual([t1a.id, t2a.id, t1b.id, t2b.id]);
    // T1's first fails on its own (the others went through): it waits, and T1's second waits behind it.
    store.outbox.settle('a', now, [
      { outboxId: batch[0]!.outboxId, result: { outcome: 'retry', reason: 'try later' }, retryAt: now + 60_000, itemSpecific: true },
      { outboxId: batch[1]!.outboxId, result: { outcome: 'delivered' }, retryAt: 0, itemSpecific: true },
      { outboxId: batch[2]!.outboxId, result: { outcome: 'retry', reason: 'try later' }, retryAt: now, itemSpecific: true },
      { outboxId: batch[3]!.outboxId, result: { outcome: 'retry', reason: 'try later' }, retryAt: now, itemSpecific: true },
    ]);
    const next = store.outbox.claim('http', 'a', now + 1, now + 60_000, LIMITS);
    expect(next.map((d) => d.basketId)).toEqual([t2b.id]);
    settleAll('a', [next[0]!.outboxId], { outcome: 'delivered' });
    // Once T1's first is due, T1 flows again, in order.
    const later = store.outbox.claim('http', 'a', now + 61_000, now + 120_000, LIMITS);
    expect(later.map((d) => d.basketId)).toEqual([t1a.id, t1b.id]);
    expect(later[0]!.attempts).toBe(1);
  });

  it('keeps claims from two forwarders apart; an expired lease is taken over and the old owner cannot settle it', () => {
    store.outbox.registerSinks(['http']);
    capture('T1');
    capture('T2');
    const now = Date.now();
    const mine = store.outbox.claim('http', 'daemon', now, now + 1_000, { ...LIMITS, maxCount: 1 });
    expect(mine).toHaveLength(1);
    // T2's basket is free; T1's is leased.
    const theirs = store.outbox.claim('http', 'backfill', now, now + 60_000, LIMITS);
    expect(theirs.map((d) => d.tillId)).toEqual(['T2']);
    // The daemon died: its lease runs out and the backfill takes the basket over, under the same key.
    const takeover = store.outbox.claim('http', 'backfill', now + 2_000, now + 60_000, LIMITS);
    expect(takeover.map((d) => d.idempotencyKey)).toEqual([mine[0]!.idempotencyKey]);
    settleAll('daemon', [mine[0]!.outboxId], { outcome: 'delivered' });
    expect(store.outbox.count('http', 'delivered')).toBe(0);
    settleAll('backfill', [takeover[0]!.outboxId, theirs[0]!.outboxId], { outcome: 'delivered' });
    expect(store.outbox.count('http', 'delivered')).toBe(2);
  });

  it('sets a rejected basket aside with its reason, and one that keeps failing alone after maxItemFailures', () => {
    store.outbox.registerSinks(['http']);
    const bad = capture('T1');
    const stubborn = capture('T2');
    let now = Date.now();
    let [first, second] = store.outbox.claim('http', 'a', now, now + 60_000, LIMITS);
    store.outbox.settle('a', now, [
      { outboxId: first!.outboxId, result: { outcome: 'rejected', reason: 'total missing' }, retryAt: 0, itemSpecific: true },
      { outboxId: second!.outboxId, result: { outcome: 'retry', reason: 'item lock' }, retryAt: now, itemSpecific: true },
    ]);
    for (let i = 1; i < 10; i++) {
      now += 1;
      [second] = store.outbox.claim('http', 'a', now, now + 60_000, LIMITS);
      expect(second!.basketId).toBe(stubborn.id);
      store.outbox.settle('a', now, [{ outboxId: second!.outboxId, result: { outcome: 'retry', reason: 'item lock' }, retryAt: now, itemSpecific: true }]);
    }
    expect(store.outbox.claim('http', 'a', now + 1, now + 60_000, LIMITS)).toEqual([]);
    const dead = store.outbox.deadLetters();
    expect(dead.map((d) => [d.basketId, d.reason])).toEqual([
      [stubborn.id, 'item lock'],
      [bad.id, 'rejected: total missing'],
    ]);
    const [backlog] = store.outbox.backlog();
    expect(backlog).toMatchObject({ sink: 'http', pending: 0, dead: 2, oldestPendingAt: null });
  });

  it('does not count failures of a whole batch (the backend down) against the basket: it is never set aside for them', () => {
    store.outbox.registerSinks(['http']);
    capture();
    let now = Date.now();
    for (let i = 0; i < 30; i++) {
      const batch = store.outbox.claim('http', 'a', now, now + 60_000, LIMITS);
      expect(batch).toHaveLength(1);
      settleAll('a', batch.map((d) => d.outboxId), { outcome: 'retry', reason: 'ECONNREFUSED' }, now, false);
      now += 1;
    }
    expect(store.outbox.count('http', 'pending')).toBe(1);
    expect(store.outbox.backlog()[0]!.lastError).toBe('ECONNREFUSED');
  });

  it('fills a batch up to maxBytes, but always with at least one basket', () => {
    store.outbox.registerSinks(['http']);
    for (let i = 0; i < 5; i++) capture(`T${i}`);
    const now = Date.now();
    const one = store.outbox.claim('http', 'a', now, now + 60_000, { ...LIMITS, maxBytes: 10 });
    expect(one).toHaveLength(1);
    const size = JSON.stringify(one[0]!.basket).length;
    const two = store.outbox.claim('http', 'a', now, now + 60_000, { ...LIMITS, maxBytes: size * 2 + 1 });
    expect(two).toHaveLength(2);
    const withJobs = store.outbox.claim('http', 'a', now, now + 60_000, { ...LIMITS, withRawJob: true });
    expect(withJobs.map((d) => Buffer.from(d.rawJob!).equals(COFFEE))).toEqual([true, true]);
    store.outbox.release('a', one.map((d) => d.outboxId));
    expect(store.outbox.claim('http', 'b', now, now + 60_000, LIMITS).map((d) => d.outboxId)).toEqual(one.map((d) => d.outboxId));
  });

  it('requeues for a backfill: failed, dead or all (delivered too), and queues baskets stored before a sink existed', () => {
    const before = capture('T1', new Date('2026-11-01T10:00:00Z'));
    store.outbox.registerSinks(['http']);
    const delivered = capture('T1', new Date('2026-11-02T10:00:00Z'));
    const failing = capture('T2', new Date('2026-11-03T10:00:00Z'));
    const now = Date.now();
    const batch = store.outbox.claim('http', 'a', now, now + 60_000, LIMITS);
    store.outbox.settle('a', now, [
      { outboxId: batch[0]!.outboxId, result: { outcome: 'delivered' }, retryAt: 0, itemSpecific: true },
      { outboxId: batch[1]!.outboxId, result: { outcome: 'rejected', reason: 'bad' }, retryAt: 0, itemSpecific: true },
    ]);
    expect(batch.map((d) => d.basketId)).toEqual([delivered.id, failing.id]);
    expect(store.outbox.requeue({ sink: 'http', status: 'failed' }, now)).toBe(0);
    expect(store.outbox.requeue({ sink: 'http', status: 'dead' }, now)).toBe(1);
    expect(store.outbox.requeue({ sink: 'http', status: 'all', tillId: 'T1' }, now)).toBe(1);
    expect(store.outbox.requeue({ sink: 'http', status: 'all', from: new Date('2026-11-03T00:00:00Z') }, now)).toBe(1);
    expect(store.outbox.enqueueMissing('http', {}, now)).toBe(1);
    expect(store.outbox.enqueueMissing('http', {}, now)).toBe(0);
    const all = store.outbox.claim('http', 'a', now, now + 60_000, LIMITS);
    expect(all.map((d) => d.basketId)).toEqual([before.id, delivered.id, failing.id]);
  });

  it('prunes delivered jobs past their age or the size cap, never an undelivered one', () => {
    store.outbox.registerSinks(['http']);
    const old = new Date(Date.now() - 40 * 86_400_000);
    const oldDelivered = capture('T1', old);
    const oldPending = capture('T2', new Date(old.getTime() + 1000));
    const recent = capture('T1');
    const now = Date.now();
    const batch = store.outbox.claim('http', 'a', now, now + 60_000, LIMITS);
    settleAll('a', batch.filter((d) => d.tillId === 'T1').map((d) => d.outboxId), { outcome: 'delivered' });
    store.outbox.release('a', batch.filter((d) => d.tillId === 'T2').map((d) => d.outboxId));

    const byAge = store.prune({ maxAgeDays: 35, maxBytes: 1024 ** 3 });
    expect(byAge.prunedJobs).toBe(1);
    expect(store.job(oldDelivered.id)).toBeUndefined();
    expect(store.job(oldPending.id)).toBeDefined();
    expect(store.job(recent.id)).toBeDefined();

    const bySize = store.prune({ maxAgeDays: 35, maxBytes: 1 });
    expect(bySize.prunedJobs).toBe(1);
    expect(store.job(recent.id)).toBeUndefined();
    expect(store.job(oldPending.id)).toBeDefined();
    expect(bySize.undeliveredBytes).toBe(COFFEE.length);
    expect(store.outbox.count('http', 'pending')).toBe(1);
  });
});

describe('migration from schema version 1', () => {
  it('keeps every job and basket of a database made before forwarding existed and starts the outbox empty', () => {
    store.close();
    const file = join(dir, 'v1.db');
    const db = new Database(file);
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.prepare(
      `INSERT INTO jobs (id, link, till_id, peer, captured_at, ended_by, size, bytes) VALUES ('j1', 'front', 'T1', 'tcp', '2026-11-01T10:00:00.000Z', 'cut', 3, x'010203')`,
    ).run();
    db.prepare(
      `INSERT INTO baskets (id, revision, job_id, link, till_id, captured_at, kind, item_count, confidence, json)
       VALUES ('j1', 1, 'j1', 'front', 'T1', '2026-11-01T10:00:00.000Z', 'sale', 0, 1, '{"id":"j1","revision":1}')`,
    ).run();
    db.close();

    store = Store.open(file);
    expect(store.pragma('user_version')).toEqual([{ user_version: MIGRATIONS.length }]);
    expect(store.counts()).toEqual({ jobs: 1, baskets: 1, bytes: 3 });
    expect(store.outbox.backlog()).toEqual([]);
    store.outbox.registerSinks(['http']);
    // What was stored before is sent by a backfill (or enqueueMissing), not silently by the upgrade.
    expect(store.outbox.count('http', 'pending')).toBe(0);
    expect(store.outbox.enqueueMissing('http', {}, Date.now())).toBe(1);
  });

  it('upgrades a database of every earlier schema version, keeping its rows and its outbox', () => {
    store.close();
    for (let version = 1; version < MIGRATIONS.length; version++) {
      const file = join(dir, `v${version}.db`);
      const db = new Database(file);
      for (const migration of MIGRATIONS.slice(0, version)) db.exec(migration);
      db.pragma(`user_version = ${version}`);
      db.prepare(
        `INSERT INTO jobs (id, link, till_id, peer, captured_at, ended_by, size, bytes) VALUES ('j1', 'front', 'T1', 'tcp', '2026-11-01T10:00:00.000Z', 'cut', 3, x'010203')`,
      ).run();
      if (version >= 2) db.prepare(`INSERT INTO sinks (name, active, added_at) VALUES ('http', 1, '2026-11-01T10:00:00.000Z')`).run();
      db.prepare(
        `INSERT INTO baskets (id, revision, job_id, link, till_id, captured_at, kind, item_count, confidence, json)
         VALUES ('j1', 1, 'j1', 'front', 'T1', '2026-11-01T10:00:00.000Z', 'sale', 0, 1, '{"id":"j1","revision":1}')`,
      ).run();
      db.close();
      const upgraded = Store.open(file);
      expect(upgraded.pragma('user_version'), `from version ${version}`).toEqual([{ user_version: MIGRATIONS.length }]);
      expect(upgraded.counts()).toEqual({ jobs: 1, baskets: 1, bytes: 3 });
      expect(upgraded.outbox.keys('http', 'pending')).toEqual(version >= 2 ? ['j1:1'] : []);
      upgraded.close();
    }
    store = Store.open(join(dir, 'v1.db'));
  });
});
