// The outbox: per basket revision and sink, where its delivery stands (pending, in flight, delivered, dead). Rows
// are made by the baskets_to_outbox trigger (schema.ts) in the transaction that stores a basket; forwarders claim
// them with a lease, send them, and settle each with its result. A forwarder killed mid-delivery leaves its claim
// to expire, and the rows are sent again with the same idempotency key: delivered exactly once in effect.
import type Database from 'better-sqlite3';
import type { Basket } from '../extract/basket.js';
import type { Delivery, DeliveryResult } from '../model/index.js';

export type OutboxState = 'pending' | 'in_flight' | 'delivered' | 'dead';

export interface ClaimLimits {
  /** At most this many deliveries. */
  maxCount: number;
  /** At most about this many bytes of basket JSON (and raw jobs when asked), but always at least one. */
  maxBytes: number;
  /** Join each delivery's raw job bytes. */
  withRawJob: boolean;
}

/** One settled delivery, as the forwarder reports it. */
export interface Settlement {
  readonly outboxId: number;
  readonly result: DeliveryResult;
  /** When a `retry` may be tried again (Unix ms). */
  readonly retryAt: number;
  /** True when the item failed while others in its batch went through: it, not the backend, is the problem. */
  readonly itemSpecific: boolean;
}

export interface SinkBacklog {
  readonly sink: string;
  readonly active: boolean;
  readonly pending: number;
  readonly inFlight: number;
  readonly delivered: number;
  readonly dead: number;
  /** Capture time of the oldest basket not yet delivered (ISO), or null. */
  readonly oldestPendingAt: string | null;
  readonly lastDeliveryAt: string | null;
  readonly lastError: string | null;
}

export interface DeadLetter {
  readonly outboxId: number;
  readonly sink: string;
  readonly basketId: string;
  readonly revision: number;
  readonly tillId: string;
  readonly capturedAt: string;
  readonly attempts: number;
  readonly reason: string | null;
}

/** Which deliveries a backfill re-sends. */
export interface RequeueFilter {
  readonly sink: string;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly tillId?: string | undefined;
  /** failed: pending rows that have failed at least once; dead: dead letters; all: every row, delivered ones too. */
  readonly status: 'failed' | 'dead' | 'all';
}

interface ClaimRow {
  id: number;
  attempts: number;
  seq: number;
  basket_id: string;
  revision: number;
  link: string;
  till_id: string;
  job_id: string;
  captured_at: string;
  json: string;
  bytes: Buffer | null;
}

/** How many times one basket may fail on its own (others in its batch delivered) before it is set aside. */
export const DEFAULT_MAX_ITEM_FAILURES = 10;

export class Outbox {
  readonly #db: Database.Database;
  readonly #maxItemFailures: number;
  readonly #statements: ReturnType<typeof prepare>;

  constructor(db: Database.Database, options: { maxItemFailures?: number } = {}) {
    this.#db = db;
    this.#maxItemFailures = options.maxItemFailures ?? DEFAULT_MAX_ITEM_FAILURES;
    this.#statements = prepare(db);
  }

