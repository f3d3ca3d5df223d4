// The database schema, as numbered migrations applied in order; PRAGMA user_version records the last one
// applied, so a newer posbridge upgrades an older database in place and later issues add migrations here.
export const MIGRATIONS: readonly string[] = [
  // 1: raw jobs exactly as captured, and the baskets extracted from them.
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     link TEXT NOT NULL,
     till_id TEXT NOT NULL,
     peer TEXT NOT NULL,
     captured_at TEXT NOT NULL,
     ended_by TEXT NOT NULL,
     size INTEGER NOT NULL,
     bytes BLOB NOT NULL,
     decode_error TEXT
   );
   CREATE INDEX jobs_captured_at ON jobs (captured_at);
   CREATE TABLE baskets (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     job_id TEXT NOT NULL REFERENCES jobs (id),
     link TEXT NOT NULL,
     till_id TEXT NOT NULL,
     captured_at TEXT NOT NULL,
     transaction_at TEXT,
     kind TEXT NOT NULL,
     total INTEGER,
     currency TEXT,
     item_count INTEGER NOT NULL,
     confidence REAL NOT NULL,
     json TEXT NOT NULL,
     UNIQUE (id, revision)
   );
   CREATE INDEX baskets_captured_at ON baskets (captured_at);
   CREATE INDEX baskets_job ON baskets (job_id);`,
  // 2: the outbox. One row per basket revision and sink, made by a trigger inside the transaction that stores the
  // basket, so every producer (live capture, OCR, backfill, import) feeds forwarding the same way and a basket is
  // never stored without its deliveries. Sinks are registered by the daemon from its config; a basket stored
  // while no sink is active waits for `posbridge backfill`. next_attempt_at and lease_until are Unix ms.
  `CREATE TABLE sinks (
     name TEXT PRIMARY KEY,
     active INTEGER NOT NULL DEFAULT 1,
     added_at TEXT NOT NULL
   );
   CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     sink TEXT NOT NULL REFERENCES sinks (name),
     basket_seq INTEGER NOT NULL REFERENCES baskets (seq) ON DELETE CASCADE,
     till_id TEXT NOT NULL,
     state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_flight', 'delivered', 'dead')),
     attempts INTEGER NOT NULL DEFAULT 0,
     item_failures INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL DEFAULT 0,
     lease_owner TEXT,
     lease_until INTEGER,
     last_error TEXT,
     created_at INTEGER NOT NULL,
     delivered_at INTEGER,
     UNIQUE (sink, basket_seq)
   );
   -- The queue in capture order, and the rows waiting out a backoff (which hold back their till's later rows).
   CREATE INDEX outbox_queue ON outbox (sink, state, basket_seq);
   CREATE INDEX outbox_waiting ON outbox (sink, state, next_attempt_at);
   CREATE TRIGGER baskets_to_outbox AFTER INSERT ON baskets BEGIN
     INSERT INTO outbox (sink, basket_seq, till_id, created_at)
       SELECT name, NEW.seq, NEW.till_id, CAST(unixepoch('subsec') * 1000 AS INTEGER) FROM sinks WHERE active = 1;
   END;`,
  // 3: the capture journal, PAN-masked raw bytes persisted
  // before they are decoded, so a crash loses no byte the till sent (replayed into jobs at the next start); and
  // dead letters, jobs the store refused for a reason of their own, kept with that reason instead of blocking the rest.
  `CREATE TABLE capture_sessions (
     key TEXT PRIMARY KEY,
     link TEXT NOT NULL,
     till_id TEXT NOT NULL,
     peer TEXT NOT NULL,
     opened_at TEXT NOT NULL,
     consumed INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE capture_chunks (
     session_key TEXT NOT NULL REFERENCES capture_sessions (key) ON DELETE CASCADE,
     offset INTEGER NOT NULL,
     at INTEGER NOT NULL,
     bytes BLOB NOT NULL,
     PRIMARY KEY (session_key, offset)
   ) WITHOUT ROWID;
   CREATE TABLE dead_jobs (
     id TEXT PRIMARY KEY,
     link TEXT NOT NULL,
     till_id TEXT NOT NULL,
     peer TEXT NOT NULL,
     captured_at TEXT NOT NULL,
     ended_by TEXT NOT NULL,
     size INTEGER NOT NULL,
     bytes BLOB,
     decode_error TEXT,
     baskets_json TEXT,
     reason TEXT NOT NULL,
     dead_at TEXT NOT NULL
   );`,
];
