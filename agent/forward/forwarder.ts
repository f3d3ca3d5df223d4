// Drives one sink from the outbox: claim the next due baskets, send them as a batch, settle each result. The
// shared batching and retry policy of every sink lives here (sinks only send). Runs in the daemon's processing
// worker (host.ts) and in `posbridge backfill`; it never touches capture.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import type { BatchContext, Delivery, DeliveryResult, Sink } from '../model/index.js';
import type { Outbox, Settlement } from '../store/outbox.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { DeliverySettings } from './settings.js';

export interface ForwarderOptions {
  readonly sink: Sink;
  readonly outbox: Outbox;
  readonly settings: DeliverySettings;
  /** Who holds the claims (unique per process), so two forwarders never settle each other's rows. */
  readonly owner: string;
  readonly logger: Logger;
  readonly context: () => BatchContext;
  /** A claim not settled in this long is taken back by any forwarder. Default 60 s. */
  readonly leaseMs?: number;
  /** How often to look for new rows when nobody wakes it (rows added by another process). Default 1000. */
  readonly pollMs?: number;
  readonly onBatch?: (event: BatchEvent) => void;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** Reported after every batch: what metrics, status and the backfill progress count. */
export interface BatchEvent {
  readonly sink: string;
  readonly size: number;
  readonly delivered: number;
  readonly duplicates: number;
  readonly retried: number;
  readonly dead: number;
  readonly durationMs: number;
  readonly error: string | null;
}

export interface BatchOutcome extends BatchEvent {
  /** When the next batch may go (Unix ms): later than now after a failure of the whole batch. */
  readonly nextAt: number;
}

/**
 * How long a claim holds. Longer than any send takes (sinks time out well within it), short enough that a
 * backfill killed mid-send holds its baskets back only briefly; the daemon gives back its own at once on start.
 */
const DEFAULT_LEASE_MS = 60_000;

export class Forwarder {
  readonly #o: ForwarderOptions;
  readonly #policy: BackoffPolicy;
  readonly #leaseMs: number;
  readonly #now: () => number;
  readonly #random: () => number;
  /** Batches in a row that failed as a whole: the backend, not a basket, is the trouble. */
  #failures = 0;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  readonly #abort = new AbortController();
  #lastError: string | null = null;