  /** Makes exactly these sinks active (new baskets are queued for them); others keep their rows but get no new ones. */
  registerSinks(names: readonly string[]): void {
    const now = new Date().toISOString();
    this.#db.transaction(() => {
      this.#db.prepare('UPDATE sinks SET active = 0').run();
      const upsert = this.#db.prepare('INSERT INTO sinks (name, active, added_at) VALUES (?, 1, ?) ON CONFLICT (name) DO UPDATE SET active = 1');
      for (const name of names) upsert.run(name, now);
    })();
  }

  /**
   * Claims the next due deliveries of a sink for `owner` until `leaseUntil`: oldest captured first, and never a
   * basket while an earlier one of the same till waits out a backoff or is claimed by someone else.
   */
  claim(sink: string, owner: string, now: number, leaseUntil: number, limits: ClaimLimits): Delivery[] {
    const s = this.#statements;
    // IMMEDIATE: it reads the queue and then writes the leases; a deferred transaction upgrading to write while
    // another process (the daemon, a backfill) writes fails at once with "database is locked" instead of waiting.
    return this.#db.transaction((): Delivery[] => {
      const params = { sink, now, limit: limits.maxCount };
      const due = [...(s.duePending.all(params) as DueRow[]), ...(s.dueExpired.all(params) as DueRow[])];
      const ids = due.sort((a, b) => a.seq - b.seq).slice(0, limits.maxCount).map((r) => r.id);
      const deliveries: Delivery[] = [];
      let bytes = 0;
      for (const id of ids) {
        const row = (limits.withRawJob ? s.rowWithJob : s.row).get(id) as ClaimRow;
        const size = row.json.length + (row.bytes?.length ?? 0) * 1.34;
        if (deliveries.length > 0 && bytes + size > limits.maxBytes) break;
        bytes += size;
        s.lease.run({ id, owner, leaseUntil });
        deliveries.push({
          outboxId: row.id,
          idempotencyKey: `${row.basket_id}:${row.revision}`,
          basketId: row.basket_id,
          revision: row.revision,
          seq: row.seq,
          link: row.link,
          tillId: row.till_id,
          jobId: row.job_id,
          capturedAt: row.captured_at,
          attempts: row.attempts,
          basket: JSON.parse(row.json) as Basket,
          ...(row.bytes !== null && { rawJob: row.bytes }),
        });
      }
      return deliveries;
    }).immediate();
  }

  /** Records each result; only rows still claimed by `owner` change (a lease that expired was taken over). */
  settle(owner: string, now: number, settlements: readonly Settlement[]): void {
    const s = this.#statements;
    this.#db.transaction(() => {
      for (const { outboxId: id, result, retryAt, itemSpecific } of settlements) {
        switch (result.outcome) {
          case 'delivered':
            s.delivered.run({ id, owner, now });
            break;
          case 'rejected':
            s.dead.run({ id, owner, reason: `rejected: ${result.reason}` });
            break;
          case 'retry':
            s.retry.run({ id, owner, reason: result.reason, retryAt, itemFailure: itemSpecific ? 1 : 0, max: this.#maxItemFailures });
            break;
        }
      }
    })();
  }

  /** Gives back claims that were not sent (a stop before the batch went out), due at once. */
  release(owner: string, ids: readonly number[]): void {
    const release = this.#statements.release;
    this.#db.transaction(() => {
      for (const id of ids) release.run({ id, owner });
    })();
  }

  /** Who holds claims right now (live or expired): for a forwarder to find the claims of processes that died. */
  claimOwners(): string[] {
    return (this.#db.prepare(`SELECT DISTINCT lease_owner AS owner FROM outbox WHERE state = 'in_flight'`).all() as { owner: string | null }[])
      .map((r) => r.owner)
      .filter((o): o is string => o !== null);
  }

  /** Gives back the claims of an owner that is gone (a killed daemon or backfill): due again at once. */
  releaseOwner(owner: string): number {
    return this.#db
      .prepare(`UPDATE outbox SET state = 'pending', lease_owner = NULL, lease_until = NULL WHERE state = 'in_flight' AND lease_owner = ?`)
      .run(owner).changes;
  }

  /** Sets matching rows due again (attempts and failures reset), delivered ones included for status `all`. */
  requeue(filter: RequeueFilter, now: number): number {
    const states = filter.status === 'failed' ? ['pending'] : filter.status === 'dead' ? ['dead'] : ['pending', 'delivered', 'dead'];
    const failedOnly = filter.status === 'failed' ? 'AND o.attempts > 0' : '';
    const result = this.#db
      .prepare(
        `UPDATE outbox AS o SET state = 'pending', attempts = 0, item_failures = 0, next_attempt_at = @now, lease_owner = NULL, lease_until = NULL
         FROM baskets b
         WHERE b.seq = o.basket_seq AND o.sink = @sink AND o.state IN (${states.map((st) => `'${st}'`).join(', ')}) ${failedOnly}
           AND (@from IS NULL OR b.captured_at >= @from) AND (@to IS NULL OR b.captured_at < @to)
           AND (@till IS NULL OR o.till_id = @till)`,
      )
      .run({ sink: filter.sink, now, from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null, till: filter.tillId ?? null });
    return result.changes;
  }

  /**
   * Makes sure each sink has a row in `sinks` (the outbox refers to it), leaving existing ones as they are: a
   * backfill must not start queueing live baskets for a sink that no daemon forwards to.
   */
  ensureSinks(names: readonly string[]): void {
    const insert = this.#db.prepare('INSERT INTO sinks (name, active, added_at) VALUES (?, 0, ?) ON CONFLICT (name) DO NOTHING');
    const now = new Date().toISOString();
    for (const name of names) insert.run(name, now);
  }

  /**
   * Queues the latest revision of baskets that have no row for a sink yet (stored before it existed or while it
   * was not active), optionally only those stored after `afterSeq`.
   */
  enqueueMissing(
    sink: string,
    filter: { from?: Date | undefined; to?: Date | undefined; tillId?: string | undefined; afterSeq?: number },
    now: number,
  ): number {
    return this.#db
      .prepare(
        `INSERT INTO outbox (sink, basket_seq, till_id, created_at, next_attempt_at)
         SELECT @sink, b.seq, b.till_id, @now, @now FROM baskets b
         WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.sink = @sink AND o.basket_seq = b.seq)
           AND NOT EXISTS (SELECT 1 FROM baskets n WHERE n.id = b.id AND n.revision > b.revision)
           AND (@from IS NULL OR b.captured_at >= @from) AND (@to IS NULL OR b.captured_at < @to)
           AND (@till IS NULL OR b.till_id = @till) AND b.seq > @afterSeq`,
      )
      .run({ sink, now, from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null, till: filter.tillId ?? null, afterSeq: filter.afterSeq ?? 0 })
      .changes;
  }

  /** Pending (due or not) and in-flight rows of a sink: what a forwarder still has to do. */
  undelivered(sink: string): number {
    return (this.#statements.undelivered.get(sink) as { n: number }).n;
  }

  backlog(): SinkBacklog[] {
    const rows = this.#statements.backlog.all() as {
      sink: string;
      active: number;
      pending: number;
      in_flight: number;
      delivered: number;
      dead: number;
      oldest_pending_at: string | null;
      last_delivery_at: number | null;
    }[];
    return rows.map((r) => ({
      sink: r.sink,
      active: r.active === 1,
      pending: r.pending,
      inFlight: r.in_flight,
      delivered: r.delivered,
      dead: r.dead,
      oldestPendingAt: r.oldest_pending_at,
      lastDeliveryAt: r.last_delivery_at === null ? null : new Date(r.last_delivery_at).toISOString(),
      lastError: (this.#statements.lastError.get(r.sink) as { last_error: string } | undefined)?.last_error ?? null,
    }));
  }

  deadLetters(limit = 20, sink?: string): DeadLetter[] {
    const rows = this.#statements.deadLetters.all({ limit, sink: sink ?? null }) as {
      id: number;
      sink: string;
      basket_id: string;
      revision: number;
      till_id: string;
      captured_at: string;
      attempts: number;
      last_error: string | null;
    }[];
    return rows.map((r) => ({
      outboxId: r.id,
      sink: r.sink,
      basketId: r.basket_id,
      revision: r.revision,
      tillId: r.till_id,
      capturedAt: r.captured_at,
      attempts: r.attempts,
      reason: r.last_error,
    }));
  }

  /** Idempotency keys of a sink's rows in one state (tests and diagnostics). */
  keys(sink: string, state: OutboxState): string[] {
    return (
      this.#db
        .prepare(`SELECT b.id || ':' || b.revision AS key FROM outbox o JOIN baskets b ON b.seq = o.basket_seq WHERE o.sink = ? AND o.state = ? ORDER BY o.basket_seq`)
        .all(sink, state) as { key: string }[]
    ).map((r) => r.key);
  }

  /** Rows of one state for a sink (tests and diagnostics). */
  count(sink: string, state: OutboxState): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM outbox WHERE sink = ? AND state = ?').get(sink, state) as { n: number }).n;
  }
}

