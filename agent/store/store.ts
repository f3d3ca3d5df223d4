// The durable record on the till PC: every captured job's raw bytes and the baskets extracted from them, in one
// SQLite file (WAL). Written by the processing worker; read by `tail`, backfills and diagnostics.
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { JobEnd, SessionInfo } from '../capture/types.js';
import type { Basket } from '../extract/index.js';
import { StoreError } from './errors.js';
import { Outbox } from './outbox.js';
import { pruneDelivered, type PruneResult, type RetentionPolicy } from './retention.js';
import { MIGRATIONS } from './schema.js';

export type { JobEnd };

export interface JobRecord {
  id: string;
  link: string;
  tillId: string;
  peer: string;
  capturedAt: Date;
  endedBy: JobEnd;
  /** The bytes the till sent, every full card number masked in place (same length; see maskPansInBytes). */
  bytes: Uint8Array;
  decodeError?: string | null;
}

/**
 * The capture journal: PAN-masked raw bytes written before they are decoded, per session, so that a crash loses
 * none of them. `consumed` says how far a session's bytes are in stored jobs (written in the jobs' transaction);
 * `close` forgets a session whose jobs are all stored. Whatever is left at a start is replayed into jobs.
 */
export type JournalEntry =
  | { readonly t: 'open'; readonly key: string; readonly info: SessionInfo; readonly openedAt: number }
  | { readonly t: 'chunk'; readonly key: string; readonly offset: number; readonly at: number; readonly bytes: Uint8Array }
  | { readonly t: 'consumed'; readonly key: string; readonly offset: number }
  | { readonly t: 'close'; readonly key: string };

/** A journalled session left by a daemon that stopped before its jobs were stored. */
export interface JournalledSession {
  readonly key: string;
  readonly info: SessionInfo;
  /** Stream offset up to which its bytes are already in stored jobs. */
  readonly consumed: number;
}

export interface JournalledChunk {
  readonly offset: number;
  readonly at: number;
  readonly bytes: Buffer;
}

/** A job with the baskets extracted from it, as saved together. */
export interface SavedJob {
  job: JobRecord;
  baskets: readonly Basket[];
}

export interface StoredBasket {
  seq: number;
  jobId: string;
  link: string;
  tillId: string;
  capturedAt: string;
  basket: Basket;
}

/** Which baskets to read, always in seq order (the order they were stored). */
export interface BasketQuery {
  /** Only baskets stored after this seq. */
  afterSeq?: number;
  /** Only baskets captured at or after this time. */
  since?: Date;
  /** Only baskets from this link. */
  link?: string;
  limit?: number;
}

const DEFAULT_LIMIT = 500;
/**
 * Each connection's page cache, in KiB: SQLite's own default. better-sqlite3 builds SQLite with 16 MB
 * (SQLITE_DEFAULT_CACHE_SIZE=-16000), and the daemon's writer fills all of it in a flood, since every captured
 * byte passes through it twice (journal, then job): measured on bench store's 50 MB flood (heaptrack), the page
 * cache was the largest heap consumer at the peak (~17 MB of 35 MB malloc'd), and the daemon's peak RSS fell by
 * ~30 MiB with 2 MiB. Writes append (time-ordered keys), so the pages worth keeping are few: the write path's
 * jobs/s per CPU-second stayed within run-to-run noise.
 */
const PAGE_CACHE_KIB = 2048;
const BASKET_COLUMNS = 'seq, job_id, link, till_id, captured_at, json';

interface JobRow {
  id: string;
  link: string;
  till_id: string;
  peer: string;
  captured_at: string;
  ended_by: JobEnd;
  bytes: Buffer;
  decode_error: string | null;
}

interface BasketRow {
  seq: number;
  job_id: string;
  link: string;
  till_id: string;
  captured_at: string;
  json: string;
}

function jobFrom(row: JobRow): JobRecord {
  return {
    id: row.id,
    link: row.link,
    tillId: row.till_id,
    peer: row.peer,
    capturedAt: new Date(row.captured_at),
    endedBy: row.ended_by,
    bytes: row.bytes,
    decodeError: row.decode_error,
  };
}

function basketFrom(row: BasketRow): StoredBasket {
  return { seq: row.seq, jobId: row.job_id, link: row.link, tillId: row.till_id, capturedAt: row.captured_at, basket: JSON.parse(row.json) as Basket };
}