  constructor(options: ForwarderOptions) {
    this.#o = options;
    this.#policy = { initialMs: options.settings.retry.initialMs, maxMs: options.settings.retry.maxMs };
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  get sinkName(): string {
    return this.#o.sink.name;
  }

  get lastError(): string | null {
    return this.#lastError;
  }

  /** Sends batches for as long as it runs: due rows at once, new rows after the linger, failures after backoff. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** New baskets were stored: look now instead of at the next poll. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Stops after the batch in flight (whose results are still recorded), or at once when `abort`. */
  async stop(options: { abort?: boolean } = {}): Promise<void> {
    this.#running = false;
    if (options.abort === true) this.#abort.abort();
    this.#wake?.();
    await this.#loop;
  }

  /**
   * One claim → send → settle cycle over the rows due now (null when none is due). Used by the loop, and by
   * backfill to deliver at its own pace.
   */
  async deliverOnce(): Promise<BatchOutcome | null> {
    const { sink, outbox, settings, owner } = this.#o;
    const started = this.#now();
    const batch = outbox.claim(sink.name, owner, started, started + this.#leaseMs, {
      maxCount: settings.batch.maxCount,
      maxBytes: settings.batch.maxBytes,
      withRawJob: sink.wantsRawJob,
    });
    if (batch.length === 0) return null;
    let results: DeliveryResult[];
    try {
      results = await sink.send(batch, this.#o.context(), this.#abort.signal);
      if (results.length !== batch.length) throw new Error(`sink ${sink.name} returned ${results.length} results for ${batch.length} baskets`);
    } catch (error) {
      if (this.#abort.signal.aborted) {
        // Stopping mid-send: whether the backend stored them is unknown; the same keys go again next time.
        outbox.release(owner, batch.map((d) => d.outboxId));
        return null;
      }
      results = batch.map(() => ({ outcome: 'retry', reason: `sink failed: ${(error as Error).message}` }));
    }
    return this.#settle(batch, results, started);
  }

  #settle(batch: readonly Delivery[], results: readonly DeliveryResult[], started: number): BatchOutcome {
    const now = this.#now();
    const through = results.some((r) => r.outcome !== 'retry');
    if (through) this.#failures = 0;
    else this.#failures++;
    const hinted = Math.max(0, ...results.map((r) => (r.outcome === 'retry' ? (r.retryAfterMs ?? 0) : 0)));
    const batchWait = through ? 0 : Math.max(hinted, backoffDelay(this.#failures, this.#policy, this.#random));
    const settlements: Settlement[] = results.map((result, i) => {
      const delivery = batch[i]!;
      // A basket that failed alone backs off on its own (and its till's later baskets wait behind it).
      const own = through ? Math.max(result.outcome === 'retry' ? (result.retryAfterMs ?? 0) : 0, backoffDelay(delivery.attempts + 1, this.#policy, this.#random)) : batchWait;
      return { outboxId: delivery.outboxId, result, retryAt: now + own, itemSpecific: through };
    });
    this.#o.outbox.settle(this.#o.owner, now, settlements);

    let delivered = 0;
    let duplicates = 0;
    let retried = 0;
    let dead = 0;
    let firstError: string | null = null;
    for (const r of results) {
      if (r.outcome === 'delivered') {
        delivered++;
        if (r.duplicate === true) duplicates++;
      } else {
        firstError ??= r.reason;
        if (r.outcome === 'retry') retried++;
        else dead++;
      }
    }
    this.#lastError = firstError ?? (through ? null : this.#lastError);
    const event: BatchEvent = { sink: this.#o.sink.name, size: batch.length, delivered, duplicates, retried, dead, durationMs: now - started, error: firstError };
    this.#report(event, batchWait);
    this.#o.onBatch?.(event);
    return { ...event, nextAt: now + batchWait };
  }

  #report(event: BatchEvent, waitMs: number): void {
    const log = this.#o.logger;
    if (event.dead > 0) log.error({ sink: event.sink, dead: event.dead, reason: event.error }, 'baskets set aside as dead letters (see posbridge status)');
    if (event.retried === event.size) {
      // One line per outage, then one every 10 failures, so a week-long outage does not fill the journal.
      if (this.#failures === 1 || this.#failures % 10 === 0) {
        log.warn({ sink: event.sink, reason: event.error, failures: this.#failures, retryInMs: waitMs }, 'backend not taking baskets; keeping them and retrying');
      }
    } else if (this.#failures === 0 && event.delivered > 0) {
      log.debug({ sink: event.sink, delivered: event.delivered, duplicates: event.duplicates, ms: event.durationMs }, 'baskets delivered');
    }
  }

  async #run(): Promise<void> {
    const pollMs = this.#o.pollMs ?? 1_000;
    const linger = this.#o.settings.batch.lingerMs;
    let backlogged = true;
    while (this.#running) {
      let outcome: BatchOutcome | null = null;
      try {
        if (!backlogged && linger > 0) await sleep(linger);
        outcome = await this.deliverOnce();
      } catch (error) {
        // The store failed (disk full, locked): nothing was claimed or settled; try again after a backoff.
        this.#failures++;
        this.#lastError = `outbox: ${(error as Error).message}`;
        this.#o.logger.error({ sink: this.#o.sink.name, reason: (error as Error).message }, 'cannot read or update the outbox; retrying');
        await this.#idle(backoffDelay(this.#failures, this.#policy, this.#random));
        continue;
      }
      if (outcome === null) {
        backlogged = false;
        await this.#idle(pollMs);
      } else {
        backlogged = outcome.size >= this.#o.settings.batch.maxCount;
        const wait = outcome.nextAt - this.#now();
        if (wait > 0) await this.#idle(wait, false);
        if (outcome.retried === outcome.size) backlogged = true;
      }
    }
  }

  /** Waits `ms`, or less when woken (unless a backoff is being waited out). */
  async #idle(ms: number, wakeable = true): Promise<void> {
    if (!this.#running) return;
    if (wakeable && this.#woken) {
      this.#woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = wakeable ? done : () => (this.#running ? undefined : done());
    });
    this.#wake = undefined;
    this.#woken = false;
  }
}
