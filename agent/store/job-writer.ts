// What the processing worker saves jobs and capture-journal entries through: save() never throws and never loses a
// job it can hold. Everything saved in the same event-loop turn shares one transaction, so one fsync: under a
// flood thousands of jobs a second cost a few commits. Every commit is synchronous=FULL (on disk before it
// returns, and before another thread can read it), but not every batch is committed at once:
//  - captured bytes (capture journal `open` and `chunk` entries) and anything a till's close waits for
//    (whenDurable) are committed at the end of the turn: that is what makes a receipt the till saw complete
//    survive kill -9 and a power cut;
//  - decoded jobs and their baskets (with the journal entries saying their bytes are consumed) are only a
//    re-derivation of bytes already durable in the journal. They are committed at once too, unless the last
//    commit was less than groupCommitMs ago: then they wait out the rest of it, so a flood of decoded jobs costs
//    an fsync per groupCommitMs, not per turn. A crash in that window loses nothing: the journal still holds
//    their bytes and is replayed into jobs at the next start (nothing of them was committed, so nothing of them
//    was delivered, and replay makes no duplicate);
//  - past flushAtBytes held, whatever is held is committed when the caller reaches a point where that is safe
//    (commitIfFull), so memory stays bounded under a flood and while a backlog is stored at shutdown.
// Failures are told apart:
//  - an outage of the store as a whole (disk full, I/O error, locked, read-only, damaged): everything waits in
//    memory, in order, and is retried every retryMs; past maxPendingBytes the journal copies go first, then the
//    oldest jobs, each named in the log. One error is logged per outage, not per job, and the outage is reported
//    (onHealth) while it lasts;
//  - a failure of one job (a constraint, a value SQLite cannot take): that job is dead-lettered with the reason
//    (Store.deadLetter) and the others are stored; retrying it could never work.
import type { DeadLetter, StoreHealth, StoreOutage } from '../model/store-health.js';
import { log, type Logger } from '../log.js';
import type { Basket } from '../extract/index.js';
import { isOutage, needsOperator } from './errors.js';
import type { JobRecord, JournalEntry, SavedJob, Store } from './store.js';

export interface JobWriterOptions {
  retryMs?: number;
  maxPendingBytes?: number;
  /**
   * Bytes (captured chunks, jobs) held beyond which commitIfFull() writes them at once instead of at the end of the
   * turn: a flood handed over in one turn, or a backlog stored in one go, is held a few MiB at a time, not whole.
   */
  flushAtBytes?: number;
  /** Decoded jobs wait at most this long after the previous commit, to share one fsync (see above). */
  groupCommitMs?: number;
  /** Where its errors go; the agent's logger by default. */
  logger?: Logger;
  /** Told whenever the store's health changes (an outage begins or ends, a job is dead-lettered). */
  onHealth?: (health: StoreHealth) => void;
}

type Pending = { readonly saved: SavedJob; readonly entry?: undefined } | { readonly saved?: undefined; readonly entry: JournalEntry };

function sizeOf(item: Pending): number {
  if (item.saved !== undefined) return item.saved.job.bytes.byteLength;
  return item.entry.t === 'chunk' ? item.entry.bytes.byteLength : 0;
}

function reasonOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

export class JobWriter {
  readonly #store: Store;
  readonly #retryMs: number;
  readonly #maxPendingBytes: number;
  readonly #flushAtBytes: number;
  readonly #groupCommitMs: number;
  /** Held items include captured bytes: commit at the end of this turn. */
  #urgent = false;
  #lastCommitAt = -Infinity;
  #groupTimer: NodeJS.Timeout | undefined;
  readonly #onHealth: ((health: StoreHealth) => void) | undefined;
  #queue: Pending[] = [];
  #pendingBytes = 0;
  #pendingJobs = 0;
  #dropped = 0;
  #deadLettered = 0;
  #lastDeadLetter: DeadLetter | null = null;
  #outage: StoreOutage | null = null;
  /** Called once everything saved before them is on disk. */
  #durable: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #closed = false;
  readonly #log: Logger;

  constructor(store: Store, options: JobWriterOptions = {}) {
    this.#store = store;
    this.#retryMs = options.retryMs ?? 5_000;
    this.#maxPendingBytes = options.maxPendingBytes ?? 128 * 1024 * 1024;
    this.#flushAtBytes = options.flushAtBytes ?? 4 * 1024 * 1024;
    this.#groupCommitMs = options.groupCommitMs ?? 50;
    this.#onHealth = options.onHealth;
    this.#log = (options.logger ?? log).child({ component: 'store' });
  }

