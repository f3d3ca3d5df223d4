// What the reference backend received, in its own SQLite file: one row per idempotency key, stored once. A repeat
// of a key is a duplicate when it carries the same basket, and refused when it carries a different one (a new
// basket must come with a new revision, hence a new key).
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DriftNotice, RawJobPrinterSetup, ReceiptSubmission } from '../model/index.js';

export interface BatchSender {
  readonly agentId: string;
  readonly agentVersion: string;
  readonly storeId: string | null;
}

export interface HeldReceipt {
  /** Order of arrival on this backend. */
  readonly seq: number;
  readonly receivedAt: string;
  readonly agent: { readonly id: string; readonly version: string; readonly storeId: string | null };
  readonly idempotencyKey: string;
  readonly basketId: string;
  readonly revision: number;
  readonly tillId: string;
  readonly link: string;
  readonly jobId: string;
  readonly capturedAt: string;
  readonly basket: Record<string, unknown>;
  readonly rawJob?: { readonly encoding: 'base64'; readonly data: string; readonly printerSetup?: RawJobPrinterSetup };
}

/** A layout an agent says reads badly (its reconciled share dropped), as last reported. */
export interface DriftReport {
  readonly agentId: string;
  readonly link: string;
  readonly layout: string;
  readonly reconciledShare: number;
  readonly since: string;
  readonly lastReportedAt: string;
}

export type SaveOutcome = { readonly status: 'stored' } | { readonly status: 'duplicate' } | { readonly status: 'conflict'; readonly storedSeq: number };

interface ReceiptRow {
  seq: number;
  received_at: string;
  agent_id: string;
  agent_version: string;
  store_id: string | null;
  idempotency_key: string;
  basket_id: string;
  revision: number;
  till_id: string;
  link: string;
  job_id: string;
  captured_at: string;
  basket_json: string;
  basket_sha256: string;
  raw_job: Buffer | null;
  raw_job_printer_setup: string | null;
}

