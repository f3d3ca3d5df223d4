// The durable record on the till PC: every captured job's raw bytes and the baskets extracted from them, in one
// SQLite file (WAL). Written by the processing worker; read by `tail`, backfills and diagnostics.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { JobEnd } from '../capture/types.js';
import type { Basket } from '../extract/index.js';
import { StoreError } from './errors.js';
import { MIGRATIONS } from './schema.js';

export type { JobEnd };

export interface JobRecord {
  id: string;
  link: string;
  tillId: string;
  peer: string;
  capturedAt: Date;
  endedBy: JobEnd;
  /** Exactly the bytes the till sent. */
  bytes: Uint8Array;
  decodeError?: string | null;
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
  readonly #saveJobs: (jobs: readonly SavedJob[]) => void;
  readonly #basketsAfter: Database.Statement;
  readonly #basketsSince: Database.Statement;
  readonly #latestBaskets: Database.Statement;

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
    this.#saveJobs = db.readonly ? () => {
      throw new Error('the store was opened read-only');
    } : this.#writer(db);
  }

  #writer(db: Database.Database): (jobs: readonly SavedJob[]) => void {
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
    // Jobs and their baskets are stored together or not at all, so a retry after a failure never duplicates.
    // ON CONFLICT, not INSERT OR IGNORE: that would also silently skip a row breaking a NOT NULL constraint.
    return db.transaction((jobs: readonly SavedJob[]) => {
      for (const { job, baskets } of jobs) insert(job, baskets);
    });
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, 'posbridge.db');
  }

  /** Opens (creating and migrating unless readonly) the database; a clear StoreError if it cannot. */
  static open(file: string, options: { readonly?: boolean } = {}): Store {
    const readonly = options.readonly === true;
    let db: Database.Database | undefined;
    try {
      if (!readonly) mkdirSync(dirname(file), { recursive: true });
      db = new Database(file, { readonly, fileMustExist: readonly });
      // Waits out the writer instead of failing when `tail` reads during a write.
      db.pragma('busy_timeout = 5000');
      refuseForeign(db, file);
      if (readonly) {
        if (schemaVersion(db) < 1) throw new StoreError(`${file} has no posbridge tables yet (the daemon creates them when it starts)`, undefined, 'POSBRIDGE_NOT_READY');
        refuseNewer(db, file);
      } else {
        db.pragma('journal_mode = WAL');
        // FULL: each committed job is on disk before the next, so a power cut loses nothing acknowledged.
        // Receipts come a few a minute; an fsync per job costs nothing a till would notice.
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

  /** Several jobs in one transaction (one fsync): all stored, or none. */
  saveJobs(jobs: readonly SavedJob[]): void {
    try {
      this.#saveJobs(jobs);
    } catch (error) {
      const what = jobs.length === 1 ? `job ${jobs[0]!.job.id}` : `${jobs.length} jobs`;
      throw new StoreError(`cannot store ${what}`, error);
    }
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
      const row = this.#db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
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

  counts(): { jobs: number; baskets: number; bytes: number } {
    return this.#read('counts', () => {
      const jobs = this.#db.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM jobs').get() as { n: number; bytes: number };
      const baskets = this.#db.prepare('SELECT count(*) AS n FROM baskets').get() as { n: number };
      return { jobs: jobs.n, baskets: baskets.n, bytes: jobs.bytes };
    });
  }

  // A damaged file only shows when its pages are read; callers get the same plain-words StoreError as on open.
  #read<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw new StoreError(`cannot read ${what} from ${this.file}`, error);
    }
  }

  /** For tests and diagnostics that need SQLite itself (PRAGMA max_page_count to simulate a full disk). */
  pragma(statement: string): unknown {
    return this.#db.pragma(statement);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
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