/**
 * Per till, the first row that holds the rest back: pending and waiting out a backoff, or claimed and leased.
 * Materialized: computed once per claim, not once per row looked at.
 */
const HELD = `WITH held AS MATERIALIZED (
   SELECT till_id, min(basket_seq) AS from_seq FROM (
     SELECT till_id, basket_seq FROM outbox WHERE sink = @sink AND state = 'pending' AND next_attempt_at > @now
     UNION ALL
     SELECT till_id, basket_seq FROM outbox WHERE sink = @sink AND state = 'in_flight' AND lease_until >= @now
   ) GROUP BY till_id
 )`;

/** The due rows of one state, in capture order, past none of their till's held rows. */
function dueIn(state: string): string {
  return `${HELD} SELECT o.id, o.basket_seq AS seq FROM outbox o INDEXED BY outbox_queue
    LEFT JOIN held h ON h.till_id = o.till_id
    WHERE o.sink = @sink AND ${state} AND (h.from_seq IS NULL OR o.basket_seq < h.from_seq)
    ORDER BY o.basket_seq LIMIT @limit`;
}

interface DueRow {
  id: number;
  seq: number;
}

function prepare(db: Database.Database) {
  const rowColumns = `o.id, o.attempts, b.seq, b.id AS basket_id, b.revision, b.link, b.till_id, b.job_id, b.captured_at, b.json`;
  return {
    // Due rows in capture order, skipping every till from its first row that is waiting out a backoff or is
    // claimed by a live lease: a till's receipts are offered in the order they were printed. One statement per
    // state (pending and due; claimed with a lapsed lease), each walking outbox_queue (sink, state, basket_seq)
    // and stopping at the limit; claim merges the two. One query that gathered every ready row and sorted them
    // made each claim cost the whole backlog (a 100,000-basket backfill spent a third of its time there).
    duePending: db.prepare(dueIn("o.state = 'pending' AND o.next_attempt_at <= @now")),
    dueExpired: db.prepare(dueIn("o.state = 'in_flight' AND o.lease_until < @now")),
    row: db.prepare(`SELECT ${rowColumns}, NULL AS bytes FROM outbox o JOIN baskets b ON b.seq = o.basket_seq WHERE o.id = ?`),
    rowWithJob: db.prepare(
      `SELECT ${rowColumns}, j.bytes FROM outbox o JOIN baskets b ON b.seq = o.basket_seq JOIN jobs j ON j.id = b.job_id WHERE o.id = ?`,
    ),
    lease: db.prepare(`UPDATE outbox SET state = 'in_flight', lease_owner = @owner, lease_until = @leaseUntil WHERE id = @id`),
    delivered: db.prepare(
      `UPDATE outbox SET state = 'delivered', delivered_at = @now, attempts = attempts + 1, lease_owner = NULL, lease_until = NULL, last_error = NULL
       WHERE id = @id AND state = 'in_flight' AND lease_owner = @owner`,
    ),
    dead: db.prepare(
      `UPDATE outbox SET state = 'dead', attempts = attempts + 1, lease_owner = NULL, lease_until = NULL, last_error = @reason
       WHERE id = @id AND state = 'in_flight' AND lease_owner = @owner`,
    ),
    retry: db.prepare(
      `UPDATE outbox SET attempts = attempts + 1, item_failures = item_failures + @itemFailure, last_error = @reason,
         lease_owner = NULL, lease_until = NULL, next_attempt_at = @retryAt,
         state = CASE WHEN item_failures + @itemFailure >= @max THEN 'dead' ELSE 'pending' END
       WHERE id = @id AND state = 'in_flight' AND lease_owner = @owner`,
    ),
    release: db.prepare(
      `UPDATE outbox SET state = 'pending', lease_owner = NULL, lease_until = NULL WHERE id = @id AND state = 'in_flight' AND lease_owner = @owner`,
    ),
    undelivered: db.prepare(`SELECT count(*) AS n FROM outbox WHERE sink = ? AND state IN ('pending', 'in_flight')`),
    backlog: db.prepare(
      `SELECT s.name AS sink, s.active,
         (SELECT count(*) FROM outbox WHERE sink = s.name AND state = 'pending') AS pending,
         (SELECT count(*) FROM outbox WHERE sink = s.name AND state = 'in_flight') AS in_flight,
         (SELECT count(*) FROM outbox WHERE sink = s.name AND state = 'delivered') AS delivered,
         (SELECT count(*) FROM outbox WHERE sink = s.name AND state = 'dead') AS dead,
         (SELECT b.captured_at FROM outbox o JOIN baskets b ON b.seq = o.basket_seq
            WHERE o.sink = s.name AND o.state IN ('pending', 'in_flight') ORDER BY o.basket_seq LIMIT 1) AS oldest_pending_at,
         (SELECT max(delivered_at) FROM outbox WHERE sink = s.name AND state = 'delivered') AS last_delivery_at
       FROM sinks s ORDER BY s.name`,
    ),
    lastError: db.prepare(
      `SELECT last_error FROM outbox WHERE sink = ? AND state IN ('pending', 'dead') AND last_error IS NOT NULL ORDER BY attempts DESC, basket_seq DESC LIMIT 1`,
    ),
    deadLetters: db.prepare(
      `SELECT o.id, o.sink, b.id AS basket_id, b.revision, o.till_id, b.captured_at, o.attempts, o.last_error
       FROM outbox o JOIN baskets b ON b.seq = o.basket_seq
       WHERE o.state = 'dead' AND (@sink IS NULL OR o.sink = @sink) ORDER BY o.basket_seq DESC LIMIT @limit`,
    ),
  };
}
