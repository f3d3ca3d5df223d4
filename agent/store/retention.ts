// Retention: delivered raw jobs are kept for re-parsing for a while (age) and up to a size, then pruned with their
// baskets and outbox rows. A job with any basket not yet delivered to every sink it was queued for (pending, in
// flight or dead) is never pruned; when such jobs alone pass the size cap, that is reported, not hidden.
import type Database from 'better-sqlite3';

export interface RetentionPolicy {
  readonly maxAgeDays: number;
  readonly maxBytes: number;
}

export interface PruneResult {
  readonly prunedJobs: number;
  readonly prunedBytes: number;
  /** Raw bytes still held after pruning. */
  readonly keptBytes: number;
  /** Of those, bytes of jobs that cannot be pruned because a basket is still undelivered. */
  readonly undeliveredBytes: number;
}

const DAY_MS = 86_400_000;
const BATCH = 500;

export function pruneDelivered(db: Database.Database, policy: RetentionPolicy, now = Date.now()): PruneResult {
  // A job is prunable when no basket of it has an outbox row that is not delivered.
  const prunable = `NOT EXISTS (SELECT 1 FROM baskets b JOIN outbox o ON o.basket_seq = b.seq WHERE b.job_id = j.id AND o.state <> 'delivered')`;
  const byAge = db.prepare(`SELECT j.id, j.size FROM jobs j WHERE j.captured_at < ? AND ${prunable} ORDER BY j.captured_at LIMIT ${BATCH}`);
  const oldest = db.prepare(`SELECT j.id, j.size FROM jobs j WHERE ${prunable} ORDER BY j.captured_at LIMIT ${BATCH}`);
  const deleteBaskets = db.prepare('DELETE FROM baskets WHERE job_id = ?');
  const deleteJob = db.prepare('DELETE FROM jobs WHERE id = ?');
  const total = (): number => (db.prepare('SELECT coalesce(sum(size), 0) AS n FROM jobs').get() as { n: number }).n;

  let prunedJobs = 0;
  let prunedBytes = 0;
  const remove = db.transaction((rows: { id: string; size: number }[]) => {
    for (const row of rows) {
      deleteBaskets.run(row.id);
      deleteJob.run(row.id);
      prunedJobs++;
      prunedBytes += row.size;
    }
  });

  const cutoff = new Date(now - policy.maxAgeDays * DAY_MS).toISOString();
  for (;;) {
    const rows = byAge.all(cutoff) as { id: string; size: number }[];
    if (rows.length === 0) break;
    remove(rows);
  }
  let held = total();
  while (held > policy.maxBytes) {
    const rows = oldest.all() as { id: string; size: number }[];
    if (rows.length === 0) break;
    const needed: { id: string; size: number }[] = [];
    for (const row of rows) {
      if (held <= policy.maxBytes) break;
      needed.push(row);
      held -= row.size;
    }
    remove(needed);
  }
  const undeliveredBytes = (
    db
      .prepare(`SELECT coalesce(sum(j.size), 0) AS n FROM jobs j WHERE NOT (${prunable})`)
      .get() as { n: number }
  ).n;
  return { prunedJobs, prunedBytes, keptBytes: total(), undeliveredBytes };
}