  /** Jobs waiting to be written. */
  get pending(): number {
    return this.#pendingJobs;
  }

  get dropped(): number {
    return this.#dropped;
  }

  get health(): StoreHealth {
    return {
      outage: this.#outage,
      pendingJobs: this.#pendingJobs,
      droppedJobs: this.#dropped,
      deadLettered: this.#deadLettered,
      lastDeadLetter: this.#lastDeadLetter,
    };
  }

  save(job: JobRecord, baskets: readonly Basket[]): void {
    this.#pendingJobs++;
    this.#enqueue({ saved: { job, baskets } });
  }

  /** A capture journal entry, written in order with the jobs (see JournalEntry). */
  journal(entry: JournalEntry): void {
    if (entry.t === 'open' || entry.t === 'chunk') this.#urgent = true;
    this.#enqueue({ entry });
  }

  /**
   * Writes what is held now if it is more than flushAtBytes. Call it only where no job is held without the journal
   * entry that says its bytes are consumed (between work items, not inside one): they must share a transaction,
   * or a crash between them would replay the job a second time.
   */
  commitIfFull(): void {
    if (this.#pendingBytes >= this.#flushAtBytes && this.#outage === null && !this.#closed) this.flush();
  }

  /** Calls `done` once everything saved so far is on disk (at once if it already is); not while the store is out. */
  whenDurable(done: () => void): void {
    if (this.#queue.length === 0) {
      done();
      return;
    }
    this.#durable.push(done);
    this.#urgent = true;
    this.#schedule();
  }

  /** Writes everything pending now; true when nothing is left. */
  flush(): boolean {
    if (this.#queue.length > 0) {
      const items = this.#queue;
      const jobs = items.flatMap((i) => (i.saved === undefined ? [] : [i.saved]));
      const entries = items.flatMap((i) => (i.entry === undefined ? [] : [i.entry]));
      try {
        this.#lastCommitAt = performance.now();
        this.#store.saveJobs(jobs, entries);
        this.#written(items.length);
      } catch (error) {
        if (isOutage(error) || !this.#isolate()) {
          this.#failed(error);
          return false;
        }
      }
    }
    if (this.#outage !== null) {
      this.#log.info({ dropped: this.#dropped, since: this.#outage.since }, 'the store is writable again; every job still held has been stored');
      this.#outage = null;
      this.#report();
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#groupTimer);
    this.#groupTimer = undefined;
    return true;
  }

  /** Stops retrying; jobs still pending stay countable and can still be written with flush(). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#groupTimer);
    this.#groupTimer = undefined;
  }

  #enqueue(item: Pending): void {
    this.#queue.push(item);
    this.#pendingBytes += sizeOf(item);
    if (this.#outage !== null) {
      // Behind earlier failed writes: wait for the retry, so everything is stored in capture order.
      this.#shed();
      return;
    }
    this.#schedule();
  }

  /** A commit at the end of this turn, or, for decoded jobs only, once groupCommitMs has passed since the last. */
  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#outage !== null || this.#queue.length === 0) return;
      const wait = this.#lastCommitAt + this.#groupCommitMs - performance.now();
      if (this.#urgent || wait <= 0 || this.#pendingBytes >= this.#flushAtBytes) {
        this.flush();
      } else if (this.#groupTimer === undefined) {
        this.#groupTimer = setTimeout(() => {
          this.#groupTimer = undefined;
          if (this.#outage === null) this.flush();
        }, wait);
      }
    });
  }

  /** The first `count` queued items are on disk. */
  #written(count: number): void {
    const done = this.#queue.splice(0, count);
    for (const item of done) {
      this.#pendingBytes -= sizeOf(item);
      if (item.saved !== undefined) this.#pendingJobs--;
    }
    if (this.#queue.length === 0) {
      this.#pendingBytes = 0;
      this.#urgent = false;
      const durable = this.#durable;
      this.#durable = [];
      for (const done of durable) done();
    }
  }

  /**
   * The batch failed for a reason that is not an outage: some job in it is bad. Writes the jobs one at a time,
   * dead-lettering each one refused, then the journal entries (after the jobs they account for). False if an
   * outage began meanwhile (what is left stays queued).
   */
  #isolate(): boolean {
    const items = this.#queue;
    const jobs = items.filter((i) => i.saved !== undefined);
    const entries = items.flatMap((i) => (i.entry === undefined ? [] : [i.entry]));
    for (const item of jobs) {
      try {
        this.#store.saveJobs([item.saved!]);
      } catch (error) {
        if (isOutage(error)) return false;
        if (!this.#deadLetter(item.saved!, error)) return false;
      }
      // Taken out of the queue as soon as it is dealt with, so an outage now does not store it twice.
      const index = this.#queue.indexOf(item);
      this.#queue.splice(index, 1);
      this.#pendingBytes -= sizeOf(item);
      this.#pendingJobs--;
    }
    try {
      this.#store.saveJobs([], entries);
    } catch (error) {
      if (isOutage(error)) return false;
      this.#log.error({ reason: reasonOf(error), entries: entries.length }, 'capture journal entries refused; dropped (the jobs are stored)');
    }
    this.#written(this.#queue.length);
    return true;
  }

  /** False when the dead letter itself hit an outage. */
  #deadLetter(saved: SavedJob, error: unknown): boolean {
    const reason = reasonOf(error);
    const code = (error as { code?: unknown }).code;
    for (const withBytes of [true, false]) {
      try {
        this.#store.deadLetter(saved, reason, withBytes);
        this.#deadLettered++;
        this.#lastDeadLetter = { job: String(saved.job.id), link: String(saved.job.link), reason, at: new Date().toISOString() };
        this.#log.error(
          { job: saved.job.id, link: saved.job.link, reason, code, withBytes },
          'job refused by the store; kept in dead_jobs with the reason, the other jobs are stored',
        );
        this.#report();
        return true;
      } catch (deadError) {
        if (isOutage(deadError)) return false;
      }
    }
    this.#dropped++;
    this.#log.error({ job: saved.job.id, link: saved.job.link, reason, code }, 'job refused by the store and could not be dead-lettered; dropped');
    return true;
  }

  #failed(error: unknown): void {
    if (this.#outage === null) {
      const code = typeof (error as { code?: unknown }).code === 'string' ? String((error as { code: string }).code) : (error as Error).name;
      const operator = needsOperator(error);
      this.#outage = { code, reason: (error as Error).message, since: new Date().toISOString(), needsOperator: operator };
      this.#log.error(
        { reason: (error as Error).message, code, retryMs: this.#retryMs, needsOperator: operator },
        operator
          ? 'cannot store captured jobs until the database file or its permissions are fixed; holding them in memory and retrying (printing is not affected)'
          : 'cannot store captured jobs; holding them in memory and retrying (printing is not affected)',
      );
    }
    this.#shed();
    this.#report();
    if (this.#timer === undefined && !this.#closed) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, this.#retryMs);
      this.#timer.unref?.();
    }
  }

  /** Past the memory limit: the journal's copies of bytes go first (the jobs hold them too), then the oldest jobs. */
  #shed(): void {
    if (this.#pendingBytes <= this.#maxPendingBytes) return;
    const chunks = this.#queue.filter((i) => i.entry?.t === 'chunk');
    const keep = new Set<Pending>(this.#queue);
    for (const chunk of chunks) {
      if (this.#pendingBytes <= this.#maxPendingBytes) break;
      keep.delete(chunk);
      this.#pendingBytes -= sizeOf(chunk);
    }
    if (keep.size < this.#queue.length) {
      this.#log.error({ chunks: this.#queue.length - keep.size }, 'capture journal copies dropped: the store has been failing and the memory for held jobs is full');
      this.#queue = this.#queue.filter((i) => keep.has(i));
    }
    while (this.#pendingBytes > this.#maxPendingBytes && this.#pendingJobs > 1) {
      const index = this.#queue.findIndex((i) => i.saved !== undefined);
      const [oldest] = this.#queue.splice(index, 1);
      const job = oldest!.saved!.job;
      this.#pendingBytes -= job.bytes.byteLength;
      this.#pendingJobs--;
      this.#dropped++;
      this.#log.error({ job: job.id, link: job.link, size: job.bytes.byteLength }, 'job dropped: the store has been failing and the memory for held jobs is full');
    }
  }

  #report(): void {
    this.#onHealth?.(this.health);
  }
}
