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
  // 2 (issue 14; renumber at merge if another lands first): the capture journal, PAN-masked raw bytes persisted
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
