// The capture tap's far end on the passthrough thread. Chunks are only referenced on the hot path; once per event
// loop turn each session's chunks are joined and handed to a channel (the processing worker), so the passthrough
// pays one copy per turn and never waits. If the far end falls behind by more than maxBacklogBytes, capture is
// shed (and the loss recorded against the job), never printing.
import { log } from '../log.js';
import type { CaptureSink, SessionInfo, SessionTap } from './types.js';

/** Where batches go: the processing worker, or a processor in the same thread (tests). */
export interface CaptureChannel {
  open(session: number, info: SessionInfo): void;
  /** `bytes` is the channel's to keep (or transfer): it is a fresh copy no one else holds. */
  data(session: number, bytes: Uint8Array, at: number): void;
  lost(session: number, byteCount: number): void;
  /** Resolves once every byte handed over for the session is durable (or durability cannot be had now). */
  sync?(session: number): Promise<void>;
  end(session: number, reason: 'session-end' | 'shutdown'): void;
}

/** The longest a finished connection's close waits for its bytes to be durable: printing never waits on a broken store. */
export const DURABLE_WAIT_MS = 2_000;
/**
 * A session's batch is handed over as soon as it holds this much, not only at the end of the turn: in a flood, one
 * turn reads up to 64 KiB many times from every socket, and holding all of it until the turn ends would keep every
 * chunk alive (and copy it once more). A receipt's few KiB still go in one batch.
 */
const FLUSH_AT_BYTES = 64 * 1024;

export interface BatchingSinkOptions {
  maxBacklogBytes: number;
  durableWaitMs?: number;
  /** Told the size of every chunk captured (the daemon's scavenger, daemon/heap-tuning.ts). */
  collectGarbage?: (byteCount: number) => void;
}

interface Batch {
  chunks: Buffer[];
  size: number;
  at: number;
  shed: number;
}

export class BatchingSink implements CaptureSink {
  readonly #channel: CaptureChannel;
  readonly #maxBacklogBytes: number;
  readonly #batches = new Map<number, Batch>();
  readonly #open = new Map<number, SessionInfo>();
  #nextSession = 1;
  #scheduled = false;
  /** Bytes handed to the channel and not yet acknowledged. */
  #backlog = 0;
  /** Bytes in this turn's batches, of every session, not handed over yet: they count towards the limit too. */
  #batched = 0;
  #shedTotal = 0;
  #shedWarned = false;

  readonly #durableWaitMs: number;
  readonly #collectGarbage: BatchingSinkOptions['collectGarbage'];

  constructor(channel: CaptureChannel, options: BatchingSinkOptions) {
    this.#channel = channel;
    this.#maxBacklogBytes = options.maxBacklogBytes;
    this.#durableWaitMs = options.durableWaitMs ?? DURABLE_WAIT_MS;
    this.#collectGarbage = options.collectGarbage;
  }

  get backlogBytes(): number {
    return this.#backlog;
  }

  get shedBytes(): number {
    return this.#shedTotal;
  }

  /** Sessions open now, for re-opening them on a restarted channel. */
  get openSessions(): ReadonlyMap<number, SessionInfo> {
    return this.#open;
  }

  /** The far end has finished with this many bytes. */
  acknowledge(byteCount: number): void {
    this.#backlog = Math.max(0, this.#backlog - byteCount);
    if (this.#shedWarned && this.#backlog < this.#maxBacklogBytes / 2) this.#shedWarned = false;
  }

  /** Bytes in flight were lost with the far end (a crashed worker): stop counting them. */
  resetBacklog(): void {
    this.#backlog = 0;
  }

  openSession(info: SessionInfo): SessionTap {
    const session = this.#nextSession++;
    this.#open.set(session, info);
    this.#channel.open(session, info);
    return {
      bytes: (chunk) => this.#add(session, chunk),
      durable: () => {
        this.#flushSession(session);
        return this.#channel.sync === undefined ? Promise.resolve() : this.#bounded(this.#channel.sync(session));
      },
      end: (reason) => {
        this.#flushSession(session);
        this.#open.delete(session);
        this.#channel.end(session, reason);
      },
    };
  }

  #bounded(durable: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#durableWaitMs);
    });
    return Promise.race([durable.catch(() => undefined), bound]).finally(() => clearTimeout(timer));
  }

  #add(session: number, chunk: Buffer): void {
    let batch = this.#batches.get(session);
    if (batch === undefined) {
      batch = { chunks: [], size: 0, at: Date.now(), shed: 0 };
      this.#batches.set(session, batch);
    }
    if (this.#backlog + this.#batched + chunk.length > this.#maxBacklogBytes) {
      batch.shed += chunk.length;
      this.#shed(chunk.length);
    } else {
      batch.chunks.push(chunk);
      batch.size += chunk.length;
      this.#batched += chunk.length;
      if (batch.size >= FLUSH_AT_BYTES) this.#flushSession(session);
    }
    this.#collectGarbage?.(chunk.length);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushAll);
    }
  }

  readonly #flushAll = (): void => {
    this.#scheduled = false;
    for (const session of this.#batches.keys()) this.#flushSession(session);
  };

  #flushSession(session: number): void {
    const batch = this.#batches.get(session);
    if (batch === undefined) return;
    this.#batches.delete(session);
    this.#batched -= batch.size;
    if (batch.shed > 0) this.#channel.lost(session, batch.shed);
    if (batch.size === 0) return;
    // A copy the channel may transfer: never a view of Node's shared buffer pool.
    const bytes = new Uint8Array(batch.size);
    let offset = 0;
    for (const chunk of batch.chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    this.#backlog += batch.size;
    this.#channel.data(session, bytes, batch.at);
  }

  #shed(byteCount: number): void {
    this.#shedTotal += byteCount;
    if (this.#shedWarned) return;
    this.#shedWarned = true;
    log.error(
      { backlogBytes: this.#backlog, maxBacklogBytes: this.#maxBacklogBytes },
      'capture is shedding bytes: the decoder has fallen behind (printing is not affected); jobs affected are stored raw with the loss noted',
    );
  }
}