export class Store {
  readonly file: string;
  readonly #db: Database.Database;
  readonly #saveJobs: (jobs: readonly SavedJob[], journal: readonly JournalEntry[]) => void;
  readonly #deadLetter: (saved: SavedJob, reason: string, withBytes: boolean) => void;
  readonly #basketsAfter: Database.Statement;
  readonly #basketsSince: Database.Statement;
  readonly #latestBaskets: Database.Statement;
  #outbox: Outbox | undefined;
  /** Statements a backfill runs once per job, prepared once. */
  readonly #statements = new Map<string, Database.Statement>();
  readonly #journalChunk: Database.Statement;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.#db = db;
    // Prepared once: `tail` runs the after-seq query every 500 ms for as long as it follows.
    const link = '(@link IS NULL OR link = @link)';
    this.#basketsAfter = db.prepare(`SELECT ${BASKET_COLUMNS} FROM baskets WHERE seq > @afterSeq AND ${link} ORDER BY seq LIMIT @limit`);
    this.#basketsSince = db.prepare(
      `SELECT ${BASKET_COLUMNS} FROM baskets WHERE captured_at >= @since AND seq > @afterSeq AND ${link} ORDER BY seq LIMIT @limit`,
    );
    this.#latestBaskets = db.prepare(
      `SELECT * FROM (SELECT ${BASKET_COLUMNS} FROM baskets WHERE ${link} ORDER BY seq DESC LIMIT @limit) ORDER BY seq`,
    );
    this.#journalChunk = db.prepare('SELECT bytes FROM capture_chunks WHERE session_key = ? AND offset = ?');
    const readOnly = (): never => {
      throw new Error('the store was opened read-only');
    };
    this.#saveJobs = db.readonly ? readOnly : this.#writer(db);
    this.#deadLetter = db.readonly ? readOnly : this.#deadLetterWriter(db);
  }

  #writer(db: Database.Database): (jobs: readonly SavedJob[], journal: readonly JournalEntry[]) => void {
    const insertJob = db.prepare(
      `INSERT INTO jobs (id, link, till_id, peer, captured_at, ended_by, size, bytes, decode_error)
       VALUES (@id, @link, @tillId, @peer, @capturedAt, @endedBy, @size, @bytes, @decodeError)
       ON CONFLICT (id) DO NOTHING`,
    );
    const insertBasket = db.prepare(
      `INSERT INTO baskets (id, revision, job_id, link, till_id, captured_at, transaction_at, kind, total, currency, item_count, confidence, json)
       VALUES (@id, @revision, @jobId, @link, @tillId, @capturedAt, @transactionAt, @kind, @total, @currency, @itemCount, @confidence, @json)
       ON CONFLICT (id, revision) DO NOTHING`,
    );
    const insert = (job: JobRecord, baskets: readonly Basket[]): void => {
      const capturedAt = job.capturedAt.toISOString();
      const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
      insertJob.run({ ...job, capturedAt, size: bytes.length, bytes, decodeError: job.decodeError ?? null });
      for (const basket of baskets) {
        insertBasket.run({
          id: basket.id,
          revision: basket.revision,
          jobId: job.id,
          link: job.link,
          tillId: job.tillId,
          capturedAt,
          transactionAt: basket.transactionAt,
          kind: basket.kind,
          total: basket.total,
          currency: basket.currency,
          itemCount: basket.items.length,
          confidence: basket.confidence,
          json: JSON.stringify(basket),
        });
      }
    };
    const journal = this.#journalWriter(db);
    // Jobs and their baskets are stored together or not at all, so a retry after a failure never duplicates.
    // ON CONFLICT, not INSERT OR IGNORE: that would also silently skip a row breaking a NOT NULL constraint.
    // Journal entries go in the same transaction, so a session's `consumed` moves exactly when its jobs land.
    return db.transaction((jobs: readonly SavedJob[], entries: readonly JournalEntry[]) => {
      for (const entry of entries) journal(entry);
      for (const { job, baskets } of jobs) insert(job, baskets);
    });
  }

  #journalWriter(db: Database.Database): (entry: JournalEntry) => void {
    const open = db.prepare(
      `INSERT INTO capture_sessions (key, link, till_id, peer, opened_at) VALUES (@key, @link, @tillId, @peer, @openedAt)
       ON CONFLICT (key) DO NOTHING`,
    );
    const chunk = db.prepare('INSERT INTO capture_chunks (session_key, offset, at, bytes) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    const consumed = db.prepare('UPDATE capture_sessions SET consumed = max(consumed, @offset) WHERE key = @key');
    const trim = db.prepare('DELETE FROM capture_chunks WHERE session_key = @key AND offset + length(bytes) <= @offset');
    const forgetChunks = db.prepare('DELETE FROM capture_chunks WHERE session_key = ?');
    const forget = db.prepare('DELETE FROM capture_sessions WHERE key = ?');
    return (entry) => {
      switch (entry.t) {
        case 'open':
          open.run({ key: entry.key, ...entry.info, openedAt: new Date(entry.openedAt).toISOString() });
          break;
        case 'chunk':
          chunk.run(entry.key, entry.offset, entry.at, Buffer.from(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength));
          break;
        case 'consumed':
          consumed.run(entry);
          trim.run(entry);
          break;
        case 'close':
          forgetChunks.run(entry.key);
          forget.run(entry.key);
          break;
      }
    };
  }

  #deadLetterWriter(db: Database.Database): (saved: SavedJob, reason: string, withBytes: boolean) => void {
    const insert = db.prepare(
      `INSERT INTO dead_jobs (id, link, till_id, peer, captured_at, ended_by, size, bytes, decode_error, baskets_json, reason, dead_at)
       VALUES (@id, @link, @tillId, @peer, @capturedAt, @endedBy, @size, @bytes, @decodeError, @baskets, @reason, @deadAt)
       ON CONFLICT (id) DO NOTHING`,
    );
    return ({ job, baskets }, reason, withBytes) => {
      let json: string | null = null;
      try {
        json = JSON.stringify(baskets);
      } catch {
        // The baskets may be what is wrong with the job; the raw bytes can be re-parsed.
      }
      insert.run({
        id: String(job.id),
        link: String(job.link),
        tillId: String(job.tillId),
        peer: String(job.peer),
        capturedAt: job.capturedAt instanceof Date && !Number.isNaN(job.capturedAt.getTime()) ? job.capturedAt.toISOString() : new Date().toISOString(),
        endedBy: String(job.endedBy),
        size: job.bytes.byteLength,
        bytes: withBytes ? Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength) : null,
        decodeError: job.decodeError ?? null,
        baskets: withBytes ? json : null,
        reason,
        deadAt: new Date().toISOString(),
      });
    };
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, 'posbridge.db');
  }

  /** Opens (creating and migrating unless readonly) the database; a clear StoreError if it cannot. */
  static open(file: string, options: { readonly?: boolean } = {}): Store {
    const readonly = options.readonly === true;
    let db: Database.Database | undefined;
    try {
      if (!readonly) createPrivately(file);
      db = new Database(file, { readonly, fileMustExist: readonly });
      // Waits out the writer instead of failing when `tail` reads during a write.
      db.pragma('busy_timeout = 5000');
      db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
      refuseForeign(db, file);
      if (readonly) {
        if (schemaVersion(db) < 1) throw new StoreError(`${file} has no posbridge tables yet (the daemon creates them when it starts)`, undefined, 'POSBRIDGE_NOT_READY');
        refuseNewer(db, file);
      } else {
        db.pragma('journal_mode = WAL');
        // FULL: every commit is on disk before it returns and before another thread can read it, so a power cut
        // loses nothing a till's close said was stored and nothing the forwarder could already have delivered.
        // Commits are grouped by the job writer (job-writer.ts), so a flood costs few fsyncs, not one per job.
        db.pragma('synchronous = FULL');
        db.pragma('foreign_keys = ON');
        migrate(db, file);
      }
      return new Store(file, db);
    } catch (error) {
      db?.close();
      if (error instanceof StoreError) throw error;
      throw new StoreError(`cannot open the store ${file}`, error);
    }
  }

  saveJob(job: JobRecord, baskets: readonly Basket[]): void {
    this.saveJobs([{ job, baskets }]);
  }

  /** Several jobs, and capture journal entries, in one transaction (one fsync): all stored, or none. */
  saveJobs(jobs: readonly SavedJob[], journal: readonly JournalEntry[] = []): void {
    try {
      this.#saveJobs(jobs, journal);
    } catch (error) {
      const what = jobs.length === 1 ? `job ${jobs[0]!.job.id}` : jobs.length === 0 ? 'the capture journal' : `${jobs.length} jobs`;
      throw new StoreError(`cannot store ${what}`, error);
    }
  }

  /**
   * Keeps a job the store refused (`reason`) in `dead_jobs`, out of the way of the others; without its bytes and
   * baskets when `withBytes` is false (they may be what was refused).
   */
  deadLetter(saved: SavedJob, reason: string, withBytes = true): void {
    try {
      this.#deadLetter(saved, reason, withBytes);
    } catch (error) {
      throw new StoreError(`cannot dead-letter job ${String(saved.job.id)}`, error);
    }
  }

  deadJobs(): { id: string; link: string; size: number; reason: string; bytes: Buffer | null }[] {
    return this.#read('dead jobs', () => this.#db.prepare('SELECT id, link, size, reason, bytes FROM dead_jobs ORDER BY dead_at, id').all() as never);
  }

  /** Sessions the capture journal still holds (a daemon stopped before storing their jobs), oldest first. */
  journalledSessions(): JournalledSession[] {
    return this.#read('the capture journal', () => {
      const rows = this.#db.prepare('SELECT key, link, till_id, peer, consumed FROM capture_sessions ORDER BY opened_at, key').all() as {
        key: string; link: string; till_id: string; peer: string; consumed: number;
      }[];
      return rows.map((r) => ({ key: r.key, info: { link: r.link, tillId: r.till_id, peer: r.peer }, consumed: r.consumed }));
    });
  }

  /** One journalled chunk's bytes, or undefined if it is not (or no longer) there. */
  journalledChunk(key: string, offset: number): Buffer | undefined {
    return this.#read('the capture journal', () => {
      const row = this.#journalChunk.get(key, offset) as { bytes: Buffer } | undefined;
      return row?.bytes;
    });
  }

  journalledChunks(key: string): JournalledChunk[] {
    return this.#read('the capture journal', () =>
      this.#db.prepare('SELECT offset, at, bytes FROM capture_chunks WHERE session_key = ? ORDER BY offset').all(key) as JournalledChunk[],
    );
  }

  basketsAfter(seq: number, limit = DEFAULT_LIMIT): StoredBasket[] {
    return this.baskets({ afterSeq: seq, limit });
  }

  basketsSince(since: Date, limit = DEFAULT_LIMIT): StoredBasket[] {
    return this.baskets({ since, limit });
  }

  /** Baskets matching every given condition, oldest stored first. */
  baskets(query: BasketQuery = {}): StoredBasket[] {
    const params = { afterSeq: query.afterSeq ?? 0, link: query.link ?? null, limit: query.limit ?? DEFAULT_LIMIT };
    return this.#read('baskets', () => {
      const rows = query.since === undefined
        ? this.#basketsAfter.all(params)
        : this.#basketsSince.all({ ...params, since: query.since.toISOString() });
      return (rows as BasketRow[]).map(basketFrom);
    });
  }

  /** The latest `count` baskets (of one link, if given), oldest first. */
  latestBaskets(count: number, link?: string): StoredBasket[] {
    return this.#read('baskets', () => (this.#latestBaskets.all({ limit: count, link: link ?? null }) as BasketRow[]).map(basketFrom));
  }

  /** The seq of the last basket stored (0 when there is none): where a follower starts. */
  lastSeq(): number {
    return this.#read('baskets', () => (this.#db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM baskets').get() as { seq: number }).seq);
  }

  /** The latest revision of one basket. */
  basket(id: string): StoredBasket | undefined {
    return this.#read(`basket ${id}`, () => {
      const row = this.#db.prepare(`SELECT ${BASKET_COLUMNS} FROM baskets WHERE id = ? ORDER BY revision DESC LIMIT 1`).get(id) as BasketRow | undefined;
      return row === undefined ? undefined : basketFrom(row);
    });
  }

  job(id: string): JobRecord | undefined {
    return this.#read(`job ${id}`, () => {
      const row = this.#statement('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
      return row === undefined ? undefined : jobFrom(row);
    });
  }

  /**
   * Jobs captured in [from, to), in capture order, one row in memory at a time. The connection is busy until the
   * iteration ends, so don't save through this Store while iterating.
   */
  *jobsBetween(from: Date, to: Date): IterableIterator<JobRecord> {
    const rows = this.#read('jobs', () =>
      this.#db.prepare('SELECT * FROM jobs WHERE captured_at >= ? AND captured_at < ? ORDER BY captured_at, id').iterate(from.toISOString(), to.toISOString()),
    ) as IterableIterator<JobRow>;
    for (;;) {
      const next = this.#read('jobs', () => rows.next());
      if (next.done === true) return;
      yield jobFrom(next.value);
    }
  }

  /** Ids of jobs captured in [from, to) (of one till, if given), in capture order: what a backfill re-parses. */
  jobIds(query: { from?: Date | undefined; to?: Date | undefined; tillId?: string | undefined } = {}): string[] {
    return this.#read('jobs', () =>
      (
        this.#db
          .prepare(
            `SELECT id FROM jobs WHERE (@from IS NULL OR captured_at >= @from) AND (@to IS NULL OR captured_at < @to)
             AND (@till IS NULL OR till_id = @till) ORDER BY captured_at, id`,
          )
          .all({ from: query.from?.toISOString() ?? null, to: query.to?.toISOString() ?? null, till: query.tillId ?? null }) as { id: string }[]
      ).map((r) => r.id),
    );
  }

  /** The latest revision of each basket extracted from a job. */
  latestBasketsOfJob(jobId: string): StoredBasket[] {
    return this.#read(`baskets of job ${jobId}`, () =>
      (
        this.#statement(
          `SELECT ${BASKET_COLUMNS} FROM baskets b WHERE job_id = ?
           AND NOT EXISTS (SELECT 1 FROM baskets n WHERE n.id = b.id AND n.revision > b.revision) ORDER BY seq`,
        ).all(jobId) as BasketRow[]
      ).map(basketFrom),
    );
  }

  /**
   * The newest jobs captured since `since` that have no basket at all (pictures not yet read by OCR, status
   * polls, drawer kicks), newest first: what the OCR queue looks through when the worker starts.
   */
  jobsWithoutBaskets(since: Date, limit: number): JobRecord[] {
    return this.#read('jobs', () =>
      (this.#db
        .prepare('SELECT * FROM jobs j WHERE captured_at >= ? AND NOT EXISTS (SELECT 1 FROM baskets b WHERE b.job_id = j.id) ORDER BY captured_at DESC, id LIMIT ?')
        .all(since.toISOString(), limit) as JobRow[]).map(jobFrom),
    );
  }

  counts(): { jobs: number; baskets: number; bytes: number } {
    return this.#read('counts', () => {
      const jobs = this.#db.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM jobs').get() as { n: number; bytes: number };
      const baskets = this.#db.prepare('SELECT count(*) AS n FROM baskets').get() as { n: number };
      return { jobs: jobs.n, baskets: baskets.n, bytes: jobs.bytes };
    });
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  // A damaged file only shows when its pages are read; callers get the same plain-words StoreError as on open.
  #read<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw new StoreError(`cannot read ${what} from ${this.file}`, error);
    }
  }

  /** Deliveries per basket and sink (outbox.ts); rows are made as baskets are saved. */
  get outbox(): Outbox {
    this.#outbox ??= new Outbox(this.#db);
    return this.#outbox;
  }

  /** Prunes delivered raw jobs past the retention policy (retention.ts). */
  prune(policy: RetentionPolicy, now = Date.now()): PruneResult {
    try {
      return pruneDelivered(this.#db, policy, now);
    } catch (error) {
      throw new StoreError(`cannot prune ${this.file}`, error);
    }
  }

  /** Bytes on disk: the database file and its write-ahead log. */
  diskBytes(): number {
    let bytes = 0;
    for (const file of [this.file, `${this.file}-wal`]) {
      try {
        bytes += statSync(file).size;
      } catch {
        // No WAL yet (or a read-only view of a checkpointed file): nothing to count.
      }
    }
    return bytes;
  }

  /**
   * Runs `work` in one transaction (backfill: a new revision and its claim together). IMMEDIATE, since such work
   * reads before it writes: the write lock is waited for (busy_timeout) up front, not failed on when upgrading.
   */
  transaction<T>(work: () => T): T {
    return this.#db.transaction(work).immediate();
  }

  /** For tests and diagnostics that need SQLite itself (PRAGMA max_page_count to simulate a full disk). */
  pragma(statement: string): unknown {
    return this.#db.pragma(statement);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/**
 * The data folder 0700 and the database 0600 when posbridge makes them, so no other user of the till PC can read
 * receipts. SQLite gives the -wal and -shm files the database file's mode.
 */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
}

function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

// An SQLite file with tables but no schema version belongs to something else: adding ours to it would mix the two.
function refuseForeign(db: Database.Database, file: string): void {
  if (schemaVersion(db) > 0) return;
  const objects = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;
  if (objects > 0) throw new StoreError(`${file} is not a posbridge database (an SQLite file of something else)`, undefined, 'POSBRIDGE_NOT_A_STORE');
}

function refuseNewer(db: Database.Database, file: string): void {
  const version = schemaVersion(db);
  if (version > MIGRATIONS.length) {
    throw new StoreError(`${file} has schema version ${version}, newer than this posbridge knows (${MIGRATIONS.length}); upgrade posbridge`, undefined, 'POSBRIDGE_TOO_NEW');
  }
}

function migrate(db: Database.Database, file: string): void {
  refuseNewer(db, file);
  for (let v = schemaVersion(db); v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
