// What the processing worker saves jobs through: save() never throws and never loses a job it can hold. Jobs
// saved in the same event-loop turn (a chunk holding many receipts) share one transaction, so one fsync. When the
// store fails (disk full, I/O error, locked) jobs wait in memory, oldest first, and are retried in order; past
// maxPendingBytes the oldest are dropped, each named in the log. One error is logged per outage, not per job.
import { log, type Logger } from '../log.js';
import type { Basket } from '../extract/index.js';
import type { JobRecord, SavedJob, Store } from './store.js';

export interface JobWriterOptions {
  retryMs?: number;
  maxPendingBytes?: number;
  /** Where its errors go; the agent's logger by default. */
  logger?: Logger;
  /** Told when the store starts failing (with why) and when it is writable again (null), for /healthz. */
  onStoreState?: (problem: string | null) => void;
}

export class JobWriter {
  readonly #store: Store;
  readonly #retryMs: number;
  readonly #maxPendingBytes: number;
  readonly #queue: SavedJob[] = [];
  #pendingBytes = 0;
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;
  #scheduled = false;
  #closed = false;
  readonly #log: Logger;
  readonly #onStoreState: ((problem: string | null) => void) | undefined;

  constructor(store: Store, options: JobWriterOptions = {}) {
    this.#onStoreState = options.onStoreState;
    this.#store = store;
    this.#retryMs = options.retryMs ?? 5_000;
    this.#maxPendingBytes = options.maxPendingBytes ?? 128 * 1024 * 1024;
    this.#log = (options.logger ?? log).child({ component: 'store' });
  }

  get pending(): number {
    return this.#queue.length;
  }

  get dropped(): number {
    return this.#dropped;
  }

  save(job: JobRecord, baskets: readonly Basket[]): void {
    this.#queue.push({ job, baskets });
    this.#pendingBytes += job.bytes.length;
    if (this.#failing) {
      // Behind earlier failed jobs: wait for the retry, so jobs are stored in capture order.
      this.#shed();
      return;
    }
    if (!this.#scheduled && !this.#closed) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        if (!this.#failing) this.flush();
      });
    }
  }

  /** Writes everything pending now; true when nothing is left. */
  flush(): boolean {
    if (this.#queue.length > 0) {
      try {
        this.#store.saveJobs(this.#queue);
      } catch (error) {
        this.#failed(error as Error);
        return false;
      }
      this.#queue.length = 0;
      this.#pendingBytes = 0;
    }
    if (this.#failing) {
      this.#failing = false;
      this.#log.info({ dropped: this.#dropped }, 'the store is writable again; every job still held has been stored');
      this.#onStoreState?.(null);
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return true;
  }

  /** Stops retrying; jobs still pending stay countable and can still be written with flush(). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #failed(error: Error): void {
    if (!this.#failing) {
      this.#failing = true;
      this.#log.error(
        { reason: error.message, code: (error as { code?: unknown }).code, retryMs: this.#retryMs },
        'cannot store captured jobs; holding them in memory and retrying (printing is not affected)',
      );
      this.#onStoreState?.(error.message);
    }
    this.#shed();
    if (this.#timer === undefined && !this.#closed) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, this.#retryMs);
      this.#timer.unref?.();
    }
  }

  #shed(): void {
    while (this.#pendingBytes > this.#maxPendingBytes && this.#queue.length > 1) {
      const oldest = this.#queue.shift()!;
      this.#pendingBytes -= oldest.job.bytes.length;
      this.#dropped++;
      this.#log.error({ job: oldest.job.id, link: oldest.job.link, size: oldest.job.bytes.length }, 'job dropped: the store has been failing and the memory for held jobs is full');
    }
  }
}