// 2: raw_job_printer_setup (how the agent's printer reads the raw job).
const SCHEMA_VERSION = 2;
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS receipts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    agent_version TEXT NOT NULL,
    store_id TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    basket_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    till_id TEXT NOT NULL,
    link TEXT NOT NULL,
    job_id TEXT NOT NULL,
    captured_at TEXT NOT NULL,
    basket_json TEXT NOT NULL,
    basket_sha256 TEXT NOT NULL,
    raw_job BLOB,
    raw_job_printer_setup TEXT
  );
  CREATE TABLE IF NOT EXISTS drift_reports (
    agent_id TEXT NOT NULL,
    link TEXT NOT NULL,
    layout TEXT NOT NULL,
    reconciled_share REAL NOT NULL,
    since TEXT NOT NULL,
    last_reported_at TEXT NOT NULL,
    PRIMARY KEY (agent_id, link, layout)
  );`;

function heldFrom(row: ReceiptRow): HeldReceipt {
  return {
    seq: row.seq,
    receivedAt: row.received_at,
    agent: { id: row.agent_id, version: row.agent_version, storeId: row.store_id },
    idempotencyKey: row.idempotency_key,
    basketId: row.basket_id,
    revision: row.revision,
    tillId: row.till_id,
    link: row.link,
    jobId: row.job_id,
    capturedAt: row.captured_at,
    basket: JSON.parse(row.basket_json) as Record<string, unknown>,
    ...(row.raw_job !== null && {
      rawJob: {
        encoding: 'base64' as const,
        data: row.raw_job.toString('base64'),
        ...(row.raw_job_printer_setup !== null && { printerSetup: JSON.parse(row.raw_job_printer_setup) as RawJobPrinterSetup }),
      },
    }),
  };
}

export class ReceiptStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #byKey: Database.Statement;
  readonly #page: Database.Statement;
  readonly #latest: Database.Statement;
  readonly #count: Database.Statement;
  readonly #reportDrift: Database.Statement;
  readonly #drift: Database.Statement;
  readonly #saveBatch: (sender: BatchSender, receipts: readonly ReceiptSubmission[], drift: readonly DriftNotice[]) => SaveOutcome[];

  private constructor(readonly file: string, db: Database.Database) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO receipts (received_at, agent_id, agent_version, store_id, idempotency_key, basket_id, revision, till_id, link, job_id,
         captured_at, basket_json, basket_sha256, raw_job, raw_job_printer_setup)
       VALUES (@receivedAt, @agentId, @agentVersion, @storeId, @idempotencyKey, @basketId, @revision, @tillId, @link, @jobId,
         @capturedAt, @basketJson, @basketSha256, @rawJob, @rawJobPrinterSetup)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    );
    this.#byKey = db.prepare('SELECT seq, basket_sha256 FROM receipts WHERE idempotency_key = ?');
    this.#page = db.prepare('SELECT * FROM receipts WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#latest = db.prepare('SELECT * FROM receipts WHERE seq < ? ORDER BY seq DESC LIMIT ?');
    this.#count = db.prepare('SELECT count(*) AS n, coalesce(max(seq), 0) AS last FROM receipts');
    this.#reportDrift = db.prepare(
      `INSERT INTO drift_reports (agent_id, link, layout, reconciled_share, since, last_reported_at)
       VALUES (@agentId, @link, @layout, @reconciledShare, @since, @receivedAt)
       ON CONFLICT (agent_id, link, layout) DO UPDATE SET
         reconciled_share = excluded.reconciled_share, since = excluded.since, last_reported_at = excluded.last_reported_at`,
    );
    this.#drift = db.prepare(
      `SELECT agent_id AS agentId, link, layout, reconciled_share AS reconciledShare, since, last_reported_at AS lastReportedAt
       FROM drift_reports ORDER BY last_reported_at DESC, agent_id, link, layout`,
    );
    this.#saveBatch = db.transaction((sender: BatchSender, receipts: readonly ReceiptSubmission[], drift: readonly DriftNotice[]) => {
      const receivedAt = new Date().toISOString();
      for (const notice of drift) this.#reportDrift.run({ agentId: sender.agentId, ...notice, receivedAt });
      return receipts.map((r): SaveOutcome => {
        // The basket as its schema parsed it, so its keys are in the schema's order: the same basket gives the same
        // JSON and hash however its sender ordered them.
        const basketJson = JSON.stringify(r.basket);
        const basketSha256 = createHash('sha256').update(basketJson).digest('hex');
        const { changes } = this.#insert.run({
          receivedAt,
          ...sender,
          idempotencyKey: r.idempotencyKey,
          basketId: r.basketId,
          revision: r.revision,
          tillId: r.tillId,
          link: r.link,
          jobId: r.jobId,
          capturedAt: r.capturedAt,
          basketJson,
          basketSha256,
          rawJob: r.rawJob === undefined ? null : Buffer.from(r.rawJob.data, 'base64'),
          rawJobPrinterSetup: r.rawJob?.printerSetup === undefined ? null : JSON.stringify(r.rawJob.printerSetup),
        });
        if (changes === 1) return { status: 'stored' };
        const held = this.#byKey.get(r.idempotencyKey) as { seq: number; basket_sha256: string };
        return held.basket_sha256 === basketSha256 ? { status: 'duplicate' } : { status: 'conflict', storedSeq: held.seq };
      });
    });
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, 'dev-backend.db');
  }

  static open(dataDir: string): ReceiptStore {
    const file = ReceiptStore.fileIn(dataDir);
    let db: Database.Database;
    try {
      mkdirSync(dataDir, { recursive: true });
      db = new Database(file);
    } catch (error) {
      throw new Error(`cannot open ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      // What the backend acknowledged as stored must survive a power cut, or the agent's exactly-once is a lie.
      db.pragma('synchronous = FULL');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw new Error(`${file} was written by a newer dev-backend (schema ${version})`);
      if (version === 1) db.exec('ALTER TABLE receipts ADD COLUMN raw_job_printer_setup TEXT');
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      return new ReceiptStore(file, db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * All of a batch's receipts in one transaction (one fsync), each stored once per idempotency key. Each basket
   * must be the output of basketSchema (keys in the schema's order), for the duplicate check compares JSON.
   */
  save(sender: BatchSender, receipts: readonly ReceiptSubmission[], drift: readonly DriftNotice[] = []): SaveOutcome[] {
    return this.#saveBatch(sender, receipts, drift);
  }

  /** Every layout drift an agent reported, the latest report first. */
  driftReports(): DriftReport[] {
    return this.#drift.all() as DriftReport[];
  }

  /** Receipts received after `afterSeq`, oldest first. */
  page(afterSeq: number, limit: number): HeldReceipt[] {
    return (this.#page.all(afterSeq, limit) as ReceiptRow[]).map(heldFrom);
  }

  /** The latest receipts before `beforeSeq`, newest first (the web page). */
  latest(beforeSeq: number, limit: number): HeldReceipt[] {
    return (this.#latest.all(beforeSeq, limit) as ReceiptRow[]).map(heldFrom);
  }

  stats(): { count: number; lastSeq: number } {
    const { n, last } = this.#count.get() as { n: number; last: number };
    return { count: n, lastSeq: last };
  }

  /** For tests that need SQLite itself (PRAGMA max_page_count to make the disk full). */
  pragma(statement: string): unknown {
    return this.#db.pragma(statement);
  }

  close(): void {
    this.#db.close();
  }
}
